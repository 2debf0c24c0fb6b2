import { Type } from '@sinclair/typebox';
import { catalog } from '@millrace/flow-nodes/catalog';
import {
  isSecretRef,
  loadProfile,
  serializeProfile,
  validateFlowPublishable,
  type Flow,
  type PlantProfile,
} from '@millrace/flow-model';
import type { Runtime } from '@millrace/runtime';
import type { RouteDef } from '../api.ts';
import type { Audit, AuditActor } from '../audit/index.ts';
import type { Migration, ServerDb } from '../db.ts';
import { conflict, HttpError, notFound } from '../problem.ts';
import { Deployed, DeploymentList, PlantSet } from './schemas.ts';
import { digestOf, type InstalledStore } from './store.ts';

/**
 * Deployments: which published version of a flow runs in which plant. The server runs one
 * plant's runtime (the one it started for); deploying there takes effect at once, without a
 * restart — new events go to the new version, runs under way finish on theirs. A deployment to
 * another plant is recorded for the server that runs that plant.
 */
export const DEPLOYMENT_MIGRATIONS: Migration[] = [
  {
    version: 460,
    name: 'deployments',
    sql: `CREATE TABLE deployments (
        plant TEXT NOT NULL,
        flow_id TEXT NOT NULL,
        version TEXT NOT NULL,
        deployed_at INTEGER NOT NULL,
        deployed_by TEXT NOT NULL,
        PRIMARY KEY (plant, flow_id)
      );`,
  },
];

export interface Deployment {
  readonly plant: string;
  readonly flowId: string;
  readonly version: string;
  readonly deployedAt: number;
  readonly deployedBy: string;
}

function deploymentOf(row: unknown): Deployment {
  const r = row as Record<string, unknown>;
  return {
    plant: String(r.plant),
    flowId: String(r.flow_id),
    version: String(r.version),
    deployedAt: Number(r.deployed_at),
    deployedBy: String(r.deployed_by),
  };
}

export class Deployments {
  constructor(
    private readonly db: ServerDb,
    readonly installed: InstalledStore,
    readonly audit: Audit,
  ) {}

  of(plant: string): Deployment[] {
    return this.db.prepare('SELECT * FROM deployments WHERE plant = ? ORDER BY flow_id').all(plant).map(deploymentOf);
  }

  /** Every deployment, by flow then plant: which version of each flow runs where. */
  all(): Deployment[] {
    return this.db.prepare('SELECT * FROM deployments ORDER BY flow_id, plant').all().map(deploymentOf);
  }

  /** The flows deployed to a plant, as published. */
  flowsOf(plant: string): Flow[] {
    return this.of(plant).map((d) => this.installed.flowVersion(d.flowId, d.version)!.flow);
  }

  /** The flow a deployment would run: the plant installed, the version published (not deprecated or retired). */
  check(plant: string, flowId: string, version: string): Flow {
    if (!this.installed.plant(plant))
      throw notFound(`plant ${plant} is not installed (import a pack with its profile)`);
    const v = this.installed.flowVersion(flowId, version);
    if (!v) throw notFound(`flow ${flowId} ${version} is not published here`);
    if (v.status !== 'published') throw conflict(`${flowId} ${version} is ${v.status}: deploy a published version`);
    return v.flow;
  }

  /** Records a deployment with its audit record, in one transaction. */
  record(
    plant: string,
    flowId: string,
    version: string,
    actor: AuditActor,
    reason: string | undefined,
    at: number,
  ): void {
    const before = this.of(plant).find((d) => d.flowId === flowId);
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO deployments (plant, flow_id, version, deployed_at, deployed_by) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (plant, flow_id) DO UPDATE SET version = excluded.version, deployed_at = excluded.deployed_at, deployed_by = excluded.deployed_by`,
        )
        .run(plant, flowId, version, at, typeof actor === 'string' ? actor : actor.username);
      this.audit.append({
        actor,
        action: 'flow.deploy',
        target: { kind: 'flow', id: `${flowId}@${version}` },
        ...(reason ? { reason } : {}),
        before: { version: before?.version ?? null },
        after: { version },
        details: { plant, previous: before?.version ?? null },
      });
    })();
  }
}

export function deploymentRoutes(deps: {
  deployments: Deployments;
  /** Whether a secret is set (the secrets store, then the environment). */
  secretIsSet: (name: string) => boolean;
  /** The plant this server runs, and its runtime (undefined when it runs none). */
  running: { plant: string; runtime: Runtime } | undefined;
  now?: () => number;
}): RouteDef[] {
  const now = deps.now ?? Date.now;
  const { installed, audit } = deps.deployments;
  return [
    {
      method: 'put',
      path: '/api/plants/:code',
      response: PlantSet,
      access: 'admin',
      tag: 'plants',
      summary: "Sets a plant's profile: validated, its secrets set, every flow deployed there still valid with it",
      body: Type.Object(
        {
          profile: Type.Object({}, { additionalProperties: true }),
          reason: Type.Optional(Type.String({ minLength: 3, maxLength: 1000 })),
        },
        { additionalProperties: false },
      ),
      responses: { 422: 'the profile is invalid, names a secret that is not set, or breaks a deployed flow' },
      handler({ params, body, principal }) {
        const code = String(params.code);
        const b = body as { profile: Record<string, unknown>; reason?: string };
        const loaded = loadProfile(b.profile, { catalog });
        if (!loaded.ok)
          throw new HttpError(
            422,
            'PROFILE_INVALID',
            'Profile invalid',
            `the profile is invalid: ${loaded.problems.length} problem(s)`,
            { problems: loaded.problems },
          );
        const profile = loaded.value;
        if (profile.plant !== code)
          throw new HttpError(
            400,
            'BAD_REQUEST',
            'Bad request',
            `/profile/plant: is "${profile.plant}", but this is plant ${code}`,
          );
        const missing = secretNames(profile).filter((n) => !deps.secretIsSet(n));
        if (missing.length > 0)
          throw new HttpError(
            422,
            'SECRETS_MISSING',
            'Secrets missing',
            `set these secrets first (PUT /api/secrets/<name>): ${missing.join(', ')}`,
          );
        const problems = deps.deployments.flowsOf(code).flatMap((f) =>
          validateFlowPublishable(f, { catalog, profile, profileFile: `plant ${code}` }).map((p) => ({
            ...p,
            flow: f.id,
          })),
        );
        if (problems.length > 0)
          throw new HttpError(
            422,
            'PROFILE_BREAKS_FLOWS',
            'Profile breaks deployed flows',
            `the flows deployed to ${code} would not run with it`,
            { problems },
          );
        const before = installed.plant(code);
        const text = serializeProfile(profile);
        installed.setPlant(profile, text, principal!.username, now(), () =>
          audit.append({
            actor: principal!,
            action: before ? 'plant.update' : 'plant.create',
            target: { kind: 'plant', id: code },
            ...(b.reason ? { reason: b.reason } : {}),
            ...(before ? { before: { digest: before.digest } } : {}),
            after: { digest: digestOf(text) },
          }),
        );
        // Connections are opened when the runtime starts: the running plant takes it at its next start.
        return { status: before ? 200 : 201, body: { plant: code, restartNeeded: deps.running?.plant === code } };
      },
    },
    {
      method: 'get',
      path: '/api/plants/:code/deployments',
      response: DeploymentList,
      access: 'viewer',
      tag: 'plants',
      summary: "What runs in a plant: each flow's deployed version",
      handler({ params }) {
        const plant = String(params.code);
        return {
          body: {
            plant,
            running: deps.running?.plant === plant,
            deployments: deps.deployments
              .of(plant)
              .map((d) => ({ ...d, deployedAt: new Date(d.deployedAt).toISOString() })),
          },
        };
      },
    },
    {
      method: 'post',
      path: '/api/plants/:code/deployments',
      response: Deployed,
      access: 'admin',
      tag: 'plants',
      summary: 'Deploys a published flow version to a plant (at once, when this server runs that plant)',
      body: Type.Object(
        {
          flow: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$' }),
          version: Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+$' }),
          reason: Type.Optional(Type.String({ minLength: 3, maxLength: 1000 })),
        },
        { additionalProperties: false },
      ),
      responses: { 404: 'no such plant or flow version', 409: 'the version is deprecated or retired' },
      async handler({ params, body, principal }) {
        const plant = String(params.code);
        const b = body as { flow: string; version: string; reason?: string };
        const running = deps.running?.plant === plant ? deps.running.runtime : undefined;
        const next = deps.deployments.check(plant, b.flow, b.version);
        if (running) {
          // Started first, recorded after: a version that cannot start here is not recorded either.
          try {
            await running.deploy(next);
          } catch (e) {
            throw new HttpError(
              422,
              'DEPLOY_FAILED',
              'Deployment refused',
              `${b.flow} ${b.version} cannot start in ${plant}: ${(e as Error).message}`,
            );
          }
        }
        deps.deployments.record(plant, b.flow, b.version, principal!, b.reason, now());
        return { status: 201, body: { plant, flow: b.flow, version: b.version, running: running !== undefined } };
      },
    },
  ];
}

/** The secrets a profile names. */
function secretNames(profile: PlantProfile): string[] {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (isSecretRef(v)) out.add(v.secret);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(profile);
  return [...out];
}
