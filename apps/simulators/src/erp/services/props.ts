import type { PropDef } from '../odata/edm.ts';
import { badRequest } from '../odata/errors.ts';

/** Short builders for property definitions, so the entity sets read like their $metadata. */
export const str = (maxLength: number, readOnly = false): PropDef => ({
  type: 'Edm.String',
  maxLength,
  ...(readOnly ? { readOnly } : {}),
});
export const dec = (precision = 13, scale = 3, readOnly = false): PropDef => ({
  type: 'Edm.Decimal',
  precision,
  scale,
  ...(readOnly ? { readOnly } : {}),
});
export const dbl: PropDef = { type: 'Edm.Double' };
export const bool: PropDef = { type: 'Edm.Boolean' };
export const boolRO: PropDef = { type: 'Edm.Boolean', readOnly: true };
export const date: PropDef = { type: 'Edm.DateTime', precision: 0 };
export const dateRO: PropDef = { type: 'Edm.DateTime', precision: 0, readOnly: true };
export const stamp: PropDef = { type: 'Edm.DateTimeOffset', precision: 7, readOnly: true };
export const time: PropDef = { type: 'Edm.Time', precision: 0 };
export const int: PropDef = { type: 'Edm.Int32' };

/** Refuses changes to anything but the listed properties. */
export function onlyChanges(changes: Record<string, unknown>, allowed: readonly string[], what: string): void {
  for (const k of Object.keys(changes))
    if (!allowed.includes(k))
      throw badRequest(`Property '${k}' of ${what} cannot be changed; changeable: ${allowed.join(', ')}`, k);
}

/** Checks a deep-insert navigation value: an array or { results: [...] } of objects. */
export function navItems(value: unknown, name: string): Array<Record<string, unknown>> {
  const list = Array.isArray(value) ? value : (value as { results?: unknown } | null)?.results;
  if (!Array.isArray(list) || list.some((x) => x === null || typeof x !== 'object' || Array.isArray(x)))
    throw badRequest(`${name} must be an array (or { results: [...] }) of objects`, name);
  return list as Array<Record<string, unknown>>;
}
