// A plant profile read for people: each connection's bindings (type, URLs, auth kind) and the
// secrets it names — by name only; a profile never holds a value. Pure, so it is tested.
import { isSecretRef } from '@millrace/flow-model';

export interface SecretUse {
  /** Where in the connection, e.g. auth.password. */
  readonly at: string;
  readonly name: string;
}

export interface ConnectionView {
  readonly slot: string;
  readonly type: string;
  /** Fields whose name ends in url/Url, e.g. baseUrl, tokenUrl. */
  readonly urls: ReadonlyArray<{ readonly field: string; readonly url: string }>;
  /** auth.kind when there is one; "none" when the connection has no auth and names no secret. */
  readonly authKind: string;
  readonly secrets: readonly SecretUse[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The secret references anywhere under a value, with their dotted paths. */
export function secretUses(value: unknown, at = ''): SecretUse[] {
  if (isSecretRef(value)) return [{ at, name: value.secret }];
  const join = (k: string | number) => (at ? `${at}.${k}` : String(k));
  if (Array.isArray(value)) return value.flatMap((v, i) => secretUses(v, join(i)));
  if (isObject(value)) return Object.entries(value).flatMap(([k, v]) => secretUses(v, join(k)));
  return [];
}

/** The connections of a profile, by slot name. */
export function connectionsOf(profile: unknown): ConnectionView[] {
  const connections = isObject(profile) && isObject(profile.connections) ? profile.connections : {};
  return Object.entries(connections)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([slot, c]) => {
      const conn = isObject(c) ? c : {};
      const urls: Array<{ field: string; url: string }> = [];
      const walk = (v: unknown, at: string) => {
        if (!isObject(v) || isSecretRef(v)) return;
        for (const [k, x] of Object.entries(v)) {
          const path = at ? `${at}.${k}` : k;
          if (typeof x === 'string' && /url$/i.test(k)) urls.push({ field: path, url: x });
          else walk(x, path);
        }
      };
      walk(conn, '');
      const secrets = secretUses(conn);
      const auth = isObject(conn.auth) && typeof conn.auth.kind === 'string' ? conn.auth.kind : undefined;
      return {
        slot,
        type: typeof conn.type === 'string' ? conn.type : '?',
        urls,
        authKind: auth ?? (secrets.length > 0 ? 'credentials' : 'none'),
        secrets,
      };
    });
}

/** Every secret name a profile uses, sorted, once each. */
export const secretNamesOf = (profile: unknown): string[] =>
  [...new Set(secretUses(profile).map((s) => s.name))].sort();

/** The profile JSON text as an editor holds it, or the parse problem. */
export function parseProfileText(
  text: string,
): { ok: true; profile: Record<string, unknown> } | { ok: false; problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, problem: `Not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (!isObject(value)) return { ok: false, problem: 'A profile is a JSON object.' };
  return { ok: true, profile: value };
}
