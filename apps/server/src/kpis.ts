import { Type } from '@sinclair/typebox';
import { timeOfId, type Engine, type EndedRun, type FlowPlan, type Store } from '@millrace/engine';
import type { RouteDef } from './api.ts';
import { badRequest } from './problem.ts';
import { BusinessKpisAnswer } from './schemas.ts';

/**
 * Business KPIs (DESIGN §1 step 5, §6) at GET /api/metrics/business, per flow and plant, from the
 * engine's own journal — no second bookkeeping that could drift from what the runs did.
 *
 * Which runs count for what:
 * - **awaiting** (now, not windowed): runs with a step waiting on a channel (wait.event, approval),
 *   per channel; the batch-release flow waits on `qms.inspection.decided`, so those are the
 *   batches awaiting inspection. A run counts once per channel it waits on.
 * - **exceptions** (now, not windowed): open dead letters, their count and the oldest one's age.
 * - Over the **window** (runs that *ended* in it, whatever their status, so a run that waited a
 *   day for the QMS counts the day it ended, not the day it started):
 *   - **onHold**: runs whose path went through a hold node (default rules: erp.set-stock-status to
 *     "blocked", or mes.send-hold). A run counts even if a later step dead-lettered: the lot's
 *     stock was blocked. This is "put on hold in the window", not "still on hold": whether QA later
 *     released the lot in the ERP is not in the journal.
 *   - **released**: runs whose path went through a release node (default: erp.record-usage-decision);
 *     `cycleTimeMs` is accept → run end. A flow that records *rejecting* decisions with the same
 *     node type counts them as releases unless its rules say otherwise.
 *   - **syncLatencyMs**: source event time → effect committed, for runs that ended succeeded and
 *     whose trigger payload carries a CloudEvent `time` (`payload.time`, or `payload.payload.time`
 *     in the MQTT envelope). Effect committed = the run's end, so for a flow that waits for a
 *     person the latency includes that wait. A source clock ahead of ours counts as 0.
 *   "Went through a node" means a step of that node finished without an error (a routed error
 *   did not do what the node does). Nodes are classified on the run's own flow version.
 * - Percentiles are nearest-rank over the runs counted. At most `maxRuns` ended runs (the most
 *   recently ended) are examined; `truncated` says when the window held more.
 */

export interface NodeRule {
  readonly type: string;
  /** Config fields the node must have with exactly these values (literal fields such as `to`). */
  readonly config?: Readonly<Record<string, string | number | boolean>>;
}

export interface KpiRules {
  /** A run whose path went through one of these released its lot. */
  readonly release: readonly NodeRule[];
  /** A run whose path went through one of these put its lot on hold. */
  readonly hold: readonly NodeRule[];
  /** The business key that names the lot, listed for the lots put on hold. */
  readonly lotKey: string;
}

export const DEFAULT_KPI_RULES: KpiRules = {
  release: [{ type: 'erp.record-usage-decision' }],
  hold: [{ type: 'erp.set-stock-status', config: { to: 'blocked' } }, { type: 'mes.send-hold' }],
  lotKey: 'lot',
};

export interface KpiDeps {
  readonly store: Store;
  readonly engine: Pick<Engine, 'plan'>;
  /** @default DEFAULT_KPI_RULES */
  readonly rules?: KpiRules;
  /** @default 10 000 */
  readonly maxRuns?: number;
  readonly now?: () => number;
}

export interface Percentiles {
  readonly runs: number;
  readonly p50: number | null;
  readonly p90: number | null;
}

export interface KpiGroup {
  readonly flow: string;
  readonly plant: string | null;
  readonly awaiting: ReadonlyArray<{ channel: string; runs: number; oldestAgeMs: number }>;
  readonly onHold: { readonly runs: number; readonly lots: readonly string[] };
  readonly released: { readonly runs: number; readonly cycleTimeMs: Percentiles };
  readonly syncLatencyMs: Percentiles;
  readonly exceptions: { readonly open: number; readonly oldestAgeMs: number | null };
  /** Runs that ended in the window, whatever the outcome. */
  readonly ended: number;
}

export interface BusinessKpis {
  readonly window: { readonly from: string; readonly to: string; readonly ms: number };
  readonly runsExamined: number;
  readonly truncated: boolean;
  readonly groups: readonly KpiGroup[];
  readonly totals: Omit<KpiGroup, 'flow' | 'plant' | 'awaiting'> & {
    readonly awaiting: ReadonlyArray<{ channel: string; runs: number; oldestAgeMs: number }>;
  };
}

/** Nearest-rank percentiles of a sample (sorted here). */
export function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => (sorted.length === 0 ? null : sorted[Math.ceil((p / 100) * sorted.length) - 1]!);
  return { runs: sorted.length, p50: at(50), p90: at(90) };
}

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const MAX_WINDOW_MS = 366 * UNIT_MS.d;

/** `30m`, `24h`, `7d` as ms; undefined for anything else (or beyond a year). */
export function parseWindow(text: string): number | undefined {
  const m = /^([1-9][0-9]{0,5})([mhd])$/.exec(text);
  const ms = m ? Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS] : undefined;
  return ms !== undefined && ms <= MAX_WINDOW_MS ? ms : undefined;
}

const matches = (rule: NodeRule, node: { type: string; config?: unknown }) =>
  rule.type === node.type &&
  Object.entries(rule.config ?? {}).every(([k, v]) => (node.config as Record<string, unknown> | undefined)?.[k] === v);

/** The ids of a flow's release and hold nodes, by the rules. */
export function classifyNodes(
  nodes: Iterable<{ id: string; type: string; config?: unknown }>,
  rules: KpiRules = DEFAULT_KPI_RULES,
): { release: Set<string>; hold: Set<string> } {
  const release = new Set<string>();
  const hold = new Set<string>();
  for (const n of nodes) {
    if (rules.release.some((r) => matches(r, n))) release.add(n.id);
    if (rules.hold.some((r) => matches(r, n))) hold.add(n.id);
  }
  return { release, hold };
}

/** The CloudEvent `time` of a trigger payload: the event itself, or inside an MQTT envelope. */
export function eventTime(payloadText: string): number | undefined {
  // Not an object: no CloudEvent, and no reason to parse it.
  if (!payloadText.startsWith('{')) return undefined;
  let p: { time?: unknown; payload?: { time?: unknown } | null };
  try {
    p = JSON.parse(payloadText) as typeof p;
  } catch {
    return undefined;
  }
  const time = typeof p.time === 'string' ? p.time : p.payload?.time;
  const ms = typeof time === 'string' ? Date.parse(time) : NaN;
  return Number.isNaN(ms) ? undefined : ms;
}

interface Tally {
  flow: string;
  plant: string | null;
  awaiting: Array<{ channel: string; runs: number; oldestAgeMs: number }>;
  holdRuns: number;
  lots: string[];
  cycle: number[];
  sync: number[];
  open: number;
  oldestOpenAgeMs: number | null;
  ended: number;
}

function finish(t: Tally) {
  return {
    onHold: { runs: t.holdRuns, lots: t.lots.slice(0, 50) },
    released: { runs: t.cycle.length, cycleTimeMs: percentiles(t.cycle) },
    syncLatencyMs: percentiles(t.sync),
    exceptions: { open: t.open, oldestAgeMs: t.oldestOpenAgeMs },
    ended: t.ended,
  };
}

export async function businessKpis(
  deps: KpiDeps,
  query: { flowId?: string; plant?: string; windowMs: number },
): Promise<BusinessKpis> {
  const { store, engine } = deps;
  const rules = deps.rules ?? DEFAULT_KPI_RULES;
  const maxRuns = deps.maxRuns ?? 10_000;
  const now = (deps.now ?? Date.now)();
  const filter = { ...(query.flowId ? { flowId: query.flowId } : {}), ...(query.plant ? { plant: query.plant } : {}) };
  const [waiting, letters, ended] = await Promise.all([
    store.countWaiting(filter),
    store.countOpenDeadLetters(filter),
    store.listEndedRuns({ ...filter, endedSince: now - query.windowMs, endedUntil: now + 1, limit: maxRuns + 1 }),
  ]);
  const truncated = ended.length > maxRuns;
  const examined: EndedRun[] = truncated ? ended.slice(0, maxRuns) : ended;

  const groups = new Map<string, Tally>();
  const group = (flow: string, plant: string | null): Tally => {
    const key = JSON.stringify([flow, plant]);
    let t = groups.get(key);
    if (!t) {
      t = {
        flow,
        plant,
        awaiting: [],
        holdRuns: 0,
        lots: [],
        cycle: [],
        sync: [],
        open: 0,
        oldestOpenAgeMs: null,
        ended: 0,
      };
      groups.set(key, t);
    }
    return t;
  };
  for (const w of waiting)
    group(w.flowId, w.plant).awaiting.push({ channel: w.channel, runs: w.runs, oldestAgeMs: now - w.oldestSince });
  for (const d of letters) {
    const t = group(d.flowId, d.plant);
    t.open += d.open;
    t.oldestOpenAgeMs = Math.max(t.oldestOpenAgeMs ?? 0, now - d.oldestAt);
  }

  // Classify each flow version once; a version no longer deployed falls back to the active one.
  const classes = new Map<string, ReturnType<typeof classifyNodes> | null>();
  const classOf = (flowId: string, version: string) => {
    const key = `${flowId}@${version}`;
    if (!classes.has(key)) {
      const plan: FlowPlan | undefined = engine.plan(flowId, version) ?? engine.plan(flowId);
      classes.set(
        key,
        plan
          ? classifyNodes(
              [...plan.nodes.values()].map((n) => n.node),
              rules,
            )
          : null,
      );
    }
    return classes.get(key)!;
  };
  for (const { run, nodesDone } of examined) {
    const t = group(run.flowId, run.plant);
    t.ended++;
    const end = run.endedAt!;
    const c = classOf(run.flowId, run.flowVersion);
    if (c && nodesDone.some((n) => c.hold.has(n))) {
      t.holdRuns++;
      const lot = lotOf(run.businessKeysText, rules.lotKey);
      if (lot !== undefined && !t.lots.includes(lot)) t.lots.push(lot);
    }
    if (c && nodesDone.some((n) => c.release.has(n))) t.cycle.push(end - timeOfId(run.id));
    if (run.status === 'succeeded') {
      const at = eventTime(run.payloadText);
      if (at !== undefined) t.sync.push(Math.max(0, end - at));
    }
  }

  const all = [...groups.values()].sort((a, b) =>
    a.flow === b.flow ? String(a.plant).localeCompare(String(b.plant)) : a.flow.localeCompare(b.flow),
  );
  const channels = new Map<string, { channel: string; runs: number; oldestAgeMs: number }>();
  for (const w of all.flatMap((t) => t.awaiting)) {
    const c = channels.get(w.channel);
    channels.set(
      w.channel,
      c ? { channel: w.channel, runs: c.runs + w.runs, oldestAgeMs: Math.max(c.oldestAgeMs, w.oldestAgeMs) } : { ...w },
    );
  }
  const sum: Tally = {
    flow: '',
    plant: null,
    awaiting: [],
    holdRuns: all.reduce((n, t) => n + t.holdRuns, 0),
    lots: all.flatMap((t) => t.lots),
    cycle: all.flatMap((t) => t.cycle),
    sync: all.flatMap((t) => t.sync),
    open: all.reduce((n, t) => n + t.open, 0),
    oldestOpenAgeMs: all.reduce<number | null>(
      (m, t) => (t.oldestOpenAgeMs === null ? m : Math.max(m ?? 0, t.oldestOpenAgeMs)),
      null,
    ),
    ended: examined.length,
  };
  return {
    window: { from: new Date(now - query.windowMs).toISOString(), to: new Date(now).toISOString(), ms: query.windowMs },
    runsExamined: examined.length,
    truncated,
    groups: all.map((t) => ({ flow: t.flow, plant: t.plant, awaiting: t.awaiting, ...finish(t) })),
    totals: { awaiting: [...channels.values()], ...finish(sum) },
  };
}

function lotOf(businessKeysText: string | null, name: string): string | undefined {
  if (businessKeysText === null) return undefined;
  const v = (JSON.parse(businessKeysText) as Record<string, unknown>)[name];
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}

export function kpiRoutes(deps: KpiDeps): RouteDef[] {
  return [
    {
      method: 'get',
      path: '/api/metrics/business',
      response: BusinessKpisAnswer,
      access: 'viewer',
      tag: 'metrics',
      summary:
        'Business KPIs per flow and plant: awaiting (e.g. inspection), lots on hold, release cycle time and sync latency (p50/p90), exception backlog',
      query: Type.Object(
        {
          flow: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          plant: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          window: Type.Optional(
            Type.String({
              pattern: '^[1-9][0-9]{0,5}[mhd]$',
              'x-hint': 'a duration such as 30m, 24h or 7d',
              description: 'Runs that ended this long ago or later count (default 24h, at most a year)',
            }),
          ),
        },
        { additionalProperties: false },
      ),
      responses: { 400: 'a malformed window' },
      async handler({ query }) {
        const windowMs = parseWindow(query.window ?? '24h');
        if (windowMs === undefined) throw badRequest(`window: "${query.window}" is longer than a year`);
        const body = await businessKpis(deps, {
          windowMs,
          ...(query.flow ? { flowId: query.flow } : {}),
          ...(query.plant ? { plant: query.plant } : {}),
        });
        return { body };
      },
    },
  ];
}
