import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateCanonical } from '@millrace/canonical';
import { AuthError, ConfigError, DataError, RemoteError, TransientError } from '@millrace/node-sdk';
import type { HttpClient } from '../connections/http/client.ts';
import { connection as qmsRest } from '../connections/qms-rest/run.ts';
import { startFakeQms, type FakeQms } from '../shared/qms/fake-qms.ts';
import { BATCH_COMPLETED, failure, httpClient, output, runWith } from '../shared/qms/test-support.ts';
import { silentLogger } from '../shared/test-context.ts';
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

const run = (config: Config = {}, options: Parameters<typeof runWith>[3] = {}) =>
  runWith(node, config, client, { payload: BATCH_COMPLETED, idempotencyKey: 'mr-run-7-inspect-0', ...options });

const posts = () => qms.requests.filter((r) => r.method === 'POST');

const SAME_REQUEST = {
  lotId: 'LOT-2026-0042-P100-L3',
  origin: 'production_gr',
  materialId: 'FG-1000',
  productionOrderId: '1000123',
  plantId: 'P100',
  quantity: { value: '480.000', uom: 'KGM' },
};

describe('qms.create-inspection', () => {
  it('posts the inspection of a batch completion with the idempotency key and merges the canonical InspectionLot', async () => {
    expect(validateCanonical('canonical:BatchCompletion@1', BATCH_COMPLETED)).toEqual([]);
    const step = run();
    const { payload, headers } = output(await step);

    expect(posts()).toHaveLength(1);
    const sent = posts()[0]!;
    expect(sent.url).toBe('/qms/api/v1/inspections');
    expect(sent.headers['idempotency-key']).toBe('mr-run-7-inspect-0');
    expect(sent.headers['content-type']).toBe('application/json');
    expect(JSON.parse(sent.body)).toEqual(SAME_REQUEST);
    // Every expression of the step in one sandbox call.
    expect(step.code.calls).toHaveLength(1);

    const { inspection, ...rest } = payload;
    expect(rest).toEqual(BATCH_COMPLETED);
    expect(validateCanonical('canonical:InspectionLot@1', inspection)).toEqual([]);
    expect(inspection).toMatchObject({
      schemaVersion: 1,
      qmsInspectionId: 'INS-000001',
      status: 'created',
      sourceStatus: 'created',
      ...SAME_REQUEST,
    });
    expect(headers).toMatchObject({ 'qms-record-id': 'INS-000001', 'qms-outcome': 'created' });
  });

  it('emits the InspectionLot alone with output "inspection", from a flat payload and config expressions', async () => {
    const result = await run(
      {
        lotId: 'msg.payload.lot',
        origin: "'in_process'",
        quantity: '({ value: String(msg.payload.kg), uom: "KGM" })',
        specRef: '({ id: "SPEC-FG-1000", version: "3" })',
        output: 'inspection',
      },
      { payload: { lot: 'L-77', kg: 12.5 } },
    );
    const { payload } = output(result);
    expect(payload).toMatchObject({
      lotId: 'L-77',
      origin: 'in_process',
      quantity: { value: '12.5', uom: 'KGM' },
      specRef: { id: 'SPEC-FG-1000', version: '3' },
    });
    expect(payload).not.toHaveProperty('inspection');
    expect(JSON.parse(posts()[0]!.body)).toEqual({
      lotId: 'L-77',
      origin: 'in_process',
      quantity: { value: '12.5', uom: 'KGM' },
      specRef: { id: 'SPEC-FG-1000', version: '3' },
    });
  });

  it('sends the same key on a retry and gets the same inspection, created once', async () => {
    const first = output(await run()).payload.inspection as { id: string };
    const again = output(await run({}, { attempt: 2 })).payload.inspection as { id: string };
    expect(posts().map((r) => r.headers['idempotency-key'])).toEqual(['mr-run-7-inspect-0', 'mr-run-7-inspect-0']);
    expect(again).toEqual(first);
    expect(qms.records.inspections.size).toBe(1);
  });

  describe('a 409 duplicate of the same lot and origin', () => {
    it('is success when the existing inspection is the same request, read back by the id the error names', async () => {
      qms.seed('inspections', { ...SAME_REQUEST, quantity: { value: '480', uom: 'KGM' }, state: 'In Progress' });
      const { payload, headers } = output(await run());
      expect(qms.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
        'POST /qms/api/v1/inspections',
        'GET /qms/api/v1/inspections/INS-000001',
      ]);
      expect(payload.inspection).toMatchObject({
        qmsInspectionId: 'INS-000001',
        status: 'in_inspection',
        sourceStatus: 'In Progress',
      });
      expect(headers['qms-outcome']).toBe('existing');
    });

    it('finds the existing inspection by its Location, or by the natural key when the 409 names none', async () => {
      for (const duplicateStyle of ['location', 'bare'] as const) {
        const other = await startFakeQms({ duplicateStyle });
        const c = httpClient(other.baseUrl);
        try {
          other.seed('inspections', SAME_REQUEST);
          const result = await runWith(node, {}, c, { payload: BATCH_COMPLETED });
          expect(output(result).payload.inspection).toMatchObject({ qmsInspectionId: 'INS-000001' });
          expect(other.requests[1]!.url).toBe(
            duplicateStyle === 'location'
              ? '/qms/api/v1/inspections/INS-000001'
              : '/qms/api/v1/inspections?lotId=LOT-2026-0042-P100-L3&origin=production_gr',
          );
        } finally {
          await c.close();
          await other.close();
        }
      }
    });

    it('is a remote error naming the differences when the existing inspection is another request', async () => {
      qms.seed('inspections', { ...SAME_REQUEST, quantity: { value: '500.000', uom: 'KGM' } });
      const error = await failure(run());
      expect(error).toBeInstanceOf(RemoteError);
      expect(error).toMatchObject({ code: 'QMS_DUPLICATE_CONFLICT', retryable: false });
      expect(error.message).toContain('differs from this request in quantity');
      expect((error as unknown as RemoteError).details.differences).toEqual([
        { field: 'quantity', sent: { value: '480.000', uom: 'KGM' }, found: { value: '500.000', uom: 'KGM' } },
      ]);
    });
  });

  describe('classifies what the QMS answers', () => {
    it('429 and 503 with Retry-After are transient, with the delay asked for', async () => {
      qms.fail(
        { status: 429, headers: { 'retry-after': '7' }, json: { error: { code: 'RATE_LIMITED' } } },
        { status: 503, headers: { 'retry-after': '120' } },
      );
      const busy = await failure(run());
      expect(busy).toBeInstanceOf(TransientError);
      expect(busy).toMatchObject({ code: 'HTTP_TRANSIENT', retryAfterMs: 7000, retryable: true });
      await expect(run()).rejects.toMatchObject({ code: 'HTTP_TRANSIENT', retryAfterMs: 120000 });
    });

    it('401 and 403 are auth errors', async () => {
      qms.fail({ status: 401 }, { status: 403, json: { error: { code: 'SCOPE_MISSING' } } });
      expect(await failure(run())).toBeInstanceOf(AuthError);
      await expect(run()).rejects.toMatchObject({ code: 'HTTP_UNAUTHORIZED', category: 'auth' });
    });

    it('a 409 illegal transition is a remote error with the allowed next states', async () => {
      qms.fail({
        status: 409,
        json: {
          error: {
            code: 'ILLEGAL_TRANSITION',
            message: 'lot is closed',
            currentState: 'closed',
            allowedNextStates: ['reopened'],
          },
        },
      });
      const error = await failure(run());
      expect(error).toBeInstanceOf(RemoteError);
      expect(error).toMatchObject({ code: 'QMS_ILLEGAL_TRANSITION', status: 409, vendorCode: 'ILLEGAL_TRANSITION' });
      expect((error as unknown as RemoteError).details).toMatchObject({
        currentState: 'closed',
        allowedNextStates: ['reopened'],
      });
    });

    it('a 422 for a required field names the fields; a 409 for a key still in use is transient', async () => {
      const strict = await startFakeQms({ required: { inspections: ['specRef'] } });
      const c = httpClient(strict.baseUrl);
      try {
        const error = await failure(runWith(node, {}, c, { payload: BATCH_COMPLETED }));
        expect(error).toMatchObject({ code: 'QMS_REQUIRED_FIELD_MISSING', category: 'remote', status: 422 });
        expect((error as unknown as RemoteError).details).toMatchObject({ fields: ['specRef'] });
      } finally {
        await c.close();
        await strict.close();
      }
      qms.fail({ status: 409, headers: { 'retry-after': '1' }, json: { error: { code: 'IDEMPOTENCY_KEY_IN_USE' } } });
      await expect(run()).rejects.toMatchObject({
        code: 'QMS_REQUEST_IN_PROGRESS',
        retryable: true,
        retryAfterMs: 1000,
      });
    });

    it('a 2xx without a record is an invalid response', async () => {
      qms.fail({ status: 201, json: { ok: true } });
      await expect(run()).rejects.toMatchObject({ code: 'QMS_INVALID_RESPONSE', category: 'remote' });
    });
  });

  describe('refuses a message it cannot turn into an inspection, before sending anything', () => {
    it('a missing lot id is a data error naming the field and its expression', async () => {
      const error = await failure(run({}, { payload: { productionOrderId: '1000123' } }));
      expect(error).toBeInstanceOf(DataError);
      expect(error).toMatchObject({ code: 'QMS_INPUT_INVALID' });
      expect(error.message).toContain(
        'lotId (msg.payload?.producedLot?.lotId ?? msg.payload?.lotId) is required but missing',
      );
      expect(qms.requests).toHaveLength(0);
    });

    it('a quantity in SAP units, an unknown origin and a non-object payload are data errors', async () => {
      const units = await failure(run({ quantity: '({ value: "5", uom: "kg" })', origin: "'receiving'" }));
      expect(units).toBeInstanceOf(DataError);
      expect(units.message).toContain('quantity.uom');
      expect(units.message).toContain('origin ');
      await expect(run({}, { payload: [1, 2] })).rejects.toMatchObject({ code: 'QMS_PAYLOAD_NOT_OBJECT' });
      expect(qms.requests).toHaveLength(0);
    });
  });

  it('a payload of null emitting the inspection alone is a data error too, not a failing expression', async () => {
    const error = await failure(run({ output: 'inspection' }, { payload: null }));
    expect(error).toMatchObject({ code: 'QMS_INPUT_INVALID', category: 'data' });
    expect(qms.requests).toHaveLength(0);
  });

  it('needs a bound connection', async () => {
    await expect(runWith(node, {}, undefined, { payload: BATCH_COMPLETED })).rejects.toBeInstanceOf(ConfigError);
  });

  it('works through a qms-rest connection with OAuth2 client credentials', async () => {
    const secured = await startFakeQms({ token: 'tok-1' });
    const binding = {
      baseUrl: secured.baseUrl,
      auth: {
        kind: 'oauth2-client-credentials' as const,
        tokenUrl: `${secured.baseUrl}/oauth/token`,
        clientId: 'millrace',
        clientSecret: 's3cret',
      },
    };
    const c = await qmsRest.open(binding, { log: silentLogger });
    try {
      const result = await runWith(node, {}, c, { payload: BATCH_COMPLETED });
      expect(output(result).payload.inspection).toMatchObject({ qmsInspectionId: 'INS-000001' });
      expect(secured.requests.find((r) => r.url.endsWith('/inspections'))!.headers.authorization).toBe('Bearer tok-1');
    } finally {
      await qmsRest.close!(c);
      await secured.close();
    }
  });
});
