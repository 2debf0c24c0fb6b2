import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Flow } from '@millrace/flow-model';
import { TransientError } from '@millrace/node-sdk';
import { runFlow, runNode } from '@millrace/testing';
import type { Row } from '../connections/sap-odata-v2/test-server-query.ts';
import { failure, startTestErp, type TestErp } from '../shared/erp/test-support.ts';
import { node } from './run.ts';

/**
 * The promise of erp.set-stock-status: at-least-once execution, exactly-once effect, against an
 * ERP that takes no idempotency key. Proved by counting the material documents the test ERP holds.
 */

let erp: TestErp;
beforeEach(async () => {
  erp = await startTestErp();
});
afterEach(() => erp.close());

const HOLD = { to: 'blocked', output: 'result' };
const B0042 = { lotNumber: 'LOT-2026-0042', erpBatch: 'B0042', materialId: 'FG-1000', plantId: 'P100' };

/** The 350 postings of batch B0042: the movement the hold makes. */
function holds(): Row[] {
  return erp.server
    .materialDocuments()
    .filter((doc) =>
      ((doc.to_MaterialDocumentItem as { results: Row[] }).results ?? []).some(
        (item) => item.Batch === 'B0042' && item.GoodsMovementType === '350',
      ),
    );
}

const hold = (idempotencyKey: string, config: Record<string, unknown> = {}) =>
  runNode(node, { config: { ...HOLD, ...config }, payload: B0042, connection: erp.client, idempotencyKey });

const result = (run: Awaited<ReturnType<typeof hold>>) =>
  run.ports.out![0]!.payload as { outcome: string; recovered?: boolean; posting?: { erpDocument: { number: string } } };

describe('erp.set-stock-status posts a movement exactly once', () => {
  it('when called twice: the second call finds the lot blocked and posts nothing', async () => {
    const first = await hold('mr-1-hold');
    const second = await hold('mr-2-hold');
    expect(result(first).outcome).toBe('posted');
    expect(result(second)).toMatchObject({ outcome: 'already' });
    expect(result(second).posting).toBeUndefined();
    expect(holds()).toHaveLength(1);
    expect(erp.server.stockOf('B0042')).toEqual({ '02': '0.000', '07': '480.000' });
  });

  it('when the same step runs again: it finds its own document and answers as the first time did', async () => {
    const first = await hold('mr-1-hold');
    const again = await hold('mr-1-hold');
    expect(result(again)).toMatchObject({ outcome: 'posted', recovered: true });
    expect(result(again).posting).toEqual({ ...result(first).posting, postedAt: undefined });
    expect(holds()).toHaveLength(1);
  });

  it('after a commit and a timeout: the retry with the same key reads back, finds the posting and posts nothing more', async () => {
    erp.server.fault({ kind: 'commit-then-hang', methods: ['POST'] });
    const lost = await failure(hold('mr-7-hold', { timeoutMs: 300 }));
    expect(lost).toBeInstanceOf(TransientError);
    expect(lost).toMatchObject({
      code: 'ERP_STOCK_STATE_UNKNOWN',
      details: { vendorErrorCode: 'SAP_TRANSIENT', reason: 'timeout', movement: 'qi_to_blocked' },
    });
    // SAP committed the document although the step never heard so.
    expect(holds()).toHaveLength(1);
    const committed = holds()[0]!.MaterialDocument;

    const sent = erp.server.requests.length;
    const retry = await hold('mr-7-hold', { timeoutMs: 300 });
    expect(result(retry)).toMatchObject({
      outcome: 'posted',
      recovered: true,
      posting: { erpDocument: { number: committed }, movementKind: 'qi_to_blocked' },
    });
    expect(erp.server.requests.slice(sent).map((r) => r.method)).toEqual(['GET', 'GET']);
    expect(holds()).toHaveLength(1);

    // And a later step (another key) that wants the same hold finds it done.
    expect(result(await hold('mr-8-hold'))).toMatchObject({ outcome: 'already' });
    expect(holds()).toHaveLength(1);
  });

  it('through the engine: the timed-out attempt is retried with the same key, and one document is posted', async () => {
    erp.server.fault({ kind: 'commit-then-hang', methods: ['POST'] });
    const flow: Flow = {
      schemaVersion: 1,
      id: 'quality-hold',
      name: 'Quality hold',
      version: '1.0.0',
      connections: { erp: { type: 'sap-odata-v2' } },
      nodes: [
        { id: 'hook', type: 'trigger.webhook', version: 1, config: { mode: 'async', path: 'hold' } },
        {
          id: 'hold',
          type: 'erp.set-stock-status',
          version: 1,
          connection: 'erp',
          retry: { maxAttempts: 3, initialMs: 10, multiplier: 1, maxMs: 50, jitter: false },
          config: { to: 'blocked', timeoutMs: 300 },
        },
      ],
      edges: [{ id: 'e1', from: { node: 'hook', port: 'out' }, to: { node: 'hold', port: 'in' } }],
    };
    const trace = await runFlow(flow, { input: B0042, connections: { erp: erp.client }, sandbox: 'in-process' });
    expect(trace.status).toBe('succeeded');
    const step = trace.steps.find((s) => s.node === 'hold')!;
    expect(step.attempts).toBe(2);
    expect(step.failedAttempts.map((a) => (a.error as { code: string }).code)).toEqual(['ERP_STOCK_STATE_UNKNOWN']);
    expect(JSON.stringify(step.output)).toContain('"recovered":true');
    expect(holds()).toHaveLength(1);
  });

  it('through the engine: bad input goes out of the error port as a data error, and nothing is posted', async () => {
    const flow: Flow = {
      schemaVersion: 1,
      id: 'quality-hold',
      name: 'Quality hold',
      version: '1.0.0',
      connections: { erp: { type: 'sap-odata-v2' } },
      nodes: [
        { id: 'hook', type: 'trigger.webhook', version: 1, config: { mode: 'async', path: 'hold' } },
        {
          id: 'hold',
          type: 'erp.set-stock-status',
          version: 1,
          connection: 'erp',
          onError: 'route',
          config: { to: 'blocked' },
        },
        {
          id: 'problem',
          type: 'map',
          version: 1,
          config: { source: 'return { code: msg.payload.error.code, field: msg.payload.error.details.field };' },
        },
      ],
      edges: [
        { id: 'e1', from: { node: 'hook', port: 'out' }, to: { node: 'hold', port: 'in' } },
        { id: 'e2', from: { node: 'hold', port: 'error' }, to: { node: 'problem', port: 'in' } },
      ],
    };
    const { erpBatch: _missing, ...withoutBatch } = B0042;
    const trace = await runFlow(flow, { input: withoutBatch, connections: { erp: erp.client }, sandbox: 'in-process' });
    expect(trace.status).toBe('succeeded');
    expect(trace.steps.map((s) => [s.node, s.status])).toEqual([
      ['hold', 'done'],
      ['problem', 'done'],
    ]);
    expect(JSON.stringify(trace.steps[1]!.output)).toContain('{"code":"ERP_INPUT_INVALID","field":"batch"}');
    expect(erp.server.requests).toHaveLength(0);
  });
});
