import { joinPointer, type Problem } from '@millrace/schema';
import { isSecretRef } from './common-schemas.ts';

/** Field names that hold credentials. A plain string under one of them is a leaked secret. */
const SECRET_KEY =
  /^(password|passwd|secret|client_?secret|(access|refresh|bearer|api|auth)?_?token|api_?key|private_?key|passphrase|authorization|x-api-key)$/i;

export const INLINED_SECRET_MESSAGE =
  'holds a secret in clear text; keep it in the secret store and reference it as { "secret": "NAME" }';

/**
 * Finds credentials written into a document instead of referenced. Secrets must never be stored
 * in flows, profiles or packs, whatever schema the surrounding object has.
 */
export function findInlinedSecrets(value: unknown, base = ''): Problem[] {
  const out: Problem[] = [];
  walk(value, base, out);
  return out;
}

function walk(value: unknown, pointer: string, out: Problem[]): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => walk(v, joinPointer(pointer, i), out));
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (isSecretRef(value)) return;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const at = joinPointer(pointer, key);
    if (SECRET_KEY.test(key) && typeof v === 'string' && v !== '') {
      out.push({ pointer: at, message: INLINED_SECRET_MESSAGE });
    } else {
      walk(v, at, out);
    }
  }
}
