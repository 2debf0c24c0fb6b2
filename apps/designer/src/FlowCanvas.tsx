import { useMemo } from 'react';
import { Background, Controls, MiniMap, Position, ReactFlow, type Edge, type Node } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { Flow } from '@millrace/flow-model';
import { positions } from './layout.ts';

/** One flow version, read-only: nodes labelled with name and type, edges with their port. */
export function FlowCanvas({ flow }: { flow: Flow }) {
  const { nodes, edges } = useMemo(() => {
    const at = positions(flow);
    const nodes: Node[] = flow.nodes.map((n) => ({
      id: n.id,
      position: at.get(n.id) ?? { x: 0, y: 0 },
      sourcePosition: Position.Right,
      targetPosition: Position.Left,
      ariaLabel: `${n.name ?? n.id} (${n.type})`,
      className: n.disabled ? 'node disabled' : 'node',
      data: {
        label: (
          <div className="node-label">
            <strong>{n.name ?? n.id}</strong>
            <span className="node-type">{n.type}</span>
          </div>
        ),
      },
    }));
    const edges: Edge[] = flow.edges.map((e) => ({
      id: e.id,
      source: e.from.node,
      target: e.to.node,
      ...(e.from.port !== 'out' ? { label: e.from.port } : {}),
    }));
    return { nodes, edges };
  }, [flow]);

  return (
    <div className="canvas" data-testid="flow-canvas">
      {/* Uncontrolled, so React Flow keeps the measured sizes (fit view and minimap need them). */}
      <ReactFlow
        key={`${flow.id}@${flow.version}`}
        defaultNodes={nodes}
        defaultEdges={edges}
        fitView
        fitViewOptions={{ padding: 0.05 }}
        minZoom={0.1}
        nodesDraggable={false}
        nodesConnectable={false}
        edgesFocusable
        nodesFocusable
        aria-label={`Canvas of ${flow.name} ${flow.version}`}
      >
        <MiniMap pannable zoomable ariaLabel="Minimap of the flow" nodeColor="#64748b" nodeStrokeWidth={3} />
        <Controls showInteractive={false} />
        <Background />
      </ReactFlow>
    </div>
  );
}
