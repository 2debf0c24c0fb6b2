import { randomBytes } from 'node:crypto';
import { connectAsync } from 'mqtt';
import { addControlPlane, Router, SimContext, startSimServer } from '../core/index.ts';
import { startEmbeddedBroker, type BrokerUser, type EmbeddedBroker } from './broker.ts';
import { holdFromCommand } from './holds.ts';
import { planScenario as plan, type PlanContext } from './plan.ts';
import { addMesApi, DEFAULT_API_KEY, receiveOrder } from './rest.ts';
import { runOrder as runOrderBatch, type OrderRunOptions } from './order-run.ts';
import { runScenario as run, type ScenarioDeps } from './scenario.ts';
import { addScenarioRoutes } from './sim-routes.ts';
import { SparkplugEdge, type SparkplugOptions } from './sparkplug.ts';
import { RetainedState } from './state.ts';
import { MesStore } from './store.ts';
import {
  DEFAULT_SITES,
  type LotTruth,
  type PlantLayout,
  type ScenarioOptions,
  type ScenarioPlan,
  type ScenarioResult,
} from './types.ts';
import { UnsPublisher } from './uns.ts';
import { deliverToWebhooks } from './webhooks.ts';

export interface MesSimulatorOptions {
  /** HTTP port (0 = any, the default) and host (127.0.0.1). */
  readonly port?: number;
  readonly host?: string;
  readonly seed?: number;
  /** An external broker (mqtt://127.0.0.1:1883); otherwise an embedded aedes broker is started. */
  readonly brokerUrl?: string;
  /** The embedded broker's port (0 = any, the default). */
  readonly brokerPort?: number;
  /** Username/password and topic-prefix ACLs on the embedded broker; none = open. */
  readonly brokerUsers?: readonly BrokerUser[];
  /** Credentials for an external broker. */
  readonly mqttUsername?: string;
  readonly mqttPassword?: string;
  /** MQTT 3.1.1 (4, the default; aedes speaks only that) or 5 (adds content-type and an eventid user property). */
  readonly protocolVersion?: 4 | 5;
  readonly enterprise?: string;
  readonly sites?: Readonly<Record<string, PlantLayout>>;
  /** Prepended to every UNS topic, e.g. "test-1a2b/": tests sharing a broker do not collide. */
  readonly topicPrefix?: string;
  /** API key of the REST API (header X-API-Key); false = no auth. Default "mes-sim-key". */
  readonly apiKey?: string | false;
  /** The Sparkplug B edge node; false = none. */
  readonly sparkplug?: false | Partial<SparkplugOptions>;
  /** Scenario order numbers are base + 1, + 2 … Default 1000000 (so 1000001). */
  readonly orderNumberBase?: number;
  /**
   * Called with a scenario's plan before its first event goes out (also for a scenario started
   * over REST), e.g. to tell the ERP about the orders and goods receipts. A throw stops the run.
   */
  readonly beforeScenario?: (plan: ScenarioPlan) => Promise<void>;
  /** Clear the retained state topics on close (do it on a shared broker). Default: with an external broker. */
  readonly clearRetainedOnClose?: boolean;
}

export interface MesSimulator {
  readonly url: string;
  readonly port: number;
  readonly brokerUrl: string;
  readonly apiKey: string | false;
  readonly enterprise: string;
  readonly topicPrefix: string;
  readonly ctx: SimContext;
  readonly store: MesStore;
  readonly edge: SparkplugEdge | undefined;
  /** Credentials with full access on the embedded broker when brokerUsers is set. */
  readonly brokerInternal?: { readonly username: string; readonly password: string };
  planScenario(options?: ScenarioOptions): ScenarioPlan;
  runScenario(options?: ScenarioOptions): Promise<ScenarioResult>;
  /** Runs one batch for an order received over REST (404/400 as OrderRunError). */
  runOrder(orderNumber: string, options?: OrderRunOptions): Promise<LotTruth>;
  close(): Promise<void>;
}

export async function startMesSimulator(options: MesSimulatorOptions = {}): Promise<MesSimulator> {
  const ctx = new SimContext('mes', options.seed ?? 1);
  const enterprise = options.enterprise ?? 'acme';
  const sites = options.sites ?? DEFAULT_SITES;
  const prefix = options.topicPrefix ?? '';
  const topicPrefix = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
  const protocolVersion = options.protocolVersion ?? 4;
  const apiKey = options.apiKey ?? DEFAULT_API_KEY;

  let broker: EmbeddedBroker | undefined;
  if (!options.brokerUrl)
    broker = await startEmbeddedBroker({
      port: options.brokerPort ?? 0,
      ...(options.brokerUsers ? { users: options.brokerUsers } : {}),
    });
  const brokerUrl = options.brokerUrl ?? broker!.url;
  const creds =
    broker?.internal ??
    (options.mqttUsername ? { username: options.mqttUsername, password: options.mqttPassword ?? '' } : undefined);
  const client = await connectAsync(brokerUrl, {
    clientId: `mes-sim-${randomBytes(4).toString('hex')}`,
    protocolVersion,
    reconnectPeriod: 1000,
    connectTimeout: 5000,
    ...(creds ?? {}),
  }).catch(async (e: unknown) => {
    await broker?.close();
    throw e;
  });
  client.on('error', () => undefined);

  const store = new MesStore();
  const publisher = new UnsPublisher(client, ctx, protocolVersion);
  const state = new RetainedState(publisher, store, ctx);
  publisher.onMessage((topic, body, meta) => deliverToWebhooks(store, ctx, topic, body, meta));
  const topicBase = (plant: string, line: string) => {
    const l = sites[plant]!;
    return `${topicPrefix}${enterprise}/${l.site}/${l.area}/${line}/mes`;
  };
  const source = (plant: string) => `/${enterprise}/${sites[plant]?.site ?? plant.toLowerCase()}/mes`;

  // The hold as an MQTT command (mes.send-hold over mqtt).
  const commandFilter = `${topicPrefix}${enterprise}/+/+/+/mes/commands/hold`;
  // Commands are applied one at a time, in the order they arrived (a repeat must see the first).
  let commands: Promise<void> = Promise.resolve();
  client.on('message', (topic, payload) => {
    if (!topic.endsWith('/mes/commands/hold')) return;
    const at = ctx.clock.iso();
    commands = commands.then(async () => {
      const result = await holdFromCommand(payload.toString('utf8'), { store, state, ctx }).catch(
        (e: unknown) => `failed: ${String(e)}`,
      );
      store.commands.push({ at, topic, result });
    });
  });
  await client.subscribeAsync(commandFilter, { qos: 1 });

  let edge: SparkplugEdge | undefined;
  if (options.sparkplug !== false) {
    const sp = options.sparkplug ?? {};
    edge = new SparkplugEdge({
      group: sp.group ?? `${enterprise}-mes`,
      edge: sp.edge ?? 'mes-edge-01',
      ...(sp.hostId ? { hostId: sp.hostId } : {}),
      intervalMs: sp.intervalMs ?? 1000,
      url: brokerUrl,
      ctx,
      protocolVersion,
      ...(creds ?? {}),
    });
    await edge.start();
  }

  const planContext = (): PlanContext => ({
    seed: ctx.seed,
    counters: store.planCounters(),
    sites,
    enterprise,
    topicPrefix,
    orderNumberBase: options.orderNumberBase ?? 1_000_000,
  });
  const planScenario = (o: ScenarioOptions = {}) => plan(o, planContext());
  const scenarioDeps: ScenarioDeps = {
    ctx,
    store,
    publisher,
    state,
    ...(edge ? { edge } : {}),
    planContext,
    source: (b) => source(b.plant),
    ...(options.beforeScenario ? { beforeScenario: options.beforeScenario } : {}),
  };
  const runScenario = (o: ScenarioOptions = {}) => run(o, scenarioDeps);
  const runOrder = (orderNumber: string, o: OrderRunOptions = {}) => runOrderBatch(orderNumber, o, scenarioDeps);

  const restDeps = { ctx, store, state, publisher, sites, topicBase, source, apiKey };
  const router = new Router();
  addMesApi(router, restDeps);
  addScenarioRoutes(router, { planScenario, runScenario, runOrder, runs: () => store.runs, edge });
  // Extra seed data: { orders: [order download …] }, each as if POSTed to /orders. Registered
  // before the core's /__sim/seed (the first matching route wins) so bad data is a 400, not the
  // 500 a throwing core hook gives.
  router.post('/__sim/seed', async (req) => {
    const orders = (req.body as { orders?: unknown } | undefined)?.orders;
    if (!Array.isArray(orders))
      return { status: 400, body: { error: { code: 'BAD_SEED', message: 'seed data is { "orders": [ … ] }' } } };
    const results = [];
    for (const o of orders) {
      const answer = await receiveOrder(o, restDeps);
      results.push({ status: answer.status, body: answer.body });
    }
    return { status: 200, body: { seeded: results.filter((r) => r.status < 300).length, results } };
  });
  addControlPlane(router, ctx, {
    reset: async () => {
      await state.clear();
      store.reset();
    },
    store: () => ({ ...store.snapshot(), sparkplug: edge?.snapshot() ?? null }),
  });
  let server: Awaited<ReturnType<typeof startSimServer>>;
  try {
    server = await startSimServer({
      ctx,
      router,
      ...(options.port === undefined ? {} : { port: options.port }),
      ...(options.host === undefined ? {} : { host: options.host }),
    });
  } catch (e) {
    // The HTTP port is taken (or the like): leave nothing running behind.
    await edge?.stop().catch(() => undefined);
    await client.endAsync(true).catch(() => undefined);
    await broker?.close();
    throw e;
  }

  let closed = false;
  return {
    url: server.url,
    port: server.port,
    brokerUrl,
    apiKey,
    enterprise,
    topicPrefix,
    ctx,
    store,
    edge,
    ...(broker?.internal ? { brokerInternal: broker.internal } : {}),
    planScenario,
    runScenario,
    runOrder,
    async close() {
      if (closed) return;
      closed = true;
      await server.close();
      await publisher.flush();
      await edge?.stop().catch(() => undefined);
      if (options.clearRetainedOnClose ?? options.brokerUrl !== undefined) await state.clear().catch(() => undefined);
      await client.endAsync().catch(() => undefined);
      await broker?.close();
    },
  };
}

export { DEFAULT_API_KEY, API_BASE } from './rest.ts';
export { DEFAULT_SITES, DEFAULT_PARAMETERS } from './types.ts';
export type * from './types.ts';
export { startEmbeddedBroker } from './broker.ts';
export type { BrokerUser, EmbeddedBroker } from './broker.ts';
export type { SparkplugOptions } from './sparkplug.ts';
export { EVENT_TYPES } from './payloads.ts';
export { OrderRunError } from './order-run.ts';
export type { OrderRunOptions } from './order-run.ts';
export { batchReleaseMesOptions } from './presets.ts';
