import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { client, INSPECTION, startQmsSimulator, startReceiver, type QmsSimulator } from './test-support.ts';

let sim: QmsSimulator | undefined;
let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
afterEach(async () => {
  await sim?.close();
  await receiver?.close();
});

const SECRET = 'whsec-test-0001';

/** What Millrace's trigger.webhook checks for `auth: { kind: 'hmac-sha256' }`: hex HMAC of the raw body. */
const expected = (raw: string, secret = SECRET) => createHmac('sha256', secret).update(raw).digest('hex');

describe('QMS webhooks', () => {
  it('signs every delivery with the hex HMAC-SHA256 of the raw body, and the body carries the event', async () => {
    receiver = await startReceiver();
    sim = await startQmsSimulator({ webhooks: [{ url: receiver.url, secret: SECRET }] });
    const api = client(sim);
    const created = await api.post('/inspections', INSPECTION);
    const got = await receiver.waitFor((r) => r.length >= 1);
    const first = got[0]!;
    expect(first.headers['x-qms-signature']).toBe(expected(first.raw));
    expect(first.headers['x-qms-signature']).toMatch(/^[0-9a-f]{64}$/);
    expect(first.headers['x-qms-signature']).not.toBe(expected(first.raw, 'another-secret'));
    expect(first.body).toEqual({
      eventId: expect.stringMatching(/^evt-/),
      type: 'inspection.created',
      occurredAt: expect.any(String),
      sequence: expect.any(Number),
      data: expect.objectContaining({ id: created.body.id, lotId: INSPECTION.lotId, state: 'created', revision: 1 }),
    });
    expect(Number(first.headers['x-qms-timestamp'])).toBe(Math.floor(Date.parse(first.body.occurredAt) / 1000));
    expect(first.headers['x-qms-event-id']).toBe(first.body.eventId);
    await sim.settle();
    expect(sim.store().webhooks).toMatchObject({ deliveries: [{ status: 'delivered', attempts: 1 }] });
  });

  it('delivers the same eventId twice under a duplicate fault', async () => {
    receiver = await startReceiver();
    sim = await startQmsSimulator({ webhooks: [{ url: receiver.url, secret: SECRET, events: ['quality_event.*'] }] });
    sim.ctx.faults.set([
      { id: 'dup', match: { topic: 'quality_event.opened' }, effect: { kind: 'duplicate', afterMs: 20 } },
    ]);
    const api = client(sim);
    await api.post('/inspections', INSPECTION); // not subscribed: never arrives
    await api.post('/quality-events', { kind: 'deviation', description: 'd', externalId: 'E-1' });
    const got = await receiver.waitFor((r) => r.length >= 2);
    await sim.settle();
    expect(got).toHaveLength(2);
    expect(got[0]!.body.eventId).toBe(got[1]!.body.eventId);
    expect(got[0]!.raw).toBe(got[1]!.raw);
    expect(got.map((r) => r.body.type)).toEqual(['quality_event.opened', 'quality_event.opened']);
    expect(sim.ctx.faults.history).toMatchObject([{ rule: 'dup', effect: 'duplicate', topic: 'quality_event.opened' }]);
  });

  it('drops an event under a drop fault: a gap only an updatedSince poll reveals', async () => {
    receiver = await startReceiver();
    sim = await startQmsSimulator({ webhooks: [{ url: receiver.url, secret: SECRET, events: ['capa.*'] }] });
    sim.ctx.faults.set([{ id: 'gap', match: { topic: 'capa.initiated' }, nth: 2, effect: { kind: 'drop' } }]);
    const api = client(sim);
    const since = new Date(sim.ctx.clock.now()).toISOString();
    const ids: string[] = [];
    for (const n of [1, 2, 3])
      ids.push(String((await api.post('/capas', { type: 'corrective', problemStatement: `p${n}` })).body.id));
    await receiver.waitFor((r) => r.length >= 2);
    await sim.settle();
    expect(receiver.received.map((r) => r.body.data.id)).toEqual([ids[0], ids[2]]);
    const polled = await api.get<{ items: Array<{ id: string }> }>(`/capas?updatedSince=${encodeURIComponent(since)}`);
    expect(polled.body.items.map((c) => c.id)).toEqual(ids);
    expect(sim.ctx.outbox.entries.filter((e) => e.fault === 'drop')).toMatchObject([{ delivered: false }]);
  });

  it('retries a failed delivery with backoff until the receiver takes it', async () => {
    receiver = await startReceiver(2);
    sim = await startQmsSimulator({ webhookRetry: { baseDelayMs: 20, maxAttempts: 4 } });
    const api = client(sim);
    const sub = await api.post('/webhooks', { url: receiver.url, events: ['inspection.created'], secret: SECRET });
    expect(sub.status).toBe(201);
    expect(sub.body).toMatchObject({ id: expect.any(String), secret: SECRET, events: ['inspection.created'] });
    expect((await api.get<{ items: unknown[] }>('/webhooks')).body.items[0]).not.toHaveProperty('secret');
    await api.post('/inspections', INSPECTION);
    await receiver.waitFor((r) => r.length >= 1);
    await sim.settle();
    expect(sim.store().webhooks).toMatchObject({ deliveries: [{ status: 'delivered', attempts: 3, lastStatus: 204 }] });
    expect(receiver.received[0]!.headers['x-qms-signature']).toBe(expected(receiver.received[0]!.raw));
  });

  it('gives up after the bounded number of attempts', async () => {
    receiver = await startReceiver(100);
    sim = await startQmsSimulator({
      webhooks: [{ url: receiver.url, secret: SECRET }],
      webhookRetry: { baseDelayMs: 5, maxAttempts: 3 },
    });
    await client(sim).post('/capas', { type: 'corrective', problemStatement: 'p' });
    await sim.settle();
    expect(sim.store().webhooks).toMatchObject({ deliveries: [{ status: 'failed', attempts: 3, lastStatus: 500 }] });
  });

  it('refuses a subscription without a usable url or with malformed event types', async () => {
    sim = await startQmsSimulator();
    const api = client(sim);
    expect((await api.post('/webhooks', { events: ['*'] })).body).toMatchObject({ error: { fields: ['url'] } });
    expect((await api.post('/webhooks', { url: 'ftp://x' })).body).toMatchObject({ error: { field: 'url' } });
    expect(
      (await api.post('/webhooks', { url: 'http://127.0.0.1:1/h', events: ['Inspection Decided'] })).body,
    ).toMatchObject({
      error: { field: 'events' },
    });
  });
});
