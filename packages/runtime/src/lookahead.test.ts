import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureRuntime } from './fixture-runtime.test-helper.ts';
import type { Runtime } from './host.ts';

let runtime: Runtime;
let stop: () => Promise<void>;

beforeAll(async () => {
  ({ runtime, close: stop } = await startFixtureRuntime('lookahead'));
});
afterAll(() => stop());

async function send(payload: unknown) {
  const accepted = await runtime.engine.accept(
    'sort',
    { payloadText: JSON.stringify(payload) },
    { replyTimeoutMs: 5000 },
  );
  const outcome = await accepted.reply!;
  return { runId: accepted.runId, outcome };
}

describe('a route right after a map', () => {
  it('is decided in the map’s sandbox call, with the values the route would compute itself', async () => {
    await send({ lot: 'L-0', qty: 1 }); // compiles the code once
    const calls = runtime.sandbox.stats().calls;
    const big = await send({ lot: 'L-1', qty: 6 });
    const small = await send({ lot: 'L-2', qty: 5 });
    expect(big.outcome).toMatchObject({ kind: 'reply', reply: { status: 201 } });
    expect(small.outcome).toMatchObject({ kind: 'reply', reply: { status: 200 } });
    expect(runtime.sandbox.stats().calls - calls).toBe(2);
  });

  it('leaves a failing condition to the route, which reports it as its own error', async () => {
    const { runId, outcome } = await send({ lot: 'L-3', qty: 1, check: 'deep' });
    expect(outcome).toMatchObject({ kind: 'ended', status: 'dead_lettered' });
    const route = (await runtime.store.listSteps(runId)).find((s) => s.nodeId === 'bySize')!;
    expect(route.status).toBe('parked');
    const error = JSON.parse(route.errorText!) as { message: string };
    expect(error.message).toContain(
      "Expression 1 threw at line 1, column 52: TypeError: Cannot read properties of undefined (reading 'x')",
    );
  });
});
