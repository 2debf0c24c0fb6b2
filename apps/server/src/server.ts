import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import type { Flow, PlantProfile } from '@millrace/flow-model';
import { catalog } from '@millrace/flow-nodes/catalog';
import { Ingress, startRuntime, type Runtime } from '@millrace/runtime';
import type { RouteDef } from './api.ts';
import { createApp } from './app.ts';
import { APPROVAL_MIGRATIONS, approvalRoutes } from './approvals/index.ts';
import { Audit, AUDIT_MIGRATIONS, auditRoutes } from './audit/index.ts';
import { Auth, AUTH_MIGRATIONS, authRoutes, bootstrapAdmin } from './auth/index.ts';
import { dummyHash, verifyPassword } from './auth/secrets.ts';
import { catalogRoutes } from './catalog-routes.ts';
import { openServerDb, type ServerDb } from './db.ts';
import { docsRoutes } from './docs-routes.ts';
import { engineMetrics } from './metrics.ts';
import { kpiRoutes } from './kpis.ts';
import { DraftStore, DRAFT_MIGRATIONS, lifecycleRoutes } from './lifecycle/index.ts';
import { opsRoutes } from './ops.ts';
import {
  Deployments,
  DEPLOYMENT_MIGRATIONS,
  deploymentRoutes,
  installAtStart,
  InstalledStore,
  PACK_MIGRATIONS,
  packRoutes,
} from './packs/index.ts';
import { loadMasterKey, Vault, VAULT_MIGRATIONS, vaultRoutes } from './vault/index.ts';

export const VERSION = '0.1.0';

export interface ServerOptions {
  /** Folder of the SQLite files (millrace.db for runs, server.db for users and the rest). */
  readonly dataDir: string;
  /** @default 3000 */
  readonly port?: number;
  /** @default 127.0.0.1 */
  readonly host?: string;
  /** Flows to serve from the start, with the plant profile they run for (not recorded as deployments). */
  readonly flows?: readonly Flow[];
  readonly profile?: PlantProfile;
  /** The plant this server runs: its installed profile and deployed flows. @default MILLRACE_PLANT */
  readonly plant?: string;
  /** A pack folder to import (if not installed yet) and deploy to `plant` at start: the demo. */
  readonly pack?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly log?: Logger;
  /** The built designer to serve at `/`. @default apps/designer/dist */
  readonly designerDist?: string;
}

export interface MillraceServer {
  readonly url: string;
  readonly port: number;
  readonly runtime: Runtime;
  readonly db: ServerDb;
  /** Every API route, as mounted (the OpenAPI document and the authorization matrix come from it). */
  readonly routes: readonly RouteDef[];
  /** The hash-chained audit log of every change. */
  readonly audit: Audit;
  /** The first admin, when this start created it; `password` only when it was generated. */
  readonly admin: { readonly username: string; readonly password?: string; readonly generated: boolean } | undefined;
  close(): Promise<void>;
}

const NO_PLANT: PlantProfile = { schemaVersion: 1, plant: 'NONE', name: 'No plant deployed yet' };

/**
 * The server (DESIGN §6): the engine with its webhook ingress, and the API beside it on the same
 * port — /hooks/… to the ingress, everything else to Express — plus /metrics for Prometheus.
 */
export async function startServer(o: ServerOptions): Promise<MillraceServer> {
  const env = o.env ?? process.env;
  const log = o.log ?? pino({ level: env.LOG_LEVEL ?? 'info' });
  mkdirSync(o.dataDir, { recursive: true });
  const db = openServerDb(join(o.dataDir, 'server.db'), [
    ...AUTH_MIGRATIONS,
    ...AUDIT_MIGRATIONS,
    ...VAULT_MIGRATIONS,
    ...PACK_MIGRATIONS,
    ...DRAFT_MIGRATIONS,
    ...APPROVAL_MIGRATIONS,
    ...DEPLOYMENT_MIGRATIONS,
  ]);
  let runtime: Runtime | undefined;
  try {
    const admin = bootstrapAdmin(db, env, log);
    // Keep the key file away from the data folder's backups with MILLRACE_MASTER_KEY_FILE.
    const vault = new Vault(db, loadMasterKey(env, env.MILLRACE_MASTER_KEY_FILE ?? join(o.dataDir, 'master.key')));
    const audit = new Audit({ db });
    const installed = new InstalledStore(db);
    const deployments = new Deployments(db, installed, audit);
    const secretIsSet = (name: string) => (vault.get(name) ?? env[name] ?? '') !== '';
    const plant = o.plant ?? env.MILLRACE_PLANT;
    if (o.pack) {
      if (!plant)
        throw new Error('a pack to deploy at start needs the plant to deploy it to (--plant / MILLRACE_PLANT)');
      const done = installAtStart(o.pack, plant, { installed, deployments, audit, secretIsSet, now: Date.now });
      log.info(done, 'pack installed at start');
    }
    const deployedIn = (code: string) => {
      const profile = installed.plant(code)?.profile;
      if (!profile) throw new Error(`plant ${code} is not installed here: import a pack with its profile first`);
      return { profile, flows: deployments.flowsOf(code) };
    };
    const runs = o.flows && o.profile ? { flows: o.flows, profile: o.profile } : plant ? deployedIn(plant) : undefined;
    runtime = await startRuntime({
      // The secrets store first, then the environment (headless deployments and the demo).
      secrets: { get: (name) => vault.get(name) ?? env[name] },
      dataDir: o.dataDir,
      flows: runs?.flows ?? [],
      profile: runs?.profile ?? NO_PLANT,
      log: {
        debug: (msg, fields) => log.debug(fields ?? {}, msg),
        info: (msg, fields) => log.info(fields ?? {}, msg),
        warn: (msg, fields) => log.warn(fields ?? {}, msg),
        error: (msg, fields) => log.error(fields ?? {}, msg),
      },
    });
    const auth = new Auth({ db, log });
    const metrics = engineMetrics(runtime.engine);
    const routes: RouteDef[] = [];
    routes.push(
      ...authRoutes(auth, audit),
      ...auditRoutes(audit),
      ...opsRoutes({ store: runtime.store, engine: runtime.engine, audit }),
      ...kpiRoutes({ store: runtime.store, engine: runtime.engine }),
      ...catalogRoutes(catalog),
      ...vaultRoutes(vault, audit),
      ...lifecycleRoutes({
        drafts: new DraftStore(db),
        installed,
        audit,
        secret: (name) => vault.get(name) ?? env[name],
      }),
      ...approvalRoutes({
        store: runtime.store,
        engine: runtime.engine,
        // The same connection as the audit log: a signature and its audit record commit together.
        db,
        audit,
        async verifyPassword(userId, password) {
          const user = auth.store.userById(userId);
          const row = user && !user.disabled ? auth.store.userForLogin(user.username) : undefined;
          // Hashing against a dummy when the user is missing keeps the time the same either way.
          return (await verifyPassword(password, row?.passwordHash ?? (await dummyHash()))) && row !== undefined;
        },
      }),
      ...packRoutes({
        installed,
        audit,
        secretIsSet,
        deployments,
      }),
      ...deploymentRoutes({
        deployments,
        secretIsSet,
        running: runs ? { plant: runs.profile.plant, runtime } : undefined,
      }),
      ...docsRoutes(() => routes, VERSION),
      {
        method: 'get',
        path: '/metrics',
        access: 'public',
        tag: 'about',
        summary: 'Prometheus metrics: runs, steps, retries, dead letters, step latency per flow and node',
        async handler({ res }) {
          res.type(metrics.contentType).send(await metrics.metrics());
          return undefined;
        },
      },
    );
    const app = createApp({ routes, auth, log, ...(o.designerDist ? { designerDist: o.designerDist } : {}) });
    const rt = runtime;
    const ingress = new Ingress({
      engine: rt.engine,
      routes: () => rt.routes,
      port: o.port ?? 3000,
      host: o.host ?? '127.0.0.1',
      fallback: app,
    });
    const port = await ingress.listen();
    const url = `http://${o.host ?? '127.0.0.1'}:${port}`;
    return {
      url,
      port,
      runtime: rt,
      db,
      routes,
      audit,
      admin,
      async close() {
        await ingress.close();
        await rt.close({ drainMs: 5000 });
        db.close();
      },
    };
  } catch (e) {
    await runtime?.close().catch(() => undefined);
    db.close();
    throw e;
  }
}
