import type { NodeState } from '@millrace/node-sdk';

/**
 * Node state in memory, with the store's expiry semantics (`ttlMs` from `now`), for runNode.
 * Values are kept as JSON text so a test sees what a real store would give back.
 */
export function memoryNodeState(now: () => Date = () => new Date()): NodeState {
  const entries = new Map<string, { text: string; expiresAt: number | null }>();
  const live = (key: string) => {
    const e = entries.get(key);
    return e && (e.expiresAt === null || e.expiresAt > now().getTime()) ? e : undefined;
  };
  const expiry = (ttlMs: number | undefined) => (ttlMs === undefined ? null : now().getTime() + ttlMs);
  return {
    get(key) {
      const e = live(key);
      return Promise.resolve(e ? (JSON.parse(e.text) as unknown) : undefined);
    },
    put(key, value, options) {
      entries.set(key, { text: JSON.stringify(value), expiresAt: expiry(options?.ttlMs) });
      return Promise.resolve();
    },
    claim(key, value, options) {
      const held = live(key);
      if (held) return Promise.resolve({ claimed: false, value: JSON.parse(held.text) as unknown });
      const text = JSON.stringify(value);
      entries.set(key, { text, expiresAt: expiry(options?.ttlMs) });
      return Promise.resolve({ claimed: true, value: JSON.parse(text) as unknown });
    },
    delete(key) {
      entries.delete(key);
      return Promise.resolve();
    },
  };
}
