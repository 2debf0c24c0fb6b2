import type { Catalog, Flow, FlowNode, Problem } from '@millrace/flow-model';
import { findNodeType } from '@millrace/flow-model';

export interface InspectorProps {
  flow: Flow;
  nodeId: string;
  catalog: Catalog;
  problems: readonly Problem[];
  readOnly: boolean;
  onChange(next: FlowNode): void;
}

// UNFINISHED: minimal first version so the editor compiles against the final props; the generated
// config form and Monaco editors follow.
export function Inspector(props: InspectorProps) {
  const node = props.flow.nodes.find((n) => n.id === props.nodeId);
  if (!node) return <p role="alert">No node {props.nodeId} in this flow.</p>;
  const type = findNodeType(props.catalog, node.type, node.version);
  const mine = props.problems.filter((p) => p.nodeId === node.id);
  return (
    <section aria-label={`Inspector of ${node.id}`} className="inspector">
      <h2>{node.name ?? node.id}</h2>
      <p>
        {node.type} v{node.version}
        {type ? ` — ${type.description}` : ''}
      </p>
      <label>
        Name
        <input
          value={node.name ?? ''}
          readOnly={props.readOnly}
          onChange={(e) => props.onChange({ ...node, name: e.target.value || undefined })}
        />
      </label>
      {mine.length > 0 && (
        <ul role="alert" aria-label="Problems of this node">
          {mine.map((p) => (
            <li key={`${p.pointer}:${p.message}`}>{p.message}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
