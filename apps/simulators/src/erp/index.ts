import mqtt, { type MqttClient } from 'mqtt';
import {
  Router,
  SimContext,
  addControlPlane,
  startSimServer,
  type SimRequest,
  type SimResponse,
} from '../core/index.ts';
import { ErpAuth, type AuthConfig } from './auth.ts';
import { runBatch } from './batch.ts';
import { SeedError, applySeed, type ErpSeedInput, type SeedResult } from './control.ts';
import { EventBus, type CloudEvent } from './events.ts';
import { ODataEngine, type ODataRequest, type ODataResponse } from './odata/engine.ts';
import { ODataError, errorBody } from './odata/errors.ts';
import { edmx } from './odata/metadata.ts';
import type { ServiceDef } from './odata/model.ts';
import { loadSeed } from './seed.ts';
import { inspectionLotService } from './services/inspection-lot.ts';
import { materialDocumentService } from './services/material-document.ts';
import { batchService, materialStockService } from './services/master-data.ts';
import { productionOrderService } from './services/production-order.ts';
import { inspectionPlanService, qualityInfoRecordService } from './services/quality-master.ts';
import { ErpSim, type ErpConfig } from './sim.ts';
import { storeView, type ErpStoreView } from './view.ts';

export type { ErpSeedInput, SeedResult, ErpStoreView, CloudEvent, AuthConfig };
export { EVENT_TYPES, topicOf } from './events.ts';

export interface ErpSimulatorOptions {
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 1 */
  readonly seed?: number;
  /** @default '100' */
  readonly sapClient?: string;
  /** @default basic MILLRACE_COMM / erp-secret and OAuth2 client millrace-erp / erp-client-secret */
  readonly auth?: AuthConfig;
  /** @default 30 */
  readonly csrfTtlMinutes?: number;
  /** Switch CSRF protection off (some Gateway setups do). @default true */
  readonly csrf?: boolean;
  /** Publish events to this broker (QoS 1), e.g. mqtt://127.0.0.1:1883. */
  readonly mqttUrl?: string;
  /** Webhook URLs that get every event. */
  readonly webhooks?: readonly string[];
  /** Event source `/default/sap.s4.beh/<tenant>`. @default '0000000100' */
  readonly tenant?: string;
  /** A usage decision posts the lot's QI stock (321 for A, 350 for R). @default true */
  readonly autoPostOnUsageDecision?: boolean;
  /**
   * Plants whose production inspections (origin 04) are run in an external QMS: their lots are
   * created without the task list (no characteristics), so the usage decision the QMS's verdict
   * leads to needs no results in the ERP. SAP: inspection type 04 without "inspect with task list".
   * @default [] (every lot takes its material's plan)
   */
  readonly resultsInQms?: readonly string[];
  /** Server page size per collection answer (then `__next`). @default 1000 */
  readonly pageSize?: number;
  /** ManufacturingOrder padded to 12 digits in API_INSPECTIONLOT_SRV. @default false */
  readonly leadingZeros?: boolean;
}

export interface ErpSimulator {
  readonly url: string;
  readonly port: number;
  readonly ctx: SimContext;
  /** The store as plain JSON (what `/__sim/store` returns). */
  store(): ErpStoreView;
  /** The live simulator: state, modes, transactions. For tests that need to reach in. */
  readonly sim: ErpSim;
  /** Resolves when every event delivery started so far has finished. */
  eventsIdle(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_AUTH: Required<Pick<AuthConfig, 'basic' | 'oauth'>> = {
  basic: { user: 'MILLRACE_COMM', password: 'erp-secret' },
  oauth: { clientId: 'millrace-erp', clientSecret: 'erp-client-secret' },
};

const ODATA_ROOT = '/sap/opu/odata/sap/';

export async function startErpSimulator(options: ErpSimulatorOptions = {}): Promise<ErpSimulator> {
  const seed = options.seed ?? 1;
  const ctx = new SimContext('erp', seed);
  const config: ErpConfig = {
    sapClient: options.sapClient ?? '100',
    systemId: 'S4H',
    tenant: options.tenant ?? '0000000100',
    csrf: options.csrf ?? true,
    csrfTtlMinutes: options.csrfTtlMinutes ?? 30,
    pageSize: options.pageSize ?? 1000,
    autoPostOnUsageDecision: options.autoPostOnUsageDecision ?? true,
    resultsInQms: options.resultsInQms ?? [],
  };
  const events = new EventBus(ctx, () => `/default/sap.s4.beh/${config.tenant}`);
  const configured = options.webhooks ?? [];
  for (const url of configured) events.webhooks.add(url);
  const sim = new ErpSim(ctx, config, events);
  sim.modes.leadingZeros = options.leadingZeros ?? false;
  const auth = new ErpAuth(options.auth ?? DEFAULT_AUTH, config, () => ctx.clock.now());

  const services: ServiceDef[] = [
    productionOrderService(sim),
    inspectionLotService(sim),
    materialDocumentService(sim),
    materialStockService(sim),
    batchService(sim),
    qualityInfoRecordService(sim),
    inspectionPlanService(sim),
  ];
  const engines = new Map<string, { engine: ODataEngine; metadata: string }>();
  for (const service of services) {
    const metadata = edmx(service);
    const engine = new ODataEngine(service, {
      pageSize: config.pageSize,
      root: (req) => `http://${String(req.headers.host ?? '127.0.0.1')}${ODATA_ROOT}${service.name}/`,
      op: (req) => ({ now: ctx.clock.now(), user: req.user, headers: req.headers }),
      write: (fn) => sim.tx(fn),
      metadata: () => metadata,
    });
    engines.set(service.name, { engine, metadata });
  }

  loadSeed(sim, seed);

  const router = new Router();
  router.add('ANY', `${ODATA_ROOT}*`, (req) => odata(req));
  router.post('/oauth/token', (req) => auth.token(req));
  router.post('/__sim/seed', (req) => {
    try {
      return { status: 200, body: { seeded: true, ...applySeed(sim, req.body) } };
    } catch (thrown) {
      if (thrown instanceof SeedError)
        return { status: 400, body: { error: { code: 'BAD_SEED', message: thrown.message } } };
      throw thrown;
    }
  });
  router.get('/__sim/subscriptions', () => ({ status: 200, body: { webhooks: [...events.webhooks] } }));
  router.post('/__sim/subscriptions', (req) => {
    const url = (req.body as { url?: unknown } | undefined)?.url;
    if (typeof url !== 'string' || !/^https?:\/\//.test(url))
      return { status: 400, body: { error: { code: 'BAD_SUBSCRIPTION', message: 'send { "url": "http://…" }' } } };
    events.webhooks.add(url);
    return { status: 201, body: { webhooks: [...events.webhooks] } };
  });
  router.delete('/__sim/subscriptions', () => {
    events.webhooks.clear();
    return { status: 200, body: { webhooks: [] } };
  });
  router.get('/__sim/modes', () => ({ status: 200, body: sim.modes }));
  router.put('/__sim/modes', (req) => {
    const lz = (req.body as { leadingZeros?: unknown } | undefined)?.leadingZeros;
    if (typeof lz !== 'boolean')
      return { status: 400, body: { error: { code: 'BAD_MODES', message: 'send { "leadingZeros": true|false }' } } };
    sim.modes.leadingZeros = lz;
    return { status: 200, body: sim.modes };
  });
  // A load balancer that loses the session, or a security session that times out mid-run.
  router.post('/__sim/sessions/expire', () => {
    auth.expireSessions();
    return { status: 200, body: { expired: true } };
  });
  addControlPlane(router, ctx, {
    reset: (s) => {
      sim.reset();
      events.webhooks.clear();
      for (const url of configured) events.webhooks.add(url);
      auth.expireSessions();
      loadSeed(sim, s);
    },
    seed: (data) => void applySeed(sim, data),
    store: () => storeView(sim, services),
  });

  function odata(req: SimRequest): SimResponse {
    const rest = req.path.slice(ODATA_ROOT.length);
    const slash = rest.indexOf('/');
    const serviceSegment = slash < 0 ? rest : rest.slice(0, slash);
    const name = decodeURIComponent(serviceSegment).replace(/;v=\d+$/, '');
    const override =
      typeof req.headers['x-http-method'] === 'string' ? req.headers['x-http-method'].toUpperCase() : undefined;
    const method = req.method === 'POST' && override ? override : req.method;
    const gate = auth.check(req, method);
    if (!gate.ok) return gate.response;
    const found = engines.get(name);
    if (!found) {
      const error = new ODataError(
        404,
        '/IWFND/MED/170',
        `No service found for namespace '/SAP/', name '${name}', version '0001'`,
      );
      return answer(
        {
          status: 404,
          headers: { 'content-type': 'application/json' },
          body: errorBody(error, name, new Date(ctx.clock.now())),
        },
        gate.headers,
      );
    }
    const path = slash < 0 ? '' : rest.slice(slash + 1);
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]),
    );
    const oreq: ODataRequest = { method, path, query: req.query, headers, bodyText: req.bodyText, user: gate.user };
    // HEAD (the SAP Cloud SDK's token fetch) is answered like GET on any path of the service.
    if (method === 'HEAD') return answer({ status: 200, headers: {} }, gate.headers);
    const lock = lockConflict(req, method, name);
    if (lock)
      return answer(
        {
          status: lock.status,
          headers: { 'content-type': 'application/json' },
          body: errorBody(lock, name, new Date(ctx.clock.now())),
        },
        gate.headers,
      );
    if (path === '$batch') {
      if (method !== 'POST') return answer(found.engine.handle({ ...oreq, path: '$batch' }), gate.headers);
      try {
        return answer(
          runBatch(found.engine, oreq, `${ODATA_ROOT}${serviceSegment}`, (fn) => sim.tx(fn)),
          gate.headers,
        );
      } catch (thrown) {
        if (!(thrown instanceof ODataError)) throw thrown;
        return answer(
          {
            status: thrown.status,
            headers: { 'content-type': 'application/json' },
            body: errorBody(thrown, name, new Date(ctx.clock.now())),
          },
          gate.headers,
        );
      }
    }
    return answer(found.engine.handle(oreq), gate.headers);
  }

  const server = await startSimServer({
    ctx,
    router,
    ...(options.port !== undefined ? { port: options.port } : {}),
    host: options.host ?? '127.0.0.1',
  });
  let client: MqttClient | undefined;
  if (options.mqttUrl) {
    client = await mqtt.connectAsync(options.mqttUrl, {
      clientId: `millrace-erp-sim-${server.port}`,
      reconnectPeriod: 1000,
    });
    events.attachMqtt(client);
  }
  return {
    url: server.url,
    port: server.port,
    ctx,
    sim,
    store: () => storeView(sim, services),
    eventsIdle: () => events.idle(),
    async close() {
      events.close();
      await client?.endAsync();
      await server.close();
    },
  };
}

function answer(res: ODataResponse, extra: Record<string, string>): SimResponse {
  return {
    status: res.status,
    headers: { ...res.headers, ...extra },
    ...(res.body === undefined ? {} : { body: res.body }),
  };
}

/** `X-Sim-Fault: lock` on a write: the object is locked by another user (SAP enqueue). */
function lockConflict(req: SimRequest, method: string, service: string): ODataError | undefined {
  if (req.headers['x-sim-fault'] !== 'lock' || method === 'GET') return undefined;
  if (service === 'API_MATERIAL_DOCUMENT_SRV')
    return new ODataError(400, 'M3/897', 'Plant data of the material is locked by user QA_LEAD');
  if (service === 'API_PRODUCTION_ORDER_2_SRV')
    return new ODataError(400, 'CO/086', 'Order is currently being processed by user PLANNER01');
  return new ODataError(400, 'MC/601', 'The object requested is currently locked by user QA_LEAD');
}
