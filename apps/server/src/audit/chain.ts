import { createHash } from 'node:crypto';
import { stableStringify } from '@millrace/schema';

/**
 * The audit chain's arithmetic, kept apart so anyone can re-check a copy of the table:
 *
 *   hash = sha256hex("millrace-audit-v1\n" + stableStringify({ seq, at, actor, actor_role, action,
 *            target_kind, target_id, reason, before_digest, after_digest, details, prev_hash }))
 *
 * with each value exactly as stored (numbers as numbers, NULL as null, `details` as its JSON
 * text), keys sorted by stableStringify. The first row's prev_hash is 64 zeros.
 */
export const GENESIS_HASH = '0'.repeat(64);
const DOMAIN = 'millrace-audit-v1\n';

/** A row of audit_log as stored. */
export interface AuditRow {
  readonly seq: number;
  readonly at: number;
  readonly actor: string;
  readonly actor_role: string;
  readonly action: string;
  readonly target_kind: string;
  readonly target_id: string;
  readonly reason: string | null;
  readonly before_digest: string | null;
  readonly after_digest: string | null;
  readonly details: string | null;
  readonly prev_hash: string;
  readonly hash: string;
}

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The hash a row must carry, from every other column of it (prev_hash included). */
export function rowHash(row: Omit<AuditRow, 'hash'>): string {
  const fields = {
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    actor_role: row.actor_role,
    action: row.action,
    target_kind: row.target_kind,
    target_id: row.target_id,
    reason: row.reason,
    before_digest: row.before_digest,
    after_digest: row.after_digest,
    details: row.details,
    prev_hash: row.prev_hash,
  };
  return sha256Hex(DOMAIN + stableStringify(fields));
}

/**
 * A value as canonical JSON: first through JSON (toJSON applied, so a Date is its ISO text and
 * undefined properties vanish), then with every object's keys sorted. The same state always
 * gives the same text, whatever order its keys were built in.
 */
export function canonicalJson(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError('audit: nothing to serialize (undefined, a function or a symbol)');
  return stableStringify(JSON.parse(json) as unknown).trimEnd();
}

/**
 * The sha256 hex of a state's canonical JSON: what the audit log keeps instead of the state, so
 * callers can pass a digest (e.g. of a flow version they already hold) instead of the whole thing.
 * A digest of a guessable value can be brute-forced: leave secrets out of states as well.
 */
export function auditDigest(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

export const isDigest = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);

/**
 * Keys whose string values are secrets, compared without case, '-' and '_', by how the key ends:
 * password, newPassword, db_password, token, csrfToken, apiKey, client-secret, privateKey, …
 * A key that only starts with one (passwordChanged, tokenId, secretName) is not a secret.
 */
const SECRET_KEY_ENDINGS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'privatekey',
  'credential',
  'credentials',
  'authorization',
  'cookie',
];

/** Values that are secrets whatever their key: a Millrace API token, a stored password hash. */
const SECRET_VALUES = [/mr_[A-Za-z0-9_-]{40,}/, /^scrypt\$/];

/** Thrown by Audit.append for an entry it must not store: a programming error of the caller. */
export class AuditRefused extends Error {
  override readonly name = 'AuditRefused';
}

/**
 * Refuses details that would put a secret into the log, which is kept forever and cannot be
 * edited afterwards: a string under a secret-looking key, or a string that looks like a token.
 */
export function assertNoSecrets(value: unknown, path = 'details'): void {
  if (typeof value === 'string') {
    if (SECRET_VALUES.some((re) => re.test(value)))
      throw new AuditRefused(`audit: ${path} looks like a credential; the audit log never stores secrets`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => assertNoSecrets(v, `${path}[${i}]`));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const normal = key.toLowerCase().replace(/[-_]/g, '');
    if (typeof v === 'string' && SECRET_KEY_ENDINGS.some((end) => normal.endsWith(end)))
      throw new AuditRefused(
        `audit: ${path}.${key} would store a secret; the audit log never stores secrets (record that it changed, e.g. { passwordChanged: true })`,
      );
    assertNoSecrets(v, `${path}.${key}`);
  }
}
