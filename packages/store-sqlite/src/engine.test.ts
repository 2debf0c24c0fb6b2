import { afterEach, describe, expect, it } from 'vitest';
import { buildTrace } from '@millrace/engine';
import { DataError, emit, emitText, TransientError } from '@millrace/node-sdk';
import {
  eventually,
  flowOf,
  makeKit,
  passThrough,
  scriptedNode,
  tableSandbox,
  type Kit,
} from './test-kit.test-helper.ts';

let kit: Kit;
afterEach(async () => kit?.cleanup());

const runStatus = async (runId: number) => (await kit.store.getRun(runId))?.status;
const ended = (runId: number) =>
  eventually(
    async () => ((s) => (s === 'running' || s === 'held' ? undefined : s))(await runStatus(runId)),
    `run ${runId} to end`,
  );

describe('engine on SQLite', () => {
  it('runs a flow to the end and journals every step with its ports', async () => {
    kit = makeKit();
    const a = scriptedNode('t.a', (ctx) => emit('out', { seen: (ctx.message.payload as { n: number }).n + 1 }));
    const b = scriptedNode('t.b', passThrough);
    kit.deploy(
      flowOf(
        'linear',
        [
          { id: 'a', type: 't.a' },
          { id: 'b', type: 't.b' },
        ],
        [
          ['trigger', 'a'],
          ['a', 'b'],
        ],
      ),
      { a: a.def, b: b.def },
    );
    await kit.engine.start();
    const { runId } = await kit.engine.accept('linear', { payloadText: '{"n":1}' });
    expect(await ended(runId)).toBe('succeeded');
    const trace = (await buildTrace(kit.store, runId))!;
    expect(trace.steps.map((s) => [s.node, s.status, s.output])).toEqual([
      ['a', 'done', { out: 1 }],
      ['b', 'done', { out: [{ seen: 2 }] }],
    ]);
    expect(trace.steps[1]!.input).toEqual({ seen: 2 });
  });

  it('fans out over several ports and ends the run when every branch is done', async () => {
    kit = makeKit();
    const split = scriptedNode(
      't.split',
      () => ({
        kind: 'emit',
        outputs: [
          { port: 'left', messages: [{ payload: 1 }] },
          { port: 'right', messages: [{ payload: 2 }, { payload: 3 }] },
        ],
      }),
      ['left', 'right'],
    );
    const leaf = scriptedNode('t.leaf', passThrough);
    kit.deploy(
      flowOf(
        'fan',
        [
          { id: 's', type: 't.split' },
          { id: 'l', type: 't.leaf' },
          { id: 'r', type: 't.leaf' },
        ],
        [
          ['trigger', 's'],
          ['s', 'l', 'left'],
          ['s', 'r', 'right'],
        ],
      ),
      { s: split.def, l: leaf.def },
    );
    await kit.engine.start();
    const { runId } = await kit.engine.accept('fan', { payloadText: '{}' });
    expect(await ended(runId)).toBe('succeeded');
    expect(leaf.total()).toBe(3);
    const keys = (await kit.store.listSteps(runId)).map((s) => s.key).sort();
    expect(keys).toEqual(['s', 's/l', 's/r@right#0', 's/r@right#1']);
  });

  it('retries a transient failure with the same idempotency key until it succeeds', async () => {
    kit = makeKit();
    const flaky = scriptedNode('t.flaky', (ctx, n) => {
      if (n < 3) throw new TransientError('HTTP_TRANSIENT', `attempt ${n} failed`);
      return passThrough(ctx);
    });
    kit.deploy(
      flowOf('flaky', [{ id: 'f', type: 't.flaky' }], [['trigger', 'f']], {
        settings: { retry: { initialMs: 20, maxMs: 50, jitter: false } },
      }),
      { f: flaky.def },
    );
    await kit.engine.start();
    const { runId } = await kit.engine.accept('flaky', { payloadText: '{}' });
    expect(await ended(runId)).toBe('succeeded');
    expect(new Set(flaky.keys).size).toBe(1);
    expect(flaky.total()).toBe(3);
    const [step] = await kit.store.listSteps(runId);
    expect(step!.attempts).toBe(3);
    expect(step!.failedAttempts.map((a) => JSON.parse(a.errorText).message)).toEqual([
      'attempt 1 failed',
      'attempt 2 failed',
    ]);
  });

  it('parks the run in dead letters after the last attempt, with every attempt and the flow version', async () => {
    kit = makeKit();
    const down = scriptedNode('t.down', (_ctx, n) => {
      throw new TransientError('HTTP_TRANSIENT', `503 on attempt ${n}`, { retryAfterMs: 10 });
    });
    kit.deploy(
      flowOf('down', [{ id: 'd', type: 't.down' }], [['trigger', 'd']], {
        settings: { retry: { maxAttempts: 3, initialMs: 10, jitter: false } },
      }),
      { d: down.def },
    );
    await kit.engine.start();
    const { runId } = await kit.engine.accept('down', { payloadText: '{"lot":"L1"}' });
    expect(await ended(runId)).toBe('dead_lettered');
    const [dl] = await kit.store.listDeadLetters({ status: 'open' });
    expect(dl).toMatchObject({
      runId,
      flowId: 'down',
      flowVersion: '1.0.0',
      nodeId: 'd',
      code: 'HTTP_TRANSIENT',
      reason: '503 on attempt 3',
      payloadText: '{"lot":"L1"}',
    });
    expect(dl!.attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
  });

  it('does not retry an error that is not retryable', async () => {
    kit = makeKit();
    const bad = scriptedNode('t.bad', () => {
      throw new DataError('BAD_LOT', 'the lot number is malformed');
    });
    kit.deploy(flowOf('bad', [{ id: 'x', type: 't.bad' }], [['trigger', 'x']]), { x: bad.def });
    await kit.engine.start();
    const { runId } = await kit.engine.accept('bad', { payloadText: '{}' });
    expect(await ended(runId)).toBe('dead_lettered');
    expect(bad.total()).toBe(1);
  });

  it('sends the error out of the error port when the node routes its errors', async () => {
    kit = makeKit();
    const bad = scriptedNode('t.bad', () => {
      throw new DataError('BAD_LOT', 'the lot number is malformed');
    });
    const handler = scriptedNode('t.handler', passThrough);
    kit.deploy(
      flowOf(
        'routed',
        [
          { id: 'x', type: 't.bad', onError: 'route' },
          { id: 'h', type: 't.handler' },
        ],
        [
          ['trigger', 'x'],
          ['x', 'h', 'error'],
        ],
      ),
      { x: bad.def, h: handler.def },
    );
    await kit.engine.start();
    const { runId } = await kit.engine.accept('routed', { payloadText: '{"lot":"??"}' });
    expect(await ended(runId)).toBe('succeeded');
    const steps = await kit.store.listSteps(runId);
    expect(JSON.parse(steps[1]!.payloadText)).toMatchObject({
      error: { code: 'BAD_LOT', category: 'data' },
      input: { lot: '??' },
      source: { nodeId: 'x', attempt: 1 },
    });
  });

  it('retries with the policy of a retry node and leaves by its exhausted port', async () => {
    kit = makeKit();
    const retryNode = scriptedNode('retry', (ctx) => emitText('out', ctx.message.payloadText), ['out', 'exhausted']);
    const down = scriptedNode('t.down', () => {
      throw new TransientError('HTTP_TRANSIENT', 'still down');
    });
    const fallback = scriptedNode('t.fallback', passThrough);
    kit.deploy(
      flowOf(
        'governed',
        [
          { id: 'r', type: 'retry', config: { maxAttempts: 2, initialMs: 5, jitter: false } },
          { id: 'd', type: 't.down' },
          { id: 'fb', type: 't.fallback' },
        ],
        [
          ['trigger', 'r'],
          ['r', 'd'],
          ['r', 'fb', 'exhausted'],
        ],
      ),
      { r: retryNode.def, d: down.def, fb: fallback.def },
    );
    await kit.engine.start();
    const { runId } = await kit.engine.accept('governed', { payloadText: '{"x":1}' });
    expect(await ended(runId)).toBe('succeeded');
    expect(down.total()).toBe(2);
    const fb = (await kit.store.listSteps(runId)).find((s) => s.nodeId === 'fb')!;
    expect(JSON.parse(fb.payloadText)).toMatchObject({
      error: { message: 'still down' },
      input: { x: 1 },
      attempts: 2,
    });
  });

  it('replays a dead letter from the failed step without re-running finished steps', async () => {
    kit = makeKit();
    let healed = false;
    const first = scriptedNode('t.first', passThrough);
    const sink = scriptedNode('t.sink', (ctx) => {
      if (!healed) throw new TransientError('HTTP_TRANSIENT', 'sink down');
      return passThrough(ctx);
    });
    kit.deploy(
      flowOf(
        'replay',
        [
          { id: 'a', type: 't.first' },
          { id: 's', type: 't.sink' },
        ],
        [
          ['trigger', 'a'],
          ['a', 's'],
        ],
        { settings: { retry: { maxAttempts: 2, initialMs: 5 } } },
      ),
      { a: first.def, s: sink.def },
    );
    await kit.engine.start();
    const { runId } = await kit.engine.accept('replay', { payloadText: '{}' });
    expect(await ended(runId)).toBe('dead_lettered');
    const [dl] = await kit.store.listDeadLetters({ status: 'open' });
    healed = true;
    await expect(kit.engine.replay(dl!.id, { reason: '', by: 'ops' })).rejects.toThrow('needs a reason');
    await kit.engine.replay(dl!.id, { reason: 'sink is back', by: 'ops' });
    expect(await ended(runId)).toBe('succeeded');
    expect(first.total()).toBe(1);
    expect(sink.keys.every((k) => k === sink.keys[0])).toBe(true);
    expect((await kit.store.getDeadLetter(dl!.id))!.status).toBe('replayed');
    await expect(kit.engine.replay(dl!.id, { reason: 'again', by: 'ops' })).rejects.toThrow('already replayed');
  });

  it('replays on a newer deployed version', async () => {
    kit = makeKit();
    const broken = scriptedNode('t.broken', () => {
      throw new DataError('NOPE', 'version 1 cannot do this');
    });
    const fixed = scriptedNode('t.fixed', passThrough);
    kit.deploy(flowOf('versions', [{ id: 'x', type: 't.broken' }], [['trigger', 'x']]), { x: broken.def });
    await kit.engine.start();
    const { runId } = await kit.engine.accept('versions', { payloadText: '{}' });
    expect(await ended(runId)).toBe('dead_lettered');
    kit.deploy(
      { ...flowOf('versions', [{ id: 'x', type: 't.fixed' }], [['trigger', 'x']]), version: '1.1.0' },
      { x: fixed.def },
    );
    const [dl] = await kit.store.listDeadLetters({});
    await kit.engine.replay(dl!.id, { reason: 'fixed in 1.1.0', by: 'ops', version: '1.1.0' });
    expect(await ended(runId)).toBe('succeeded');
    expect((await kit.store.getRun(runId))!.flowVersion).toBe('1.1.0');
  });

  it('parks at a dead-letter node and replays from the step that fed it', async () => {
    kit = makeKit();
    let accept = false;
    const check = scriptedNode('t.check', (ctx) => emitText(accept ? 'valid' : 'invalid', ctx.message.payloadText), [
      'valid',
      'invalid',
    ]);
    const park = scriptedNode('t.park', () => ({ kind: 'park', reason: 'malformed event', code: 'MALFORMED' }));
    const done = scriptedNode('t.done', passThrough);
    kit.deploy(
      flowOf(
        'dl',
        [
          { id: 'c', type: 't.check' },
          { id: 'p', type: 't.park' },
          { id: 'ok', type: 't.done' },
        ],
        [
          ['trigger', 'c'],
          ['c', 'p', 'invalid'],
          ['c', 'ok', 'valid'],
        ],
      ),
      { c: check.def, p: park.def, ok: done.def },
    );
    await kit.engine.start();
    const { runId } = await kit.engine.accept('dl', { payloadText: '{"bad":true}' });
    expect(await ended(runId)).toBe('dead_lettered');
    const [dl] = await kit.store.listDeadLetters({});
    expect(dl).toMatchObject({
      reason: 'malformed event',
      code: 'MALFORMED',
      nodeId: 'p',
      resumeNodeId: 'c',
      attempts: [],
    });
    // The dead-letter node ran once: its step says so (no failed attempt is recorded for it).
    expect((await kit.store.listSteps(runId)).find((s) => s.nodeId === 'p')).toMatchObject({
      status: 'parked',
      attempts: 1,
    });
    accept = true;
    await kit.engine.replay(dl!.id, { reason: 'schema relaxed', by: 'qa' });
    expect(await ended(runId)).toBe('succeeded');
    expect(done.total()).toBe(1);
    expect((await kit.store.listSteps(runId)).map((s) => s.nodeId).sort()).toEqual(['c', 'ok']);
  });

  it('answers a repeated idempotency key with the existing run, also when sent concurrently', async () => {
    kit = makeKit(tableSandbox({ 'msg.payload.eventId': (s) => (s.msg.payload as { eventId: string }).eventId }));
    const a = scriptedNode('t.a', passThrough);
    kit.deploy(
      flowOf('idem', [{ id: 'a', type: 't.a' }], [['trigger', 'a']], {
        settings: { idempotencyKey: 'msg.payload.eventId' },
      }),
      { a: a.def },
    );
    await kit.engine.start();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => kit.engine.accept('idem', { payloadText: '{"eventId":"E-1"}' })),
    );
    const runIds = new Set(results.map((r) => r.runId));
    expect(runIds.size).toBe(1);
    expect(results.filter((r) => r.duplicate)).toHaveLength(4);
    await ended([...runIds][0]!);
    expect(a.total()).toBe(1);
    expect((await kit.store.getRun([...runIds][0]!))!.duplicates).toBe(4);
  });

  it('runs events with the same order key one after another, in order of arrival', async () => {
    kit = makeKit(tableSandbox({ 'msg.payload.lot': (s) => (s.msg.payload as { lot: string }).lot }));
    const log: string[] = [];
    const slow = scriptedNode('t.slow', async (ctx) => {
      const p = ctx.message.payload as { lot: string; n: number };
      log.push(`start ${p.lot}${p.n}`);
      await new Promise((r) => setTimeout(r, 20));
      log.push(`end ${p.lot}${p.n}`);
      return passThrough(ctx);
    });
    kit.deploy(
      flowOf('ordered', [{ id: 's', type: 't.slow' }], [['trigger', 's']], {
        settings: { orderBy: 'msg.payload.lot' },
      }),
      { s: slow.def },
    );
    await kit.engine.start();
    const runs = [];
    for (let n = 1; n <= 3; n++)
      runs.push(await kit.engine.accept('ordered', { payloadText: JSON.stringify({ lot: 'A', n }) }));
    runs.push(await kit.engine.accept('ordered', { payloadText: JSON.stringify({ lot: 'B', n: 1 }) }));
    expect(runs.map((r) => r.held)).toEqual([false, true, true, false]);
    for (const r of runs) await ended(r.runId);
    const a = log.filter((l) => l.includes('A'));
    expect(a).toEqual(['start A1', 'end A1', 'start A2', 'end A2', 'start A3', 'end A3']);
  });

  it('hands the steps of a worker that died to another worker, which runs each once', async () => {
    kit = makeKit(undefined, { leaseMs: 200 });
    let block = true;
    const gate = scriptedNode('t.gate', async (ctx) => {
      while (block) await new Promise((r) => setTimeout(r, 5));
      return passThrough(ctx);
    });
    const after = scriptedNode('t.after', passThrough);
    kit.deploy(
      flowOf(
        'crash',
        [
          { id: 'g', type: 't.gate' },
          { id: 'z', type: 't.after' },
        ],
        [
          ['trigger', 'g'],
          ['g', 'z'],
        ],
      ),
      { g: gate.def, z: after.def },
    );
    const dying = kit.engine;
    await dying.start();
    const { runId } = await dying.accept('crash', { payloadText: '{}' });
    // The first worker "dies": its timers stop and it never commits again.
    (dying as unknown as { timers: NodeJS.Timeout[] }).timers.forEach(clearInterval);
    (dying as unknown as { running: boolean }).running = false;
    (dying as unknown as { store: unknown }).store = new Proxy({}, { get: () => () => new Promise(() => {}) });
    (dying as unknown as { host: { store: unknown } }).host.store = (dying as unknown as { store: unknown }).store;
    const survivor = kit.newEngine({ leaseMs: 200 });
    await survivor.start();
    block = false;
    expect(await ended(runId)).toBe('succeeded');
    expect(after.total()).toBe(1);
  });

  it('keeps steps it has no room for in the store and claims them as room frees up', async () => {
    kit = makeKit(undefined, { maxQueued: 4, maxInFlight: 2 });
    const a = scriptedNode('t.a', async (ctx) => {
      await new Promise((r) => setTimeout(r, 2));
      return passThrough(ctx);
    });
    kit.deploy(
      flowOf(
        'pressure',
        [
          { id: 'a', type: 't.a' },
          { id: 'b', type: 't.a' },
        ],
        [
          ['trigger', 'a'],
          ['a', 'b'],
        ],
      ),
      { a: a.def },
    );
    await kit.engine.start();
    const runs = await Promise.all(
      Array.from({ length: 40 }, (_, i) => kit.engine.accept('pressure', { payloadText: `{"i":${i}}` })),
    );
    for (const r of runs) expect(await ended(r.runId)).toBe('succeeded');
    expect(a.total()).toBe(80);
  });

  it('prunes ended runs and keeps runs with open dead letters', async () => {
    kit = makeKit();
    const ok = scriptedNode('t.ok', passThrough);
    const bad = scriptedNode('t.bad', () => {
      throw new DataError('NO', 'no');
    });
    kit.deploy(flowOf('keep', [{ id: 'a', type: 't.ok' }], [['trigger', 'a']]), { a: ok.def });
    kit.deploy(flowOf('park', [{ id: 'a', type: 't.bad' }], [['trigger', 'a']]), { a: bad.def });
    await kit.engine.start();
    const done = await kit.engine.accept('keep', { payloadText: '{}' });
    const parked = await kit.engine.accept('park', { payloadText: '{}' });
    await ended(done.runId);
    await ended(parked.runId);
    await new Promise((r) => setTimeout(r, 5));
    const pruned = await kit.engine.prune(0);
    expect(pruned.runs).toBe(1);
    expect(await kit.store.getRun(done.runId)).toBeUndefined();
    expect(await kit.store.getRun(parked.runId)).toBeDefined();
  });

  it('answers a sync caller with what the respond step sends', async () => {
    kit = makeKit();
    const respond = scriptedNode('t.respond', (ctx) => {
      ctx.reply({ status: 201, bodyText: ctx.message.payloadText });
      return passThrough(ctx);
    });
    kit.deploy(flowOf('sync', [{ id: 'r', type: 't.respond' }], [['trigger', 'r']]), { r: respond.def });
    await kit.engine.start();
    const accepted = await kit.engine.accept('sync', { payloadText: '{"ok":true}' }, { replyTimeoutMs: 5000 });
    expect(await accepted.reply).toEqual({ kind: 'reply', reply: { status: 201, bodyText: '{"ok":true}' } });
  });

  it('journals the acceptance and a chain of pure steps in one commit, and ends the run only after the steps the chain leaves', async () => {
    kit = makeKit(undefined, { leaseMs: 60_000 });
    const pure = scriptedNode('t.pure', passThrough, ['out'], true);
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const effect = scriptedNode('t.effect', async (ctx) => {
      await gate;
      return passThrough(ctx);
    });
    const tail = scriptedNode('t.tail', passThrough, ['out'], true);
    kit.deploy(
      flowOf(
        'chain',
        [
          { id: 'p1', type: 't.pure' },
          { id: 'p2', type: 't.pure' },
          { id: 'fx', type: 't.effect' },
          { id: 't1', type: 't.tail' },
        ],
        [
          ['trigger', 'p1'],
          ['p1', 'p2'],
          ['p2', 'fx'],
          ['fx', 't1'],
        ],
      ),
      { p1: pure.def, fx: effect.def, t1: tail.def },
    );
    await kit.engine.start();
    const commits = kit.store.commitStats.commits;
    // A caller that waits for the answer (sync webhook) lets the chain run before acceptance.
    const { runId } = await kit.engine.accept('chain', { payloadText: '{}' }, { replyTimeoutMs: 10_000 });
    await eventually(
      async () => (await kit.store.listSteps(runId)).some((s) => s.nodeId === 'fx'),
      'the effect step to be stored',
    );
    expect((await kit.store.getRun(runId))!.status).toBe('running');
    expect((await kit.store.listSteps(runId)).map((s) => [s.nodeId, s.status])).toEqual([
      ['p1', 'done'],
      ['p2', 'done'],
      ['fx', 'leased'],
    ]);
    // The chain p1 → p2 runs before the acceptance commit and is journaled with it, fx created too.
    expect(kit.store.commitStats.commits - commits).toBe(1);
    release();
    expect(await ended(runId)).toBe('succeeded');
    expect(tail.total()).toBe(1);
  });

  it('runs at most settings.concurrency steps of a flow at once', async () => {
    kit = makeKit();
    let running = 0;
    let most = 0;
    const slow = scriptedNode('t.slow', async (ctx) => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 10));
      running--;
      return passThrough(ctx);
    });
    kit.deploy(flowOf('capped', [{ id: 's', type: 't.slow' }], [['trigger', 's']], { settings: { concurrency: 2 } }), {
      s: slow.def,
    });
    await kit.engine.start();
    const runs = await Promise.all(
      Array.from({ length: 10 }, (_, i) => kit.engine.accept('capped', { payloadText: `{"i":${i}}` })),
    );
    for (const r of runs) expect(await ended(r.runId)).toBe('succeeded');
    expect(most).toBe(2);
  });

  it('parks a run that outlives the flow timeout before its next step', async () => {
    kit = makeKit();
    const slow = scriptedNode('t.slow', async (ctx) => {
      await new Promise((r) => setTimeout(r, 60));
      return passThrough(ctx);
    });
    const after = scriptedNode('t.after', passThrough);
    kit.deploy(
      flowOf(
        'timed',
        [
          { id: 's', type: 't.slow' },
          { id: 'a', type: 't.after' },
        ],
        [
          ['trigger', 's'],
          ['s', 'a'],
        ],
        { settings: { timeoutMs: 30 } },
      ),
      {
        s: slow.def,
        a: after.def,
      },
    );
    await kit.engine.start();
    const { runId } = await kit.engine.accept('timed', { payloadText: '{}' });
    expect(await ended(runId)).toBe('dead_lettered');
    expect(after.total()).toBe(0);
    const [dl] = await kit.store.listDeadLetters({ flowId: 'timed' });
    expect(dl).toMatchObject({ code: 'RUN_TIMEOUT', nodeId: 'a' });
  });

  it('keeps a retry timer across a restart: the next worker runs the retry when it is due', async () => {
    kit = makeKit(undefined, { leaseMs: 200 });
    const attempts: number[] = [];
    const flaky = scriptedNode('t.flaky', (ctx, n) => {
      attempts.push(Date.now());
      if (n === 1) throw new TransientError('HTTP_TRANSIENT', 'down for a moment', { retryAfterMs: 400 });
      return passThrough(ctx);
    });
    kit.deploy(
      flowOf('timer', [{ id: 'f', type: 't.flaky' }], [['trigger', 'f']], {
        settings: { retry: { initialMs: 10, jitter: false } },
      }),
      { f: flaky.def },
    );
    await kit.engine.start();
    const { runId } = await kit.engine.accept('timer', { payloadText: '{}' });
    await eventually(
      async () => (await kit.store.listSteps(runId))[0]?.failedAttempts.length === 1,
      'the first attempt to fail',
    );
    // The worker stops before the retry is due; a new one takes over.
    await kit.engine.stop();
    const next = kit.newEngine({ leaseMs: 200 });
    await next.start();
    expect(await ended(runId)).toBe('succeeded');
    expect(attempts).toHaveLength(2);
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(390);
  });

  it('waits durably for a signal, across a restart, and resumes the waiting step with it', async () => {
    kit = makeKit(undefined, { leaseMs: 200 });
    const waiter = scriptedNode('t.wait', (ctx) => {
      if (ctx.resume?.kind === 'signal') return emitText('out', `{"got":${ctx.resume.payloadText}}`);
      return { kind: 'wait', channel: 'qms.decided', key: (ctx.message.payload as { id: string }).id };
    });
    const after = scriptedNode('t.after', passThrough);
    kit.deploy(
      flowOf(
        'waits',
        [
          { id: 'w', type: 't.wait' },
          { id: 'a', type: 't.after' },
        ],
        [
          ['trigger', 'w'],
          ['w', 'a'],
        ],
      ),
      { w: waiter.def, a: after.def },
    );
    await kit.engine.start();
    const { runId } = await kit.engine.accept('waits', { payloadText: '{"id":"INSP-1"}' });
    await eventually(async () => (await kit.store.listSteps(runId))[0]?.status === 'waiting', 'the step to wait');
    expect((await kit.store.listWaiting({ channel: 'qms.decided' })).map((w) => [w.runId, w.waitKey])).toEqual([
      [runId, 'INSP-1'],
    ]);
    await kit.engine.stop();
    const next = kit.newEngine({ leaseMs: 200 });
    await next.start();
    expect(await next.signal('qms.decided', 'INSP-2', '{"decision":"other lot"}')).toBe(0);
    expect(await next.signal('qms.decided', 'INSP-1', '{"decision":"accept"}')).toBe(1);
    expect(await ended(runId)).toBe('succeeded');
    const steps = await kit.store.listSteps(runId);
    expect(JSON.parse(steps[1]!.payloadText)).toEqual({ got: { decision: 'accept' } });
    expect(waiter.keys.every((k) => k === waiter.keys[0])).toBe(true);
  });

  it('keeps a signal that comes before anyone waits, and wakes the wait with it at once', async () => {
    kit = makeKit();
    const waiter = scriptedNode('t.wait', (ctx) =>
      ctx.resume?.kind === 'signal'
        ? emitText('out', ctx.resume.payloadText)
        : { kind: 'wait', channel: 'c', key: 'k1' },
    );
    kit.deploy(flowOf('early', [{ id: 'w', type: 't.wait' }], [['trigger', 'w']]), { w: waiter.def });
    await kit.engine.start();
    expect(await kit.engine.signal('c', 'k1', '"early"')).toBe(0);
    const { runId } = await kit.engine.accept('early', { payloadText: '{}' });
    expect(await ended(runId)).toBe('succeeded');
    expect(JSON.parse((await kit.store.listSteps(runId))[0]!.outputText!)).toEqual({ out: ['early'] });
  });

  it('wakes a wait with a timeout when its deadline passes', async () => {
    kit = makeKit();
    const waiter = scriptedNode(
      't.wait',
      (ctx) =>
        ctx.resume?.kind === 'timeout'
          ? emitText('timeout', ctx.message.payloadText)
          : { kind: 'wait', channel: 'c', key: 'never', timeoutMs: 50 },
      ['out', 'timeout'],
    );
    const escalate = scriptedNode('t.escalate', passThrough);
    kit.deploy(
      flowOf(
        'late',
        [
          { id: 'w', type: 't.wait' },
          { id: 'e', type: 't.escalate' },
        ],
        [
          ['trigger', 'w'],
          ['w', 'e', 'timeout'],
        ],
      ),
      {
        w: waiter.def,
        e: escalate.def,
      },
    );
    await kit.engine.start();
    const { runId } = await kit.engine.accept('late', { payloadText: '{"lot":"L9"}' });
    expect(await ended(runId)).toBe('succeeded');
    expect(escalate.total()).toBe(1);
    const trace = (await buildTrace(kit.store, runId))!;
    expect(trace.steps[0]).toMatchObject({
      node: 'w',
      wait: { channel: 'c', key: 'never' },
      resume: { kind: 'timeout' },
    });
  });

  it('keeps an event the engine refused as a dead letter, and replays it as a new run', async () => {
    kit = makeKit();
    const a = scriptedNode('t.a', passThrough);
    kit.deploy(flowOf('refused', [{ id: 'a', type: 't.a' }], [['trigger', 'a']]), { a: a.def });
    await kit.engine.start();
    const placeholder = await kit.engine.reject(
      'refused',
      'trigger',
      { payloadText: '{"lot":"L-1"}' },
      { code: 'KEY_EXPRESSION_FAILED', message: 'the key expression ran too long' },
    );
    const [dl] = await kit.store.listDeadLetters({ status: 'open', flowId: 'refused' });
    expect(dl).toMatchObject({
      runId: placeholder,
      nodeId: 'trigger',
      resumeNodeId: 'trigger',
      code: 'KEY_EXPRESSION_FAILED',
      payloadText: '{"lot":"L-1"}',
    });
    const { runId } = await kit.engine.replay(dl!.id, { reason: 'key expression fixed', by: 'ops' });
    expect(runId).not.toBe(placeholder);
    expect(await ended(runId)).toBe('succeeded');
    expect(a.total()).toBe(1);
    expect((await kit.store.getDeadLetter(dl!.id))!.status).toBe('replayed');
    expect((await kit.store.getRun(placeholder))!.status).toBe('discarded');
  });
});
