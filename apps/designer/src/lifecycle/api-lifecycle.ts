// The lifecycle's API calls: drafts, the semantic diff, publish, test runs, version status.
import type { Flow, FlowDiff } from '@millrace/flow-model';
import { ApiError, call, type FlowVersionInfo, type RunSummary, type RunTrace } from '../api.ts';

const e = encodeURIComponent;

export interface Draft {
  readonly flow: Flow;
  readonly tests: unknown;
  readonly revision: number;
  readonly updatedAt: string;
  readonly updatedBy: string;
  readonly problems: readonly unknown[];
}

/** One case of a test run: what failed and, when the run started, its trace. */
export interface TestRunCase {
  readonly name: string;
  readonly ok: boolean;
  readonly failures: readonly string[];
  readonly status: string | null;
  readonly durationMs: number;
  readonly trace?: RunTrace;
  /** A live run: per connection slot, the exchanges with the system, as canned answers. */
  readonly recorded?: Readonly<Record<string, readonly unknown[]>>;
}

export interface TestRunAnswer {
  readonly ok: boolean;
  readonly cases: readonly TestRunCase[];
}

/** A problem+json refusal with its extension members (problems, failing cases). */
export class Refusal extends ApiError {
  constructor(
    status: number,
    message: string,
    readonly code: string | undefined,
    readonly extra: Record<string, unknown>,
  ) {
    super(status, message);
    this.name = 'Refusal';
  }
}

/**
 * Like `call`, but a refusal keeps the whole problem document: publish and test runs answer with
 * the validation problems or the failing cases, which the dialog shows.
 */
async function callDetailed<T>(method: string, path: string, body?: unknown): Promise<T> {
  try {
    return await call<T>(method, path, body);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    const code = typeof e.problem.code === 'string' ? e.problem.code : undefined;
    throw new Refusal(e.status, e.message, code, { ...e.problem });
  }
}

export const lifecycleApi = {
  /** The flow's published versions, oldest first as the server lists them. */
  versions: (id: string) =>
    call<{ flows: Array<{ id: string; versions: FlowVersionInfo[] }> }>('GET', `/api/flows?id=${e(id)}`).then(
      (a) => a.flows.find((f) => f.id === id)?.versions ?? [],
    ),
  version: (id: string, version: string) => call<Flow>('GET', `/api/flows/${e(id)}/versions/${e(version)}`),
  /** The draft, or undefined when the flow has none. */
  draft: async (id: string): Promise<Draft | undefined> => {
    try {
      return await call<Draft>('GET', `/api/flows/${e(id)}/draft`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return undefined;
      throw err;
    }
  },
  diff: (id: string, from: string, to: string) =>
    call<FlowDiff>('GET', `/api/flows/${e(id)}/diff?from=${e(from)}&to=${e(to)}`),
  publish: (id: string, version: string, changeNote: string) =>
    callDetailed<{ id: string; version: string; digest: string }>('POST', `/api/flows/${e(id)}/publish`, {
      version,
      changeNote,
    }),
  /** The cases given (else the saved draft's own), against a plant's profile when given. */
  testRun: (id: string, cases?: readonly unknown[], plant?: string, live?: boolean) =>
    callDetailed<TestRunAnswer>('POST', `/api/flows/${e(id)}/test-run`, {
      ...(cases ? { cases } : {}),
      ...(plant ? { plant } : {}),
      // Live: the plant's own (local) systems answer, e.g. its simulators, not canned answers.
      ...(plant && live ? { live: true } : {}),
    }),
  plants: () => call<{ plants: Array<{ code: string; name: string }> }>('GET', '/api/plants').then((a) => a.plants),
  setStatus: (id: string, version: string, action: 'deprecate' | 'retire', reason: string) =>
    call<{ id: string; version: string; status: string }>(
      'POST',
      `/api/flows/${e(id)}/versions/${e(version)}/${action}`,
      { reason },
    ),
  recentRuns: (id: string) =>
    call<{ runs: RunSummary[] }>('GET', `/api/runs?flow=${e(id)}&limit=20`).then((a) => a.runs),
  run: (runId: string) => call<RunTrace>('GET', `/api/runs/${e(runId)}`),
  /**
   * The change notes of the flow's versions, from the audit log (admins only: the versions list
   * does not carry them). Version → note.
   */
  changeNotes: (id: string) =>
    call<{ records: Array<{ target: { id: string } | null; reason: string | null }> }>(
      'GET',
      `/api/audit?action=flow.publish&targetKind=flow&limit=500`,
    ).then((a) => {
      const notes = new Map<string, string>();
      for (const r of a.records) {
        const t = r.target?.id ?? '';
        if (t.startsWith(`${id}@`) && r.reason) notes.set(t.slice(id.length + 1), r.reason);
      }
      return notes;
    }),
};
