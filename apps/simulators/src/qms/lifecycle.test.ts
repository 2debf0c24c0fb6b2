import { afterEach, describe, expect, it } from 'vitest';
import { client, QA_SIGNATURE, startQmsSimulator, type Client, type QmsSimulator } from './test-support.ts';

let sim: QmsSimulator | undefined;
afterEach(async () => sim?.close());

const DEVIATION = {
  kind: 'deviation',
  description: 'Dryer outlet temperature above 65 °C for 4 minutes',
  title: 'DRY-TEMP excursion',
  classification: 'major',
  source: 'mes',
  affectedLots: ['LOT-A'],
  externalId: 'MES-DEV-0001',
};

async function walk(api: Client, id: string, actions: Array<[string, Record<string, unknown>?]>): Promise<void> {
  for (const [action, body] of actions) {
    const res = await api.post(`/quality-events/${id}/actions/${action}`, body ?? {});
    expect(res.status, `${action}: ${JSON.stringify(res.body)}`).toBe(200);
  }
}

describe('QMS lifecycles', () => {
  it('refuses an illegal transition with 409 and the allowed next states, and changes nothing', async () => {
    sim = await startQmsSimulator();
    const api = client(sim);
    const qe = await api.post('/quality-events', DEVIATION);
    expect(qe.body).toMatchObject({ state: 'opened', number: expect.stringMatching(/^DEV-\d{4}-0001$/) });
    const jump = await api.post(`/quality-events/${String(qe.body.id)}/actions/dispositioned`, {
      disposition: 'rework',
    });
    expect(jump.status).toBe(409);
    expect(jump.body).toEqual({
      error: expect.objectContaining({
        code: 'ILLEGAL_TRANSITION',
        currentState: 'opened',
        requestedState: 'dispositioned',
        allowedNextStates: ['triaged', 'cancelled'],
      }),
    });
    const after = await api.get(`/quality-events/${String(qe.body.id)}`);
    expect(after.body).toMatchObject({ state: 'opened', revision: 1 });
    expect(after.body.disposition).toBeUndefined();

    const unknown = await api.post(`/quality-events/${String(qe.body.id)}/actions/teleport`);
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({
      error: { code: 'UNKNOWN_TRANSITION', actions: expect.arrayContaining(['triage']) },
    });
  });

  it('refuses to close a quality event while a linked CAPA is open, and closes it once the CAPA is closed', async () => {
    sim = await startQmsSimulator();
    const api = client(sim);
    const id = String((await api.post('/quality-events', DEVIATION)).body.id);
    const capa = await api.post('/capas', {
      type: 'corrective',
      problemStatement: 'Dryer PID tuning drifts',
      sourceEventIds: [id],
      externalId: 'CAPA-LOT-A',
    });
    expect(capa.status).toBe(201);
    expect((await api.get(`/quality-events/${id}`)).body.capaIds).toEqual([capa.body.id]);

    await walk(api, id, [
      ['triage'],
      ['investigate', { rootCause: 'PID parameters reset after firmware update' }],
      ['assess'],
      ['disposition', { disposition: 'rework' }],
      ['submit-for-approval'],
    ]);
    const close = await api.post(`/quality-events/${id}/actions/close`, { signature: QA_SIGNATURE });
    expect(close.status).toBe(409);
    expect(close.body).toMatchObject({ error: { code: 'OPEN_CAPA', openCapaIds: [capa.body.id] } });

    const capaId = String(capa.body.id);
    for (const a of ['approve-plan', 'implement', 'verify', 'close-effective'])
      expect((await api.post(`/capas/${capaId}/actions/${a}`)).status).toBe(200);
    const closed = await api.post(`/quality-events/${id}/actions/close`, { signature: QA_SIGNATURE });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ state: 'closed', closedAt: expect.any(String) });
    // Closed is final for a CAPA: nothing but what the machine allows.
    const reopenCapa = await api.post(`/capas/${capaId}/actions/implement`);
    expect(reopenCapa.status).toBe(409);
    expect(reopenCapa.body).toMatchObject({ error: { allowedNextStates: [] } });
  });

  it('needs a disposition to disposition and a reason to cancel', async () => {
    sim = await startQmsSimulator();
    const api = client(sim);
    const id = String((await api.post('/quality-events', DEVIATION)).body.id);
    await walk(api, id, [['triage'], ['assess']]);
    const noDisposition = await api.post(`/quality-events/${id}/actions/disposition`);
    expect(noDisposition.status).toBe(422);
    expect(noDisposition.body).toMatchObject({ error: { code: 'REQUIRED_FIELD_MISSING', fields: ['disposition'] } });
    const noReason = await api.post(`/quality-events/${id}/actions/cancel`);
    expect(noReason.status).toBe(422);
    expect(noReason.body).toMatchObject({ error: { fields: ['reason'] } });
    const cancelled = await api.post(`/quality-events/${id}/actions/cancel`, { reason: 'opened twice' });
    expect(cancelled.body).toMatchObject({ state: 'cancelled', statusReason: 'opened twice' });
  });

  it('checks If-Match against the revision: a stale one is 412 with the current revision', async () => {
    sim = await startQmsSimulator();
    const api = client(sim);
    const created = await api.post('/quality-events', DEVIATION);
    const id = String(created.body.id);
    expect(created.headers.get('etag')).toBe('"rev-1"');
    const first = await api.call('PATCH', `/quality-events/${id}`, { ownerId: 'u-qa-0042' }, { 'if-match': '"rev-1"' });
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).toBe('"rev-2"');
    const stale = await api.call('PATCH', `/quality-events/${id}`, { ownerId: 'u-qa-0007' }, { 'if-match': '"rev-1"' });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ error: { code: 'REVISION_MISMATCH', currentRevision: 2 } });
    expect((await api.get(`/quality-events/${id}`)).body.ownerId).toBe('u-qa-0042');
    const readOnly = await api.call('PATCH', `/quality-events/${id}`, { state: 'closed' });
    expect(readOnly.status).toBe(422);
    expect(readOnly.body).toMatchObject({ error: { code: 'READ_ONLY_FIELD', fields: ['state'] } });
  });

  it('applies tenant required fields: a new mandatory field on deviation creation is 422 REQUIRED_FIELD_MISSING', async () => {
    sim = await startQmsSimulator();
    const api = client(sim);
    expect((await api.post('/quality-events', DEVIATION)).status).toBe(201);
    // The tenant changes its configuration mid-run (schema drift).
    await fetch(`${sim.url}/__sim/qms/config`, {
      method: 'POST',
      body: JSON.stringify({
        requiredFields: [{ collection: 'quality-events', kind: 'deviation', state: 'opened', fields: ['batchImpact'] }],
      }),
    });
    const drifted = await api.post('/quality-events', { ...DEVIATION, externalId: 'MES-DEV-0002' });
    expect(drifted.status).toBe(422);
    expect(drifted.body).toMatchObject({ error: { code: 'REQUIRED_FIELD_MISSING', fields: ['batchImpact'] } });
    // Other kinds are not affected; with the field the deviation is accepted.
    const complaint = await api.post('/quality-events', { ...DEVIATION, kind: 'complaint', externalId: 'CMP-1' });
    expect(complaint.status).toBe(201);
    const fixed = await api.post('/quality-events', { ...DEVIATION, externalId: 'MES-DEV-0002', batchImpact: 'none' });
    expect(fixed.status).toBe(201);
  });
});
