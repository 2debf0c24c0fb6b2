import { afterEach, describe, expect, it } from 'vitest';
import { client, INSPECTION, IN_SPEC, QA_SIGNATURE, startQmsSimulator, type QmsSimulator } from './test-support.ts';

let sim: QmsSimulator | undefined;
afterEach(async () => sim?.close());

async function inspectionWithResults(s: QmsSimulator): Promise<string> {
  const api = client(s);
  const created = await api.post('/inspections', INSPECTION);
  const id = String(created.body.id);
  const results = await api.post(`/inspections/${id}/results`, { results: IN_SPEC });
  expect(results.status).toBe(201);
  expect(results.body).toMatchObject({ inspection: { state: 'results_recorded' } });
  return id;
}

describe('QMS decisions and releases', () => {
  it('refuses a decision without a signature (422) or with a wrong password (401), then takes a signed one', async () => {
    sim = await startQmsSimulator();
    const api = client(sim);
    const id = await inspectionWithResults(sim);

    const unsigned = await api.post(`/inspections/${id}/actions/decide`, { decision: 'accept' });
    expect(unsigned.status).toBe(422);
    expect(unsigned.body).toMatchObject({ error: { code: 'SIGNATURE_REQUIRED', fields: ['signature'] } });
    const noPassword = await api.post(`/inspections/${id}/actions/decide`, {
      decision: 'accept',
      signature: { userId: 'u-qa-0042' },
    });
    expect(noPassword.status).toBe(422);
    expect(noPassword.body).toMatchObject({ error: { fields: ['signature.password'] } });
    const wrong = await api.post(`/inspections/${id}/actions/decide`, {
      decision: 'accept',
      signature: { ...QA_SIGNATURE, password: 'guess' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ error: { code: 'SIGNATURE_INVALID' } });
    const operator = await api.post(`/inspections/${id}/actions/decide`, {
      decision: 'accept',
      signature: { userId: 'u-op-0100', password: 'op-0100' },
    });
    expect(operator.status).toBe(403);
    expect(sim.store().decisions).toEqual([]);
    expect((await api.get(`/inspections/${id}`)).body.state).toBe('results_recorded');

    const signed = await api.post(`/inspections/${id}/actions/decide`, {
      decision: 'accept',
      signature: QA_SIGNATURE,
    });
    expect(signed.status).toBe(200);
    expect(signed.body).toMatchObject({
      state: 'accepted',
      decision: {
        valuation: 'accepted',
        code: 'A',
        decidedBy: 'u-qa-0042',
        signature: {
          signerId: 'u-qa-0042',
          printedName: 'Quinn Avery',
          meaning: 'QA usage decision',
          sourceSystem: 'qms',
        },
      },
    });
    // Deciding twice is an illegal transition, not a second decision.
    const twice = await api.post(`/inspections/${id}/actions/decide`, { decision: 'reject', signature: QA_SIGNATURE });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ error: { code: 'ILLEGAL_TRANSITION', currentState: 'accepted' } });
    expect(sim.store().decisions).toHaveLength(1);
    const trail = await api.get(`/audit-trail?entityType=inspection&entityId=${id}&action=decide`);
    expect(trail.body).toMatchObject({
      items: [
        {
          fromState: 'results_recorded',
          toState: 'accepted',
          userId: 'static-token',
          signature: { signerId: 'u-qa-0042' },
        },
      ],
    });
  });

  it('refuses to decide an inspection whose results are not complete', async () => {
    sim = await startQmsSimulator();
    const api = client(sim);
    const id = String((await api.post('/inspections', INSPECTION)).body.id);
    await api.post(`/inspections/${id}/results`, { results: IN_SPEC.slice(0, 2) });
    const early = await api.post(`/inspections/${id}/actions/decide`, { decision: 'accept', signature: QA_SIGNATURE });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({
      error: { currentState: 'in_inspection', allowedNextStates: ['results_recorded', 'cancelled'] },
    });
  });

  it('opens a release for an accepted lot, blocks it while a quality event on the lot is open, and releases it signed', async () => {
    sim = await startQmsSimulator();
    const api = client(sim);
    const id = await inspectionWithResults(sim);
    await api.post(`/inspections/${id}/actions/decide`, { decision: 'accept', signature: QA_SIGNATURE });
    const releases = await api.get<{ items: Array<Record<string, unknown>> }>(`/releases?lotId=${INSPECTION.lotId}`);
    expect(releases.body.items).toHaveLength(1);
    const rel = releases.body.items[0]!;
    expect(rel).toMatchObject({ state: 'under_review', basis: { inspectionLotIds: [id] } });

    const qe = await api.post('/quality-events', {
      kind: 'deviation',
      description: 'late label check',
      affectedLots: [INSPECTION.lotId],
    });
    const blocked = await api.post(`/releases/${String(rel.id)}/actions/release`, { signature: QA_SIGNATURE });
    expect(blocked.status).toBe(409);
    expect(blocked.body).toMatchObject({
      error: { code: 'RELEASE_BLOCKED', blockingReasons: [`quality event ${String(qe.body.id)} is opened`] },
    });
    await api.post(`/quality-events/${String(qe.body.id)}/actions/cancel`, { reason: 'raised in error' });
    expect((await api.post(`/releases/${String(rel.id)}/actions/release`, {})).status).toBe(422);
    // Without a stated meaning the signature means what the action is: a batch release.
    const released = await api.post(`/releases/${String(rel.id)}/actions/release`, {
      signature: { userId: 'u-qa-0007', password: 'sign-0007' },
    });
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({
      state: 'released',
      decision: 'released',
      signature: { signerId: 'u-qa-0007', printedName: 'Robin Vale', meaning: 'batch release' },
      shipmentEligibility: { eligible: true, blockingReasons: [] },
    });
  });
});
