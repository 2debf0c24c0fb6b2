import { afterEach, describe, expect, it } from 'vitest';
import { client, INSPECTION, startQmsSimulator, type QmsSimulator } from './test-support.ts';

let sim: QmsSimulator | undefined;
afterEach(async () => sim?.close());

describe('QMS creates', () => {
  it('refuses a duplicate natural key with 409 naming the existing record, which reads back', async () => {
    sim = await startQmsSimulator();
    const api = client(sim);
    const first = await api.post('/inspections', INSPECTION, { 'idempotency-key': 'step-1' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ id: 'INS-000001', state: 'created', revision: 1, ...INSPECTION });
    expect(first.headers.get('location')).toBe('/qms/api/v1/inspections/INS-000001');

    const again = await api.post('/inspections', INSPECTION, { 'idempotency-key': 'another-run' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      error: { code: 'DUPLICATE_NATURAL_KEY', existingId: 'INS-000001', naturalKey: { lotId: INSPECTION.lotId } },
    });
    expect(again.headers.get('location')).toBe('/qms/api/v1/inspections/INS-000001');
    expect((await api.get('/inspections/INS-000001')).body).toMatchObject(INSPECTION);
    const byKey = await api.get(`/inspections?lotId=${INSPECTION.lotId}&origin=production_gr`);
    expect(byKey.body).toMatchObject({ items: [{ id: 'INS-000001' }], next: null });

    const qe = { kind: 'nonconformance', description: 'x', externalId: 'MR-REJ-LOT-1' };
    const q1 = await api.post('/quality-events', qe);
    const q2 = await api.post('/quality-events', { ...qe, description: 'y' });
    expect(q2.status).toBe(409);
    expect(q2.body).toMatchObject({ error: { existingId: q1.body.id } });
    const c1 = await api.post('/capas', { type: 'preventive', problemStatement: 'p', externalId: 'C-1' });
    expect(
      (await api.post('/capas', { type: 'preventive', problemStatement: 'p', externalId: 'C-1' })).body,
    ).toMatchObject({
      error: { code: 'DUPLICATE_NATURAL_KEY', existingId: c1.body.id },
    });
    expect(sim.store().inspections).toHaveLength(1);
  });

  it('answers a repeated Idempotency-Key with the first result, and refuses the key with another body', async () => {
    sim = await startQmsSimulator();
    const api = client(sim);
    const body = { kind: 'deviation', description: 'd', externalId: 'E-1' };
    const first = await api.post('/quality-events', body, { 'idempotency-key': 'k' });
    await api.call('PATCH', `/quality-events/${String(first.body.id)}`, { classification: 'minor' });
    const replay = await api.post(
      '/quality-events',
      { externalId: 'E-1', description: 'd', kind: 'deviation' },
      { 'idempotency-key': 'k' },
    );
    expect(replay.status).toBe(201);
    // The first answer again, with the record as it is now.
    expect(replay.body).toMatchObject({ id: first.body.id, classification: 'minor', revision: 2 });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const reused = await api.post('/quality-events', { ...body, description: 'other' }, { 'idempotency-key': 'k' });
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    // Keys are per collection: the same key on CAPAs is another request.
    const capa = await api.post('/capas', { type: 'corrective', problemStatement: 'p' }, { 'idempotency-key': 'k' });
    expect(capa.status).toBe(201);
    expect(sim.store().qualityEvents).toHaveLength(2); // the seeded one and this one
  });

  it('answers 409 IDEMPOTENCY_KEY_IN_USE while the first request with the key is still running', async () => {
    sim = await startQmsSimulator({ createDelayMs: 150 });
    const api = client(sim);
    const slow = api.post('/inspections', INSPECTION, { 'idempotency-key': 'busy' });
    await new Promise((r) => setTimeout(r, 40));
    const second = await api.post('/inspections', INSPECTION, { 'idempotency-key': 'busy' });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_IN_USE' } });
    expect(second.headers.get('retry-after')).toBe('1');
    expect((await slow).status).toBe(201);
    expect((await api.post('/inspections', INSPECTION, { 'idempotency-key': 'busy' })).status).toBe(201);
  });

  it('refuses bad input with a 4xx naming what is wrong', async () => {
    sim = await startQmsSimulator();
    const api = client(sim);
    const cases: Array<[unknown, number, Record<string, unknown>]> = [
      [{ origin: 'production_gr' }, 422, { code: 'REQUIRED_FIELD_MISSING', fields: ['lotId'] }],
      [{ ...INSPECTION, origin: 'teleport' }, 422, { code: 'INVALID_FIELD', field: 'origin' }],
      [{ ...INSPECTION, quantity: { value: 480, uom: 'KGM' } }, 422, { field: 'quantity' }],
      [{ ...INSPECTION, quantity: { value: '480', uom: 'kg' } }, 422, { field: 'quantity.uom' }],
      [{ ...INSPECTION, id: 'MINE' }, 422, { code: 'READ_ONLY_FIELD', fields: ['id'] }],
      ['{"lotId": ', 400, { code: 'INVALID_JSON' }],
      ['[1,2]', 400, { code: 'BODY_NOT_OBJECT' }],
    ];
    for (const [body, status, error] of cases) {
      const res = await api.post('/inspections', body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body, JSON.stringify(body)).toMatchObject({ error: { ...error, message: expect.any(String) } });
    }
    const unknownRef = await api.post('/capas', {
      type: 'corrective',
      problemStatement: 'p',
      sourceEventIds: ['QE-9'],
    });
    expect(unknownRef.body).toMatchObject({ error: { code: 'UNKNOWN_REFERENCE', unknownIds: ['QE-9'] } });
    expect((await api.get('/inspections?colour=red')).body).toMatchObject({ error: { code: 'UNKNOWN_FILTER' } });
    expect((await api.get('/inspections/INS-404')).status).toBe(404);
    expect(sim.store().inspections).toEqual([]);
  });
});
