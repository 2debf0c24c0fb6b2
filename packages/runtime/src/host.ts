import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { compilePlan, Engine, type EngineOptions, type FlowPlan } from '@millrace/engine';
import type { Flow, PlantProfile } from '@millrace/flow-model';
import { loadImplementations } from '@millrace/flow-nodes/runtime';
import type { ConnectionDefinition, Logger } from '@millrace/node-sdk';
import { createIsolatedVmSandbox, type Sandbox, type SandboxLimits } from '@millrace/sandbox';
import { SqliteStore } from '@millrace/store-sqlite';
import { environmentSecrets, resolveSecrets, type SecretResolver } from './secrets.ts';
import { startTriggers } from './triggers.ts';
import { webhookRoutes, type WebhookRoute } from './webhook.ts';

export interface RuntimeOptions {
  /** Folder of the SQLite file (`millrace.db`). @default ./data */
  readonly dataDir: string;
  readonly flows: readonly Flow[];
  readonly profile: PlantProfile;
  readonly secrets?: SecretResolver;
  readonly log?: Logger;
  /** SQLite durability: `normal` survives a crash of the process, `full` also of the machine. */
  readonly synchronous?: 'normal' | 'full';
  readonly sandboxLimits?: Partial<SandboxLimits>;
  readonly engine?: Omit<EngineOptions, 'store' | 'sandbox' | 'log'>;
  /** Ended runs are deleted after this long. @default 7 days */
  readonly retentionMs?: number;
  /** How often retention runs. @default 10 minutes */
  readonly pruneEveryMs?: number;
}

export interface Runtime {
  readonly engine: Engine;
  readonly store: SqliteStore;
  readonly sandbox: Sandbox;
  readonly plans: readonly FlowPlan[];
  readonly routes: ReadonlyMap<string, WebhookRoute>;
  /**
   * Deploys a flow (a new one, or another version of one deployed): compiled against this
   * plant's connections, it takes new events at once — its webhooks answer, its listening
   * triggers start — while runs of the version before finish on that version.
   */
  deploy(flow: Flow): Promise<FlowPlan>;
  close(options?: { drainMs?: number }): Promise<void>;
}

/**
 * Everything a headless runtime needs, wired together: the SQLite store, the isolated-vm
 * sandbox, the node implementations, the plant's connections (secrets resolved), and every
 * flow compiled and deployed. Nothing listens yet: see Ingress.
 */
export async function startRuntime(o: RuntimeOptions): Promise<Runtime> {
  mkdirSync(o.dataDir, { recursive: true });
  const secrets = o.secrets ?? environmentSecrets;
  const log = o.log ?? { debug() {}, info() {}, warn() {}, error() {} };
  const impl = await loadImplementations();
  const store = new SqliteStore(join(o.dataDir, 'millrace.db'), o.synchronous ? { synchronous: o.synchronous } : {});
  const sandbox = createIsolatedVmSandbox(o.sandboxLimits ? { limits: o.sandboxLimits } : {});
  const clients: Array<{ def: ConnectionDefinition; client: unknown }> = [];
  try {
    const connections: Record<string, unknown> = {};
    for (const [slot, binding] of Object.entries(o.profile.connections ?? {})) {
      const def = impl.connections.get(binding.type);
      if (!def) continue; // a type with no run-time side yet; a flow using it fails to compile below
      const { type: _type, ...fields } = binding;
      const client = await def.open(
        resolveSecrets(fields, secrets, `plant ${o.profile.plant} connection "${slot}"`) as never,
        { log },
      );
      clients.push({ def, client });
      connections[slot] = client;
    }
    const engine = new Engine({ ...o.engine, store, sandbox, log });
    const routes = new Map<string, WebhookRoute>();
    const compile = (flow: Flow) =>
      compilePlan(flow, { nodes: impl.nodes, connections, params: o.profile.params ?? {}, plant: o.profile.plant });
    const plans = o.flows.map(compile);
    for (const plan of plans) {
      engine.deploy(plan);
      for (const [path, route] of webhookRoutes(plan, secrets)) routes.set(path, route);
    }
    await engine.start();
    // Listening triggers start once the engine can take their events.
    const stopTriggers = new Map<string, () => Promise<void>>();
    for (const plan of plans) stopTriggers.set(plan.id, await startTriggers(plan, engine, store, log));
    const retention = o.retentionMs ?? 7 * 24 * 3_600_000;
    const pruner = setInterval(() => {
      engine.prune(retention).catch((e: unknown) => log.error('retention failed', { error: String(e) }));
    }, o.pruneEveryMs ?? 600_000);
    pruner.unref();
    return {
      engine,
      store,
      sandbox,
      plans,
      routes,
      async deploy(flow) {
        // Everything that can fail (compiling, resolving the webhook secrets) before anything changes.
        const plan = compile(flow);
        const newRoutes = webhookRoutes(plan, secrets);
        // The old version's listeners stop before the new ones start: one subscriber per flow.
        await stopTriggers.get(plan.id)?.();
        for (const [path, route] of routes) if (route.flowId === plan.id) routes.delete(path);
        engine.deploy(plan);
        for (const [path, route] of newRoutes) routes.set(path, route);
        stopTriggers.set(plan.id, await startTriggers(plan, engine, store, log));
        const i = plans.findIndex((p) => p.id === plan.id);
        if (i === -1) plans.push(plan);
        else plans[i] = plan;
        return plan;
      },
      async close(options = {}) {
        clearInterval(pruner);
        // Triggers stop first, so no new event arrives while the engine drains.
        for (const stop of stopTriggers.values()) await stop();
        await engine.stop(options);
        for (const { def, client } of clients) await def.close?.(client);
        await sandbox.close();
        await store.close();
      },
    };
  } catch (e) {
    for (const { def, client } of clients) await def.close?.(client).catch(() => undefined);
    await sandbox.close();
    await store.close();
    throw e;
  }
}
