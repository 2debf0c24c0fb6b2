import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { compilePlan, Engine, type EngineOptions, type FlowPlan, type SandboxPort } from '@millrace/engine';
import type { Flow, FlowNode } from '@millrace/flow-model';
import {
  defineNode,
  emitText,
  nodeSpec,
  type NodeDefinition,
  type NodeResult,
  type RunContext,
} from '@millrace/node-sdk';
import { SqliteStore } from './sqlite-store.ts';

/**
 * A sandbox stand-in for engine tests: expressions are looked up in a table of host functions
 * keyed by their source. Only for tests of the engine's own logic; the real sandbox has its own
 * contract tests.
 */
export function tableSandbox(
  table: Record<string, (scope: { msg: { payload: unknown; headers: unknown }; params: unknown }) => unknown>,
): SandboxPort {
  const call = (src: string, scopeJson: string) => {
    // Key expressions arrive wrapped so that a throwing one yields null: look up the inner source.
    const inner = /^\(\(\) => \{ try \{ return \((.*)\); \} catch \{ return null; \} \}\)\(\)$/s.exec(src)?.[1] ?? src;
    const fn = table[inner];
    if (!fn) throw new Error(`no test implementation for ${src}`);
    return fn(JSON.parse(scopeJson) as never);
  };
  return {
    async runFunction(source, scopeJson) {
      return JSON.stringify(call(source, scopeJson) ?? null);
    },
    async evaluate(expressions, scopeJson) {
      return JSON.stringify(expressions.map((e) => call(e, scopeJson) ?? null));
    },
  };
}

const trigger = nodeSpec({
  type: 'test.trigger',
  version: 1,
  title: 'T',
  description: 'd',
  category: 'trigger',
  config: Type.Object({}),
  input: Type.Unknown(),
  outputs: [{ id: 'out', label: 'Out' }],
});

/** A node whose behaviour a test scripts; counts its executions per step key. */
export function scriptedNode(
  type: string,
  behave: (ctx: RunContext, count: number) => Promise<NodeResult> | NodeResult,
  outputs = ['out'],
  pure = false,
) {
  const counts = new Map<string, number>();
  const keys: string[] = [];
  const def: NodeDefinition = defineNode({
    ...nodeSpec({
      type,
      version: 1,
      title: type,
      description: 'test',
      pure,
      category: 'transform',
      config: Type.Object({}, { additionalProperties: true }),
      input: Type.Unknown(),
      outputs: outputs.map((id) => ({ id, label: id })),
    }),
    async run(ctx) {
      const n = (counts.get(ctx.idempotencyKey) ?? 0) + 1;
      counts.set(ctx.idempotencyKey, n);
      keys.push(ctx.idempotencyKey);
      return behave(ctx, n);
    },
  });
  return { def, counts, keys, total: () => keys.length };
}

export const passThrough = (ctx: RunContext) => emitText('out', ctx.message.payloadText);

export interface Kit {
  readonly dir: string;
  readonly store: SqliteStore;
  engine: Engine;
  deploy(flow: Flow, nodes: Record<string, NodeDefinition>): FlowPlan;
  newEngine(options?: Partial<EngineOptions>): Engine;
  cleanup(): Promise<void>;
}

export function makeKit(sandbox: SandboxPort = tableSandbox({}), options: Partial<EngineOptions> = {}): Kit {
  const dir = mkdtempSync(join(tmpdir(), 'millrace-engine-'));
  const store = new SqliteStore(join(dir, 'millrace.db'));
  const engines: Engine[] = [];
  const plans: FlowPlan[] = [];
  const newEngine = (o: Partial<EngineOptions> = {}) => {
    const e = new Engine({ store, sandbox, pollMs: 10, leaseMs: 500, ...options, ...o });
    for (const p of plans) e.deploy(p);
    engines.push(e);
    return e;
  };
  const kit: Kit = {
    dir,
    store,
    engine: newEngine(),
    deploy(flow, nodes) {
      const registry = new Map<string, NodeDefinition | typeof trigger>([['test.trigger@1', trigger]]);
      for (const def of Object.values(nodes)) registry.set(`${def.type}@${def.version}`, def);
      const plan = compilePlan(flow, { nodes: registry, params: { plant: 'P100' }, plant: 'P100' });
      plans.push(plan);
      for (const e of engines) e.deploy(plan);
      return plan;
    },
    newEngine,
    async cleanup() {
      for (const e of engines) await e.stop({ drainMs: 500 }).catch(() => undefined);
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return kit;
}

/** A flow from a compact description: `chain('a:x', 'b:y')` → trigger → a → b. */
export function flowOf(
  id: string,
  nodes: ReadonlyArray<Omit<FlowNode, 'version' | 'config'> & { config?: Record<string, unknown> }>,
  edges: ReadonlyArray<readonly [string, string, string?]>,
  extra: Partial<Flow> = {},
): Flow {
  return {
    schemaVersion: 1,
    id,
    name: id,
    version: '1.0.0',
    ...extra,
    nodes: [
      { id: 'trigger', type: 'test.trigger', version: 1, config: {} },
      ...nodes.map((n) => ({ version: 1, config: {}, ...n })),
    ],
    edges: edges.map(([from, to, port], i) => ({
      id: `e${i}`,
      from: { node: from, port: port ?? 'out' },
      to: { node: to, port: 'in' },
    })),
  };
}

/** Waits until `check` holds, polling; fails with `what` after the timeout. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
