import type { RunTrace } from '@millrace/engine';
import { isSecretRef, type Flow, type FlowTestCase, type FlowTests, type PlantProfile } from '@millrace/flow-model';
import { flowHarness } from './flow-harness.ts';
import { evaluate, matcherOf } from './flow-tests-expect.ts';
import { inProcessBroker, type InProcessBroker } from './mqtt-broker.ts';
import { recordedHttp, type Expectation, type RecordedHttp } from './recorded-http.ts';
import { recordingProxy, type RecordedExchange, type RecordingProxy } from './recording-proxy.ts';
import type { SandboxChoice } from './sandbox.ts';

/**
 * Runs a flow's test cases (`<flow-id>.tests.json`, docs/flow-tests.md): each case on a fresh
 * real engine and SQLite file, with the systems behind the connection slots replaced by its
 * canned answers, then checks the effects it expects.
 */
export interface FlowTestsOptions {
  /** The plant profile whose params (and connection shapes) the cases use. */
  readonly profile?: PlantProfile;
  readonly sandbox?: SandboxChoice;
  /** Only the cases whose name contains this. */
  readonly only?: string;
  /**
   * Run against the systems the profile binds (a plant's simulators) instead of canned answers:
   * no recorded servers, no in-process broker, the cases' mocks ignored; secrets from `secret`.
   * Expectations about requests cannot be checked then; instead each HTTP slot's exchanges are
   * recorded (`CaseResult.recorded`), ready to be kept as the case's canned answers.
   */
  readonly live?: { readonly secret: (name: string) => string | undefined };
}

export interface CaseResult {
  readonly name: string;
  readonly ok: boolean;
  /** What did not hold, one sentence each. */
  readonly failures: readonly string[];
  readonly status: string | null;
  readonly durationMs: number;
  readonly trace?: RunTrace;
  /** Live runs: per HTTP slot, what the flow exchanged with the system, as canned answers. */
  readonly recorded?: Readonly<Record<string, readonly RecordedExchange[]>>;
}

export interface FlowTestsResult {
  readonly flow: string;
  readonly ok: boolean;
  readonly cases: readonly CaseResult[];
}

export async function runFlowTests(
  flow: Flow,
  tests: FlowTests,
  options: FlowTestsOptions = {},
): Promise<FlowTestsResult> {
  const cases: CaseResult[] = [];
  for (const c of tests.cases) {
    if (options.only !== undefined && !c.name.includes(options.only)) continue;
    cases.push(await runCase(flow, c, options));
  }
  return { flow: flow.id, ok: cases.every((c) => c.ok), cases };
}

const HTTP_TYPES = new Set(['http', 'sap-odata-v2', 'qms-rest']);
/** Canned answers without `times` answer any number of requests (retries included). */
const ANY = 1_000_000;

async function runCase(flow: Flow, c: FlowTestCase, options: FlowTestsOptions): Promise<CaseResult> {
  const started = Date.now();
  const mocks = new Map<string, Mock>();
  const proxies = new Map<string, RecordingProxy>();
  let broker: InProcessBroker | undefined;
  try {
    const liveConnections: Record<string, unknown> = { ...(options.profile?.connections ?? {}) };
    if (options.live)
      for (const [slot, bound] of Object.entries(liveConnections)) {
        const b = bound as Record<string, unknown>;
        if (!HTTP_TYPES.has(String(b.type)) || typeof b.baseUrl !== 'string') continue;
        const base = new URL(b.baseUrl);
        const auth = b.auth as Record<string, unknown> | undefined;
        const proxy = await recordingProxy(base.origin, { skip: runnerOwn(String(b.type), auth) });
        proxies.set(slot, proxy);
        liveConnections[slot] = { ...b, baseUrl: `${proxy.origin}${base.pathname}${base.search}` };
      }
    const connections: Record<string, Record<string, unknown>> = {};
    for (const [slot, declared] of Object.entries(options.live ? {} : (flow.connections ?? {}))) {
      const bound = options.profile?.connections?.[slot] as Record<string, unknown> | undefined;
      const type = (bound?.type as string | undefined) ?? declared.type;
      if (HTTP_TYPES.has(type)) {
        const mock = await mockFor(type, bound, c.mocks?.[slot] ?? []);
        mocks.set(slot, mock);
        connections[slot] = mock.binding;
      } else if (type === 'mqtt') {
        broker ??= await inProcessBroker();
        const { username: _u, password: _p, ...rest } = bound ?? {};
        connections[slot] = { ...rest, type, url: broker.url, clientId: `millrace-test-${slot}-${process.pid}` };
      } else if (bound) {
        connections[slot] = bound;
      }
    }
    const profile: PlantProfile = {
      schemaVersion: 1,
      plant: options.profile?.plant ?? 'TEST',
      name: options.profile?.name ?? 'Test plant',
      ...(options.profile?.params ? { params: options.profile.params } : {}),
      connections: (options.live ? liveConnections : connections) as PlantProfile['connections'],
    };
    const harness = await flowHarness(flow, {
      profile,
      secrets: options.live ? liveSecrets([profile, flow], options.live.secret) : testSecrets([profile, flow]),
      ...(options.sandbox ? { sandbox: options.sandbox } : {}),
    });
    try {
      const result = await harness.run({
        input: c.event ?? null,
        ...(c.headers ? { headers: c.headers } : {}),
        ...(c.trigger ? { triggerNodeId: c.trigger } : {}),
        timeoutMs: c.timeoutMs ?? 10_000,
        signals: (c.signals ?? []).map((s) => ({
          channel: s.channel,
          key: s.key,
          payloadText: JSON.stringify(s.payload ?? null),
        })),
      });
      const deadLetters = (await harness.store.listDeadLetters({ limit: 1000 })).filter(
        (d) => d.runId === result.runId,
      );
      const failures = evaluate(c.expect, {
        trace: result.trace,
        plan: harness.plan,
        deadLetters,
        requests: new Map([...mocks].map(([slot, m]) => [slot, m.server.requests.filter((r) => !m.auto(r))])),
        unexpected: new Map([...mocks].map(([slot, m]) => [slot, m.server.unexpected])),
        published: broker?.messages ?? [],
      });
      return {
        name: c.name,
        ok: failures.length === 0,
        failures,
        status: result.trace.status,
        durationMs: Date.now() - started,
        trace: result.trace,
        ...(options.live ? { recorded: recordedBySlot(proxies) } : {}),
      };
    } finally {
      await harness.close();
    }
  } catch (e) {
    const trace = (e as { trace?: RunTrace }).trace;
    return {
      name: c.name,
      ok: false,
      failures: [e instanceof Error ? e.message : String(e)],
      status: trace?.status ?? null,
      durationMs: Date.now() - started,
      ...(trace ? { trace } : {}),
    };
  } finally {
    for (const m of mocks.values()) await m.server.close();
    for (const p of proxies.values()) await p.close();
    await broker?.close();
  }
}

interface Mock {
  readonly server: RecordedHttp;
  readonly binding: Record<string, unknown>;
  /** Requests the runner answered by itself (CSRF token, OAuth2 token). */
  auto(r: { method: string; url: string; headers: Record<string, unknown> }): boolean;
}

const TOKEN_PATH = '/oauth/token';

function recordedBySlot(proxies: ReadonlyMap<string, RecordingProxy>): Record<string, RecordedExchange[]> {
  return Object.fromEntries([...proxies].map(([slot, p]) => [slot, [...p.exchanges]]));
}

/**
 * The requests the runner answers by itself in a case (a SAP CSRF token fetch, an OAuth2 token
 * request): not the flow's business, so neither checked nor recorded.
 */
function runnerOwn(
  type: string,
  auth: Record<string, unknown> | undefined,
): (r: { method: string; url: string; headers: Record<string, unknown> }) => boolean {
  const tokenPath = typeof auth?.tokenUrl === 'string' ? new URL(auth.tokenUrl).pathname : TOKEN_PATH;
  return (r) =>
    (type === 'sap-odata-v2' &&
      (r.method === 'GET' || r.method === 'HEAD') &&
      String(r.headers['x-csrf-token'] ?? '').toLowerCase() === 'fetch') ||
    (auth?.kind === 'oauth2-client-credentials' && r.method === 'POST' && r.url.split('?')[0] === tokenPath);
}

/**
 * A recorded HTTP server standing in for one slot's system. The binding keeps the profile's
 * paths (so mock paths read like the real ones) with the mock's host and test credentials.
 */
async function mockFor(
  type: string,
  bound: Record<string, unknown> | undefined,
  cases: FlowTestCase['mocks'] extends infer M ? (M extends Record<string, infer A> ? A : never) : never,
): Promise<Mock> {
  const auth = bound?.auth as Record<string, unknown> | undefined;
  const tokenPath = typeof auth?.tokenUrl === 'string' ? new URL(auth.tokenUrl).pathname : TOKEN_PATH;
  const automatic: Expectation[] = [];
  if (type === 'sap-odata-v2')
    automatic.push({
      request: { method: 'GET', path: /.*/, headers: { 'x-csrf-token': /^fetch$/i } },
      response: { status: 200, headers: { 'x-csrf-token': 'test-csrf-token' }, json: { d: { EntitySets: [] } } },
      times: ANY,
    });
  if (auth?.kind === 'oauth2-client-credentials')
    automatic.push({
      request: { method: 'POST', path: tokenPath },
      response: { json: { access_token: 'test-access-token', token_type: 'Bearer', expires_in: 3600 } },
      times: ANY,
    });
  const server = await recordedHttp([
    ...automatic,
    ...cases.map((m) => ({ request: matcherOf(m.request), response: m.response, times: m.times ?? ANY })),
  ]);
  const moved = (url: unknown) => {
    if (typeof url !== 'string') return server.baseUrl;
    const u = new URL(url);
    return `${server.baseUrl}${u.pathname === '/' ? '' : u.pathname.replace(/\/$/, '')}${u.search}`;
  };
  const binding: Record<string, unknown> = bound
    ? { ...bound, baseUrl: moved(bound.baseUrl) }
    : { type, baseUrl: server.baseUrl, ...(type === 'sap-odata-v2' ? { client: '100' } : {}) };
  binding.auth =
    auth?.kind === 'oauth2-client-credentials'
      ? { ...auth, tokenUrl: moved(auth.tokenUrl) }
      : (auth ??
        (type === 'http'
          ? { kind: 'none' }
          : type === 'sap-odata-v2'
            ? { kind: 'basic', username: 'TEST', password: { secret: 'TEST_PASSWORD' } }
            : { kind: 'bearer', token: { secret: 'TEST_TOKEN' } }));
  // A HEAD token fetch is answered by the GET rule's twin: recordedHttp matches the method exactly.
  if (type === 'sap-odata-v2')
    server.expect({
      request: { method: 'HEAD', path: /.*/, headers: { 'x-csrf-token': /^fetch$/i } },
      response: { status: 200, headers: { 'x-csrf-token': 'test-csrf-token' } },
      times: ANY,
    });
  return {
    server,
    binding,
    auto: runnerOwn(type, auth),
  };
}

/** A test value for every secret the profile and flow name: no case needs a real one. */
/** The secrets the documents name, from the real store; an unset one fails its connection by name. */
function liveSecrets(docs: readonly unknown[], secret: (name: string) => string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(testSecrets(docs))) {
    const value = secret(name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function testSecrets(docs: readonly unknown[]): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (v: unknown): void => {
    if (isSecretRef(v)) out[v.secret] = `test-${v.secret.toLowerCase()}`;
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(docs);
  return out;
}
