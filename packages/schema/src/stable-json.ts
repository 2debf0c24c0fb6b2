/**
 * JSON with object keys in a stable order: the order `keyOrder` names for an object at a given
 * path first, then every other key in code-point order. Arrays keep their order (it carries
 * meaning). Two-space indent and a final newline, so files diff well in git.
 */
export function stableStringify(
  value: unknown,
  keyOrder: (path: readonly string[]) => readonly string[] | undefined = () => undefined,
): string {
  return JSON.stringify(reorder(value, [], keyOrder), null, 2) + '\n';
}

function reorder(
  value: unknown,
  path: string[],
  keyOrder: (path: readonly string[]) => readonly string[] | undefined,
): unknown {
  if (Array.isArray(value)) return value.map((v) => reorder(v, [...path, '[]'], keyOrder));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const preferred = keyOrder(path) ?? [];
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
  const first = preferred.filter((k) => keys.includes(k));
  const rest = keys.filter((k) => !preferred.includes(k)).sort();
  const out: Record<string, unknown> = {};
  for (const k of [...first, ...rest]) out[k] = reorder(obj[k], [...path, k], keyOrder);
  return out;
}
