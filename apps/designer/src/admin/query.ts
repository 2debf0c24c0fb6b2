// Filters ⇄ URL query strings: a filtered runs list or audit log is a link that can be shared
// ("where is lot B123?" → /runs?key=B123). Pure, so it is tested without a browser.

/** The runs list's filters, as GET /api/runs takes them (times as ISO 8601). */
export interface RunFilters {
  readonly flow?: string;
  readonly status?: string;
  readonly plant?: string;
  readonly key?: string;
  readonly keyName?: string;
  readonly since?: string;
  readonly until?: string;
}

/** The audit log's filters, as GET /api/audit takes them. */
export interface AuditFilters {
  readonly action?: string;
  readonly actor?: string;
  readonly targetKind?: string;
  readonly targetId?: string;
  readonly since?: string;
  readonly until?: string;
}

export const RUN_FILTERS = ['flow', 'status', 'plant', 'key', 'keyName', 'since', 'until'] as const;
export const AUDIT_FILTERS = ['action', 'actor', 'targetKind', 'targetId', 'since', 'until'] as const;
export const RUN_STATUSES = ['held', 'running', 'succeeded', 'dead_lettered', 'discarded'] as const;

/** The filters named in a query string (`?status=…&key=…`); unknown and empty parameters are dropped. */
export function filtersFromSearch<K extends string>(search: string, names: readonly K[]): Partial<Record<K, string>> {
  const params = new URLSearchParams(search);
  const out: Partial<Record<K, string>> = {};
  for (const name of names) {
    const v = params.get(name)?.trim();
    if (v) out[name] = v;
  }
  return out;
}

/** A query string of the filters that are set, in a stable order ('' when none, else `?…`). */
export function searchOf<K extends string>(filters: Partial<Record<K, string>>, names: readonly K[]): string {
  const params = new URLSearchParams();
  for (const name of names) {
    const v = filters[name]?.trim();
    if (v) params.set(name, v);
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** A `datetime-local` input's value (local time, no zone) as ISO 8601 UTC; '' for '' or nonsense. */
export function localToIso(local: string): string {
  if (!local) return '';
  const ms = new Date(local).getTime();
  return Number.isNaN(ms) ? '' : new Date(ms).toISOString();
}

/** An ISO time as a `datetime-local` input's value in local time (minutes); '' for '' or nonsense. */
export function isoToLocal(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/**
 * The problems of filters the server would refuse, said before asking it: times out of order,
 * and a key name without a key value (the server answers 400 for both).
 */
export function runFilterProblems(f: RunFilters): string[] {
  const problems: string[] = [];
  if (f.keyName && !f.key) problems.push('A key name needs a key value to search for.');
  if (f.since && f.until && Date.parse(f.since) > Date.parse(f.until))
    problems.push('"Accepted from" is after "accepted to".');
  return problems;
}

/** Business keys as text: `lot=B123, order=42`. */
export function keysText(keys: unknown): string {
  if (!keys || typeof keys !== 'object') return '';
  return Object.entries(keys as Record<string, unknown>)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
}
