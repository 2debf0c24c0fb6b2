import { afterEach, describe, expect, it } from 'vitest';
import { client, IN_SPEC, startQmsSimulator, type QmsSimulator } from './test-support.ts';

let sim: QmsSimulator | undefined;
afterEach(async () => sim?.close());

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', body: JSON.stringify(body) }).then(async (r) => ({
    status: r.status,
    body: (await r.json()) as Record<string, unknown>,
  }));

describe('QMS control plane', () => {
  it('seeds extra specs and records through /__sim/seed, refuses bad seed data with 400, and resets to the seed', async () => {
    sim = await startQmsSimulator();
    const seeded = await post(`${sim.url}/__sim/seed`, {
      specs: [
        { id: 'SPEC-FG-3000', materialId: 'FG-3000', characteristics: [{ charId: 'VISC', lower: '10', upper: '20' }] },
      ],
      qualityEvents: [{ kind: 'complaint', description: 'from the field', affectedLots: ['LOT-9'], state: 'triaged' }],
      characteristicAliases: { 'mixer/Viscosity': 'VISC' },
    });
    expect(seeded).toMatchObject({ status: 200, body: { seeded: true, counts: { specs: 1, qualityEvents: 1 } } });
    const api = client(sim);
    const ins = await api.post('/inspections', {
      lotId: 'LOT-9',
      origin: 'production_gr',
      materialId: 'FG-3000',
      results: [{ characteristicId: 'mixer/Viscosity', measuredValue: '25' }],
    });
    expect(ins.body).toMatchObject({
      state: 'results_recorded',
      results: [{ characteristicId: 'VISC', valuation: 'rejected' }],
    });
    const store = sim.store() as { qualityEvents: Array<{ affectedLots?: string[]; state: string }> };
    expect(store.qualityEvents.filter((q) => q.affectedLots?.includes('LOT-9'))).toMatchObject([{ state: 'triaged' }]);

    expect((await post(`${sim.url}/__sim/seed`, { widgets: [] })).body).toMatchObject({ error: { code: 'BAD_SEED' } });
    expect((await post(`${sim.url}/__sim/seed`, { qualityEvents: [{ state: 'lost' }] })).status).toBe(422);
    expect((await post(`${sim.url}/__sim/seed`, { specs: [{ id: 'S', materialId: 'M' }] })).status).toBe(422);

    const token = await fetch(`${sim.baseUrl}/oauth/token`, {
      method: 'POST',
      body: 'grant_type=client_credentials&client_id=millrace&client_secret=millrace-secret',
    }).then((r) => r.json() as Promise<{ access_token: string }>);
    expect((await post(`${sim.url}/__sim/reset`, {})).status).toBe(200);
    const after = sim.store() as Record<string, unknown[]>;
    expect(after.inspections).toEqual([]);
    expect(after.qualityEvents).toHaveLength(1);
    expect((after.inspectionSpecs as Array<{ id: string }>).map((s) => s.id)).toEqual([
      'SPEC-FG-1000',
      'SPEC-IP-1500',
      'SPEC-RM-2000',
    ]);
    // Tokens issued before the reset are gone with it.
    expect((await client(sim, { bearer: token.access_token }).get('/capas')).status).toBe(401);
  });

  it('revokes every token mid-flow through /__sim/qms/tokens, and decides through the robot endpoint', async () => {
    sim = await startQmsSimulator({ qaRobot: { enabled: false } });
    const token = await fetch(`${sim.baseUrl}/oauth/token`, {
      method: 'POST',
      body: 'grant_type=client_credentials&client_id=millrace&client_secret=millrace-secret',
    }).then((r) => r.json() as Promise<{ access_token: string }>);
    const api = client(sim, { bearer: token.access_token });
    const ins = await api.post('/inspections', {
      lotId: 'L',
      origin: 'production_gr',
      materialId: 'FG-1000',
      results: IN_SPEC,
    });
    await post(`${sim.url}/__sim/qms/tokens`, { revoke: true });
    expect((await api.get('/capas')).body).toMatchObject({ error: { code: 'TOKEN_REVOKED' } });
    const decided = await post(`${sim.url}/__sim/qms/robot/decide/${String(ins.body.id)}`, {});
    expect(decided.body).toMatchObject({ inspection: { state: 'accepted' } });
  });
});
