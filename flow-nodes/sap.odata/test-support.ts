import { expect } from 'vitest';
import type { CodeRunner, NodeResult } from '@millrace/node-sdk';
import type { SapClient } from '../connections/sap-odata-v2/run.ts';
import { testContext, type TestContextOptions } from '../shared/test-context.ts';
import { node } from './run.ts';

/** Test support for the sap.odata node tests. */

export type Config = Parameters<typeof node.run>[0]['config'];

/** A stand-in for the sandbox: looks expressions up in a table and records each call. */
export function fakeCode(table: Record<string, unknown>): CodeRunner & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    run: () => Promise.reject(new Error('not used')),
    evaluate: (expressions) => {
      calls.push([...expressions]);
      return Promise.resolve(
        JSON.stringify(
          expressions.map((e) => {
            if (!(e in table)) throw new Error(`unexpected expression ${e}`);
            return table[e];
          }),
        ),
      );
    },
  };
}

export function runNode(
  client: SapClient | undefined,
  config: Config,
  extra: Omit<TestContextOptions<Config, SapClient>, 'config' | 'connection'> = {},
): Promise<NodeResult> {
  return node.run(testContext<Config, SapClient>({ config, connection: client as SapClient, ...extra }));
}

/** The one message on `out`, with its payload parsed. */
export function output(result: NodeResult): { payload: unknown; headers: Record<string, string> | undefined } {
  if (result.kind !== 'emit') throw new Error(`expected emit, got ${result.kind}`);
  expect(result.outputs).toHaveLength(1);
  expect(result.outputs[0]!.port).toBe('out');
  const message = result.outputs[0]!.messages[0] as { payloadText: string; headers?: Record<string, string> };
  return { payload: JSON.parse(message.payloadText), headers: message.headers };
}
