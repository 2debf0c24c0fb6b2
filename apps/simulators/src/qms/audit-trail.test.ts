import { afterEach, describe, expect, it } from 'vitest';
import { client, startQmsSimulator, type QmsSimulator } from './test-support.ts';

let sim: QmsSimulator | undefined;
afterEach(async () => sim?.close());

describe('QMS audit trail', () => {
  it('records who changed what, from which state to which, and refuses a window over 30 days', async () => {
    sim = await startQmsSimulator();
    const api = client(sim);
    const capa = await api.post('/capas', { type: 'corrective', problemStatement: 'p' });
    const id = String(capa.body.id);
    await api.call('PATCH', `/capas/${id}`, { ownerId: 'u-qa-0007' });
    await api.post(`/capas/${id}/actions/approve-plan`);
    const trail = await api.get<{ items: Array<Record<string, unknown>> }>(
      `/audit-trail?entityType=capa&entityId=${id}`,
    );
    expect(trail.body.items).toMatchObject([
      { action: 'create', toState: 'initiated', userId: 'static-token', revision: 1 },
      { action: 'update', changes: [{ field: 'ownerId', to: 'u-qa-0007' }], revision: 2 },
      { action: 'approve-plan', fromState: 'initiated', toState: 'plan_approved', revision: 3 },
    ]);
    const now = sim.ctx.clock.now();
    const iso = (ms: number) => encodeURIComponent(new Date(ms).toISOString());
    const wide = await api.get(`/audit-trail?from=${iso(now - 31 * 86_400_000)}&to=${iso(now)}`);
    expect(wide.status).toBe(400);
    expect(wide.body).toMatchObject({ error: { code: 'WINDOW_TOO_LARGE', maxDays: 30 } });
    const old = await api.get<{ items: unknown[] }>(
      `/audit-trail?entityType=capa&from=${iso(now - 40 * 86_400_000)}&to=${iso(now - 20 * 86_400_000)}`,
    );
    expect(old.status).toBe(200);
    expect(old.body.items).toEqual([]);
    expect((await api.get('/audit-trail?entityType=widget')).body).toMatchObject({
      error: { code: 'UNKNOWN_ENTITY_TYPE' },
    });
  });
});
