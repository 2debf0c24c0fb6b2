// The admin and operations pages' API calls (runs, KPIs, plants, packs, secrets, audit, users, tokens).
import type { Problem } from '@millrace/flow-model';
import { ApiError, call, type RunSummary } from '../api.ts';
import type { ImportAnswer } from './packs.ts';
import { AUDIT_FILTERS, RUN_FILTERS, searchOf, type AuditFilters, type RunFilters } from './query.ts';

/**
 * A refusal with the problems the server listed (pack, profile and flow checks answer them as
 * `problems` beside `detail`); `call` keeps only the detail, so these routes are called here.
 */
export class ProblemError extends ApiError {
  constructor(
    status: number,
    message: string,
    readonly code: string | undefined,
    readonly problems: ReadonlyArray<Problem & { flow?: string }>,
    readonly extra: Readonly<Record<string, unknown>>,
  ) {
    super(status, message);
    this.name = 'ProblemError';
  }
}

async function callWithProblems<T>(method: string, path: string, body?: unknown): Promise<T> {
  try {
    return await call<T>(method, path, body);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    const p = e.problem;
    const problems = Array.isArray(p.problems) ? (p.problems as Problem[]) : [];
    throw new ProblemError(e.status, e.message, typeof p.code === 'string' ? p.code : undefined, problems, p);
  }
}

export interface RunPage {
  readonly runs: RunSummary[];
  /** The `before` of the next page; null on the last. */
  readonly next: string | null;
}

export interface KpiGroup {
  readonly flow: string;
  readonly plant: string | null;
  readonly awaiting: ReadonlyArray<{ channel: string; runs: number; oldestAgeMs: number }>;
  readonly onHold: { readonly runs: number; readonly lots: readonly string[] };
  readonly released: {
    readonly runs: number;
    readonly cycleTimeMs: { runs: number; p50: number | null; p90: number | null };
  };
  readonly syncLatencyMs: { runs: number; p50: number | null; p90: number | null };
  readonly exceptions: { readonly open: number; readonly oldestAgeMs: number | null };
  readonly ended: number;
}

export interface BusinessKpis {
  readonly window: { readonly from: string; readonly to: string; readonly ms: number };
  readonly runsExamined: number;
  readonly truncated: boolean;
  readonly groups: readonly KpiGroup[];
  readonly totals: Omit<KpiGroup, 'flow' | 'plant'>;
}

export interface Plant {
  readonly code: string;
  readonly name: string;
  readonly profile: Record<string, unknown>;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

export interface Deployment {
  readonly plant: string;
  readonly flowId: string;
  readonly version: string;
  readonly deployedAt: string;
  readonly deployedBy: string;
}

export interface SecretInfo {
  readonly name: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

export interface PackInfo {
  readonly name: string;
  readonly version: string;
  readonly digest: string;
  readonly importedAt: string;
  readonly importedBy: string;
}

export interface AuditRecord {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly actorRole: string;
  readonly action: string;
  readonly target: { readonly kind: string; readonly id: string };
  readonly reason: string | null;
  readonly beforeDigest: string | null;
  readonly afterDigest: string | null;
  readonly details: unknown;
  readonly prevHash: string;
  readonly hash: string;
}

const e = encodeURIComponent;
const withParam = (search: string, name: string, value: string | undefined) =>
  value === undefined ? search : `${search}${search ? '&' : '?'}${name}=${e(value)}`;

/** A user as GET /api/users lists one (never a password or its hash). */
export interface UserInfo {
  readonly id: string;
  readonly username: string;
  readonly role: string;
  readonly disabled: boolean;
  readonly createdAt: string;
}

/** An API token as listed: never the token itself. */
export interface TokenInfo {
  readonly id: string;
  readonly name: string;
  readonly userId: string;
  readonly username: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
  readonly expiresAt: string | null;
  readonly revokedAt: string | null;
}

export const adminApi = {
  runs: (filters: RunFilters, before?: string, limit = 50) =>
    call<RunPage>(
      'GET',
      `/api/runs${withParam(withParam(searchOf(filters, RUN_FILTERS), 'limit', String(limit)), 'before', before)}`,
    ),
  kpis: (window: string) => call<BusinessKpis>('GET', `/api/metrics/business?window=${e(window)}`),
  openDeadLetterCount: () =>
    call<{ deadLetters: unknown[] }>('GET', '/api/dead-letters?status=open&limit=1000').then(
      (a) => a.deadLetters.length,
    ),
  pendingApprovalCount: () =>
    call<{ approvals: unknown[] }>('GET', '/api/approvals?limit=1000').then((a) => a.approvals.length),
  plants: () => call<{ plants: Plant[] }>('GET', '/api/plants').then((a) => a.plants),
  deployments: (plant: string) =>
    call<{ plant: string; running: boolean; deployments: Deployment[] }>('GET', `/api/plants/${e(plant)}/deployments`),
  deploy: (plant: string, flow: string, version: string, reason?: string) =>
    callWithProblems<{ plant: string; flow: string; version: string; running: boolean }>(
      'POST',
      `/api/plants/${e(plant)}/deployments`,
      { flow, version, ...(reason ? { reason } : {}) },
    ),
  setProfile: (plant: string, profile: Record<string, unknown>, reason?: string) =>
    callWithProblems<{ plant: string; restartNeeded: boolean }>('PUT', `/api/plants/${e(plant)}`, {
      profile,
      ...(reason ? { reason } : {}),
    }),
  secrets: () => call<{ secrets: SecretInfo[] }>('GET', '/api/secrets').then((a) => a.secrets),
  setSecret: (name: string, value: string) =>
    callWithProblems<{ name: string; status: 'created' | 'replaced' }>('PUT', `/api/secrets/${e(name)}`, { value }),
  flows: () =>
    call<{ flows: Array<{ id: string; versions: Array<{ version: string; status: string }> }> }>(
      'GET',
      '/api/flows',
    ).then((a) => a.flows),
  packs: () => call<{ packs: PackInfo[] }>('GET', '/api/packs').then((a) => a.packs),
  exportPack: (name: string, version: string) =>
    call<{ files: Record<string, string> }>('GET', `/api/packs/${e(name)}/${e(version)}/export`).then((a) => a.files),
  importPack: (files: Record<string, string>, dryRun: boolean) =>
    callWithProblems<ImportAnswer>('POST', '/api/packs/import', { files, dryRun }),
  audit: (filters: AuditFilters, beforeSeq?: string, limit = 50) =>
    call<{ records: AuditRecord[]; next: string | null }>(
      'GET',
      `/api/audit${withParam(withParam(searchOf(filters, AUDIT_FILTERS), 'limit', String(limit)), 'beforeSeq', beforeSeq)}`,
    ),
  users: () => call<{ users: UserInfo[] }>('GET', '/api/users').then((a) => a.users),
  createUser: (username: string, role: string, password: string) =>
    callWithProblems<UserInfo>('POST', '/api/users', { username, role, password }),
  updateUser: (id: string, change: { role?: string; disabled?: boolean; password?: string }) =>
    callWithProblems<UserInfo>('PATCH', `/api/users/${e(id)}`, change),
  tokens: (everyone: boolean) =>
    call<{ tokens: TokenInfo[] }>('GET', `/api/tokens${everyone ? '?all=1' : ''}`).then((a) => a.tokens),
  createToken: (name: string, expiresInDays: number | undefined) =>
    callWithProblems<{ id: string; name: string; token: string; expiresAt: string | null }>('POST', '/api/tokens', {
      name,
      ...(expiresInDays === undefined ? {} : { expiresInDays }),
    }),
  revokeToken: (id: string) => callWithProblems<void>('DELETE', `/api/tokens/${e(id)}`),
  verifyAudit: () =>
    callWithProblems<{ ok: true; rows: number; head: { seq: number; hash: string } | null }>(
      'GET',
      '/api/audit/verify',
    ),
};

export const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
export const isAdmin = (role: string) => role === 'admin';
