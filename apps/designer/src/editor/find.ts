// Finding a node by what the analyst remembers of it: its id or its name. Pure.
import type { FlowNode } from '@millrace/flow-model';

/**
 * The node matching `query` (case-insensitive, anywhere in the id or the name), in flow order.
 * An exact id wins. Given the node found last time (`after`), the next match, so pressing Enter
 * again walks through every match and wraps around.
 */
export function findNode(nodes: readonly FlowNode[], query: string, after?: string): string | undefined {
  const q = query.trim().toLowerCase();
  if (q === '') return undefined;
  const matches = nodes
    .filter((n) => n.id.toLowerCase().includes(q) || (n.name ?? '').toLowerCase().includes(q))
    .map((n) => n.id);
  if (matches.length === 0) return undefined;
  if (after === undefined || !matches.includes(after))
    return matches.find((id) => id.toLowerCase() === q) ?? matches[0];
  return matches[(matches.indexOf(after) + 1) % matches.length];
}
