import type { Problem } from '@millrace/schema';

/** Sets `nodeId` on problems under `/nodes/<i>`, so the editor can point at the node. */
export function withNodeIds(problems: readonly Problem[], doc: unknown): Problem[] {
  const nodes = (doc as { nodes?: unknown } | null)?.nodes;
  if (!Array.isArray(nodes)) return [...problems];
  return problems.map((p) => {
    if (p.nodeId !== undefined) return p;
    const m = /^\/nodes\/(\d+)(\/|$)/.exec(p.pointer);
    const id = m ? (nodes[Number(m[1])] as { id?: unknown } | undefined)?.id : undefined;
    return typeof id === 'string' ? { ...p, nodeId: id } : p;
  });
}
