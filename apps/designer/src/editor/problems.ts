// Where a validation problem points: the node (or edge) of the flow its JSON pointer names, and
// a short "where" for the problems panel.
import type { Flow, Problem } from '@millrace/flow-model';

export interface ProblemTarget {
  readonly nodeId?: string;
  readonly edgeId?: string;
}

const unescape = (s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~');

/**
 * The node a problem is about: its `nodeId` when the validator set it, else the node its pointer
 * names (`/nodes/3/config/x` → nodes[3], `/layout/map-1` → map-1); for an edge, the edge and the
 * node it leads to. `flow` is the flow that was validated (indexes are positions in it).
 */
export function problemTarget(problem: Problem, flow: Pick<Flow, 'nodes' | 'edges'>): ProblemTarget {
  if (problem.file !== undefined) return {};
  const parts = problem.pointer.split('/').slice(1).map(unescape);
  const [head, index] = parts;
  if (problem.nodeId !== undefined) return { nodeId: problem.nodeId };
  if (head === 'nodes' && index !== undefined && /^\d+$/.test(index)) {
    const node = flow.nodes[Number(index)];
    return node ? { nodeId: node.id } : {};
  }
  if (head === 'edges' && index !== undefined && /^\d+$/.test(index)) {
    const edge = flow.edges[Number(index)];
    if (!edge) return {};
    const nodeId = flow.nodes.some((n) => n.id === edge.to.node)
      ? edge.to.node
      : flow.nodes.some((n) => n.id === edge.from.node)
        ? edge.from.node
        : undefined;
    return { edgeId: edge.id, ...(nodeId !== undefined ? { nodeId } : {}) };
  }
  if (head === 'layout' && index !== undefined && flow.nodes.some((n) => n.id === index)) return { nodeId: index };
  return {};
}

/** Problems per node id (for the markers on the canvas). */
export function problemsByNode(
  problems: readonly Problem[],
  flow: Pick<Flow, 'nodes' | 'edges'>,
): Map<string, Problem[]> {
  const out = new Map<string, Problem[]>();
  for (const p of problems) {
    const { nodeId } = problemTarget(p, flow);
    if (nodeId === undefined) continue;
    const list = out.get(nodeId);
    if (list) list.push(p);
    else out.set(nodeId, [p]);
  }
  return out;
}

/** Where a problem is, in words: `node map-1 › config/source`, `edge e2`, `flow › settings/retry`. */
export function describeWhere(problem: Problem, flow: Pick<Flow, 'nodes' | 'edges'>): string {
  if (problem.file !== undefined) return `${problem.file} ${problem.pointer}`;
  const target = problemTarget(problem, flow);
  const parts = problem.pointer.split('/').slice(1).map(unescape);
  if (target.edgeId !== undefined) {
    const rest = parts.slice(2).join('/');
    return `edge ${target.edgeId}${rest ? ` › ${rest}` : ''}`;
  }
  if (target.nodeId !== undefined) {
    const rest = parts[0] === 'nodes' ? parts.slice(2).join('/') : '';
    return `node ${target.nodeId}${rest ? ` › ${rest}` : ''}`;
  }
  return parts.length === 0 ? 'flow' : `flow › ${parts.join('/')}`;
}
