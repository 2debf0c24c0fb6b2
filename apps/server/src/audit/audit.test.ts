import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openServerDb, type ServerDb } from '../db.ts';
import { Audit, auditDigest, AuditRefused, AUDIT_MIGRATIONS, GENESIS_HASH, rowHash, type AuditRow } from './index.ts';

/**
 * The audit log on a real SQLite file. Tampering is done the way a person would: another
 * connection to the file, dropping the append-only triggers, then plain SQL.
 */
let dir: string;
let file: string;
let db: ServerDb;
let audit: Audit;
const clock = { now: Date.parse('2025-03-01T08:00:00Z') };
const alice = { username: 'alice', role: 'admin' } as const;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'millrace-audit-'));
  file = join(dir, 'server.db');
  db = openServerDb(file, AUDIT_MIGRATIONS);
  audit = new Audit({ db, now: () => clock.now });
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Appends n records, one second apart, targets t1…tn. */
function fill(n: number, into = audit) {
  return Array.from({ length: n }, (_, i) => {
    clock.now += 1000;
    return into.append({
      actor: alice,
      action: 'flow.publish',
      target: { kind: 'flow', id: `t${i + 1}` },
      reason: `r${i + 1}`,
    });
  });
}

/** Raw SQL on the file from another connection, triggers dropped first (as a tamperer would). */
function tamper(...sql: string[]) {
  const raw = new Database(file);
  try {
    raw.exec('DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;');
    for (const s of sql) raw.exec(s);
  } finally {
    raw.close();
  }
}

const rawRows = () => db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as AuditRow[];

describe('appending', () => {
  it('chains each record to the one before, starting from 64 zeros', () => {
    const [a, b, c] = fill(3);
    expect([a!.seq, b!.seq, c!.seq]).toEqual([1, 2, 3]);
    expect(a!.prevHash).toBe(GENESIS_HASH);
    expect(b!.prevHash).toBe(a!.hash);
    expect(c!.prevHash).toBe(b!.hash);
    for (const row of rawRows()) {
      expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(rowHash(row)).toBe(row.hash);
    }
    expect(b).toMatchObject({
      at: Date.parse('2025-03-01T08:00:00Z') + 2000,
      actor: 'alice',
      actorRole: 'admin',
      action: 'flow.publish',
      target: { kind: 'flow', id: 't2' },
      reason: 'r2',
      beforeDigest: null,
      afterDigest: null,
      details: null,
    });
  });

  it("records 'system' as actor and role", () => {
    const r = audit.append({ actor: 'system', action: 'auth.lockout', target: { kind: 'address', id: '10.0.0.1' } });
    expect(r).toMatchObject({ actor: 'system', actorRole: 'system', reason: null });
  });

  it('stores digests of the before and after states, never the states', () => {
    const before = { name: 'Release', version: '1.0.0', nodes: [1, 2] };
    const after = { nodes: [1, 2, 3], version: '1.1.0', name: 'Release' };
    const r = audit.append({ actor: alice, action: 'flow.publish', target: { kind: 'flow', id: 'f' }, before, after });
    expect(r.beforeDigest).toBe(auditDigest(before));
    expect(r.afterDigest).toBe(auditDigest({ name: 'Release', version: '1.1.0', nodes: [1, 2, 3] }));
    expect(JSON.stringify(rawRows())).not.toContain('Release');
    // A digest the caller already holds is taken as is.
    const d = auditDigest('x');
    expect(
      audit.append({ actor: alice, action: 'flow.publish', target: { kind: 'flow', id: 'f' }, afterDigest: d })
        .afterDigest,
    ).toBe(d);
  });

  it('digests canonical JSON: key order does not matter, dates are their ISO text', () => {
    expect(auditDigest({ a: 1, b: { c: 2, d: [3] } })).toBe(auditDigest({ b: { d: [3], c: 2 }, a: 1 }));
    expect(auditDigest({ a: 1 })).not.toBe(auditDigest({ a: '1' }));
    expect(auditDigest({ t: new Date(0) })).toBe(auditDigest({ t: '1970-01-01T00:00:00.000Z' }));
    expect(auditDigest({ t: new Date(0) })).not.toBe(auditDigest({ t: new Date(1) }));
    expect(auditDigest({ a: 1, gone: undefined })).toBe(auditDigest({ a: 1 }));
  });

  it('stores details as canonical JSON text', () => {
    audit.append({
      actor: alice,
      action: 'pack.import',
      target: { kind: 'pack', id: 'p' },
      details: { z: 1, a: { y: 2, b: 3 } },
    });
    expect(rawRows()[0]!.details).toBe('{\n  "a": {\n    "b": 3,\n    "y": 2\n  },\n  "z": 1\n}');
  });

  it('refuses details with a password, token, secret or API key, and appends nothing', () => {
    const entry = { actor: alice, action: 'user.update', target: { kind: 'user', id: 'u' } } as const;
    const token = `mr_${'A'.repeat(43)}`;
    for (const details of [
      { password: 'hunter2hunter2' },
      { newPassword: 'hunter2hunter2' },
      { nested: { apiKey: 'k' } },
      { list: [{ client_secret: 's' }] },
      { token: 'abc' },
      { note: `pasted ${token} by mistake` },
      { stored: 'scrypt$32768$8$1$salt$hash' },
    ]) {
      expect(() => audit.append({ ...entry, details }), JSON.stringify(details)).toThrow(AuditRefused);
    }
    // The refusal does not echo the secret.
    expect(() => audit.append({ ...entry, details: { password: 'hunter2hunter2' } })).toThrow(/details\.password/);
    expect(() => audit.append({ ...entry, details: { password: 'hunter2hunter2' } })).not.toThrow(/hunter2/);
    expect(rawRows()).toHaveLength(0);
    // That a secret changed, or which one, is fine.
    const ok = audit.append({
      ...entry,
      details: { passwordChanged: true, tokenId: 't1', secretName: 'SAP_PASSWORD' },
    });
    expect(ok.details).toEqual({ passwordChanged: true, tokenId: 't1', secretName: 'SAP_PASSWORD' });
  });

  it('refuses malformed entries', () => {
    const base = { actor: alice, action: 'user.create', target: { kind: 'user', id: 'u' } };
    expect(() => audit.append({ ...base, action: 'Create User' })).toThrow(AuditRefused);
    expect(() => audit.append({ ...base, action: 'create' })).toThrow(AuditRefused);
    expect(() => audit.append({ ...base, target: { kind: 'user', id: '' } })).toThrow(AuditRefused);
    expect(() => audit.append({ ...base, before: { a: 1 }, beforeDigest: auditDigest({ a: 1 }) })).toThrow(/not both/);
    expect(() => audit.append({ ...base, afterDigest: 'abc' })).toThrow(/64/);
    expect(rawRows()).toHaveLength(0);
  });

  it('joins a caller transaction: a change that rolls back takes its record with it', () => {
    fill(1);
    expect(() =>
      db.transaction(() => {
        audit.append({ actor: alice, action: 'flow.publish', target: { kind: 'flow', id: 'x' } });
        throw new Error('the change failed');
      })(),
    ).toThrow('the change failed');
    expect(rawRows()).toHaveLength(1);
    expect(fill(1)[0]!.seq).toBe(2);
    expect(audit.verify().ok).toBe(true);
  });

  it('refuses UPDATE and DELETE on the table (append-only triggers)', () => {
    fill(2);
    expect(() => db.prepare("UPDATE audit_log SET reason = 'x' WHERE seq = 1").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log WHERE seq = 2').run()).toThrow(/append-only/);
    expect(audit.verify()).toMatchObject({ ok: true, rows: 2 });
  });
});

describe('verify', () => {
  it('is ok on an empty log and on an intact one, giving the head', () => {
    expect(audit.verify()).toEqual({ ok: true, rows: 0, head: null });
    const records = fill(5);
    expect(audit.verify()).toEqual({ ok: true, rows: 5, head: { seq: 5, hash: records[4]!.hash } });
  });

  it('names the row whose reason was edited in the file', () => {
    fill(5);
    tamper("UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 3");
    const v = audit.verify();
    expect(v).toMatchObject({ ok: false, rows: 5, brokenAt: 3 });
    expect(!v.ok && v.why).toMatch(/row 3 does not match its hash: it was edited/);
  });

  it('names an edited row whatever column was changed', () => {
    fill(4);
    for (const [column, value] of [
      ['actor', "'mallory'"],
      ['at', 'at + 1'],
      ['details', `'{"a":1}'`],
      ['target_id', "'other'"],
      ['prev_hash', `'${'1'.repeat(64)}'`],
    ] as const) {
      const copy = join(dir, `copy-${column}.db`);
      db.exec(`VACUUM INTO '${copy}'`);
      const raw = new Database(copy);
      raw.exec('DROP TRIGGER audit_log_no_update');
      raw.exec(`UPDATE audit_log SET ${column} = ${value} WHERE seq = 2`);
      expect(new Audit({ db: raw }).verify(), column).toMatchObject({ ok: false, brokenAt: 2 });
      raw.close();
    }
  });

  it('detects a deleted middle row, at the row after the gap', () => {
    fill(5);
    tamper('DELETE FROM audit_log WHERE seq = 3');
    const v = audit.verify();
    expect(v).toMatchObject({ ok: false, rows: 4, brokenAt: 4 });
    expect(!v.ok && v.why).toMatch(/row 3 is missing/);
  });

  it('detects deleted first rows and a run of deleted rows', () => {
    fill(6);
    tamper('DELETE FROM audit_log WHERE seq IN (1, 2)');
    expect(audit.verify()).toMatchObject({
      ok: false,
      brokenAt: 3,
      why: expect.stringMatching(/rows 1–2 are missing/),
    });
  });

  it('detects a row changed and its hash recomputed, at the next row', () => {
    fill(5);
    const row2 = rawRows()[1]!;
    const forged = { ...row2, reason: 'rewritten' };
    tamper(`UPDATE audit_log SET reason = 'rewritten', hash = '${rowHash(forged)}' WHERE seq = 2`);
    const v = audit.verify();
    expect(v).toMatchObject({ ok: false, brokenAt: 3 });
    expect(!v.ok && v.why).toMatch(/row 3 does not link to row 2.*row 2 was replaced or edited/);
  });

  it('detects a row inserted into the middle', () => {
    fill(3);
    // Renumbering 2 and 3 up to make room is itself caught: their seq is part of their hash.
    tamper('UPDATE audit_log SET seq = seq + 10 WHERE seq >= 2', 'UPDATE audit_log SET seq = seq - 9 WHERE seq >= 12');
    expect(audit.verify()).toMatchObject({ ok: false, brokenAt: 3 });
  });

  it('keeps working after a break: new records chain on, the break stays reported', () => {
    fill(3);
    tamper("UPDATE audit_log SET reason = 'x' WHERE seq = 2");
    fill(2);
    expect(audit.verify()).toMatchObject({ ok: false, rows: 5, brokenAt: 2 });
  });
});

describe('concurrent appends', () => {
  it('keeps the chain linear with two connections to the same file appending alternately', () => {
    const other = openServerDb(file, AUDIT_MIGRATIONS);
    try {
      const second = new Audit({ db: other, now: () => clock.now });
      const made = [];
      for (let i = 0; i < 50; i++) {
        made.push(audit.append({ actor: alice, action: 'test.append', target: { kind: 'conn', id: 'a' } }));
        made.push(second.append({ actor: alice, action: 'test.append', target: { kind: 'conn', id: 'b' } }));
      }
      expect(made.map((r) => r.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      for (let i = 1; i < made.length; i++) expect(made[i]!.prevHash).toBe(made[i - 1]!.hash);
      expect(audit.verify()).toMatchObject({ ok: true, rows: 100 });
      expect(second.verify()).toMatchObject({ ok: true, rows: 100 });
    } finally {
      other.close();
    }
  });

  it('keeps the chain linear with two processes appending at the same time', async () => {
    const worker = join(dirname(fileURLToPath(import.meta.url)), 'append-worker.test-helper.ts');
    const startAt = Date.now() + 2000;
    const run = (name: string) =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', worker, file, name, '300', String(startAt)], {
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let err = '';
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('error', reject);
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${name} exited ${code}: ${err}`))));
      });
    await Promise.all([run('one'), run('two')]);
    expect(audit.verify()).toMatchObject({ ok: true, rows: 600 });
    const ids = (db.prepare('SELECT target_id AS id FROM audit_log ORDER BY seq').all() as { id: string }[]).map(
      (r) => r.id,
    );
    expect(ids.filter((id) => id === 'one')).toHaveLength(300);
    expect(ids.filter((id) => id === 'two')).toHaveLength(300);
  }, 30_000);
});

describe('list', () => {
  beforeEach(() => {
    const bob = { username: 'Bob', role: 'analyst' } as const;
    const at = (iso: string) => (clock.now = Date.parse(iso));
    at('2025-03-01T09:00:00Z');
    audit.append({ actor: alice, action: 'user.create', target: { kind: 'user', id: 'u1' } });
    at('2025-03-01T10:00:00Z');
    audit.append({
      actor: alice,
      action: 'user.update',
      target: { kind: 'user', id: 'u1' },
      details: { passwordChanged: true },
    });
    at('2025-03-01T11:00:00Z');
    audit.append({
      actor: bob,
      action: 'dead_letter.replay',
      target: { kind: 'dead_letter', id: '42' },
      reason: 'fixed',
    });
    at('2025-03-01T12:00:00Z');
    audit.append({ actor: 'system', action: 'auth.lockout', target: { kind: 'user', id: 'u1' } });
  });
  const seqs = (f: Parameters<Audit['list']>[0]) => audit.list(f).map((r) => r.seq);

  it('gives every record newest first, details parsed', () => {
    const all = audit.list();
    expect(all.map((r) => r.seq)).toEqual([4, 3, 2, 1]);
    expect(all[2]!.details).toEqual({ passwordChanged: true });
  });

  it('filters by action, a family of actions, actor (any case), target, time, and pages by seq', () => {
    expect(seqs({ action: 'user.update' })).toEqual([2]);
    expect(seqs({ action: 'user.*' })).toEqual([2, 1]);
    expect(seqs({ action: 'dead_letter.*' })).toEqual([3]);
    expect(seqs({ actor: 'bob' })).toEqual([3]);
    expect(seqs({ actor: 'system' })).toEqual([4]);
    expect(seqs({ targetKind: 'user', targetId: 'u1' })).toEqual([4, 2, 1]);
    expect(seqs({ since: Date.parse('2025-03-01T10:00:00Z'), until: Date.parse('2025-03-01T12:00:00Z') })).toEqual([
      3, 2,
    ]);
    expect(seqs({ limit: 2 })).toEqual([4, 3]);
    expect(seqs({ limit: 2, beforeSeq: 3 })).toEqual([2, 1]);
    expect(seqs({ action: 'user.create', actor: 'bob' })).toEqual([]);
  });
});
