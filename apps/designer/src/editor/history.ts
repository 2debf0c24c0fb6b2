// Undo and redo over immutable snapshots (the flow, layout included). Pure, so it is unit-tested.

export interface History<T> {
  readonly past: readonly T[];
  readonly present: T;
  readonly future: readonly T[];
  /** What the last change was, so a burst of the same change (typing, arrow moves) is one step. */
  readonly lastKey?: string;
  readonly lastAt?: number;
}

export const HISTORY_LIMIT = 200;
/** Changes with the same key closer together than this are merged into one undo step. */
export const COALESCE_MS = 1000;

export function createHistory<T>(present: T): History<T> {
  return { past: [], present, future: [] };
}

export interface PushOptions {
  /** Changes with the same key within COALESCE_MS replace the last step instead of adding one. */
  readonly key?: string;
  readonly now?: number;
  readonly limit?: number;
}

/** Records `next` as the present; a change clears what could be redone. Same value: no step. */
export function push<T>(h: History<T>, next: T, options: PushOptions = {}): History<T> {
  if (next === h.present) return h;
  const now = options.now ?? Date.now();
  const merge =
    options.key !== undefined &&
    options.key === h.lastKey &&
    h.lastAt !== undefined &&
    now - h.lastAt < COALESCE_MS &&
    h.future.length === 0;
  const limit = options.limit ?? HISTORY_LIMIT;
  const past = merge ? h.past : [...h.past, h.present].slice(-limit);
  return {
    past,
    present: next,
    future: [],
    ...(options.key !== undefined ? { lastKey: options.key, lastAt: now } : {}),
  };
}

export function undo<T>(h: History<T>): History<T> {
  if (h.past.length === 0) return h;
  return { past: h.past.slice(0, -1), present: h.past[h.past.length - 1]!, future: [h.present, ...h.future] };
}

export function redo<T>(h: History<T>): History<T> {
  if (h.future.length === 0) return h;
  return { past: [...h.past, h.present], present: h.future[0]!, future: h.future.slice(1) };
}

export const canUndo = (h: History<unknown>) => h.past.length > 0;
export const canRedo = (h: History<unknown>) => h.future.length > 0;
