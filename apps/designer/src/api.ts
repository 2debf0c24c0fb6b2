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
  readonly versions: readonly FlowVersionInfo[];
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

/** A refusal of the server, carrying the problem+json `detail` (or title) as its message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
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
    const p = (json ?? {}) as { detail?: unknown; title?: unknown };
    const message =
      typeof p.detail === 'string' ? p.detail : typeof p.title === 'string' ? p.title : `HTTP ${res.status}`;
    throw new ApiError(res.status, message);
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
  runs: () => call<{ runs: RunSummary[] }>('GET', '/api/runs?limit=100').then((a) => a.runs),
};
