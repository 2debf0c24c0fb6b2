import { afterEach, describe, expect, it } from 'vitest';
import {
  client,
  INSPECTION,
  IN_SPEC,
  startQmsSimulator,
  startReceiver,
  waitUntil,
  type QmsSimulator,
} from './test-support.ts';

let sim: QmsSimulator | undefined;
let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
afterEach(async () => {
  await sim?.close();
  await receiver?.close();
});

const decided = (s: QmsSimulator) =>
  (s.store().webhooks as { events: Array<{ type: string; data: Record<string, unknown> }> }).events.filter(
    (e) => e.type === 'inspection.decided',
  );

describe('QA robot', () => {
  it('accepts an in-spec inspection and rejects an out-of-spec one, emitting inspection.decided', async () => {
    receiver = await startReceiver();
    sim = await startQmsSimulator({
      qaRobot: { enabled: true, delayMs: 150 },
      webhooks: [{ url: receiver.url, secret: 'whsec-robot', events: ['inspection.decided'] }],
    });
    const api = client(sim);
    const good = await api.post('/inspections', { ...INSPECTION, results: IN_SPEC });
    // Not decided at once: the robot takes its time (delayMs).
    expect(good.body.state).toBe('results_recorded');
    expect((await api.get(`/inspections/${String(good.body.id)}`)).body.state).toBe('results_recorded');
    const bad = await api.post('/inspections', { ...INSPECTION, lotId: 'LOT-BAD' });
    // Results arrive separately, one out of the MOISTURE limit (≤ 2.0).
    await api.post(`/inspections/${String(bad.body.id)}/results`, {
      results: [IN_SPEC[0], { characteristicId: 'MOISTURE', measuredValue: '2.35', uom: 'P1' }, IN_SPEC[2]],
    });

    const got = await receiver.waitFor((r) => r.length >= 2);
    const byId = Object.fromEntries(got.map((r) => [String(r.body.data.id), r.body.data]));
    expect(byId[String(good.body.id)]).toMatchObject({
      lotId: INSPECTION.lotId,
      decision: 'accept',
      decidedAt: expect.any(String),
      decidedBy: 'u-qa-robot',
    });
    expect(byId[String(bad.body.id)]).toMatchObject({ lotId: 'LOT-BAD', decision: 'reject' });
    const badRec = await api.get(`/inspections/${String(bad.body.id)}`);
    expect(badRec.body).toMatchObject({
      state: 'rejected',
      decision: { valuation: 'rejected', decidedBy: 'u-qa-robot' },
    });
    expect((badRec.body.results as Array<{ valuation: string }>).map((r) => r.valuation)).toEqual([
      'accepted',
      'rejected',
      'accepted',
    ]);
    // A release record for the accepted lot only.
    const releases = sim.store().releases as Array<{ lotId: string; state: string }>;
    expect(releases).toMatchObject([{ lotId: INSPECTION.lotId, state: 'under_review' }]);
    expect(sim.store().decisions).toMatchObject([
      { inspectionId: good.body.id, decision: 'accept', robot: true },
      { inspectionId: bad.body.id, decision: 'reject', robot: true },
    ]);
  });

  it('maps MES tag paths to characteristics, keeps unplanned parameters out of the count, and decides once', async () => {
    sim = await startQmsSimulator({ qaRobot: { enabled: true, delayMs: 10, autoRelease: true } });
    const api = client(sim);
    const id = String((await api.post('/inspections', INSPECTION)).body.id);
    const posted = await api.post(`/inspections/${id}/results`, {
      results: [
        { characteristicId: 'dryer-02/Dryer/ProductTemperature', measuredValue: '64.9', uom: 'CEL' },
        { characteristicId: 'dryer-02/Dryer/Moisture', measuredValue: '1.95', uom: 'P1' },
        { characteristicId: 'AGITATOR-RPM', measuredValue: '120' },
      ],
    });
    expect(posted.body).toMatchObject({ unplanned: ['AGITATOR-RPM'], inspection: { state: 'in_inspection' } });
    await new Promise((r) => setTimeout(r, 40));
    expect(decided(sim)).toEqual([]);
    // The same MES event again (a duplicate) changes nothing; the last result completes it.
    await api.post(`/inspections/${id}/results`, {
      results: [{ characteristicId: 'dryer-02/Dryer/Moisture', measuredValue: '1.95', uom: 'P1' }],
    });
    await api.post(`/inspections/${id}/results`, { results: [{ characteristicId: 'ASSAY', measuredValue: 100.4 }] });
    await waitUntil(() => decided(sim!).length > 0, 2000, 'the robot decision');
    await new Promise((r) => setTimeout(r, 40));
    expect(decided(sim).map((e) => e.data.decision)).toEqual(['accept']);
    const rec = (await api.get(`/inspections/${id}`)).body;
    expect(
      (rec.results as Array<{ characteristicId: string; sourceCharacteristicId?: string }>).slice(0, 2),
    ).toMatchObject([
      { characteristicId: 'DRY-TEMP', sourceCharacteristicId: 'dryer-02/Dryer/ProductTemperature' },
      { characteristicId: 'MOISTURE' },
    ]);
    expect(sim.store().releases).toMatchObject([{ lotId: INSPECTION.lotId, state: 'released', decision: 'released' }]);
  });

  it('leaves an inspection without spec limits to a person, and stays off unless enabled', async () => {
    sim = await startQmsSimulator({ qaRobot: { enabled: true, delayMs: 5 } });
    const api = client(sim);
    const unspecified = await api.post('/inspections', {
      lotId: 'LOT-X',
      origin: 'manual',
      materialId: 'NO-SPEC',
      results: [{ characteristicId: 'ANY', measuredValue: '1' }],
    });
    expect(unspecified.body.state).toBe('results_recorded');
    await sim.close();
    sim = await startQmsSimulator();
    await client(sim).post('/inspections', { ...INSPECTION, results: IN_SPEC });
    await new Promise((r) => setTimeout(r, 250));
    expect(sim.store().decisions).toEqual([]);
  });
});
