import { describe, expect, it } from 'vitest';
import { SandboxError } from '@millrace/node-sdk';
import { runNode } from '@millrace/testing';
import { node } from './run.ts';

const routes = [
  { port: 'rejected', when: 'msg.payload.decision === "reject"' },
  { port: 'big', when: 'msg.payload.qty > 100' },
];

describe('route', () => {
  it('sends the message out of the first route that holds, unchanged', async () => {
    const { ports } = await runNode(node, { config: { routes }, payloadText: '{"decision":"reject","qty":500}' });
    expect(Object.keys(ports)).toEqual(['rejected']);
    expect(ports.rejected![0]!.payloadText).toBe('{"decision":"reject","qty":500}');
  });

  it('sends it out of every route that holds in mode "all", and out of default when none does', async () => {
    expect(
      Object.keys(
        (await runNode(node, { config: { mode: 'all', routes }, payload: { decision: 'reject', qty: 500 } })).ports,
      ),
    ).toEqual(['rejected', 'big']);
    expect(
      Object.keys((await runNode(node, { config: { routes }, payload: { decision: 'accept', qty: 1 } })).ports),
    ).toEqual(['default']);
  });

  it('fails with a sandbox error when a condition throws', async () => {
    await expect(
      runNode(node, { config: { routes: [{ port: 'x', when: 'msg.payload.a.b.c' }] }, payload: {} }),
    ).rejects.toBeInstanceOf(SandboxError);
  });
});
