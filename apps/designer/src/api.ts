// The designer talks to the server through its REST API only: JSON in, JSON or problem+json out.
import type { Flow } from '@millrace/flow-model';

export interface User {
  readonly id: string | number;
  readonly username: string;
  readonly role: string;
}

export interface FlowVersionInfo {
  readonly version: string;
  readonly digest: string;
  readonly pack: string | null;
  readonly publishedAt: string;
  readonly publishedBy: string;
  readonly status: string;
}

export interface FlowListEntry {
  readonly id: string;
  /** The newest version's name. */
  readonly name: string;
  readonly versions: readonly FlowVersionInfo[];
  /** The plants the flow runs in, with the version each runs. */
  readonly deployments: ReadonlyArray<{ readonly plant: string; readonly version: string }>;
}

export interface DraftSummary {
  readonly id: string;
  readonly name: string | null;
  readonly revision: number;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

export interface RunSummary {
  readonly id: string;
  readonly flow: string;
  readonly version: string;
  readonly plant: string | null;
  readonly status: string;
  readonly acceptedAt: string | null;
  readonly endedAt: string | null;
  readonly businessKeys: unknown;
}

export type StepStatus = 'held' | 'ready' | 'leased' | 'waiting' | 'done' | 'parked';

export interface TraceStep {
  readonly node: string;
  readonly type: string | null;
  readonly key: string;
  readonly status: StepStatus;
  readonly attempts: number;
  readonly startedAt: string | null;
  readonly durationMs: number | null;
  readonly input: unknown;
  readonly output: unknown;
  readonly error: unknown;
  readonly failedAttempts: ReadonlyArray<{
    readonly attempt: number;
    readonly error: unknown;
    readonly durationMs: number;
  }>;
}

/** A run with every step (GET /api/runs/:id). */
export interface RunTrace {
  readonly runId: string;
  readonly flow: { readonly id: string; readonly version: string };
  readonly plant: string | null;
  readonly status: string;
  readonly acceptedAt: string;
  readonly endedAt: string | null;
  readonly durationMs: number | null;
  readonly businessKeys: unknown;
  readonly steps: readonly TraceStep[];
}

interface DeadLetterFields {
  readonly id: string;
  readonly runId: string;
  readonly flow: string;
  readonly version: string;
  readonly node: string;
  readonly resumesAt: string;
  readonly status: 'open' | 'replayed' | 'discarded';
  readonly code: string;
  readonly reason: string;
  readonly createdAt: string | null;
  readonly resolvedAt: string | null;
  readonly resolution: unknown;
}

export interface DeadLetterSummary extends DeadLetterFields {
  readonly attempts: number;
}

export interface DeadLetterDetail extends DeadLetterFields {
  readonly payload: unknown;
  readonly headers: unknown;
  readonly attempts: ReadonlyArray<{
    readonly attempt: number;
    readonly startedAt: number;
    readonly endedAt: number;
    readonly error: unknown;
  }>;
}

export interface BulkReplayResult {
  readonly id: string;
  readonly status: 'replayed' | 'refused';
  readonly runId?: string;
  readonly detail?: string;
}

export interface Signature {
  readonly id: string;
  readonly runId: string;
  readonly nodeId: string;
  readonly flow: string;
  readonly version: string;
  readonly plant: string | null;
  readonly userId: string;
  readonly username: string;
  readonly printedName: string;
  readonly role: string;
  readonly meaning: string;
  readonly decision: 'approved' | 'rejected';
  readonly reason: string;
  readonly signedAt: string;
  readonly recordDigest: string;
  readonly deliveredAt: string | null;
}

/** A run waiting for a signed decision at an approval node (GET /api/approvals). */
export interface PendingApproval {
  readonly runId: string;
  readonly flow: string;
  readonly version: string;
  readonly plant: string | null;
  readonly nodeId: string;
  /** Null when the run's flow version is not deployed here. */
  readonly meaning: string | null;
  readonly instructions: string | null;
  readonly role: string | null;
  readonly businessKeys: unknown;
  readonly waitingSince: string;
  readonly timesOutAt?: string | null;
  readonly input: unknown;
  readonly signature?: Signature | null;
}

export interface SignRequest {
  readonly decision: 'approved' | 'rejected';
  readonly password: string;
  readonly meaning: string;
  readonly reason: string;
}

/** Whether a role may sign approvals (the server enforces it too, and the node's role). */
export const maySign = (role: string) => role === 'approver' || role === 'admin';

/** Whether a role may replay and discard dead letters (the server enforces it too). */
export const mayResolveDeadLetters = (role: string) => role === 'analyst' || role === 'admin';

/** A refusal of the server, carrying the problem+json `detail` (or title) as its message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The whole problem document (code, problems, failing cases…); empty when there was none. */
    readonly problem: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** One API call: JSON in, JSON out; a refusal throws an ApiError carrying the problem's detail. */
export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const p = (json ?? {}) as Record<string, unknown>;
    const message =
      typeof p.detail === 'string' ? p.detail : typeof p.title === 'string' ? p.title : `HTTP ${res.status}`;
    throw new ApiError(res.status, message, p);
  }
  return json as T;
}

export const api = {
  login: (username: string, password: string) =>
    call<{ user: User }>('POST', '/api/auth/login', { username, password }).then((a) => a.user),
  logout: () => call<void>('POST', '/api/auth/logout'),
  /** The user of the current session, or undefined when there is none. */
  me: async (): Promise<User | undefined> => {
    try {
      return await call<User>('GET', '/api/auth/me');
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return undefined;
      throw e;
    }
  },
  flows: () => call<{ flows: FlowListEntry[] }>('GET', '/api/flows').then((a) => a.flows),
  flowVersion: (id: string, version: string) =>
    call<Flow>('GET', `/api/flows/${encodeURIComponent(id)}/versions/${encodeURIComponent(version)}`),
  drafts: () => call<{ drafts: DraftSummary[] }>('GET', '/api/drafts').then((a) => a.drafts),
  runs: () => call<{ runs: RunSummary[] }>('GET', '/api/runs?limit=100').then((a) => a.runs),
  run: (id: string) => call<RunTrace>('GET', `/api/runs/${encodeURIComponent(id)}`),
  openDeadLetters: () =>
    call<{ deadLetters: DeadLetterSummary[] }>('GET', '/api/dead-letters?status=open&limit=500').then(
      (a) => a.deadLetters,
    ),
  deadLetter: (id: string) => call<DeadLetterDetail>('GET', `/api/dead-letters/${encodeURIComponent(id)}`),
  replay: (id: string, reason: string) =>
    call<{ id: string; runId: string; status: 'replayed' }>(
      'POST',
      `/api/dead-letters/${encodeURIComponent(id)}/replay`,
      { reason },
    ),
  replayMany: (ids: readonly string[], reason: string) =>
    call<{ results: BulkReplayResult[] }>('POST', '/api/dead-letters/replay', { ids, reason }).then((a) => a.results),
  discard: (id: string, reason: string) =>
    call<{ id: string; status: 'discarded' }>('POST', `/api/dead-letters/${encodeURIComponent(id)}/discard`, {
      reason,
    }),
  approvals: () => call<{ approvals: PendingApproval[] }>('GET', '/api/approvals?limit=1000').then((a) => a.approvals),
  sign: (runId: string, nodeId: string, body: SignRequest) =>
    call<Signature>('POST', `/api/approvals/${encodeURIComponent(runId)}/${encodeURIComponent(nodeId)}/sign`, body),
  signatures: (runId: string) =>
    call<{ runId: string; signatures: Signature[] }>('GET', `/api/runs/${encodeURIComponent(runId)}/signatures`).then(
      (a) => a.signatures,
    ),
};
