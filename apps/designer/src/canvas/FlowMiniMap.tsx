import { memo, useMemo, useRef, type PointerEvent, type WheelEvent } from 'react';
import { Panel, useReactFlow, useStore, type ReactFlowState } from '@xyflow/react';
import { nodesPath, union, viewBox } from './minimap.ts';

const WIDTH = 200;
const HEIGHT = 150;
/** Flow units of margin around what the minimap shows, as a share of its larger side. */
const MARGIN = 0.05;

const selectNodes = (s: ReactFlowState) => s.nodes;
// One string, so the component re-renders only when the view really changed.
const selectView = (s: ReactFlowState) =>
  `${s.transform[0]} ${s.transform[1]} ${s.transform[2]} ${s.width} ${s.height}`;

/**
 * The flow in small, with the part in view outlined; click or drag in it to move the view there,
 * turn the wheel over it to zoom. All nodes are one path (see minimap.ts for why).
 */
function FlowMiniMapView({ label }: { label: string }) {
  const nodes = useStore(selectNodes);
  const view = useStore(selectView);
  const rf = useReactFlow();
  const svg = useRef<SVGSVGElement>(null);
  const drawn = useMemo(() => nodesPath(nodes), [nodes]);
  const [tx, ty, zoom, paneWidth, paneHeight] = view.split(' ').map(Number) as [number, number, number, number, number];
  const inView = viewBox([tx, ty, zoom], paneWidth, paneHeight);
  const margin = MARGIN * Math.max(drawn.bounds?.width ?? inView.width, drawn.bounds?.height ?? inView.height);
  const shown = union(drawn.bounds, inView, margin);
  // The outline keeps about one pixel on screen whatever the scale.
  const unit = Math.max(shown.width / WIDTH, shown.height / HEIGHT);

  const centreAt = (e: PointerEvent<SVGSVGElement>) => {
    const m = svg.current?.getScreenCTM();
    if (!m) return;
    const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(m.inverse());
    void rf.setCenter(p.x, p.y, { zoom: rf.getZoom() });
  };
  const onPointerDown = (e: PointerEvent<SVGSVGElement>) => {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    centreAt(e);
  };
  const onPointerMove = (e: PointerEvent<SVGSVGElement>) => {
    if (e.currentTarget.hasPointerCapture(e.pointerId)) centreAt(e);
  };
  const onWheel = (e: WheelEvent<SVGSVGElement>) => {
    void rf.zoomTo(rf.getZoom() * (e.deltaY < 0 ? 1.2 : 1 / 1.2));
  };

  return (
    <Panel position="bottom-right" className="flow-minimap">
      <svg
        ref={svg}
        width={WIDTH}
        height={HEIGHT}
        viewBox={`${shown.x} ${shown.y} ${shown.width} ${shown.height}`}
        role="img"
        aria-label={label}
        data-nodes={drawn.count}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onWheel={onWheel}
      >
        <path className="flow-minimap-nodes" d={drawn.d} />
        <rect
          className="flow-minimap-view"
          x={inView.x}
          y={inView.y}
          width={inView.width}
          height={inView.height}
          strokeWidth={unit * 1.5}
        />
      </svg>
    </Panel>
  );
}

export const FlowMiniMap = memo(FlowMiniMapView);
