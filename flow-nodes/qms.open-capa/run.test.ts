import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateCanonical } from '@millrace/canonical';
import { DataError, RemoteError, TransientError } from '@millrace/node-sdk';
import type { HttpClient } from '../connections/http/client.ts';
import { node as openQualityEvent } from '../qms.open-quality-event/run.ts';
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

const CAPA: Config = {
  problemStatement: "'Dryer FBD-02 overshoots its bed temperature set point after a filter change'",
  sourceEventIds: "['QE-2026-0031']",
  ownerId: "'u-qa-0042'",
  dueAt: "'2026-07-31T17:00:00+02:00'",
  externalId: "'CAPA-' + msg.payload.producedLot.lotId",
};

const run = (config: Config = CAPA, options: Parameters<typeof runWith>[3] = {}) =>
  runWith(node, config, client, { payload: BATCH_COMPLETED, idempotencyKey: 'mr-run-7-capa-0', ...options });

const EXPECTED_BODY = {
  type: 'corrective',
  problemStatement: 'Dryer FBD-02 overshoots its bed temperature set point after a filter change',
  sourceEventIds: ['QE-2026-0031'],
  ownerId: 'u-qa-0042',
  dueAt: '2026-07-31T17:00:00+02:00',
  externalId: 'CAPA-LOT-2026-0042-P100-L3',
};

describe('qms.open-capa', () => {
  it('posts the CAPA with the idempotency key and merges the canonical CAPA', async () => {
    const step = run();
    const { payload, headers } = output(await step);
    const sent = qms.requests[0]!;
    expect(`${sent.method} ${sent.url}`).toBe('POST /qms/api/v1/capas');
    expect(sent.headers['idempotency-key']).toBe('mr-run-7-capa-0');
    expect(JSON.parse(sent.body)).toEqual(EXPECTED_BODY);
    expect(step.code.calls).toHaveLength(1);
    expect(validateCanonical('canonical:CAPA@1', payload.capa)).toEqual([]);
    const { externalId: _key, ...canonicalFields } = EXPECTED_BODY;
    expect(payload.capa).toMatchObject({
      ...canonicalFields,
      number: 'CAPA-2026-0001',
      externalRefs: [{ system: 'qms', type: 'CAPA', id: 'CAPA-000001' }],
      status: 'initiated',
    });
    expect(headers['qms-outcome']).toBe('created');
  });

  it('answers the quality event a preceding qms.open-quality-event opened, by default', async () => {
    const opened = output(
      await runWith(openQualityEvent, { kind: 'deviation', description: "'CPP excursion'", output: 'merge' }, client, {
        payload: BATCH_COMPLETED,
      }),
    ).payload;
    const { payload } = output(
      await runWith(
        node,
        { type: 'preventive', problemStatement: "'Recurring CPP excursions'", output: 'capa' },
        client,
        {
          payload: opened,
        },
      ),
    );
    expect(JSON.parse(qms.requests[1]!.body)).toMatchObject({ type: 'preventive', sourceEventIds: ['QE-000001'] });
    expect(payload).toMatchObject({ type: 'preventive', sourceEventIds: ['QE-000001'], status: 'initiated' });
    expect(payload).not.toHaveProperty('qualityEvent');
  });

  it('keeps the idempotency key on a retry, and takes the same CAPA found under its external id as success', async () => {
    const first = output(await run()).payload.capa;
    expect(output(await run(CAPA, { attempt: 2 })).payload.capa).toEqual(first);
    expect(qms.requests.map((r) => r.headers['idempotency-key'])).toEqual(['mr-run-7-capa-0', 'mr-run-7-capa-0']);
    // Another run (another key) asking for the same CAPA finds it.
    const other = output(await run(CAPA, { idempotencyKey: 'mr-run-8-capa-0' }));
    expect(other.payload.capa).toEqual(first);
    expect(other.headers['qms-outcome']).toBe('existing');
    expect(qms.records.capas.size).toBe(1);
  });

  it('refuses a CAPA found under its external id that answers other events', async () => {
    qms.seed('capas', { ...EXPECTED_BODY, sourceEventIds: ['QE-2026-0099'], state: 'Implementation' });
    await expect(run()).rejects.toMatchObject({
      code: 'QMS_DUPLICATE_CONFLICT',
      details: { differences: [{ field: 'sourceEventIds' }] },
    });
  });

  it('classifies a busy QMS as transient and an illegal transition as remote', async () => {
    qms.fail(
      { status: 503, headers: { 'retry-after': 'Wed, 21 Oct 2099 07:28:00 GMT' } },
      {
        status: 409,
        json: { error: { code: 'ILLEGAL_TRANSITION', currentState: 'closed', allowedNextStates: ['reopened'] } },
      },
    );
    const busy = await failure(run());
    expect(busy).toBeInstanceOf(TransientError);
    expect(busy.retryAfterMs).toBeGreaterThan(0);
    const illegal = await failure(run());
    expect(illegal).toBeInstanceOf(RemoteError);
    expect(illegal.message).toContain('cannot move from "closed" this way; allowed next states: reopened');
  });

  it('refuses a bad message before sending', async () => {
    const error = await failure(run({ ...CAPA, sourceEventIds: 'msg.payload.events', dueAt: "'2026-07-31'" }));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toContain('dueAt');
    // sourceEventIds that give nothing are simply not sent: a CAPA may start from an audit.
    expect(error.message).not.toContain('sourceEventIds');
    expect(qms.requests).toHaveLength(0);
  });
});
