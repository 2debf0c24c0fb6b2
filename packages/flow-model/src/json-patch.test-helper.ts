import { parsePointer } from '@millrace/schema';

export type PatchOp =
  | { op: 'add'; path: string; value: unknown }
  | { op: 'replace'; path: string; value: unknown }
  | { op: 'remove'; path: string };

/** The add/replace/remove subset of RFC 6902 JSON Patch, on a copy. Fixtures are written in it. */
export function applyPatch<T>(doc: T, ops: readonly PatchOp[]): T {
  const out = structuredClone(doc) as unknown;
  for (const op of ops) {
    const tokens = parsePointer(op.path);
    const last = tokens.pop()!;
    let parent = out as Record<string, unknown> | unknown[];
    for (const t of tokens) {
      const next = (parent as Record<string, unknown>)[t];
      if (next === null || typeof next !== 'object') throw new Error(`patch path ${op.path} does not exist`);
      parent = next as Record<string, unknown>;
    }
    if (Array.isArray(parent)) {
      const index = last === '-' ? parent.length : Number(last);
      if (op.op === 'add') parent.splice(index, 0, op.value);
      else if (op.op === 'replace') parent[index] = op.value;
      else parent.splice(index, 1);
    } else {
      if (op.op === 'remove') {
        if (!(last in parent)) throw new Error(`patch path ${op.path} does not exist`);
        delete parent[last];
      } else parent[last] = op.value;
    }
  }
  return out as T;
}
