import { createHash, randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';

/**
 * Passwords, API tokens and session secrets. Everything secret is stored as a hash only; the
 * plain values exist in memory just long enough to answer or to compare.
 */

/**
 * scrypt N=2^15, r=8, p=1: 32 MiB and ~0.1 s per hash, so four logins at once stay cheap on a
 * plant's small server. OWASP now suggests N=2^17 (or 2^15 with p=3); the parameters are stored
 * with each hash, so raising them later only affects new hashes.
 */
const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
// Caps on what a stored hash may ask for, so a corrupt or hostile row cannot make verification eat memory.
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

/** scrypt needs 128·N·r bytes; Node's default cap (32 MiB) is exactly at N=2^15, r=8, so raise it with room. */
const maxmem = (n: number, r: number) => 256 * n * r;

function scryptAsync(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // Async: the work runs on libuv's thread pool, so a login does not stall every other request.
    scrypt(password, salt, KEY_BYTES, { N: n, r, p, maxmem: maxmem(n, r) }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

const format = (salt: Buffer, key: Buffer) =>
  `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  return format(salt, await scryptAsync(password, salt, N, R, P));
}

/** The same, blocking: for start-up (bootstrapAdmin), where there is nothing else to serve yet. */
export function hashPasswordSync(password: string): string {
  const salt = randomBytes(SALT_BYTES);
  return format(salt, scryptSync(password, salt, KEY_BYTES, { N, r: R, p: P, maxmem: maxmem(N, R) }));
}

interface Parsed {
  n: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function parse(stored: string): Parsed | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const powerOfTwo = Number.isInteger(n) && n > 1 && (n & (n - 1)) === 0;
  if (!powerOfTwo || n > MAX_N || !Number.isInteger(r) || r < 1 || r > MAX_R) return undefined;
  if (!Number.isInteger(p) || p < 1 || p > MAX_P) return undefined;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const key = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length < 8 || key.length !== KEY_BYTES) return undefined;
  return { n, r, p, salt, key };
}

/** Whether `password` matches `stored`; a malformed hash never matches (and still costs the time). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) {
    await scryptAsync(password, randomBytes(SALT_BYTES), N, R, P);
    return false;
  }
  const key = await scryptAsync(password, parsed.salt, parsed.n, parsed.r, parsed.p);
  return timingSafeEqual(key, parsed.key);
}

let dummy: Promise<string> | undefined;
/**
 * A hash of a random password, made once: a login for a user that does not exist is verified
 * against it, so it takes as long as one for a user that does (no user enumeration by timing).
 */
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(32).toString('base64url'));
  return dummy;
}

/** A password for the first admin when none is given: 24 characters, 144 bits. */
export const generatePassword = () => randomBytes(18).toString('base64url');

export const sha256Hex = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

/** Constant-time equality of two hex digests (equal length by construction; unequal length is simply false). */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export const TOKEN_PREFIX = 'mr_';
/** An API token: `mr_` + 32 random bytes base64url. The prefix makes a leaked one easy to spot (secret scanners). */
export const newApiToken = () => TOKEN_PREFIX + randomBytes(32).toString('base64url');

/** A session cookie value: 32 random bytes base64url; the sessions table keys it by its SHA-256. */
export const newSessionSecret = () => randomBytes(32).toString('base64url');
