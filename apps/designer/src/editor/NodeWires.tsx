import { memo, useMemo, useState, type FormEvent } from 'react';
import { findNodeType, outputPorts, type Catalog, type Flow, type FlowNode } from '@millrace/flow-model';
import { checkConnection, type PortRef } from './compat.ts';

/**
 * The selected node's wires, for the keyboard: each one with a Remove button, and a form that
 * connects one of its output ports to an input of another node (the same rules as on the canvas).
 */
function NodeWiresView({
  flow,
  catalog,
  node,
  readOnly,
  onConnect,
  onRemove,
}: {
  flow: Flow;
  catalog: Catalog;
  node: FlowNode;
  readOnly: boolean;
  onConnect(from: PortRef, to: PortRef): void;
  onRemove(edgeId: string): void;
}) {
  const type = findNodeType(catalog, node.type, node.version);
  const outs = useMemo(() => (type ? outputPorts(node, type) : []), [node, type]);
  const targets = useMemo(
    () =>
      flow.nodes.flatMap((n) =>
        n.id === node.id
          ? []
          : (findNodeType(catalog, n.type, n.version)?.inputs ?? []).map((p) => ({
              value: `${n.id}\u0000${p.id}`,
              label: `${n.name ?? n.id} · ${p.label}`,
            })),
      ),
    [flow.nodes, catalog, node.id],
  );
  const [port, setPort] = useState('');
  const [target, setTarget] = useState('');
  const [refusal, setRefusal] = useState<string>();
  const wires = flow.edges.filter((e) => e.from.node === node.id || e.to.node === node.id);
  const from = port || outs[0]?.id || '';
  const to = target || targets[0]?.value || '';

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const [toNode = '', toPort = ''] = to.split('\u0000');
    const verdict = checkConnection(flow, catalog, {
      source: node.id,
      sourceHandle: from,
      target: toNode,
      targetHandle: toPort,
    });
    if (!verdict.ok) return setRefusal(verdict.reason);
    setRefusal(undefined);
    onConnect(verdict.from, verdict.to);
  };

  return (
    <section className="node-wires" aria-labelledby="wires-title">
      <h3 id="wires-title">Wires of {node.id}</h3>
      {wires.length === 0 ? (
        <p className="hint">No wire yet.</p>
      ) : (
        <ul>
          {wires.map((e) => {
            const text =
              e.from.node === node.id
                ? `${e.from.port} → ${e.to.node} ${e.to.port}`
                : `${e.from.node} ${e.from.port} → ${e.to.port}`;
            return (
              <li key={e.id}>
                {text}{' '}
                {!readOnly && (
                  <button type="button" onClick={() => onRemove(e.id)} aria-label={`Remove wire ${e.id}: ${text}`}>
                    Remove
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {!readOnly && outs.length > 0 && targets.length > 0 && (
        <form onSubmit={submit} aria-label={`Connect ${node.id}`}>
          <label>
            From port
            <select value={from} onChange={(e) => setPort(e.target.value)}>
              {outs.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label}
                </option>
              ))}
            </select>
          </label>
          <label>
            To
            <select value={to} onChange={(e) => setTarget(e.target.value)}>
              {targets.map((t) => (
                <option key={t.value} value={t.value}>
                  {t.label}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">Connect</button>
          {refusal && <p role="alert">Not connected: {refusal}.</p>}
        </form>
      )}
    </section>
  );
}

export const NodeWires = memo(NodeWiresView);
