import { Type } from '@sinclair/typebox';
import semver from 'semver';
import { catalog } from '@millrace/flow-nodes/catalog';
import {
  diffFlows,
  loadFlow,
  loadFlowTests,
  serializeFlow,
  validateFlowPublishable,
  validateFlowStructure,
  type Flow,
  type PlantProfile,
} from '@millrace/flow-model';
import { runFlowTests } from '@millrace/testing';
import type { RouteDef } from '../api.ts';
import type { Audit } from '../audit/index.ts';
import { badRequest, conflict, HttpError, notFound } from '../problem.ts';
import { digestOf, type InstalledStore } from '../packs/index.ts';
import type { DraftStore } from './drafts.ts';
import {
  DraftAnswer,
  DraftList,
  DraftSaved,
  FlowDiff,
  Published,
  TestRunAnswer,
  Validation,
  VersionStatusSet,
} from './schemas.ts';

/**
 * The life of a flow (DESIGN §3, §6): a draft saved as often as wanted; validation on demand;
 * publish → an immutable semver version with a change note, only when the flow validates at
 * publishable level and its test cases pass; a semantic diff between any two versions (or the
 * draft); deprecate and retire, with a reason. Every publish and status change is audited.
 */
export interface LifecycleDeps {
  readonly drafts: DraftStore;
  readonly installed: InstalledStore;
  readonly audit: Audit;
  readonly now?: () => number;
  /** Secrets for a live test run (the vault, then the environment, as the runtime has them). */
  readonly secret?: (name: string) => string | undefined;
}

const Version = Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+$', 'x-hint': 'a semver version such as 1.2.0' });
const Reason = Type.String({ minLength: 3, maxLength: 1000 });

/**
 * The plant a draft's test cases were written for: their `profile` file (`../profiles/P100.json`)
 * names it, when that plant is installed here. Cases with canned answers at a plant's base paths
 * only pass with that plant's profile.
 */
export function plantOfTests(tests: unknown, installed: Pick<InstalledStore, 'plant'>): string | undefined {
  const file = (tests as { profile?: unknown } | null)?.profile;
  if (typeof file !== 'string') return undefined;
  const code = /([^/\\]+)\.json$/.exec(file)?.[1];
  return code && installed.plant(code) ? code : undefined;
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * The endpoints of a plant profile's connections that are not on this machine: a live test run
 * talks only to local systems (the simulators), never to a plant's real ERP by accident.
 */
export function remoteEndpoints(profile: PlantProfile): string[] {
  const out: string[] = [];
  const walk = (v: unknown, where: string): void => {
    if (typeof v === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(v)) {
      let host = '';
      try {
        host = new URL(v).hostname;
      } catch {
        host = v;
      }
      if (!LOCAL_HOSTS.has(host)) out.push(`${where} (${host})`);
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${where}/${i}`));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${where}/${k}`);
  };
  for (const [slot, binding] of Object.entries(profile.connections ?? {})) walk(binding, `connection ${slot}`);
  return out;
}

export function lifecycleRoutes(deps: LifecycleDeps): RouteDef[] {
  const { drafts, installed, audit } = deps;
  const now = deps.now ?? Date.now;
  const draftOf = (id: string) => {
    const d = drafts.get(id);
    if (!d) throw notFound(`flow ${id} has no draft`);
    return d;
  };
  const profileFor = (plant: string | undefined): PlantProfile | undefined => {
    if (plant === undefined) return undefined;
    const p = installed.plant(plant);
    if (!p) throw notFound(`plant ${plant} is not installed`);
    return p.profile;
  };
  const versionOf = (id: string, version: string): Flow => {
    if (version === 'draft') {
      // A draft is saved as it is; a diff needs at least a flow's shape.
      const problems = validateFlowStructure(draftOf(id).flow);
      if (problems.length > 0)
        throw new HttpError(
          422,
          'FLOW_INVALID',
          'Draft not diffable',
          `the draft is not a flow yet: ${problems.length} problem(s)`,
          {
            problems,
          },
        );
      return draftOf(id).flow as Flow;
    }
    const v = installed.flowVersion(id, version);
    if (!v) throw notFound(`flow ${id} ${version} is not published here`);
    return v.flow;
  };

  return [
    {
      method: 'get',
      path: '/api/drafts',
      response: DraftList,
      access: 'viewer',
      tag: 'flows',
      summary: 'Every draft (flow id, name, revision, last change), newest change first',
      handler: () => ({
        body: {
          drafts: drafts.list().map((d) => ({
            id: d.flowId,
            name: d.name,
            revision: d.revision,
            updatedAt: new Date(d.updatedAt).toISOString(),
            updatedBy: d.updatedBy,
          })),
        },
      }),
    },
    {
      method: 'get',
      path: '/api/flows/:id/draft',
      response: DraftAnswer,
      access: 'viewer',
      tag: 'flows',
      summary: "A flow's draft with its revision and structural problems",
      responses: { 404: 'no draft' },
      handler({ params }) {
        const d = draftOf(String(params.id));
        return {
          body: {
            flow: d.flow,
            tests: d.tests,
            revision: d.revision,
            updatedAt: new Date(d.updatedAt).toISOString(),
            updatedBy: d.updatedBy,
            problems: validateFlowStructure(d.flow),
          },
        };
      },
    },
    {
      method: 'put',
      path: '/api/flows/:id/draft',
      response: DraftSaved,
      access: 'analyst',
      tag: 'flows',
      summary: 'Saves a draft (autosave: saved even with problems, which come back); revision guards concurrent edits',
      body: Type.Object(
        {
          flow: Type.Object({}, { additionalProperties: true }),
          tests: Type.Optional(Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()])),
          revision: Type.Optional(Type.Integer({ minimum: 0 })),
        },
        { additionalProperties: false },
      ),
      responses: { 409: 'someone saved the draft since the given revision' },
      handler({ params, body, principal }) {
        const id = String(params.id);
        const b = body as { flow: Record<string, unknown>; tests?: unknown; revision?: number };
        if (b.flow.id !== id) throw badRequest(`/flow/id: is "${String(b.flow.id)}", but this is the draft of ${id}`);
        // Every save is a change to the flow: audited by digest (never the content), in the same transaction.
        const saved = drafts.save(id, b.flow, b.tests, principal!.username, now(), b.revision, (revision, before) =>
          audit.append({
            actor: principal!,
            action: 'flow.draft.save',
            target: { kind: 'flow', id },
            after: { flow: b.flow, tests: b.tests ?? null },
            details: { revision, previousRevision: before },
          }),
        );
        if ('conflict' in saved)
          throw new HttpError(
            409,
            'DRAFT_CHANGED',
            'Draft changed',
            `the draft is at revision ${saved.conflict}, not ${b.revision}: reload it`,
            {
              revision: saved.conflict,
            },
          );
        return { body: { revision: saved.revision, problems: validateFlowStructure(b.flow) } };
      },
    },
    {
      method: 'delete',
      path: '/api/flows/:id/draft',
      access: 'analyst',
      tag: 'flows',
      summary: 'Throws a draft away',
      responses: { 404: 'no draft' },
      handler({ params, principal }) {
        if (!drafts.delete(String(params.id))) throw notFound(`flow ${params.id} has no draft`);
        audit.append({
          actor: principal!,
          action: 'flow.draft.delete',
          target: { kind: 'flow', id: String(params.id) },
        });
        return undefined;
      },
    },
    {
      method: 'post',
      path: '/api/flows/:id/validate',
      response: Validation,
      access: 'viewer',
      tag: 'flows',
      summary: 'Validates the draft at publishable level, against a plant when given',
      query: Type.Object(
        { plant: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })) },
        { additionalProperties: false },
      ),
      handler({ params, query }) {
        const d = draftOf(String(params.id));
        const profile = profileFor(query.plant);
        const problems = validateFlowPublishable(d.flow, {
          catalog,
          ...(profile ? { profile, profileFile: `plant ${profile.plant}` } : {}),
        });
        return { body: { valid: problems.length === 0, problems } };
      },
    },
    {
      method: 'post',
      path: '/api/flows/:id/test-run',
      access: 'analyst',
      tag: 'flows',
      summary: "Runs the draft on a real engine against canned answers: the cases given, or the draft's own test cases",
      body: Type.Object(
        {
          cases: Type.Optional(
            Type.Array(Type.Object({}, { additionalProperties: true }), { minItems: 1, maxItems: 50 }),
          ),
          plant: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
          live: Type.Optional(
            Type.Boolean({
              description:
                "run against the systems the plant's profile binds (its simulators) instead of canned answers; only endpoints on this machine",
            }),
          ),
        },
        { additionalProperties: false },
      ),
      response: TestRunAnswer,
      responses: { 404: 'no draft (or no such plant)', 422: 'the draft or the cases do not validate' },
      async handler({ params, body }) {
        const id = String(params.id);
        const d = draftOf(id);
        const b = body as { cases?: unknown[]; plant?: string; live?: boolean };
        const loaded = loadFlow(d.flow);
        if (!loaded.ok)
          throw new HttpError(
            422,
            'FLOW_INVALID',
            'Flow invalid',
            `the draft is not a flow yet: ${loaded.problems.length} problem(s)`,
            {
              problems: loaded.problems,
            },
          );
        const source = b.cases ? { schemaVersion: 1, flow: id, cases: b.cases } : d.tests;
        if (!source)
          throw new HttpError(422, 'NO_TEST_CASES', 'No test cases', 'send cases, or save test cases with the draft');
        const tests = loadFlowTests(source, { flow: loaded.value });
        if (!tests.ok)
          throw new HttpError(422, 'FLOW_TESTS_INVALID', 'Flow tests invalid', 'the test cases do not validate', {
            problems: tests.problems,
          });
        const profile = profileFor(b.plant);
        if (b.live) {
          if (!profile) throw badRequest('/plant: a live test run names the plant whose systems it talks to');
          const remote = remoteEndpoints(profile);
          if (remote.length > 0)
            throw new HttpError(
              422,
              'LIVE_NOT_LOCAL',
              'Not a local plant',
              `a live test run only talks to systems on this machine (simulators); plant ${profile.plant} binds ${remote.join(', ')}`,
            );
        }
        const secret = deps.secret ?? (() => undefined);
        const result = await runFlowTests(
          loaded.value,
          tests.value,
          profile ? { profile, ...(b.live ? { live: { secret } } : {}) } : {},
        );
        // Each case with its run trace: the designer shows every node's input, output and error.
        return { body: { ok: result.ok, cases: result.cases } };
      },
    },
    {
      method: 'post',
      path: '/api/flows/:id/publish',
      response: Published,
      access: 'admin',
      tag: 'flows',
      summary: 'Publishes the draft as an immutable version: it must validate and pass its test cases',
      body: Type.Object(
        {
          version: Version,
          changeNote: Reason,
          plant: Type.Optional(
            Type.String({
              minLength: 1,
              maxLength: 16,
              description:
                "the installed plant whose profile the test cases run with (default: the plant the tests' profile file is named after, when installed)",
            }),
          ),
        },
        { additionalProperties: false },
      ),
      responses: {
        404: 'no draft, or no such plant',
        409: 'that version exists, or is not newer than the latest',
        422: 'the draft does not validate, or a test case fails',
      },
      async handler({ params, body, principal }) {
        const id = String(params.id);
        const b = body as { version: string; changeNote: string; plant?: string };
        const d = draftOf(id);
        const latest = installed.latest(id);
        if (installed.flowVersion(id, b.version))
          throw conflict(`${id} ${b.version} is published already; versions never change`);
        if (latest && !semver.gt(b.version, latest.version))
          throw conflict(`${b.version} is not newer than the latest published version ${latest.version}`);
        const loaded = loadFlow({ ...(d.flow as object), version: b.version });
        const problems = loaded.ok ? validateFlowPublishable(loaded.value, { catalog }) : loaded.problems;
        if (!loaded.ok || problems.length > 0)
          throw new HttpError(
            422,
            'FLOW_INVALID',
            'Flow invalid',
            `the draft does not validate: ${problems.length} problem(s)`,
            { problems },
          );
        const flow = loaded.value;
        if (d.tests !== null) {
          const tests = loadFlowTests(d.tests, { flow });
          if (!tests.ok)
            throw new HttpError(
              422,
              'FLOW_TESTS_INVALID',
              'Flow tests invalid',
              "the draft's test cases do not validate",
              { problems: tests.problems },
            );
          const profile = profileFor(b.plant ?? plantOfTests(d.tests, installed));
          const result = await runFlowTests(flow, tests.value, profile ? { profile } : {});
          if (!result.ok)
            throw new HttpError(
              422,
              'FLOW_TESTS_FAILED',
              'Flow tests failed',
              `${result.cases.filter((c) => !c.ok).length} test case(s) fail`,
              {
                cases: result.cases.map(({ trace: _t, ...c }) => c),
              },
            );
        }
        const text = serializeFlow(flow);
        const digest = digestOf(text);
        drafts.publish(
          {
            flowId: id,
            version: b.version,
            digest,
            text,
            changeNote: b.changeNote,
            by: principal!.username,
            at: now(),
          },
          () =>
            audit.append({
              actor: principal!,
              action: 'flow.publish',
              target: { kind: 'flow', id: `${id}@${b.version}` },
              reason: b.changeNote,
              ...(latest ? { before: { digest: latest.digest } } : {}),
              after: { digest },
              details: { version: b.version, previous: latest?.version ?? null },
            }),
        );
        return { status: 201, body: { id, version: b.version, digest } };
      },
    },
    {
      method: 'get',
      path: '/api/flows/:id/diff',
      response: FlowDiff,
      access: 'viewer',
      tag: 'flows',
      summary: 'The semantic difference between two versions (or a version and the draft)',
      query: Type.Object(
        { from: Type.Union([Version, Type.Literal('draft')]), to: Type.Union([Version, Type.Literal('draft')]) },
        { additionalProperties: false },
      ),
      handler({ params, query }) {
        const id = String(params.id);
        return { body: diffFlows(versionOf(id, query.from!), versionOf(id, query.to!)) };
      },
    },
    ...(['deprecate', 'retire'] as const).map((action): RouteDef => ({
      method: 'post',
      path: `/api/flows/:id/versions/:version/${action}`,
      response: VersionStatusSet(action === 'deprecate' ? 'deprecated' : 'retired'),
      access: 'admin',
      tag: 'flows',
      summary:
        action === 'deprecate'
          ? 'Marks a version deprecated (still runs; do not deploy anew)'
          : 'Retires a deprecated version',
      body: Type.Object({ reason: Reason }, { additionalProperties: false }),
      responses: { 404: 'no such version', 409: 'not in a state that allows this' },
      handler({ params, body, principal }) {
        const id = String(params.id);
        const version = String(params.version);
        const v = installed.flowVersion(id, version);
        if (!v) throw notFound(`flow ${id} ${version} is not published here`);
        const to = action === 'deprecate' ? 'deprecated' : 'retired';
        const allowed = action === 'deprecate' ? v.status === 'published' : v.status === 'deprecated';
        if (!allowed) throw conflict(`${id} ${version} is ${v.status}; it cannot be ${to}`);
        const reason = (body as { reason: string }).reason;
        drafts.setVersionStatus(id, version, to, reason);
        audit.append({
          actor: principal!,
          action: `flow.${action}`,
          target: { kind: 'flow', id: `${id}@${version}` },
          reason,
          before: { status: v.status },
          after: { status: to },
        });
        return { body: { id, version, status: to } };
      },
    })),
  ];
}
