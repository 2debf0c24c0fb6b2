import { ERROR_PORT, type Flow, type FlowNode } from '@millrace/flow-model';
import type { NodeDefinition, NodeSpec, TriggerDefinition } from '@millrace/node-sdk';
import { resolveRetryPolicy, type ResolvedRetryPolicy, type RetryLayer } from './retry.ts';

/** Node implementations by `type@version`. */
export type NodeRegistry = ReadonlyMap<string, NodeDefinition | TriggerDefinition | NodeSpec>;

export function registryKey(type: string, version: number): string {
  return `${type}@${version}`;
}

export interface Successor {
  readonly nodeId: string;
  readonly port: string;
}

export interface PlanNode {
  readonly id: string;
  readonly node: FlowNode;
  readonly def: NodeDefinition | TriggerDefinition | NodeSpec;
  readonly isTrigger: boolean;
  readonly isRetry: boolean;
  /** The node's spec says `pure: true`: it may run in a chain, in memory, before its commit. */
  readonly pure: boolean;
  readonly retry: ResolvedRetryPolicy;
  /** Edges out of this node by output port. */
  readonly successors: ReadonlyMap<string, readonly Successor[]>;
  /** Steps run longer than this are abandoned with a transient error. */
  readonly timeoutMs: number;
  readonly connection: unknown;
  /**
   * The node after this one, when this pure node has exactly one outgoing edge and the target is
   * a pure node that declares its input expressions: this node's sandbox call evaluates them too.
   */
  readonly lookahead: Lookahead | null;
}

export interface Lookahead {
  readonly nodeId: string;
  readonly expressions: readonly string[];
}

export interface FlowPlan {
  readonly flow: Flow;
  readonly id: string;
  readonly version: string;
  readonly plant: string | null;
  readonly nodes: ReadonlyMap<string, PlanNode>;
  readonly params: Readonly<Record<string, unknown>>;
  /** `params` as JSON text, spliced into every sandbox scope without re-stringifying. */
  readonly paramsText: string;
  /** Expressions evaluated at acceptance, in one sandbox call, in this order. */
  readonly acceptExpressions: readonly string[];
  readonly expressionSlots: {
    readonly idempotencyKey: number | null;
    readonly orderBy: number | null;
    readonly businessKeys: ReadonlyArray<readonly [string, number]>;
  };
}

export interface PlanOptions {
  readonly nodes: NodeRegistry;
  /** Open connection clients by slot name. */
  readonly connections?: Readonly<Record<string, unknown>>;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly plant?: string | null;
  /** @default 300_000 */
  readonly defaultStepTimeoutMs?: number;
}

/**
 * Compiles a validated flow into what the engine executes. Throws with a plain message when a
 * node type has no implementation here or a node's connection slot is not bound — deploy-time
 * errors, so that no run can start on a flow that cannot finish.
 */
export function compilePlan(flow: Flow, options: PlanOptions): FlowPlan {
  const nodes = new Map<string, PlanNode>();
  const byId = new Map(flow.nodes.map((n) => [n.id, n]));
  for (const node of flow.nodes) {
    if (node.disabled) continue;
    const def = options.nodes.get(registryKey(node.type, node.version));
    if (!def)
      throw new Error(
        `flow ${flow.id}: node "${node.id}" is of type ${node.type}@${node.version}, which this runtime cannot run`,
      );
    const successors = new Map<string, Successor[]>();
    for (const e of flow.edges) {
      if (e.from.node !== node.id) continue;
      const target = byId.get(e.to.node);
      if (!target || target.disabled) continue;
      successors.set(e.from.port, [...(successors.get(e.from.port) ?? []), { nodeId: e.to.node, port: e.to.port }]);
    }
    let connection: unknown;
    if (node.connection !== undefined) {
      connection = options.connections?.[node.connection];
      if (connection === undefined)
        throw new Error(
          `flow ${flow.id}: node "${node.id}" uses connection slot "${node.connection}", which is not bound`,
        );
    }
    const config = node.config as Record<string, unknown>;
    const isRetry = node.type === 'retry';
    nodes.set(node.id, {
      id: node.id,
      node,
      def,
      isTrigger: def.category === 'trigger',
      isRetry,
      pure: (def as { pure?: boolean }).pure === true,
      retry: resolveRetryPolicy(flow.settings?.retry, node.retry),
      successors,
      timeoutMs:
        typeof config.timeoutMs === 'number' ? config.timeoutMs + 5_000 : (options.defaultStepTimeoutMs ?? 300_000),
      connection,
      lookahead: null,
    });
  }
  for (const plan of nodes.values()) {
    const lookahead = lookaheadOf(plan, nodes);
    if (lookahead) nodes.set(plan.id, { ...plan, lookahead });
  }
  // A retry node's policy governs the nodes it feeds.
  for (const plan of nodes.values()) {
    if (!plan.isRetry) continue;
    const policy = resolveRetryPolicy(flow.settings?.retry, plan.node.config as RetryLayer);
    for (const s of plan.successors.get('out') ?? []) {
      const target = nodes.get(s.nodeId);
      if (target) nodes.set(s.nodeId, { ...target, retry: resolveRetryPolicy(policy, target.node.retry) });
    }
  }

  const exprs: string[] = [];
  // A key that cannot be computed on an event (a malformed event without the field) is no key:
  // the run still starts, so the flow's validate node can route the event to dead letters —
  // refusing it at the door would lose it.
  const slot = (e: string | undefined) =>
    e === undefined ? null : exprs.push(`(() => { try { return (${e}); } catch { return null; } })()`) - 1;
  const settings = flow.settings ?? {};
  const idempotencyKey = slot(settings.idempotencyKey);
  const orderBy = slot(settings.orderBy);
  const businessKeys = Object.entries(settings.businessKeys ?? {}).map(([name, e]) => [name, slot(e)!] as const);
  const params = options.params ?? {};
  return {
    flow,
    id: flow.id,
    version: flow.version,
    plant: options.plant ?? null,
    nodes,
    params,
    paramsText: JSON.stringify(params),
    acceptExpressions: exprs,
    expressionSlots: { idempotencyKey, orderBy, businessKeys },
  };
}

/** Ports a node may send to: its successors, plus the error port when routed. */
export function isErrorRouted(plan: PlanNode): boolean {
  return plan.node.onError === 'route' && (plan.successors.get(ERROR_PORT)?.length ?? 0) > 0;
}

function lookaheadOf(plan: PlanNode, nodes: ReadonlyMap<string, PlanNode>): Lookahead | null {
  if (!plan.pure || plan.isTrigger) return null;
  let only: Successor | undefined;
  for (const edges of plan.successors.values()) {
    for (const edge of edges) {
      if (only) return null;
      only = edge;
    }
  }
  const next = only && nodes.get(only.nodeId);
  const declare = next?.pure ? (next.def as NodeDefinition).inputExpressions : undefined;
  if (!next || !declare) return null;
  const expressions = declare(next.node.config as never);
  return expressions.length === 0 ? null : { nodeId: next.id, expressions };
}
