import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ingress } from './ingress.ts';
import { startFixtureRuntime } from './fixture-runtime.test-helper.ts';
import type { Runtime } from './host.ts';

let runtime: Runtime;
let ingress: Ingress;
let base: string;
let stop: () => Promise<void>;

beforeAll(async () => {
  ({ runtime, close: stop } = await startFixtureRuntime('waits'));
  ingress = new Ingress({ engine: runtime.engine, routes: () => runtime.routes, port: 0 });
  base = `http://127.0.0.1:${await ingress.listen()}`;
});
afterAll(async () => {
  await ingress.close();
  await stop();
});

const post = async (path: string, body: unknown) =>
  fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function status(runId: string, until: (s: string) => boolean) {
  for (let i = 0; i < 500; i++) {
    const s = (await runtime.store.getRun(Number(runId)))!.status;
    if (until(s)) return s;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`run ${runId} stayed ${(await runtime.store.getRun(Number(runId)))!.status}`);
}

describe('wait.event and signal across flows', () => {
  it('holds a run until another flow signals the decision on its key, then goes on with both', async () => {
    const res = await post('/hooks/inspection', { inspectionId: 'INSP-7', lot: 'L-7' });
    const { runId } = (await res.json()) as { runId: string };
    for (let i = 0; i < 100 && (await runtime.store.listWaiting({})).length === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect((await runtime.store.listWaiting({ channel: 'qms.inspection.decided' })).map((w) => w.waitKey)).toEqual([
      'INSP-7',
    ]);
    expect((await runtime.store.getRun(Number(runId)))!.status).toBe('running');

    const decided = await post('/hooks/decisions', { inspectionId: 'INSP-7', decision: 'accept' });
    expect(await decided.json()).toEqual({ woken: 1 });
    expect(await status(runId, (s) => s !== 'running')).toBe('succeeded');
    const steps = await runtime.store.listSteps(Number(runId));
    expect(steps.map((s) => s.nodeId)).toEqual(['decision', 'verdict', 'release']);
    expect(JSON.parse(steps[2]!.outputText!)).toEqual({ out: [{ lot: 'L-7', released: true }] });
  });

  it('does not lose a decision that comes before the run waits for it', async () => {
    const decided = await post('/hooks/decisions', { inspectionId: 'INSP-8', decision: 'reject' });
    expect(await decided.json()).toEqual({ woken: 0 });
    const res = await post('/hooks/inspection', { inspectionId: 'INSP-8', lot: 'L-8' });
    const { runId } = (await res.json()) as { runId: string };
    expect(await status(runId, (s) => s !== 'running')).toBe('succeeded');
    const steps = await runtime.store.listSteps(Number(runId));
    expect(JSON.parse(steps.at(-1)!.outputText!)).toEqual({ out: [{ lot: 'L-8', released: false }] });
  });
});
