import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { Migration, ServerDb } from '../db.ts';

/**
 * The secrets store: values the plant profiles name (`{ "secret": "ERP_P100_PASSWORD" }`),
 * encrypted with AES-256-GCM under a master key that never touches the database. Write-only
 * through the API: a value goes in, only names and dates come out. The runtime reads values
 * through `get`, falling back to the environment.
 */
export const VAULT_MIGRATIONS: Migration[] = [
  {
    version: 300,
    name: 'secrets',
    sql: `CREATE TABLE secrets (
      name TEXT PRIMARY KEY,
      key_id TEXT NOT NULL,
      iv BLOB NOT NULL,
      tag BLOB NOT NULL,
      ciphertext BLOB NOT NULL,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      updated_by TEXT NOT NULL
    )`,
  },
];

export const SECRET_NAME_PATTERN = '^[A-Z][A-Z0-9_]{0,127}$';
const NAME = new RegExp(SECRET_NAME_PATTERN);

export interface MasterKey {
  readonly key: Buffer;
  /** A short fingerprint stored with each value, so a value sealed under another key is recognised. */
  readonly id: string;
  /** Where the key came from: the environment or the key file (created on first start). */
  readonly source: 'env' | 'file';
}

/**
 * The master key: MILLRACE_MASTER_KEY (32 bytes as base64 or 64 hex digits), else the key file,
 * created with mode 600 on first start. A key file others may read is refused: whoever reads it
 * reads every secret.
 */
export function loadMasterKey(env: Readonly<Record<string, string | undefined>>, keyFile: string): MasterKey {
  const given = env.MILLRACE_MASTER_KEY;
  if (given !== undefined)
    return {
      key: parseKey(given, 'MILLRACE_MASTER_KEY'),
      id: fingerprint(parseKey(given, 'MILLRACE_MASTER_KEY')),
      source: 'env',
    };
  if (!existsSync(keyFile)) {
    writeFileSync(keyFile, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    chmodSync(keyFile, 0o600);
  }
  if (process.platform !== 'win32' && (statSync(keyFile).mode & 0o077) !== 0)
    throw new Error(
      `${keyFile} can be read by other users (mode ${(statSync(keyFile).mode & 0o777).toString(8)}); chmod 600 it`,
    );
  const key = parseKey(readFileSync(keyFile, 'utf8').trim(), keyFile);
  return { key, id: fingerprint(key), source: 'file' };
}

function parseKey(text: string, where: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error(`${where} must hold a 256-bit key: 32 bytes as base64 or 64 hex digits`);
  return key;
}

const fingerprint = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 16);

export interface SecretInfo {
  readonly name: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

export class Vault {
  constructor(
    private readonly db: ServerDb,
    private readonly master: MasterKey,
    private readonly now: () => number = Date.now,
  ) {}

  /** Sets (or replaces) a secret. The name is the one profiles use; the value is never logged. */
  set(name: string, value: string, by: string): { created: boolean } {
    if (!NAME.test(name)) throw new Error(`"${name}" is not a secret name: capitals, digits and _ (ERP_P100_PASSWORD)`);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.master.key, iv);
    // The name is authenticated with the value: a value copied to another name does not decrypt.
    cipher.setAAD(Buffer.from(name, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    const at = this.now();
    const existed = this.db.prepare('SELECT 1 FROM secrets WHERE name = ?').get(name) !== undefined;
    this.db
      .prepare(
        `INSERT INTO secrets (name, key_id, iv, tag, ciphertext, created_at, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET key_id = excluded.key_id, iv = excluded.iv, tag = excluded.tag,
           ciphertext = excluded.ciphertext, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      )
      .run(name, this.master.id, iv, tag, ciphertext, at, at, by);
    return { created: !existed };
  }

  /** The value, for the runtime only; undefined when not set. Throws when it cannot be decrypted. */
  get(name: string): string | undefined {
    const row = this.db.prepare('SELECT key_id, iv, tag, ciphertext FROM secrets WHERE name = ?').get(name) as
      { key_id: string; iv: Buffer; tag: Buffer; ciphertext: Buffer } | undefined;
    if (!row) return undefined;
    if (row.key_id !== this.master.id)
      throw new Error(
        `secret ${name} was sealed under another master key (${row.key_id}); restore that key or set the secret again`,
      );
    const decipher = createDecipheriv('aes-256-gcm', this.master.key, row.iv);
    decipher.setAAD(Buffer.from(name, 'utf8'));
    decipher.setAuthTag(row.tag);
    return Buffer.concat([decipher.update(row.ciphertext), decipher.final()]).toString('utf8');
  }

  delete(name: string): boolean {
    return this.db.prepare('DELETE FROM secrets WHERE name = ?').run(name).changes > 0;
  }

  list(): SecretInfo[] {
    const rows = this.db
      .prepare('SELECT name, created_at, updated_at, updated_by FROM secrets ORDER BY name')
      .all() as Array<{
      name: string;
      created_at: number;
      updated_at: number;
      updated_by: string;
    }>;
    return rows.map((r) => ({
      name: r.name,
      createdAt: new Date(r.created_at).toISOString(),
      updatedAt: new Date(r.updated_at).toISOString(),
      updatedBy: r.updated_by,
    }));
  }
}
