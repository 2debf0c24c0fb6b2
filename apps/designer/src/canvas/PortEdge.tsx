import { memo } from 'react';
import { BaseEdge, getBezierPath, type EdgeProps } from '@xyflow/react';

/**
 * An edge labelled with the port it leaves (`valid`, `notFound`, `error`). React Flow's own edge
 * label measures its text (getBBox, a forced layout per label) before it can draw the label's
 * box; on a big flow that is most of an opening's layout time. This label needs no box: a white
 * halo (`paint-order: stroke`, canvas.css) keeps it readable over the lines it crosses.
 */
function PortEdgeView(props: EdgeProps) {
  const [path, labelX, labelY] = getBezierPath(props);
  return (
    <>
      <BaseEdge
        id={props.id}
        path={path}
        {...(props.markerEnd ? { markerEnd: props.markerEnd } : {})}
        {...(props.style ? { style: props.style } : {})}
        {...(props.interactionWidth !== undefined ? { interactionWidth: props.interactionWidth } : {})}
      />
      {props.label !== undefined && props.label !== null && (
        <text className="port-edge-label" x={labelX} y={labelY} textAnchor="middle" dominantBaseline="central">
          {props.label}
        </text>
      )}
    </>
  );
}

export const PortEdge = memo(PortEdgeView);

/** The edge type of an edge that leaves a port other than `out`. */
export const PORT_EDGE = 'port';
/** Stable across renders, as React Flow wants its edgeTypes. */
export const EDGE_TYPES = { [PORT_EDGE]: PortEdge };
