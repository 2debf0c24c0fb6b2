// The editor's API calls: the draft, the newest published version to start a draft from, the
// node catalog, and validation of the saved draft.
import type { Catalog, Flow, Problem } from '@millrace/flow-model';
import { ApiError, api, call } from '../api.ts';

const e = encodeURIComponent;

export interface DraftAnswer {
  readonly flow: Flow;
  readonly tests: unknown;
  readonly revision: number;
  readonly updatedAt: string;
  readonly updatedBy: string;
  readonly problems: readonly Problem[];
}

/** Where the editor starts: the draft, else a copy of the newest published version, else nothing. */
export type Start =
  | { readonly kind: 'draft'; readonly draft: DraftAnswer }
  | { readonly kind: 'published'; readonly flow: Flow; readonly version: string }
  | { readonly kind: 'new' };

/** The newest of semver strings (published versions), by numeric parts. */
export function newestVersion(versions: readonly string[]): string | undefined {
  const parts = (v: string) => v.split(/[.+-]/).map((p) => (/^\d+$/.test(p) ? Number(p) : -1));
  return [...versions].sort((a, b) => {
    const pa = parts(a);
    const pb = parts(b);
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
      const d = (pa[i] ?? 0) - (pb[i] ?? 0);
      if (d !== 0) return d;
    }
    return 0;
  })[versions.length - 1];
}

export async function loadStart(flowId: string): Promise<Start> {
  // Ask the list first: a GET of a missing draft would be a 404 in the browser's console.
  const [drafts, flows] = await Promise.all([api.drafts(), api.flows()]);
  if (drafts.some((d) => d.id === flowId)) {
    try {
      return { kind: 'draft', draft: await call<DraftAnswer>('GET', `/api/flows/${e(flowId)}/draft`) };
    } catch (err) {
      // Thrown away in between: start as if there had been none.
      if (!(err instanceof ApiError) || err.status !== 404) throw err;
    }
  }
  const entry = flows.find((f) => f.id === flowId);
  const version = newestVersion((entry?.versions ?? []).map((v) => v.version));
  if (version === undefined) return { kind: 'new' };
  return { kind: 'published', flow: await api.flowVersion(flowId, version), version };
}

export const loadCatalog = () => call<Catalog>('GET', '/api/node-types');

export const saveDraft = (flowId: string, body: { flow: Flow; tests: unknown; revision: number }) =>
  call<{ revision: number; problems: Problem[] }>('PUT', `/api/flows/${e(flowId)}/draft`, body);

/** Publishable validation of the saved draft (the server's; the browser's CSP forbids ajv's eval). */
export const validateDraft = (flowId: string) =>
  call<{ valid: boolean; problems: Problem[] }>('POST', `/api/flows/${e(flowId)}/validate`);

/** A last save as the page goes away: a keepalive request outlives the page. Best effort. */
export function saveDraftOnExit(flowId: string, body: { flow: Flow; tests: unknown; revision: number }): void {
  try {
    void fetch(`/api/flows/${e(flowId)}/draft`, {
      method: 'PUT',
      credentials: 'same-origin',
      keepalive: true,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    }).catch(() => undefined);
  } catch {
    // Too big for keepalive (64 KiB): the debounced save has kept all but the last second.
  }
}
