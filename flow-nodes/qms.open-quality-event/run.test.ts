import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateCanonical } from '@millrace/canonical';
import { AuthError, DataError, RemoteError, TransientError } from '@millrace/node-sdk';
import type { HttpClient } from '../connections/http/client.ts';
import { startFakeQms, type FakeQms } from '../shared/qms/fake-qms.ts';
import { BATCH_COMPLETED, failure, httpClient, output, runWith } from '../shared/qms/test-support.ts';
import { node } from './run.ts';

type Config = Parameters<typeof node.run>[0]['config'];

let qms: FakeQms;
let client: HttpClient;

beforeEach(async () => {
  qms = await startFakeQms();
  client = httpClient(qms.baseUrl);
});
afterEach(async () => {
  await client.close();
  await qms.close();
});

const DEVIATION: Config = {
  kind: 'deviation',
  classification: "msg.payload.exceptions?.some((e) => e.severity === 'critical') ? 'critical' : 'major'",
  source: 'mes',
  title: "'CPP excursion on ' + msg.payload.producedLot.lotId",
  description: '`Bed temperature out of limits during granulation of ${msg.payload.producedLot.lotId}`',
  equipmentId: "'FBD-02'",
  dueAt: "'2026-03-09T17:00:00+01:00'",
  externalId: "'MES-DEV-' + msg.payload.id",
};

const run = (config: Config = DEVIATION, options: Parameters<typeof runWith>[3] = {}) =>
  runWith(node, config, client, { payload: BATCH_COMPLETED, idempotencyKey: 'mr-run-7-qe-0', ...options });

const EXPECTED_BODY = {
  kind: 'deviation',
  description: 'Bed temperature out of limits during granulation of LOT-2026-0042-P100-L3',
  title: 'CPP excursion on LOT-2026-0042-P100-L3',
  classification: 'major',
  source: 'mes',
  affectedLots: ['LOT-2026-0042-P100-L3'],
  affectedOrders: ['1000123'],
  equipmentId: 'FBD-02',
  dueAt: '2026-03-09T17:00:00+01:00',
  externalId: 'MES-DEV-3f6c1a2e-8b4d-4e1f-9a7c-2d5e6f708192',
};

describe('qms.open-quality-event', () => {
  it('posts the event with the idempotency key and merges the canonical QualityEvent', async () => {
    const step = run();
    const { payload, headers } = output(await step);
    const sent = qms.requests[0]!;
    expect(`${sent.method} ${sent.url}`).toBe('POST /qms/api/v1/quality-events');
    expect(sent.headers['idempotency-key']).toBe('mr-run-7-qe-0');
    expect(JSON.parse(sent.body)).toEqual(EXPECTED_BODY);
    expect(step.code.calls).toHaveLength(1);

    const { qualityEvent, ...rest } = payload;
    expect(rest).toEqual(BATCH_COMPLETED);
    expect(validateCanonical('canonical:QualityEvent@1', qualityEvent)).toEqual([]);
    const { externalId: _key, ...canonicalFields } = EXPECTED_BODY;
    expect(qualityEvent).toMatchObject({
      ...canonicalFields,
      number: 'QE-2026-0001',
      externalRefs: [{ system: 'qms', type: 'QualityEvent', id: 'QE-000001' }],
      status: 'opened',
      openedAt: '2026-03-02T18:00:00Z',
    });
    expect(headers).toMatchObject({ 'qms-record-id': 'QE-000001', 'qms-outcome': 'created' });
  });

  it("uses the step's idempotency key as the external id when none is configured, and keeps it on a retry", async () => {
    const { externalId: _none, ...config } = DEVIATION;
    const first = output(await run(config)).payload.qualityEvent;
    const again = output(await run(config, { attempt: 3 })).payload.qualityEvent;
    expect(again).toEqual(first);
    expect(qms.requests.map((r) => r.headers['idempotency-key'])).toEqual(['mr-run-7-qe-0', 'mr-run-7-qe-0']);
    expect(JSON.parse(qms.requests[0]!.body)).toMatchObject({ externalId: 'mr-run-7-qe-0' });
    expect(qms.records['quality-events'].size).toBe(1);
  });

  it('takes an existing event with the same external id as success, even after QA triaged and reclassified it', async () => {
    qms.seed('quality-events', {
      ...EXPECTED_BODY,
      kind: 'Deviation',
      classification: 'critical',
      state: 'QA Triage',
      affectedOrders: ['1000123'],
    });
    const { payload, headers } = output(await run());
    expect(payload.qualityEvent).toMatchObject({
      kind: 'deviation',
      classification: 'critical',
      status: 'triaged',
      sourceStatus: 'QA Triage',
    });
    expect(headers['qms-outcome']).toBe('existing');
  });

  it('refuses an existing event with the same external id that reports something else', async () => {
    qms.seed('quality-events', { ...EXPECTED_BODY, affectedLots: ['LOT-OTHER'] });
    const error = await failure(run());
    expect(error).toMatchObject({ code: 'QMS_DUPLICATE_CONFLICT', category: 'remote' });
    expect((error as unknown as RemoteError).details.differences).toEqual([
      { field: 'affectedLots', sent: ['LOT-2026-0042-P100-L3'], found: ['LOT-OTHER'] },
    ]);
  });

  it('classifies 429, 401, a 409 illegal transition and a 422 for a tenant-required field', async () => {
    qms.fail(
      { status: 429, headers: { 'retry-after': '3' } },
      { status: 401 },
      { status: 409, json: { error: { code: 'INVALID_TRANSITION', allowedNextStates: ['triaged'] } } },
    );
    const busy = await failure(run());
    expect(busy).toBeInstanceOf(TransientError);
    expect(busy).toMatchObject({ retryAfterMs: 3000 });
    expect(await failure(run())).toBeInstanceOf(AuthError);
    await expect(run()).rejects.toMatchObject({
      code: 'QMS_ILLEGAL_TRANSITION',
      details: { allowedNextStates: ['triaged'] },
    });

    const strict = await startFakeQms({ required: { 'quality-events': ['ownerId'] } });
    const c = httpClient(strict.baseUrl);
    try {
      const error = await failure(runWith(node, DEVIATION, c, { payload: BATCH_COMPLETED }));
      expect(error).toBeInstanceOf(RemoteError);
      expect(error).toMatchObject({ code: 'QMS_REQUIRED_FIELD_MISSING', details: { fields: ['ownerId'] } });
    } finally {
      await c.close();
      await strict.close();
    }
  });

  it('refuses a bad message before sending: no description, a vendor severity, an external id that gives nothing', async () => {
    const noText = await failure(run({ ...DEVIATION, description: 'msg.payload.comment' }));
    expect(noText).toBeInstanceOf(DataError);
    expect(noText.message).toContain('description (msg.payload.comment) is required but missing');
    const vendorWords = await failure(run({ ...DEVIATION, classification: "'HIGH'" }));
    expect(vendorWords.message).toContain('classification');
    const noKey = await failure(run({ ...DEVIATION, externalId: 'msg.payload.eventId' }));
    expect(noKey).toMatchObject({ code: 'QMS_INPUT_INVALID' });
    expect(noKey.message).toContain('externalId (msg.payload.eventId) is required but missing');
    expect(qms.requests).toHaveLength(0);
  });
});
