import { memo, useMemo } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { outputPorts, type CatalogPort } from '@millrace/flow-model';
import { formatMs, type NodeOverlay } from '../FlowCanvas.tsx';
import { PORT_HEADER, PORT_SPACING, portTop } from './estimate.ts';
import { problemsId, type EditorNode } from './rf-sync.ts';

function badgeText(o: NodeOverlay): string {
  const parts = [o.status, `${o.attempts} ${o.attempts === 1 ? 'attempt' : 'attempts'}`];
  if (o.durationMs !== null) parts.push(formatMs(o.durationMs));
  return parts.join(' · ');
}

function portTitle(p: CatalogPort, side: 'input' | 'output'): string {
  const schema = typeof p.schema === 'string' ? `, ${p.schema}` : '';
  return `${side} port ${p.label}${p.label !== p.id ? ` (${p.id})` : ''}${schema}`;
}

/**
 * One node on the editor's canvas: name and type, a labelled handle per port (inputs left,
 * outputs right: static, config-named and the error port), a problem marker, a run badge.
 * Memoized: React Flow hands it the same data object while the node is unchanged.
 */
function EditorNodeView({ data, id }: NodeProps<EditorNode>) {
  const { node, nodeType, problems, overlay, readOnly } = data;
  const inputs = nodeType?.inputs ?? [];
  const outputs = useMemo(() => (nodeType ? outputPorts(node, nodeType) : []), [node, nodeType]);
  const rows = Math.max(inputs.length, outputs.length, 1);
  return (
    <div className="editor-node-body" style={{ minHeight: PORT_HEADER + rows * PORT_SPACING }}>
      <div className="editor-node-title">
        <strong>{node.name || node.id}</strong>
        {problems !== undefined && (
          <span className="node-problem-marker" title={problems} aria-hidden="true">
            ⚠ {problems.split('\n').length}
          </span>
        )}
      </div>
      <span className="node-type">
        {node.type}
        {node.name ? ` · ${node.id}` : ''}
        {nodeType ? '' : ' (unknown type)'}
      </span>
      {problems !== undefined && (
        <span id={problemsId(id)} className="visually-hidden">
          Problems: {problems}
        </span>
      )}
      {overlay && (
        <span className={overlay.failed ? 'node-badge failed' : 'node-badge'} data-testid={`badge-${node.id}`}>
          {overlay.failed ? '⚠ ' : ''}
          {badgeText(overlay)}
        </span>
      )}
      {inputs.map((p, i) => (
        <div key={`in:${p.id}`}>
          <Handle
            type="target"
            id={p.id}
            position={Position.Left}
            isConnectable={!readOnly}
            style={{ top: portTop(i) }}
            aria-label={`${node.id} ${portTitle(p, 'input')}`}
            title={portTitle(p, 'input')}
            data-testid={`handle-${node.id}-in-${p.id}`}
          />
          <span className="port-label in" style={{ top: portTop(i) }}>
            {p.label}
          </span>
        </div>
      ))}
      {outputs.map((p, i) => (
        <div key={`out:${p.id}`}>
          <Handle
            type="source"
            id={p.id}
            position={Position.Right}
            isConnectable={!readOnly}
            style={{ top: portTop(i) }}
            className={p.id === 'error' ? 'error-port' : undefined}
            aria-label={`${node.id} ${portTitle(p, 'output')}`}
            title={portTitle(p, 'output')}
            data-testid={`handle-${node.id}-out-${p.id}`}
          />
          <span className="port-label out" style={{ top: portTop(i) }}>
            {p.label}
          </span>
        </div>
      ))}
    </div>
  );
}

export const EditorNodeComponent = memo(EditorNodeView);

/** Stable across renders, as React Flow wants its nodeTypes. */
export const NODE_TYPES = { millrace: EditorNodeComponent };
