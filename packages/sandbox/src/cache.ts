/**
 * Compiled-code caches, keyed by content. The key is the source text itself, not a digest of it:
 * a Map hashes a string once and keeps the hash on the string, so a lookup with the same string
 * costs ~30 ns, where sha1 of a 1.5 KB source costs ~3 µs, a third of a whole sandbox call
 * (measured on the build machine). Content keys also cannot collide, so one flow can never pick
 * up another flow's compiled code.
 */

/** Entries per cache (per isolate); the oldest are dropped first. Compiled code counts against the heap limit. */
export const MAX_CACHED = 1000;

const keys = new WeakMap<readonly string[], { readonly copy: readonly string[]; readonly key: string }>();

/**
 * An injective key for an expression list. Building it (JSON.stringify) costs ~0.6 µs, so it is
 * remembered per array instance and reused only while the array still holds the same strings.
 */
export function expressionsKey(expressions: readonly string[]): string {
  const known = keys.get(expressions);
  if (known && known.copy.length === expressions.length && known.copy.every((e, i) => e === expressions[i])) {
    return known.key;
  }
  const key = JSON.stringify(expressions);
  keys.set(expressions, { copy: [...expressions], key });
  return key;
}

/** Adds an entry, dropping the oldest when full. */
export function remember<E>(cache: Map<string, E>, key: string, entry: E, drop?: (entry: E) => void): E {
  if (cache.size >= MAX_CACHED) {
    const oldest = cache.keys().next();
    if (!oldest.done) {
      const old = cache.get(oldest.value);
      cache.delete(oldest.value);
      if (old !== undefined) drop?.(old);
    }
  }
  cache.set(key, entry);
  return entry;
}
