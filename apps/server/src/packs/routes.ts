import { Type } from '@sinclair/typebox';
import { findInlinedSecrets } from '@millrace/flow-model';
import type { RouteDef } from '../api.ts';
import type { Audit } from '../audit/index.ts';
import { HttpError, notFound } from '../problem.ts';
import { planImport, type ImportPlan } from './plan.ts';
import { FlowDocument, FlowList, ImportAnswer, PackExport, PackList, PlantList } from './schemas.ts';
import { digestOf, type InstalledStore } from './store.ts';

export interface PackDeps {
  readonly installed: InstalledStore;
  readonly audit: Audit;
  /** Whether a secret is set (the secrets store, then the environment). */
  readonly secretIsSet: (name: string) => boolean;
  /** Which version of each flow runs in which plant, for the flow list. */
  readonly deployments?: { all(): ReadonlyArray<{ plant: string; flowId: string; version: string }> };
  readonly now?: () => number;
}

const Name = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$', 'x-hint': 'a pack or flow id such as batch-release' });
const Plant = Type.String({ pattern: '^[A-Z0-9][A-Z0-9_-]{0,15}$', 'x-hint': 'a plant code such as P100' });

/**
 * Packs, plants and published flows (DESIGN §3, §6): import with a dry run that shows the
 * difference from what is installed, all or nothing, every refusal audited; export as imported
 * (profiles hold secret references only); the installed plants and flow versions to read.
 */
export function packRoutes(deps: PackDeps): RouteDef[] {
  const { installed, audit } = deps;
  const now = deps.now ?? Date.now;
  const answer = (plan: Extract<ImportPlan, { ok: true }>, dryRun: boolean) => ({
    dryRun,
    pack: { name: plan.pack.name, version: plan.pack.version },
    flows: plan.flows.map((f) => f.change),
    plants: plan.profiles.map((p) => p.change),
  });
  return [
    {
      method: 'post',
      path: '/api/packs/import',
      response: ImportAnswer,
      access: 'admin',
      tag: 'packs',
      summary: 'Imports a pack (its files as text) — or with dryRun only shows what would change',
      body: Type.Object(
        {
          files: Type.Record(Type.String({ minLength: 1, maxLength: 300 }), Type.String({ maxLength: 4_000_000 }), {
            maxProperties: 2000,
          }),
          dryRun: Type.Optional(Type.Boolean()),
          plants: Type.Optional(Type.Array(Plant, { maxItems: 100, uniqueItems: true })),
        },
        { additionalProperties: false },
      ),
      responses: {
        409: 'a published version would change',
        422: 'the pack is invalid or names secrets that are not set',
      },
      handler({ body, principal }) {
        const b = body as { files: Record<string, string>; dryRun?: boolean; plants?: string[] };
        const plan = planImport(b.files, installed, deps.secretIsSet, b.plants);
        const target = { kind: 'pack', id: packId(b.files) };
        if (!plan.ok) {
          // A refusal changes nothing, but is worth knowing about: who tried what, and why not.
          audit.append({
            actor: principal!,
            action: 'pack.import',
            target,
            reason: plan.detail.slice(0, 500),
            details: { refused: true, code: plan.code, dryRun: b.dryRun === true, problems: plan.problems.length },
          });
          throw new HttpError(plan.status, plan.code, 'Pack refused', plan.detail, { problems: plan.problems });
        }
        if (b.dryRun) return { body: answer(plan, true) };
        installed.install(
          { pack: plan.pack, flows: plan.flows, profiles: plan.profiles, by: principal!.username, at: now() },
          () =>
            audit.append({
              actor: principal!,
              action: 'pack.import',
              target: { kind: 'pack', id: `${plan.pack.name}@${plan.pack.version}` },
              after: { manifest: digestOf(plan.pack.manifestText) },
              details: {
                flows: plan.flows.map((f) => `${f.change.flow}@${f.change.version}:${f.change.change}`),
                plants: plan.profiles.map((p) => `${p.change.plant}:${p.change.change}`),
              },
            }),
        );
        return { status: 201, body: answer(plan, false) };
      },
    },
    {
      method: 'get',
      path: '/api/packs',
      response: PackList,
      access: 'viewer',
      tag: 'packs',
      summary: 'The packs imported here',
      handler: () => ({
        body: { packs: installed.packs().map((p) => ({ ...p, importedAt: new Date(p.importedAt).toISOString() })) },
      }),
    },
    {
      method: 'get',
      path: '/api/packs/:name/:version/export',
      response: PackExport,
      access: 'viewer',
      tag: 'packs',
      summary: 'A pack as it was imported: its files, with secret references and never values',
      responses: { 404: 'no such pack' },
      handler({ params }) {
        const pack = installed.pack(String(params.name), String(params.version));
        if (!pack) throw notFound(`pack ${params.name} ${params.version} is not installed`);
        // Imports refuse inlined secrets already; checked again so an export can never leak one.
        for (const [path, text] of Object.entries(pack.files))
          if (path.endsWith('.json') && findInlinedSecrets(safeParse(text)).length > 0)
            throw new HttpError(
              409,
              'SECRET_IN_PACK',
              'Export refused',
              `${path} holds a secret value; it is not exported`,
            );
        return { body: { files: pack.files } };
      },
    },
    {
      method: 'get',
      path: '/api/plants',
      response: PlantList,
      access: 'viewer',
      tag: 'plants',
      summary: 'The plants and their profiles (connections name secrets, never hold them)',
      handler: () => ({
        body: {
          plants: installed.plants().map((p) => ({
            code: p.code,
            name: p.name,
            profile: p.profile,
            updatedAt: new Date(p.updatedAt).toISOString(),
            updatedBy: p.updatedBy,
          })),
        },
      }),
    },
    {
      method: 'get',
      path: '/api/flows',
      response: FlowList,
      access: 'viewer',
      tag: 'flows',
      summary: 'Published flows with their versions',
      query: Type.Object({ id: Type.Optional(Name) }, { additionalProperties: false }),
      handler({ query }) {
        const byFlow = new Map<
          string,
          Array<{
            version: string;
            digest: string;
            pack: string | null;
            publishedAt: string;
            publishedBy: string;
            status: string;
          }>
        >();
        for (const v of installed.flowVersions(query.id))
          byFlow.set(v.flowId, [
            ...(byFlow.get(v.flowId) ?? []),
            {
              version: v.version,
              digest: v.digest,
              pack: v.pack,
              publishedAt: new Date(v.publishedAt).toISOString(),
              publishedBy: v.publishedBy,
              status: v.status,
            },
          ]);
        const names = new Map<string, string>();
        const deployed = new Map<string, Array<{ plant: string; version: string }>>();
        for (const v of installed.flowVersions(query.id)) if (!names.has(v.flowId)) names.set(v.flowId, v.flow.name);
        for (const d of deps.deployments?.all() ?? [])
          deployed.set(d.flowId, [...(deployed.get(d.flowId) ?? []), { plant: d.plant, version: d.version }]);
        return {
          body: {
            flows: [...byFlow].map(([id, versions]) => ({
              id,
              // The name of the newest version: what analysts call the flow.
              name: names.get(id) ?? id,
              versions,
              deployments: deployed.get(id) ?? [],
            })),
          },
        };
      },
    },
    {
      method: 'get',
      path: '/api/flows/:id/versions/:version',
      response: FlowDocument,
      access: 'viewer',
      tag: 'flows',
      summary: 'One published flow version, as published',
      responses: { 404: 'no such flow version' },
      handler({ params }) {
        const v = installed.flowVersion(String(params.id), String(params.version));
        if (!v) throw notFound(`flow ${params.id} ${params.version} is not published here`);
        return { body: v.flow };
      },
    },
  ];
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The pack's name@version as its manifest says, for the audit of a refusal (or "unknown"). */
function packId(files: Readonly<Record<string, string>>): string {
  const m = safeParse(files['pack.json'] ?? '') as { name?: unknown; version?: unknown } | null;
  return typeof m?.name === 'string' && typeof m.version === 'string'
    ? `${m.name}@${m.version}`.slice(0, 200)
    : 'unknown';
}
