import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFixtureRuntime } from './fixture-runtime.test-helper.ts';
import type { Runtime } from './host.ts';

let runtime: Runtime;
let stop: () => Promise<void>;

beforeAll(async () => {
  ({ runtime, close: stop } = await startFixtureRuntime('resilience'));
});
afterAll(() => stop());

async function run(flowId: string, payload: unknown) {
  const { runId } = await runtime.engine.accept(flowId, { payloadText: JSON.stringify(payload) });
  for (let i = 0; i < 500; i++) {
    const r = await runtime.store.getRun(runId);
    if (r && r.status !== 'running') return { status: r.status, steps: await runtime.store.listSteps(runId) };
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`run ${runId} did not end`);
}
const output = (steps: Awaited<ReturnType<typeof run>>['steps'], node: string) =>
  JSON.parse(steps.find((s) => s.nodeId === node)!.outputText!) as unknown;

describe('catch, dedupe and split in real flows', () => {
  it('sends an error nothing else handles to the catch node instead of parking the run', async () => {
    const { status, steps } = await run('catching', { lot: 'L-404' });
    expect(status).toBe('succeeded');
    expect(output(steps, 'note')).toEqual({ out: [{ code: 'SANDBOX_THREW', node: 'boom', lot: 'L-404' }] });
    expect(await runtime.store.listDeadLetters({ flowId: 'catching' })).toEqual([]);
  });

  it('lets an event id through once and sends the repeat out of "duplicate"', async () => {
    const first = await run('once', { eventId: 'E-1' });
    const again = await run('once', { eventId: 'E-1' });
    const other = await run('once', { eventId: 'E-2' });
    expect(output(first.steps, 'first')).toEqual({ out: [{ first: 'E-1' }] });
    expect(output(again.steps, 'again')).toEqual({ out: [{ again: 'E-1' }] });
    expect(output(other.steps, 'first')).toEqual({ out: [{ first: 'E-2' }] });
  });

  it('splits an array into one step per item', async () => {
    const { status, steps } = await run('lots', { lots: ['A', 'B', 'C'] });
    expect(status).toBe('succeeded');
    const tags = steps
      .filter((s) => s.nodeId === 'tag')
      .map((s) => (JSON.parse(s.outputText!) as { out: unknown[] }).out[0]);
    expect(tags).toEqual([
      { lot: 'A', index: 0 },
      { lot: 'B', index: 1 },
      { lot: 'C', index: 2 },
    ]);
    expect(new Set(steps.filter((s) => s.nodeId === 'tag').map((s) => s.key)).size).toBe(3);
  });
});
