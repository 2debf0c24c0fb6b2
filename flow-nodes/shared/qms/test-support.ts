import { runInNewContext } from 'node:vm';
import { expect } from 'vitest';
import type { CodeRunner, NodeResult } from '@millrace/node-sdk';
import { createHttpClient, type HttpClient } from '../../connections/http/client.ts';
import { silentLogger, testContext, type TestContextOptions } from '../test-context.ts';

/**
 * Test support for the QMS and MES business nodes. Expressions really run (node:vm, with the
 * step's `msg` and `params` as the sandbox gives them), so a test shows what a flow author's
 * expression does, not what a lookup table says; the sandbox itself is tested in its package.
 */

/** Evaluates expressions over the payload, as the sandbox would; counts the calls. */
export function vmCode(payloadText: string, params: Record<string, unknown> = {}): CodeRunner & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    run: () => Promise.reject(new Error('not used')),
    evaluate(expressions) {
      calls.push([...expressions]);
      // A fresh copy per call, as the sandbox gets the message as JSON.
      const scope = { msg: { payload: JSON.parse(payloadText) as unknown, headers: {} }, params };
      return Promise.resolve(JSON.stringify(expressions.map((e) => runInNewContext(`(${e})`, scope) as unknown)));
    },
  };
}

export interface RunOptions<C, K> extends Omit<TestContextOptions<C, K>, 'config' | 'connection' | 'payloadText'> {
  readonly payload?: unknown;
}

/** Runs a node's `run` with a test context whose expressions evaluate over `payload`. */
export function runWith<C, K>(
  node: { run(ctx: never): Promise<NodeResult> },
  config: C,
  connection: K | undefined,
  options: RunOptions<C, K> = {},
): Promise<NodeResult> & { code: ReturnType<typeof vmCode> } {
  const { payload = null, ...rest } = options;
  const payloadText = JSON.stringify(payload);
  const code = vmCode(payloadText, options.params);
  const ctx = testContext<C, K>({
    config,
    payloadText,
    code,
    ...(connection === undefined ? {} : { connection }),
    ...rest,
  });
  const promise = (node.run as (c: typeof ctx) => Promise<NodeResult>)(ctx);
  return Object.assign(promise, { code });
}

/** The one message on `out`, its payload parsed. */
export function output(result: NodeResult): { payload: Record<string, unknown>; headers: Record<string, string> } {
  if (result.kind !== 'emit') throw new Error(`expected emit, got ${result.kind}`);
  expect(result.outputs).toHaveLength(1);
  expect(result.outputs[0]!.port).toBe('out');
  const message = result.outputs[0]!.messages[0]!;
  const payload = 'payloadText' in message ? (JSON.parse(message.payloadText) as unknown) : message.payload;
  return { payload: payload as Record<string, unknown>, headers: { ...(message.headers ?? {}) } };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function failure(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the step to fail, and it succeeded');
}

/** An HttpClient on a test server's URL, as a `qms-rest` or `http` binding with no auth opens one. */
export function httpClient(baseUrl: string): HttpClient {
  return createHttpClient({ baseUrl, auth: { kind: 'none' }, timeoutMs: 5000 }, { log: silentLogger });
}

/** A canonical BatchCompletion (packages/canonical fixtures, trimmed): the reference scenario's input. */
export const BATCH_COMPLETED = {
  id: '3f6c1a2e-8b4d-4e1f-9a7c-2d5e6f708192',
  schemaVersion: 1,
  productionOrderId: '1000123',
  mesJobId: 'JOB-88231',
  plantId: 'P100',
  responseState: 'completed',
  producedLot: {
    lotId: 'LOT-2026-0042-P100-L3',
    materialId: 'FG-1000',
    qty: { value: '480.000', uom: 'KGM' },
  },
  startTime: '2026-03-02T06:12:00+01:00',
  endTime: '2026-03-02T17:48:31+01:00',
};
