import { startErpSimulator, type ErpSimulator, type ErpSimulatorOptions } from './erp/index.ts';
import { startMesSimulator, type MesSimulator } from './mes/index.ts';
import { batchReleaseMesOptions } from './mes/presets.ts';
import type { ScenarioOptions } from './mes/types.ts';
import { startQmsSimulator, type QmsSimulator, type QmsSimulatorOptions } from './qms/index.ts';

/**
 * One plant's systems — ERP, QMS and MES with its broker — wired the way the example packs'
 * profiles expect them (examples/batch-release/profiles/<plant>.json): the same ports, users and
 * secret names. Secret values come from the environment, else from the development defaults
 * below, so `npm run simulators` and a runtime started with the same environment agree.
 */

/** Development values of the secrets the example profiles name; override any in the environment. */
export const DEMO_SECRETS: Readonly<Record<string, string>> = {
  ERP_P100_PASSWORD: 'erp-p100-secret',
  ERP_P200_CLIENT_SECRET: 'erp-p200-client-secret',
  QMS_P100_CLIENT_SECRET: 'millrace-p100-secret',
  QMS_P200_CLIENT_SECRET: 'millrace-p200-secret',
  MES_P100_API_KEY: 'mes-sim-key',
  MES_P200_API_KEY: 'mes-sim-key',
  MES_P100_MQTT_PASSWORD: 'mes-sim-mqtt',
  MES_P200_MQTT_PASSWORD: 'mes-sim-mqtt',
  QMS_WEBHOOK_SECRET: 'qms-webhook-secret',
};

export type Env = Readonly<Record<string, string | undefined>>;

/** The demo secrets with the environment's values on top: what a runtime needs to talk to a plant. */
export function plantSecrets(env: Env = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, fallback] of Object.entries(DEMO_SECRETS)) out[name] = env[name] ?? fallback;
  return out;
}

const PORTS: Readonly<Record<string, { erp: number; qms: number; mes: number; mqtt: number; sapClient: string }>> = {
  P100: { erp: 4101, qms: 4102, mes: 4103, mqtt: 4183, sapClient: '100' },
  P200: { erp: 4201, qms: 4202, mes: 4203, mqtt: 4283, sapClient: '200' },
};

export const PLANTS = Object.keys(PORTS);

const MES_ORDER_BASE = 2_000_000;

/** The ERP's own MQTT user on the embedded broker (it publishes business events under sap/). */
const ERP_MQTT_USER = { username: 'erp-sim', password: 'erp-sim-mqtt' };

/** The ERP of a plant as its profile expects it (P100: Basic user, P200: OAuth2 client). */
export function erpPreset(plant: string, secrets: Readonly<Record<string, string>>): ErpSimulatorOptions {
  const ports = presetPorts(plant);
  return {
    port: ports.erp,
    sapClient: ports.sapClient,
    // The batch-release pack makes the QMS the system of record for production inspections.
    resultsInQms: [plant],
    auth:
      plant === 'P100'
        ? { basic: { user: 'MILLRACE_P100', password: secrets.ERP_P100_PASSWORD! } }
        : { oauth: { clientId: `millrace-${plant.toLowerCase()}`, clientSecret: secrets.ERP_P200_CLIENT_SECRET! } },
  };
}

/** A QMS webhook subscription to a flow served by the runtime (`/hooks/<flow>/<path>`). */
export interface QmsHook {
  readonly flow: string;
  readonly path: string;
  readonly events: readonly string[];
}

/** What the example packs listen to: batch-release's decisions, supplier-incident's new quality events. */
export const EXAMPLE_QMS_HOOKS: readonly QmsHook[] = [
  { flow: 'qms-decisions', path: 'events', events: ['inspection.decided'] },
  { flow: 'supplier-incident', path: 'events', events: ['quality_event.opened'] },
];

/** The QMS of a plant as its profile expects it; webhooks go to the runtime at `millraceUrl`. */
export function qmsPreset(
  plant: string,
  secrets: Readonly<Record<string, string>>,
  millraceUrl?: string,
  qaRobotDelayMs: number | false = 200,
  hooks: readonly QmsHook[] = EXAMPLE_QMS_HOOKS,
): QmsSimulatorOptions {
  return {
    port: presetPorts(plant).qms,
    clients: [
      {
        clientId: `millrace-${plant.toLowerCase()}`,
        clientSecret: secrets[`QMS_${plant}_CLIENT_SECRET`]!,
        scopes: ['qms.read', 'qms.write', 'qms.sign'],
      },
    ],
    webhooks: millraceUrl
      ? hooks.map((h) => ({
          url: `${millraceUrl}/hooks/${h.flow}/${h.path}`,
          secret: secrets.QMS_WEBHOOK_SECRET!,
          events: [...h.events],
        }))
      : [],
    qaRobot: qaRobotDelayMs === false ? { enabled: false } : { enabled: true, delayMs: qaRobotDelayMs },
  };
}

export function presetPorts(plant: string): (typeof PORTS)[string] {
  const ports = PORTS[plant];
  if (!ports) throw new Error(`unknown plant ${plant}; known: ${PLANTS.join(', ')}`);
  return ports;
}

export interface PlantOptions {
  readonly plant: string;
  /**
   * 'preset' (default): the profile's fixed ports; 'any': free ports (tests); or per system, the
   * preset for those left out (0 = a free port). `profile()` points a profile at whatever was used.
   */
  readonly ports?: 'preset' | 'any' | Partial<Record<'erp' | 'qms' | 'mes' | 'mqtt', number>>;
  readonly seed?: number;
  /** An external broker instead of the MES's embedded one (e.g. mqtt://127.0.0.1:1883). */
  readonly brokerUrl?: string;
  /** Topic prefix of the MES on a shared broker, so parallel runs do not see each other. */
  readonly topicPrefix?: string;
  /** Where the QMS sends its signed webhooks: the runtime's base URL (http://127.0.0.1:3000). */
  readonly millraceUrl?: string;
  /** The QA robot decides inspections once their results are in (default on, 200 ms). */
  readonly qaRobotDelayMs?: number | false;
  /** The QMS's webhook subscriptions to the runtime. @default EXAMPLE_QMS_HOOKS */
  readonly qmsHooks?: readonly QmsHook[];
  readonly env?: Env;
}

export interface Plant {
  readonly plant: string;
  readonly erp: ErpSimulator;
  readonly qms: QmsSimulator;
  readonly mes: MesSimulator;
  readonly brokerUrl: string;
  readonly secrets: Record<string, string>;
  /** examples/batch-release's profile for this plant, with the URLs these simulators listen on. */
  profile(base: Record<string, unknown>): Record<string, unknown>;
  /** Runs an MES scenario of this plant; its goods receipts are booked in the ERP first (QI stock, inspection lots). */
  runScenario(options: ScenarioOptions): ReturnType<MesSimulator['runScenario']>;
  close(): Promise<void>;
}

export async function startPlant(options: PlantOptions): Promise<Plant> {
  const ports = presetPorts(options.plant);
  const env = options.env ?? process.env;
  const secrets = plantSecrets(env);
  const chosen = options.ports ?? 'preset';
  const portOf = (system: 'erp' | 'qms' | 'mes' | 'mqtt'): number =>
    chosen === 'any' ? 0 : chosen === 'preset' ? ports[system] : (chosen[system] ?? ports[system]);
  const seed = options.seed ?? 1;

  const mesPreset = batchReleaseMesOptions(options.plant, secrets);
  // The ERP starts after the MES (it publishes on the MES's broker); scenarios run later.
  let erpUrl: string | undefined;
  const mes = await startMesSimulator({
    ...mesPreset,
    seed,
    port: portOf('mes'),
    // The ERP numbers its own orders from 1000010 per plant; the MES's scenario orders stay clear.
    orderNumberBase: MES_ORDER_BASE,
    // Every scenario, also one started over REST (/__sim/scenario), first books its batches' goods
    // receipts in the ERP: QI stock and an inspection lot per batch, as production would.
    beforeScenario: async (plan) => {
      if (!erpUrl) throw new Error('the ERP simulator is not running yet');
      await seedGoodsReceipts(
        erpUrl,
        plan.lots.filter((lot) => lot.plant === options.plant),
      );
    },
    ...(options.brokerUrl
      ? { brokerUrl: options.brokerUrl, brokerUsers: undefined }
      : {
          brokerPort: portOf('mqtt'),
          brokerUsers: [
            ...(mesPreset.brokerUsers ?? []).map((u) => ({
              ...u,
              // The batch-release flow listens to the ERP's events too (order changes).
              subscribe: [...(u.subscribe ?? []), 'sap/'],
            })),
            { ...ERP_MQTT_USER, publish: ['sap/'], subscribe: [] },
          ],
        }),
    ...(options.topicPrefix ? { topicPrefix: options.topicPrefix } : {}),
  });
  const closers: Array<() => Promise<void>> = [() => mes.close()];
  try {
    const erpMqtt = new URL(mes.brokerUrl);
    if (!options.brokerUrl) {
      erpMqtt.username = ERP_MQTT_USER.username;
      erpMqtt.password = ERP_MQTT_USER.password;
    }
    const erp = await startErpSimulator({
      ...erpPreset(options.plant, secrets),
      seed,
      port: portOf('erp'),
      mqttUrl: erpMqtt.toString(),
    });
    closers.unshift(() => erp.close());
    erpUrl = erp.url;
    const qms = await startQmsSimulator({
      ...qmsPreset(options.plant, secrets, options.millraceUrl, options.qaRobotDelayMs, options.qmsHooks),
      seed,
      port: portOf('qms'),
    });
    closers.unshift(() => qms.close());

    return {
      plant: options.plant,
      erp,
      qms,
      mes,
      brokerUrl: mes.brokerUrl,
      secrets,
      profile(base) {
        return withUrls(
          base,
          new Map([
            [ports.erp, erp.url],
            [ports.qms, qms.url],
            [ports.mes, mes.url],
            [ports.mqtt, mes.brokerUrl],
          ]),
        );
      },
      runScenario(scenario) {
        return mes.runScenario({ plants: [options.plant], ...scenario });
      },
      async close() {
        for (const close of closers) await close();
      },
    };
  } catch (e) {
    for (const close of closers) await close().catch(() => undefined);
    throw e;
  }
}

async function seedGoodsReceipts(
  erpUrl: string,
  lots: ReadonlyArray<{
    orderNumber: string;
    materialId: string;
    plant: string;
    erpBatch: string;
    quantity: { value: string; unit: string };
  }>,
): Promise<void> {
  if (lots.length === 0) return;
  const answer = await fetch(`${erpUrl}/__sim/seed`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      goodsReceipts: lots.map((lot) => ({
        order: lot.orderNumber,
        material: lot.materialId,
        plant: lot.plant,
        batch: lot.erpBatch,
        quantity: lot.quantity.value,
        unit: lot.quantity.unit,
      })),
    }),
  });
  if (!answer.ok) throw new Error(`the ERP refused the scenario's goods receipts: ${await answer.text()}`);
}

/** A profile's connections pointed at the simulators' actual URLs (ports may be free ones in tests). */
function withUrls(base: Record<string, unknown>, moves: ReadonlyMap<number, string>): Record<string, unknown> {
  const profile = structuredClone(base) as { connections?: Record<string, Record<string, unknown>> };
  const point = (url: unknown): string | undefined => {
    if (typeof url !== 'string') return undefined;
    const u = new URL(url);
    const target = moves.get(Number(u.port));
    if (!target) return undefined;
    const t = new URL(target);
    u.protocol = t.protocol;
    u.host = t.host;
    const moved = u.toString();
    return url.endsWith('/') || !moved.endsWith('/') ? moved : moved.slice(0, -1);
  };
  for (const connection of Object.values(profile.connections ?? {})) {
    for (const key of ['baseUrl', 'url'] as const) {
      const moved = point(connection[key]);
      if (moved) connection[key] = moved;
    }
    const auth = connection.auth as Record<string, unknown> | undefined;
    const moved = auth && point(auth.tokenUrl);
    if (auth && moved) auth.tokenUrl = moved;
  }
  return profile;
}
