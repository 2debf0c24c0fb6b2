import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ingress } from './ingress.ts';
import { readFlows, readProfile } from './load.ts';
import { startRuntime, type Runtime } from './host.ts';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
let runtime: Runtime;
let ingress: Ingress;
let base: string;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'millrace-ingress-'));
  const profile = readProfile(join(fixtures, 'P100.json'));
  const flows = readFlows(fixtures, profile, 'P100.json');
  runtime = await startRuntime({ dataDir: dir, flows, profile, engine: { pollMs: 10 } });
  ingress = new Ingress({ engine: runtime.engine, routes: () => runtime.routes, port: 0 });
  base = `http://127.0.0.1:${await ingress.listen()}`;
});

afterAll(async () => {
  await ingress.close();
  await runtime.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (path: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(base + path, { method: 'POST', body, headers });
const runCount = async () => (await runtime.store.listRuns({ limit: 1000 })).length;

async function waitForRun(runId: string) {
  for (let i = 0; i < 500; i++) {
    const run = await runtime.store.getRun(Number(runId));
    if (run && run.status !== 'running') return run;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`run ${runId} did not end`);
}

describe('webhook ingress', () => {
  it('answers 202 with the run id once the event is durable, and runs it in the sandbox', async () => {
    const res = await post('/hooks/intake', JSON.stringify({ eventId: 'E-1', lot: 'L-1' }));
    expect(res.status).toBe(202);
    const { runId } = (await res.json()) as { runId: string };
    expect(res.headers.get('location')).toBe(`/api/runs/${runId}`);
    expect((await waitForRun(runId)).status).toBe('succeeded');
    const steps = await runtime.store.listSteps(Number(runId));
    expect(JSON.parse(steps[0]!.outputText!)).toEqual({ out: [{ lot: 'L-1', plant: 'P100', qty: '0.3' }] });
  });

  it('answers a sync webhook with what the respond node sends', async () => {
    const small = await post('/hooks/echo/v1', '{"n":4}');
    expect(small.status).toBe(200);
    expect(await small.json()).toEqual({ n: 8, tag: { size: 'small' } });
    expect(small.headers.get('x-millrace-run-id')).toMatch(/^\d+$/);
    const big = await post('/hooks/echo/v1', '{"n":40}');
    expect(big.status).toBe(422);
    expect(await big.json()).toEqual({ error: 'n is too big', n: 40 });
  });

  it('starts a run for an event whose keys cannot be computed, so the flow can handle it', async () => {
    // The flow keys runs on msg.payload.event.id; an event without it still gets its run.
    const res = await post('/hooks/keyed', '{"malformed":true}');
    expect(res.status).toBe(202);
    const { runId } = (await res.json()) as { runId: string };
    const run = await waitForRun(runId);
    expect(run.status).toBe('succeeded');
    expect(run.idempotencyKey).toBeNull();
    expect(JSON.parse(run.businessKeysText!)).toEqual({ lot: null });
  });

  it('gives one run for the same idempotency key sent 5 times at once', async () => {
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => post('/hooks/intake', JSON.stringify({ eventId: 'E-dup', lot: 'L-2' }))),
    );
    const bodies = (await Promise.all(answers.map((a) => a.json()))) as Array<{ runId: string; duplicate: boolean }>;
    expect(new Set(bodies.map((b) => b.runId)).size).toBe(1);
    expect(bodies.filter((b) => b.duplicate)).toHaveLength(4);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 202]);
  });

  describe('refuses bad input with problem+json and stores nothing', () => {
    const cases: Array<[string, () => Promise<Response>, number, string]> = [
      ['malformed JSON', () => post('/hooks/intake', '{"eventId": "E-9", "lot": }'), 400, 'WEBHOOK_BODY_INVALID'],
      [
        'a body over the limit',
        () => post('/hooks/intake', JSON.stringify({ eventId: 'E-9', lot: 'x'.repeat(4096) })),
        413,
        'BODY_TOO_LARGE',
      ],
      [
        'a wrong content type',
        () => post('/hooks/intake', 'eventId=E-9', { 'content-type': 'application/x-www-form-urlencoded' }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      ['no content type', () => post('/hooks/intake', '{}', {}), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [
        'a body that misses required fields',
        () => post('/hooks/intake', '{"eventId":"E-9"}'),
        422,
        'WEBHOOK_BODY_INVALID',
      ],
      ['an unknown webhook', () => post('/hooks/nope', '{}'), 404, 'NOT_FOUND'],
      ['a GET', () => fetch(`${base}/hooks/intake`), 405, 'METHOD_NOT_ALLOWED'],
    ];
    for (const [what, send, status, code] of cases) {
      it(what, async () => {
        const before = await runCount();
        const res = await send();
        expect(res.status).toBe(status);
        expect(res.headers.get('content-type')).toBe('application/problem+json');
        const problem = (await res.json()) as {
          type: string;
          title: string;
          status: number;
          detail: string;
          code: string;
        };
        expect(problem).toMatchObject({ status, code });
        expect(problem.type).toMatch(/^https:\/\/millrace\.dev\/problems\//);
        expect(problem.detail.length).toBeGreaterThan(10);
        expect(await runCount()).toBe(before);
      });
    }

    it('names where malformed JSON breaks', async () => {
      const res = await post('/hooks/intake', '{"eventId": "E-9", "lot": }');
      expect(((await res.json()) as { detail: string }).detail).toBe(
        'the body is not valid JSON: expected a value, found "}" at line 1, column 27',
      );
    });

    it('lists every schema problem with its pointer', async () => {
      const res = await post('/hooks/intake', '{"eventId": 5}');
      expect(((await res.json()) as { problems: unknown }).problems).toEqual([
        { pointer: '/eventId', message: 'must be a string, not the number 5' },
        { pointer: '/lot', message: 'is required but missing' },
      ]);
    });
  });

  it('reports health', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('keeps serving other runs while a runaway mapping is stopped by the sandbox', async () => {
    const events: string[] = [];
    const off = runtime.engine.onTransition((t) => {
      if (t.kind === 'step' && t.nodeId === 'loop') events.push(`loop ${t.status} ${t.error?.code ?? ''}`.trim());
    });
    // An async webhook answers once the run is durable, before any user code runs.
    const spin = await post('/hooks/spin', '{}');
    expect(spin.status).toBe(202);
    const answers = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const res = await post('/hooks/echo/v1', JSON.stringify({ n: i % 10 }));
        events.push(`echo ${res.status}`);
        return res.status;
      }),
    );
    expect(answers.every((s) => s === 200)).toBe(true);
    const { runId } = (await spin.json()) as { runId: string };
    expect((await waitForRun(runId)).status).toBe('dead_lettered');
    off();
    console.log(events.join(' / '));
    // Every other request was answered before the runaway step was stopped.
    expect(events.slice(0, 20).every((e) => e === 'echo 200')).toBe(true);
    expect(events.at(-1)).toBe('loop parked SANDBOX_TIMEOUT');
    const [letter] = await runtime.store.listDeadLetters({ flowId: 'spin' });
    expect(letter!.reason).toMatch(/longer than its 1000 ms/);
  });
});
