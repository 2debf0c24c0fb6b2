// The minimap's geometry, pure: one SVG path for every node and the rectangle in view, in flow
// coordinates. React Flow's MiniMap draws a component per node, each subscribed to the store, so
// on a 1,000-node flow every pan step ran a thousand selectors; one path costs one string.

export interface MiniMapNode {
  readonly position: { readonly x: number; readonly y: number };
  readonly measured?: { readonly width?: number; readonly height?: number };
  readonly width?: number;
  readonly height?: number;
  readonly initialWidth?: number;
  readonly initialHeight?: number;
  readonly hidden?: boolean;
}

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A node's size: measured when the browser has laid it out, else given, else estimated. */
export function sizeOf(n: MiniMapNode, fallback = { width: 180, height: 60 }): { width: number; height: number } {
  return {
    width: n.measured?.width ?? n.width ?? n.initialWidth ?? fallback.width,
    height: n.measured?.height ?? n.height ?? n.initialHeight ?? fallback.height,
  };
}

/** The box around every visible node, or undefined when there is none. */
export function boundsOf(nodes: readonly MiniMapNode[]): Box | undefined {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const n of nodes) {
    if (n.hidden) continue;
    const { width, height } = sizeOf(n);
    x0 = Math.min(x0, n.position.x);
    y0 = Math.min(y0, n.position.y);
    x1 = Math.max(x1, n.position.x + width);
    y1 = Math.max(y1, n.position.y + height);
  }
  return x0 === Infinity ? undefined : { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** Every visible node as one path (`M x,y h w v h h -w z` each) and the box around them all. */
export function nodesPath(nodes: readonly MiniMapNode[]): { d: string; bounds: Box | undefined; count: number } {
  let d = '';
  let count = 0;
  for (const n of nodes) {
    if (n.hidden) continue;
    const { width, height } = sizeOf(n);
    d += `M${r(n.position.x)},${r(n.position.y)}h${r(width)}v${r(height)}h${r(-width)}z`;
    count++;
  }
  return { d, count, bounds: boundsOf(nodes) };
}

const r = (v: number) => Math.round(v * 10) / 10;

/** The flow area in view, from React Flow's transform `[x, y, zoom]` and the pane's size. */
export function viewBox(transform: readonly [number, number, number], width: number, height: number): Box {
  const [tx, ty, zoom] = transform;
  return { x: -tx / zoom, y: -ty / zoom, width: width / zoom, height: height / zoom };
}

/** The smallest box holding both, with a margin: what the minimap shows. */
export function union(a: Box | undefined, b: Box, margin: number): Box {
  const x0 = Math.min(a?.x ?? b.x, b.x);
  const y0 = Math.min(a?.y ?? b.y, b.y);
  const x1 = Math.max(a ? a.x + a.width : b.x + b.width, b.x + b.width);
  const y1 = Math.max(a ? a.y + a.height : b.y + b.height, b.y + b.height);
  return { x: x0 - margin, y: y0 - margin, width: x1 - x0 + 2 * margin, height: y1 - y0 + 2 * margin };
}
