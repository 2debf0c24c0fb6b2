/**
 * A problem found in a document: where (a JSON pointer into the document that was checked) and
 * what, in plain words. `nodeId` is set when the problem belongs to one node of a flow, so the
 * designer can point at it.
 */
export interface Problem {
  readonly pointer: string;
  readonly message: string;
  readonly nodeId?: string;
  /** The file the pointer points into, when a check spans several files (a pack, a profile). */
  readonly file?: string;
}

export type Checked<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: readonly Problem[] };

/** Drops exact duplicates and orders problems by place, so output is stable across runs. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (const p of problems) {
    const key = `${p.file ?? ''}\u0000${p.pointer}\u0000${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out.sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') ||
      comparePointers(a.pointer, b.pointer) ||
      a.message.localeCompare(b.message),
  );
}

function comparePointers(a: string, b: string): number {
  const ta = a.split('/');
  const tb = b.split('/');
  for (let i = 0; i < Math.min(ta.length, tb.length); i++) {
    const x = ta[i] as string;
    const y = tb[i] as string;
    if (x === y) continue;
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) return nx - ny;
    return x < y ? -1 : 1;
  }
  return ta.length - tb.length;
}
