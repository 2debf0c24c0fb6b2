// Pure edits of a flow's header (name, owner, connection slots, params, settings): each returns a
// new flow and drops what became empty, so a cleared field leaves no `{}` or `""` in the file.
import type { Flow } from '@millrace/flow-model';

type Json = unknown;

const isEmpty = (v: Json) =>
  v === undefined ||
  v === '' ||
  (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);

/**
 * The flow with the value at `path` (property names from the root) set, or removed when
 * `value` is undefined or empty; parents left empty by a removal go too.
 */
export function setAt(flow: Flow, path: readonly string[], value: Json): Flow {
  return setIn(flow as unknown as Record<string, Json>, path, value) as unknown as Flow;
}

function setIn(obj: Record<string, Json>, path: readonly string[], value: Json): Record<string, Json> {
  const [head, ...rest] = path;
  if (head === undefined) return obj;
  const next: Record<string, Json> = { ...obj };
  const child = rest.length === 0 ? value : setIn((obj[head] as Record<string, Json> | undefined) ?? {}, rest, value);
  if (isEmpty(child)) delete next[head];
  else next[head] = child;
  return next;
}

/**
 * A record with one key renamed in place (the order of keys is the order on screen and in the
 * file); undefined when the new name is taken by another entry.
 */
export function renameKey<T>(
  record: Readonly<Record<string, T>>,
  from: string,
  to: string,
): Record<string, T> | undefined {
  if (from === to) return { ...record };
  if (Object.hasOwn(record, to)) return undefined;
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k === from ? to : k, v]));
}

/** The first name `<base>`, `<base>2`, `<base>3`… that the record does not use yet. */
export function freeName(record: Readonly<Record<string, unknown>> | undefined, base: string): string {
  const used = new Set(Object.keys(record ?? {}));
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) if (!used.has(`${base}${i}`)) return `${base}${i}`;
}

/** Connection slot names the nodes use that the flow does not declare (a slot to add). */
export function undeclaredSlots(flow: Flow): string[] {
  const declared = new Set(Object.keys(flow.connections ?? {}));
  return [...new Set(flow.nodes.map((n) => n.connection).filter((c): c is string => !!c && !declared.has(c)))];
}

/** How many nodes use each connection slot. */
export function slotUsage(flow: Flow): Map<string, number> {
  const used = new Map<string, number>();
  for (const n of flow.nodes) if (n.connection) used.set(n.connection, (used.get(n.connection) ?? 0) + 1);
  return used;
}

/** A slot renamed in the flow's declaration and in every node that uses it. */
export function renameSlot(flow: Flow, from: string, to: string): Flow | undefined {
  const connections = renameKey(flow.connections ?? {}, from, to);
  if (!connections) return undefined;
  return {
    ...flow,
    connections,
    nodes: flow.nodes.map((n) => (n.connection === from ? { ...n, connection: to } : n)),
  };
}

/** The problems (JSON pointers) that belong to the flow's header rather than to a node or edge. */
export function isHeaderPointer(pointer: string): boolean {
  return !/^\/(nodes|edges|layout)(\/|$)/.test(pointer);
}
