import { describe, expect, it } from 'vitest';
import { runNode } from '@millrace/testing';
import { node } from './run.ts';

describe('respond', () => {
  it('answers the waiting caller with the payload and passes the message on', async () => {
    const { replies, ports } = await runNode(node, {
      config: { status: 201, headers: { 'x-lot': 'L1' } },
      payloadText: '{"ok":true}',
    });
    expect(replies).toEqual([{ status: 201, headers: { 'x-lot': 'L1' }, bodyText: '{"ok":true}' }]);
    expect(ports.out![0]!.payloadText).toBe('{"ok":true}');
  });

  it('answers with the value of a body expression, or with no body', async () => {
    expect(
      (await runNode(node, { config: { body: '({ id: msg.payload.id })' }, payload: { id: 7, x: 1 } })).replies[0]!
        .bodyText,
    ).toBe('{"id":7}');
    expect((await runNode(node, { config: { status: 204, body: 'none' }, payload: {} })).replies[0]).toEqual({
      status: 204,
    });
  });

  it('goes on when nobody waits (an async webhook, a replay)', async () => {
    const { ports } = await runNode(node, { config: {}, payload: { a: 1 }, callerWaiting: false });
    expect(ports.out![0]!.payload).toEqual({ a: 1 });
  });
});
