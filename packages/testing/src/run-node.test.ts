import { describe, expect, it } from 'vitest';
import { defineNode, emit, nodeSpec, SandboxError, ValidationError, type NodeDefinition } from '@millrace/node-sdk';
import { Type } from '@sinclair/typebox';
import { nodeImplementation } from './implementations.ts';
import { memoryNodeState } from './node-state.ts';
import { runNode } from './run-node.ts';

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
}

describe('runNode on map', () => {
  it('maps a field table in the isolated-vm sandbox, params in scope', async () => {
    const map = await nodeImplementation('map');
    const { result, ports } = await runNode(map, {
      config: {
        mode: 'fields',
        fields: [
          { target: 'lot.id', value: 'msg.payload.lotId' },
          { target: 'lot.plant', value: 'params.plantCode' },
          { target: 'qty', value: 'msg.payload.qty * 2' },
        ],
      },
      payload: { lotId: 'L-1', qty: 2.5 },
      params: { plantCode: 'P100' },
    });
    expect(result.kind).toBe('emit');
    expect(ports.out?.map((m) => m.payload)).toEqual([{ lot: { id: 'L-1', plant: 'P100' }, qty: 5 }]);
  });

  it('runs mapping code in the in-process sandbox when asked, by type id', async () => {
    const { ports } = await runNode('map', {
      config: { source: 'return { n: msg.payload.n + 1, via: msg.headers["x-source"] };' },
      payloadText: '{"n": 41}',
      headers: { 'x-source': 'mes' },
      sandbox: 'in-process',
    });
    expect(ports.out?.[0]?.payload).toEqual({ n: 42, via: 'mes' });
  });

  it('throws the SandboxError of mapping code that throws, with the line of the user code', async () => {
    const error = await failure(runNode('map', { config: { source: 'throw new Error("no lot");' }, payload: {} }));
    expect(error).toBeInstanceOf(SandboxError);
    expect(error).toMatchObject({ code: 'SANDBOX_THREW', retryable: false });
    expect((error as Error).message).toContain('no lot');
  });

  it('refuses a config that does not match the schema, naming the pointer, before running anything', async () => {
    const error = await failure(
      runNode('map', { config: { mode: 'fields', fields: [{ target: '9 bad', value: 'msg.payload' }] }, payload: {} }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((error as Error).message).toContain('/fields/0/target');
    const problems = (error as ValidationError).details.problems as Array<{ pointer: string }>;
    expect(problems.map((p) => p.pointer)).toContain('/fields/0/target');
  });
});

describe('runNode on route', () => {
  const routes = [
    { port: 'rejected', when: 'msg.payload.decision === "reject"' },
    { port: 'big', when: 'msg.payload.qty > 100' },
  ];

  it('sends the message out of the first route whose condition holds, unchanged', async () => {
    const route = await nodeImplementation('route@1');
    const payloadText = '{ "decision": "reject", "qty": 500 }';
    const { ports } = await runNode(route, { config: { routes }, payloadText });
    expect(Object.keys(ports)).toEqual(['rejected']);
    expect(ports.rejected?.[0]?.payloadText).toBe(payloadText);
  });

  it('sends out of every route that holds in mode "all", and out of "default" when none does', async () => {
    const all = await runNode('route', { config: { mode: 'all', routes }, payload: { decision: 'reject', qty: 500 } });
    expect(Object.keys(all.ports)).toEqual(['rejected', 'big']);
    const none = await runNode('route', { config: { routes }, payload: { decision: 'accept', qty: 1 } });
    expect(Object.keys(none.ports)).toEqual(['default']);
  });

  it('refuses a route port name the schema forbids', async () => {
    const error = await failure(runNode('route', { config: { routes: [{ port: '1st', when: 'true' }] } }));
    expect((error as Error).message).toMatch(/\/routes\/0\/port/);
  });
});

describe('runNode on respond', () => {
  it('records the reply for the waiting caller and passes the message on', async () => {
    const { replies, ports } = await runNode('respond', {
      config: { status: 201, body: '({ id: msg.payload.id })' },
      payload: { id: 7, other: true },
    });
    expect(replies).toEqual([{ status: 201, bodyText: '{"id":7}' }]);
    expect(ports.out?.[0]?.payload).toEqual({ id: 7, other: true });
  });
});

describe('runNode checks what a node emits', () => {
  const spec = nodeSpec({
    type: 'test.loose',
    version: 1,
    title: 'Loose',
    description: 'emits where it is told',
    category: 'transform',
    config: Type.Object({ port: Type.String() }),
    input: Type.Unknown(),
    outputs: [{ id: 'out', label: 'Out' }],
  });
  const loose: NodeDefinition = defineNode({
    ...spec,
    async run(ctx) {
      ctx.log.info('emitting', { port: (ctx.config as { port: string }).port });
      await ctx.state.put('seen', (((await ctx.state.get('seen')) as number | undefined) ?? 0) + 1);
      return emit((ctx.config as { port: string }).port, { ok: true });
    },
  });

  it('refuses a port the node does not declare', async () => {
    const error = await failure(runNode(loose, { config: { port: 'elsewhere' } }));
    expect((error as Error).message).toContain('port "elsewhere", which it does not declare');
  });

  it('returns the logs, and keeps state across calls that share it', async () => {
    const state = memoryNodeState();
    await runNode(loose, { config: { port: 'out' }, state });
    const second = await runNode(loose, { config: { port: 'out' }, state });
    expect(second.logs).toEqual([{ level: 'info', message: 'emitting', fields: { port: 'out' } }]);
    expect(await state.get('seen')).toBe(2);
  });
});

describe('memoryNodeState', () => {
  it('claims a key once until it expires, as the store does', async () => {
    let t = 1_000;
    const state = memoryNodeState(() => new Date(t));
    expect(await state.claim('E-1', { run: 1 }, { ttlMs: 100 })).toEqual({ claimed: true, value: { run: 1 } });
    expect(await state.claim('E-1', { run: 2 }, { ttlMs: 100 })).toEqual({ claimed: false, value: { run: 1 } });
    t += 100;
    expect(await state.get('E-1')).toBeUndefined();
    expect(await state.claim('E-1', { run: 3 })).toEqual({ claimed: true, value: { run: 3 } });
  });
});
