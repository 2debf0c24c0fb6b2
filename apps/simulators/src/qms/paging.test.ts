import { afterEach, describe, expect, it } from 'vitest';
import { client, startQmsSimulator, type QmsSimulator } from './test-support.ts';

let sim: QmsSimulator | undefined;
afterEach(async () => sim?.close());

interface Page {
  items: Array<{ id: string; updatedAt: string }>;
  next: string | null;
}

describe('QMS collection paging', () => {
  it('returns every record changed since updatedSince exactly once across cursor pages, in (updatedAt, id) order', async () => {
    sim = await startQmsSimulator();
    sim.ctx.clock.freeze(Date.parse('2026-03-02T08:00:00Z'));
    const api = client(sim);
    const made: string[] = [];
    for (let i = 0; i < 23; i++) {
      // Several records share a millisecond: the id breaks the tie.
      if (i % 3 === 0) sim.ctx.clock.advance(1000);
      made.push(String((await api.post('/quality-events', { kind: 'complaint', description: `c${i}` })).body.id));
    }
    // An early one changes later: it moves to the end of the order, and is still seen once.
    sim.ctx.clock.advance(1000);
    await api.call('PATCH', `/quality-events/${made[0]!}`, { classification: 'minor' });

    const seen: string[] = [];
    let path: string | null = `/quality-events?updatedSince=2026-03-02T08:00:00Z&limit=5`;
    let pages = 0;
    while (path) {
      const res: Awaited<ReturnType<typeof api.get<Page>>> = await api.get<Page>(path.replace('/qms/api/v1', ''));
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(5);
      seen.push(...res.body.items.map((r) => r.id));
      path = res.body.next;
      pages++;
    }
    expect(pages).toBe(5);
    expect(seen).toHaveLength(23);
    expect(new Set(seen)).toEqual(new Set(made));
    expect(seen[seen.length - 1]).toBe(made[0]);
    // The seeded deviation (changed in 2025) is before updatedSince.
    expect(seen).not.toContain('QE-000001');

    const all = await api.get<Page>('/quality-events?limit=200');
    const order = all.body.items.map((r) => [r.updatedAt, r.id].join('|'));
    expect(order).toEqual([...order].sort());
    expect(all.body.items).toHaveLength(24);
  });

  it('filters on fields (lists by membership) and refuses a bad limit or cursor', async () => {
    sim = await startQmsSimulator();
    const api = client(sim);
    await api.post('/quality-events', { kind: 'deviation', description: 'a', affectedLots: ['L1', 'L2'] });
    await api.post('/quality-events', { kind: 'deviation', description: 'b', affectedLots: ['L2'] });
    await api.post('/quality-events', { kind: 'complaint', description: 'c', affectedLots: ['L3'] });
    expect((await api.get<Page>('/quality-events?affectedLots=L2')).body.items).toHaveLength(2);
    expect(
      (await api.get<Page>('/quality-events?affectedLots=L2&kind=deviation&state=opened')).body.items,
    ).toHaveLength(2);
    const tooMany = await api.get('/quality-events?limit=201');
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ error: { code: 'INVALID_QUERY', parameter: 'limit' } });
    expect((await api.get('/quality-events?cursor=garbage')).body).toMatchObject({ error: { code: 'INVALID_CURSOR' } });
    expect((await api.get('/quality-events?updatedSince=yesterday')).body).toMatchObject({
      error: { code: 'INVALID_QUERY', parameter: 'updatedSince' },
    });
  });
});
