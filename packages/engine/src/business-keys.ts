/**
 * A run's business keys as searchable (name, value) pairs, the one rule every store follows so
 * that "where is lot B123?" finds the same runs on SQLite and PostgreSQL. A string value is
 * itself; a number or boolean its JSON text ("42", "true"); a missing key (null, "") gives no
 * pair. Objects, arrays and values longer than MAX_KEY_VALUE characters are not searchable:
 * business keys are identifiers, and an index of whole documents would only grow.
 */
export const MAX_KEY_VALUE = 256;

export interface BusinessKeyPair {
  readonly name: string;
  readonly value: string;
}

export function businessKeyPairs(businessKeysText: string | null): BusinessKeyPair[] {
  if (businessKeysText === null) return [];
  let keys: unknown;
  try {
    keys = JSON.parse(businessKeysText);
  } catch {
    return [];
  }
  if (keys === null || typeof keys !== 'object' || Array.isArray(keys)) return [];
  const pairs: BusinessKeyPair[] = [];
  for (const [name, v] of Object.entries(keys as Record<string, unknown>)) {
    const value = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? JSON.stringify(v) : '';
    if (value !== '' && value.length <= MAX_KEY_VALUE) pairs.push({ name, value });
  }
  return pairs;
}
