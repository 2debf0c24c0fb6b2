import type { Router, SimResponse } from '../core/index.ts';
import { ScenarioOptionsError } from './plan.ts';
import type { SparkplugEdge } from './sparkplug.ts';
import { OrderRunError, type OrderRunOptions } from './order-run.ts';
import type { LotTruth, ScenarioOptions, ScenarioPlan, ScenarioResult } from './types.ts';
import { apiError } from './util.ts';

const NUMERIC = [
  'batches',
  'ratePerSec',
  'outOfSpecRate',
  'duplicateRate',
  'malformedRate',
  'outOfOrderRate',
  'lateRate',
  'clockSkewMinutes',
  'edgeDeathAtBatch',
  'seed',
] as const;

/** `?batches=50&plants=P100,P200&outOfSpecRate=0.1` as scenario options. */
export function optionsFromQuery(q: URLSearchParams): ScenarioOptions {
  const o: Record<string, unknown> = {};
  for (const k of NUMERIC) {
    const v = q.get(k);
    if (v !== null) o[k] = v.trim() === '' ? NaN : Number(v);
  }
  const plants = q.get('plants');
  if (plants) o.plants = plants.split(',').map((p) => p.trim());
  const pacing = q.get('pacing');
  if (pacing) o.pacing = pacing;
  const deviations = q.get('deviations');
  if (deviations) o.deviations = deviations !== 'false';
  return o as ScenarioOptions;
}

function badOptions(e: unknown): SimResponse {
  if (e instanceof ScenarioOptionsError) return apiError(400, 'BAD_SCENARIO', e.message, { problems: e.problems });
  throw e;
}

/**
 * The MES's own control routes next to the shared /__sim plane: scenario plan and run, and the
 * Sparkplug edge node's faults (kill, rebirth, seq gap, device death, store-and-forward burst).
 */
export function addScenarioRoutes(
  router: Router,
  sim: {
    planScenario(o: ScenarioOptions): ScenarioPlan;
    runScenario(o: ScenarioOptions): Promise<ScenarioResult>;
    runOrder(orderNumber: string, o: OrderRunOptions): Promise<LotTruth>;
    runs(): readonly ScenarioResult[];
    edge: SparkplugEdge | undefined;
  },
): void {
  const running = new Map<string, Promise<ScenarioResult>>();
  const plan = (o: ScenarioOptions): SimResponse => {
    try {
      return { status: 200, body: sim.planScenario(o) };
    } catch (e) {
      return badOptions(e);
    }
  };
  router.get('/__sim/scenario/plan', (req) => plan(optionsFromQuery(req.query)));
  router.post('/__sim/scenario/plan', (req) => plan((req.body ?? {}) as ScenarioOptions));
  router.post('/__sim/scenario', async (req) => {
    const body = (req.body ?? {}) as ScenarioOptions & { async?: boolean };
    if (req.bodyText.trim() !== '' && req.body === undefined)
      return apiError(400, 'BAD_REQUEST', 'the scenario options must be JSON');
    const { async: detached, ...options } = body;
    let planned: ScenarioPlan;
    try {
      planned = sim.planScenario(options);
    } catch (e) {
      return badOptions(e);
    }
    const run = sim.runScenario(options);
    if (!detached) return { status: 200, body: await run };
    running.set(planned.runId, run);
    void run.catch(() => undefined).finally(() => running.delete(planned.runId));
    return { status: 202, body: { runId: planned.runId, status: 'running', plan: planned } };
  });
  router.get('/__sim/scenario/runs/:runId', (req) => {
    const done = sim.runs().find((r) => r.runId === req.params.runId);
    if (done) return { status: 200, body: { status: 'finished', ...done } };
    if (running.has(req.params.runId!)) return { status: 200, body: { runId: req.params.runId, status: 'running' } };
    return apiError(404, 'RUN_NOT_FOUND', `no run ${req.params.runId}`);
  });

  router.post('/__sim/orders/:orderNumber/run', async (req) => {
    if (req.bodyText.trim() !== '' && req.body === undefined)
      return apiError(400, 'BAD_REQUEST', 'the options must be JSON');
    try {
      return { status: 200, body: await sim.runOrder(req.params.orderNumber!, req.body as OrderRunOptions) };
    } catch (e) {
      if (e instanceof OrderRunError) return apiError(e.status, e.code, e.message);
      throw e;
    }
  });

  const edgeAction = (name: string, act: (edge: SparkplugEdge, body: Record<string, unknown>) => Promise<void>) =>
    router.post(`/__sim/sparkplug/${name}`, async (req) => {
      if (!sim.edge) return apiError(404, 'NO_SPARKPLUG', 'this MES simulator runs without a Sparkplug edge node');
      const body = (req.body ?? {}) as Record<string, unknown>;
      await act(sim.edge, typeof body === 'object' && body !== null ? body : {});
      return { status: 200, body: sim.edge.snapshot() };
    });
  edgeAction('kill', (e) => e.kill());
  edgeAction('rebirth', (e) => e.rebirth());
  edgeAction('tick', (e) => e.tick());
  edgeAction('seq-gap', async (e, b) => e.seqGap(typeof b.skip === 'number' ? b.skip : 1));
  edgeAction('device-death', (e, b) => e.deviceDeath(String(b.device ?? '')));
  edgeAction('device-birth', (e, b) => e.deviceBirth(String(b.device ?? '')));
  edgeAction('store-and-forward', (e, b) =>
    e.storeAndForward(
      String(b.device ?? 'reactor-01'),
      typeof b.count === 'number' ? Math.min(b.count, 1000) : 20,
      typeof b.spanMs === 'number' ? b.spanMs : 600_000,
    ),
  );
  router.get('/__sim/sparkplug', () =>
    sim.edge ? { status: 200, body: sim.edge.snapshot() } : apiError(404, 'NO_SPARKPLUG', 'no Sparkplug edge node'),
  );
}
