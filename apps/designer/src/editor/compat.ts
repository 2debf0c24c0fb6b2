// Which connections the editor accepts, and in words why it refuses the others. Pure: the canvas
// asks it while the user drags a wire, and the unit tests ask it the same questions.
import {
  ERROR_PORT,
  findNodeType,
  outputPorts,
  type Catalog,
  type CatalogPort,
  type Flow,
  type FlowNode,
} from '@millrace/flow-model';

/** A wire being dropped: React Flow's Connection (handles are port ids). */
export interface Attempt {
  readonly source: string | null;
  readonly sourceHandle?: string | null;
  readonly target: string | null;
  readonly targetHandle?: string | null;
}

export interface PortRef {
  readonly node: string;
  readonly port: string;
}

export type Verdict =
  { readonly ok: true; readonly from: PortRef; readonly to: PortRef } | { readonly ok: false; readonly reason: string };

const label = (n: FlowNode) => (n.name ? `${n.name} (${n.id})` : n.id);

/** The canonical reference a port declares, if any: inline schemas and untyped ports match anything. */
export function portRef(port: CatalogPort): string | undefined {
  return typeof port.schema === 'string' ? port.schema : undefined;
}

/** Whether data leaving `out` may enter `into`: equal canonical references, or either side untyped. */
export function schemasCompatible(out: CatalogPort, into: CatalogPort): boolean {
  const a = portRef(out);
  const b = portRef(into);
  return a === undefined || b === undefined || a === b;
}

/**
 * Checks one connection against the flow and the catalog: both ends exist, no self-loop, from an
 * output port to an input port, not already there, and schemas that fit.
 */
export function checkConnection(
  flow: Pick<Flow, 'nodes' | 'edges'>,
  catalog: Catalog,
  attempt: Attempt,
  nodeById?: ReadonlyMap<string, FlowNode>,
): Verdict {
  const { source, target } = attempt;
  if (!source || !target) return { ok: false, reason: 'drop the wire on a port of another node' };
  const find = (id: string) => nodeById?.get(id) ?? flow.nodes.find((n) => n.id === id);
  const from = find(source);
  const to = find(target);
  if (!from || !to) return { ok: false, reason: 'that node is not in this flow' };
  if (from.id === to.id) return { ok: false, reason: `a node cannot be connected to itself (${label(from)})` };
  const fromType = findNodeType(catalog, from.type, from.version);
  const toType = findNodeType(catalog, to.type, to.version);
  if (!fromType) return { ok: false, reason: `${label(from)} has type ${from.type} v${from.version}, unknown here` };
  if (!toType) return { ok: false, reason: `${label(to)} has type ${to.type} v${to.version}, unknown here` };

  const outs = outputPorts(from, fromType);
  const out = attempt.sourceHandle ? outs.find((p) => p.id === attempt.sourceHandle) : outs[0];
  if (!out) {
    return {
      ok: false,
      reason: fromType.inputs.some((p) => p.id === attempt.sourceHandle)
        ? `connect from an output port to an input port ("${attempt.sourceHandle}" of ${label(from)} is an input)`
        : `${label(from)} has no output port "${attempt.sourceHandle ?? ''}"`,
    };
  }
  if (toType.inputs.length === 0)
    return { ok: false, reason: `${label(to)} takes no input: a ${to.type} starts a flow` };
  const into = attempt.targetHandle ? toType.inputs.find((p) => p.id === attempt.targetHandle) : toType.inputs[0];
  if (!into) {
    return {
      ok: false,
      reason: outputPorts(to, toType).some((p) => p.id === attempt.targetHandle)
        ? `connect an output port to an input port ("${attempt.targetHandle}" of ${label(to)} is an output)`
        : `${label(to)} has no input port "${attempt.targetHandle ?? ''}"`,
    };
  }
  if (
    flow.edges.some(
      (e) => e.from.node === from.id && e.from.port === out.id && e.to.node === to.id && e.to.port === into.id,
    )
  )
    return { ok: false, reason: `${label(from)} "${out.id}" is connected to ${label(to)} "${into.id}" already` };
  if (out.id !== ERROR_PORT && !schemasCompatible(out, into)) {
    return {
      ok: false,
      reason: `${label(from)} "${out.id}" sends ${portRef(out)}, but ${label(to)} "${into.id}" expects ${portRef(into)}`,
    };
  }
  return { ok: true, from: { node: from.id, port: out.id }, to: { node: to.id, port: into.id } };
}
