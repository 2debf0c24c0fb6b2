// What the canvas knows before the browser has laid a node out: its size and where its handles
// sit, from the same numbers EditorNode and editor.css use, and the viewport a flow opens on.
// React Flow renders every node that has no handle positions yet, to measure it, so a 1,000-node
// flow would be laid out in full before the first frame. With these estimates it renders only
// the nodes in view; a node that is rendered is then measured as usual and the estimate is gone.
import { Position, type NodeHandle } from '@xyflow/react';
import type { Catalog, CatalogNodeType, FlowNode } from '@millrace/flow-model';
import { outputPorts } from '@millrace/flow-model';

/** From the node's top to its first port; between two ports (EditorNode lays them out so). */
export const PORT_HEADER = 40;
export const PORT_SPACING = 20;
/** editor.css: `.react-flow__node-millrace { width: 180px; border: 1px }`, handles 10 px. */
export const NODE_WIDTH = 180;
const BORDER = 1;
const HANDLE = 10;

export interface NodeEstimate {
  readonly width: number;
  readonly height: number;
  readonly handles: NodeHandle[];
}

/** The i-th port's centre, from the top of the node's body. */
export const portTop = (i: number) => PORT_HEADER + i * PORT_SPACING;

/** A node's size and handle boxes (relative to the node's top left) as the browser will draw them. */
export function estimateNode(node: FlowNode, type: CatalogNodeType | undefined): NodeEstimate {
  const inputs = type?.inputs ?? [];
  const outputs = type ? outputPorts(node, type) : [];
  const rows = Math.max(inputs.length, outputs.length, 1);
  const box = (i: number) => ({ y: BORDER + portTop(i) - HANDLE / 2, width: HANDLE, height: HANDLE });
  return {
    width: NODE_WIDTH,
    height: PORT_HEADER + rows * PORT_SPACING + 2 * BORDER,
    handles: [
      ...inputs.map((p, i) => ({
        id: p.id,
        type: 'target' as const,
        position: Position.Left,
        x: BORDER - HANDLE / 2,
        ...box(i),
      })),
      ...outputs.map((p, i) => ({
        id: p.id,
        type: 'source' as const,
        position: Position.Right,
        x: NODE_WIDTH - BORDER - HANDLE / 2,
        ...box(i),
      })),
    ],
  };
}

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}
export interface Viewport {
  readonly x: number;
  readonly y: number;
  readonly zoom: number;
}

/** More nodes than this and the first view shows the flow's start only. */
export const BIG_FLOW = 150;
/** A big flow opens no smaller than this: readable, and only what is in view is rendered. */
export const BIG_FLOW_MIN_ZOOM = 0.6;
export const FIT_PADDING = 0.1;
export const FIT_MAX_ZOOM = 1;

/** The viewport that shows `bounds` in a `width` × `height` pane with a margin, zoom clamped. */
export function viewportFor(bounds: Rect, width: number, height: number, minZoom: number, maxZoom: number): Viewport {
  const w = Math.max(bounds.width, 1) * (1 + 2 * FIT_PADDING);
  const h = Math.max(bounds.height, 1) * (1 + 2 * FIT_PADDING);
  const zoom = Math.min(maxZoom, Math.max(minZoom, Math.min(width / w, height / h)));
  return {
    x: width / 2 - (bounds.x + bounds.width / 2) * zoom,
    y: height / 2 - (bounds.y + bounds.height / 2) * zoom,
    zoom,
  };
}

/**
 * Where a flow opens in a pane of this size: all of it, fitted, when it is small; its start
 * (the triggers, or the first node) at a readable zoom when it is big. Undefined for an empty
 * flow, which keeps React Flow's default (fitting to the first dropped node would jump).
 */
export function openingViewport(
  nodes: ReadonlyArray<{ id: string; type: string; position: { x: number; y: number } }>,
  sizeOf: (id: string) => { width: number; height: number },
  catalog: Catalog,
  pane: { width: number; height: number },
  minZoom: number,
): Viewport | undefined {
  if (nodes.length === 0) return undefined;
  let shown = nodes;
  let lowest = minZoom;
  if (nodes.length > BIG_FLOW) {
    const entries = new Set(catalog.nodes.filter((t) => t.entry).map((t) => t.type));
    const starts = nodes.filter((n) => entries.has(n.type)).slice(0, 3);
    shown = starts.length > 0 ? starts : nodes.slice(0, 1);
    lowest = BIG_FLOW_MIN_ZOOM;
  }
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const n of shown) {
    const s = sizeOf(n.id);
    x0 = Math.min(x0, n.position.x);
    y0 = Math.min(y0, n.position.y);
    x1 = Math.max(x1, n.position.x + s.width);
    y1 = Math.max(y1, n.position.y + s.height);
  }
  return viewportFor({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, pane.width, pane.height, lowest, FIT_MAX_ZOOM);
}
