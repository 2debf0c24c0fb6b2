import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthError, ConfigError, DataError, RemoteError, TransientError } from '@millrace/node-sdk';
import type { HttpClient } from '../connections/http/client.ts';
import { sendJson, startTestServer, type TestServer } from '../connections/http/test-server.ts';
import { failure, httpClient, output, runWith } from '../shared/qms/test-support.ts';
import { node } from './run.ts';

type Config = Parameters<typeof node.run>[0]['config'];

/** The MES REST API as the tests need it: answers queued per test, a hold otherwise. */
let mes: TestServer;
let client: HttpClient;
let answers: Array<{ status: number; json?: unknown; headers?: Record<string, string> }>;

beforeEach(async () => {
  answers = [];
  mes = await startTestServer((_req, res) => {
    const a = answers.shift() ?? { status: 201, json: { holdId: 'H-0001', status: 'active' } };
    sendJson(res, a.status, a.json === undefined ? '' : JSON.stringify(a.json), a.headers);
  });
  client = httpClient(mes.origin);
});
afterEach(async () => {
  await client.close();
  await mes.close();
});

const REJECTED = {
  lotId: 'LOT-2026-0042/L3',
  inspection: { qmsInspectionId: 'INS-000001', status: 'rejected' },
};
const HOLD: Config = { reason: "'Inspection ' + msg.payload.inspection.qmsInspectionId + ' rejected'" };

const run = (config: Config = HOLD, options: Parameters<typeof runWith>[3] = {}) =>
  runWith(node, config, client, { payload: REJECTED, idempotencyKey: 'mr-run-7-hold-0', ...options });

describe('mes.send-hold over http', () => {
  it('posts the hold for the lot with the idempotency key and merges what the MES answered', async () => {
    const step = run();
    const { payload, headers } = output(await step);
    const sent = mes.requests[0]!;
    expect(`${sent.method} ${sent.url}`).toBe('POST /mes/api/v1/batches/LOT-2026-0042%2FL3/holds');
    expect(sent.headers['idempotency-key']).toBe('mr-run-7-hold-0');
    expect(JSON.parse(sent.body)).toEqual({
      lotId: 'LOT-2026-0042/L3',
      reason: 'Inspection INS-000001 rejected',
      holdType: 'quality',
      requestedBy: 'millrace',
      runId: 'run-1',
    });
    expect(step.code.calls).toHaveLength(1);
    expect(payload).toEqual({
      ...REJECTED,
      hold: {
        lotId: 'LOT-2026-0042/L3',
        status: 'requested',
        via: 'http',
        holdType: 'quality',
        reason: 'Inspection INS-000001 rejected',
        requestedAt: expect.stringMatching(/Z$/),
        holdId: 'H-0001',
        mesStatus: 'active',
      },
    });
    expect(headers['mes-hold-via']).toBe('http');
  });

  it('uses the configured path and hold type, keeps the key on a retry, and can emit the hold alone', async () => {
    await run({ ...HOLD, path: '/api/lots/{lotId}/hold', holdType: 'deviation', output: 'hold' });
    const { payload } = output(
      await run({ ...HOLD, path: '/api/lots/{lotId}/hold', holdType: 'deviation', output: 'hold' }, { attempt: 2 }),
    );
    expect(mes.requests.map((r) => [r.url, r.headers['idempotency-key']])).toEqual([
      ['/api/lots/LOT-2026-0042%2FL3/hold', 'mr-run-7-hold-0'],
      ['/api/lots/LOT-2026-0042%2FL3/hold', 'mr-run-7-hold-0'],
    ]);
    expect(payload).toMatchObject({ lotId: 'LOT-2026-0042/L3', holdType: 'deviation', via: 'http' });
  });

  it('takes "already on hold" (409) as success', async () => {
    answers.push({ status: 409, json: { error: { code: 'HOLD_ALREADY_ACTIVE', existingId: 'H-0007' } } });
    const { payload } = output(await run());
    expect(payload.hold).toMatchObject({ status: 'requested', alreadyOnHold: true, holdId: 'H-0007' });
  });

  it('classifies 429, 403, an illegal transition, a 422 and an unknown lot', async () => {
    answers.push(
      { status: 429, headers: { 'retry-after': '5' } },
      { status: 403 },
      {
        status: 409,
        json: { error: { code: 'ILLEGAL_TRANSITION', currentState: 'shipped', allowedNextStates: [] } },
      },
      { status: 422, json: { error: { code: 'REQUIRED_FIELD_MISSING', fields: ['area'] } } },
      { status: 404, json: { error: { code: 'LOT_NOT_FOUND' } } },
    );
    const busy = await failure(run());
    expect(busy).toBeInstanceOf(TransientError);
    expect(busy).toMatchObject({ code: 'HTTP_TRANSIENT', retryAfterMs: 5000 });
    expect(await failure(run())).toBeInstanceOf(AuthError);
    const shipped = await failure(run());
    expect(shipped).toMatchObject({
      code: 'MES_ILLEGAL_TRANSITION',
      details: { currentState: 'shipped', allowedNextStates: [] },
    });
    expect(shipped.message).toContain('allowed next states: none');
    await expect(run()).rejects.toMatchObject({ code: 'MES_REQUIRED_FIELD_MISSING', details: { fields: ['area'] } });
    const unknown = await failure(run());
    expect(unknown).toBeInstanceOf(RemoteError);
    expect(unknown).toMatchObject({ code: 'HTTP_REJECTED', status: 404, vendorCode: 'LOT_NOT_FOUND' });
  });

  it('refuses a message without a lot id or a reason before sending', async () => {
    const error = await failure(run({ reason: 'msg.payload.why' }, { payload: { inspection: {} } }));
    expect(error).toBeInstanceOf(DataError);
    expect(error).toMatchObject({ code: 'MES_INPUT_INVALID' });
    expect(error.message).toContain('lotId (msg.payload?.lotId ?? msg.payload?.producedLot?.lotId');
    expect(error.message).toContain('reason (msg.payload.why) is required but missing');
    await expect(run({ ...HOLD, lotId: "'..'" })).rejects.toMatchObject({ code: 'MES_INPUT_INVALID' });
    await expect(run(HOLD, { payload: 'LOT-1' })).rejects.toMatchObject({ code: 'MES_PAYLOAD_NOT_OBJECT' });
    expect(mes.requests).toHaveLength(0);
  });

  it('needs an http or mqtt connection', async () => {
    await expect(runWith(node, HOLD, undefined, { payload: REJECTED })).rejects.toBeInstanceOf(ConfigError);
    await expect(runWith(node, HOLD, { something: true }, { payload: REJECTED })).rejects.toMatchObject({
      code: 'MES_NO_CONNECTION',
    });
  });
});
