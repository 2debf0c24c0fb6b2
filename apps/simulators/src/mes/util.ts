import { createHash } from 'node:crypto';
import type { Rng } from '../core/index.ts';

/**
 * A UUID (v4 layout) drawn from the seeded generator, so a plan's event ids are the same for the
 * same seed: a test can know the id of an event before it is published.
 */
export function seededUuid(rng: Rng): string {
  const hex = Array.from({ length: 32 }, () => rng.int(0, 15).toString(16));
  hex[12] = '4';
  hex[16] = ((rng.int(0, 3) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Mixes numbers into one 32-bit seed (FNV-1a over their decimal text). */
export function mixSeed(...parts: readonly number[]): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join(':')) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h || 1;
}

/** A decimal string with a fixed number of digits, as canonical decimals travel. */
export function dec(value: number, decimals: number): string {
  const text = value.toFixed(decimals);
  // toFixed can give "-0.0"; the canonical Decimal pattern takes it, but it reads oddly.
  return /^-0(\.0+)?$/.test(text) ? text.slice(1) : text;
}

/** JSON with sorted keys: two bodies that say the same thing compare equal. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

export function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** `{ error: { code, message, … } }`, the error body shape the Millrace MES client reads. */
export function apiError(status: number, code: string, message: string, extra: Record<string, unknown> = {}) {
  return { status, body: { error: { code, message, ...extra } } };
}
