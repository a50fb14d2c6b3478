import type { Point, SpanSink } from './zero-line';

/**
 * Dashed thin lines as spice-common draws them for a styled DRAW_STROKE: mi's zero-width dash
 * code delegates to the wide-line dasher with a line width of 1 (miZeroDashLine → miWideDash),
 * so each dash is a 1-pixel-wide polygon scan-converted by mi's polygon filler, with on/off
 * dashes (LineOnOffDash), CapNotLast and miter joins between dashes that continue across a
 * vertex.
 *
 * Dashes are `dash` lengths in pixels (0-255, spice-common keeps them in bytes), on first;
 * `dashOffset` steps into the pattern before the line starts. Only "on" dashes are drawn.
 *
 * With a ROP that is not idempotent (XOR and the like: miSpansCarefulRop) and three or more
 * points, every span is collected and merged so each pixel is painted once; otherwise each dash
 * and join is painted as it is made (and overlaps are painted twice), as in mi.
 *
 * The geometry is double precision, as in mi. The segment length is sqrt(dx² + dy²), correctly
 * rounded; mi calls libm's hypot there, whose last bit varies with the C library and the CPU
 * (glibc 2.36 picks an FMA version at run time), so spice-gtk itself is not the same everywhere
 * on the rare dash that ends exactly on a pixel boundary.
 */
export function dashedPolyline(
  points: readonly Point[],
  dash: readonly number[],
  dashOffset: number,
  rop: number,
  sink: SpanSink,
  visible: Bounds = EVERYWHERE,
): void {
  const npt = points.length;
  if (npt === 0) return;
  bounds = visible;
  const careful = (rop & 0xc) === 0x8 || (rop & 0x3) === 0x2;
  const group: SpanGroup | null = npt >= 3 && careful ? { spans: [], ymin: Infinity, ymax: -Infinity } : null;
  const state: DashState = { index: 0, offset: 0 };
  stepDash(dashOffset, state, dash);
  // A closed polyline joins its last dash to its first one.
  const selfJoin = points[0].x === points[npt - 1].x && points[0].y === points[npt - 1].y;
  let first = true;
  let prevIsFg = false;
  let firstIsFg = false;
  let firstFace: LineFace | null = null;
  let prevRight: LineFace | null = null;
  let endIsFg = false;
  let x2 = points[0].x;
  let y2 = points[0].y;
  for (let k = 1; k < npt; k++) {
    const x1 = x2;
    const y1 = y2;
    x2 = points[k].x;
    y2 = points[k].y;
    if (x1 !== x2 || y1 !== y2) {
      const prevIndex = state.index;
      const faces = dashSegment(state, dash, x1, y1, x2, y2, group, sink);
      const startIsFg = (prevIndex & 1) === 0;
      endIsFg = ((state.index & 1) ^ (state.offset !== 0 ? 1 : 0)) === 1;
      if (startIsFg) {
        if (first || !prevIsFg) {
          if (first && selfJoin) {
            firstFace = faces.left;
            firstIsFg = true;
          }
        } else if (prevRight) {
          lineJoin(group, sink, faces.left, prevRight);
        }
      }
      prevRight = faces.right;
      prevIsFg = endIsFg;
      first = false;
    }
    if (k === npt - 1 && !first && endIsFg && selfJoin && firstIsFg && firstFace && prevRight) {
      lineJoin(group, sink, firstFace, prevRight);
    }
  }
  if (group) fillUniqueSpanGroup(group, sink);
}

/**
 * Where spans can be seen. Polygons (dashes, joins) wholly outside are not scan-converted: mi
 * builds them all, but whatever they would paint is clipped away, and skipping them keeps a
 * line that runs far off the surface cheap. Pixels inside come out the same.
 */
export interface Bounds {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

const EVERYWHERE: Bounds = { left: -Infinity, top: -Infinity, right: Infinity, bottom: Infinity };
let bounds: Bounds = EVERYWHERE;

/** Whether a polygon of these vertices around (xi, yi) may reach the visible bounds. */
function mayBeVisible(vertices: readonly Vertex[], count: number, xi: number, yi: number): boolean {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < count; i++) {
    minX = Math.min(minX, vertices[i].x);
    maxX = Math.max(maxX, vertices[i].x);
    minY = Math.min(minY, vertices[i].y);
    maxY = Math.max(maxY, vertices[i].y);
  }
  // One pixel of margin covers the rounding of the scan conversion.
  return xi + maxX + 1 >= bounds.left && xi + minX - 1 < bounds.right && yi + maxY + 1 >= bounds.top && yi + minY - 1 < bounds.bottom;
}

// ---------------------------------------------------------------------------------------------
// Dash pattern stepping

interface DashState {
  index: number;
  offset: number;
}

/** miStepDash: advance `dist` pixels along the pattern. */
function stepDash(distance: number, state: DashState, dash: readonly number[]): void {
  let dist = distance;
  let { index } = state;
  const { offset } = state;
  if (dist < dash[index] - offset) {
    state.offset = offset + dist;
    return;
  }
  dist -= dash[index] - offset;
  if (++index === dash.length) index = 0;
  let total = 0;
  for (const d of dash) total += d;
  if (total > 0 && total <= dist) dist %= total;
  while (dist >= dash[index]) {
    dist -= dash[index];
    if (++index === dash.length) index = 0;
  }
  state.index = index;
  state.offset = dist;
}

// ---------------------------------------------------------------------------------------------
// Polygons

interface Vertex {
  x: number;
  y: number;
}

interface Slope {
  dx: number;
  dy: number;
  /** x0·dy − y0·dx of a point on the edge. */
  k: number;
}

interface Edge {
  height: number;
  x: number;
  stepx: number;
  signdx: number;
  e: number;
  dy: number;
  dx: number;
}

interface LineFace {
  xa: number;
  ya: number;
  dx: number;
  dy: number;
  x: number;
  y: number;
  k: number;
}

const V_TOP = 0;
const V_RIGHT = 1;
const V_BOTTOM = 2;
const V_LEFT = 3;

/** ICEIL: ceiling through a C (int) cast. */
function iceil(x: number): number {
  const t = Math.trunc(x) | 0;
  return x === t || x < 0 ? t : t + 1;
}

/** C's truncating integer division. */
function idiv(a: number, b: number): number {
  return Math.trunc(a / b);
}

/** miPolyBuildEdge: a Bresenham edge for the polygon filler; returns its first scanline. */
function buildEdge(y0: number, kIn: number, dxIn: number, dyIn: number, xi: number, yi: number, left: number, edge: Edge): number {
  let dx = dxIn;
  let dy = dyIn;
  let k = kIn;
  if (dy < 0) {
    dy = -dy;
    dx = -dx;
    k = -k;
  }
  const y = iceil(y0);
  const xady = (iceil(k) + y * dx) | 0;
  const x = xady <= 0 ? -idiv(-xady, dy) - 1 : idiv(xady - 1, dy);
  let e = xady - x * dy;
  if (dx >= 0) {
    edge.signdx = 1;
    edge.stepx = idiv(dx, dy);
    edge.dx = dx % dy;
  } else {
    edge.signdx = -1;
    edge.stepx = -idiv(-dx, dy);
    edge.dx = -dx % dy;
    e = dy - e + 1;
  }
  edge.dy = dy;
  edge.x = x + left + xi;
  edge.e = e - dy;
  return y + yi;
}

function stepAround(v: number, incr: number, max: number): number {
  return v + incr < 0 ? max - 1 : v + incr === max ? 0 : v + incr;
}

function newEdges(): Edge[] {
  return Array.from({ length: 4 }, () => ({ height: 0, x: 0, stepx: 0, signdx: 0, e: 0, dy: 0, dx: 0 }));
}

interface Poly {
  top: number;
  height: number;
  left: Edge[];
  right: Edge[];
  nleft: number;
  nright: number;
}

/** miPolyBuildPoly: left and right edge chains of a convex polygon around (xi, yi). */
function buildPoly(vertices: Vertex[], slopes: Slope[], count: number, xi: number, yi: number): Poly {
  const left = newEdges();
  const right = newEdges();
  let miny = vertices[0].y;
  let maxy = miny;
  let top = 0;
  let bottom = 0;
  for (let i = 1; i < count; i++) {
    if (vertices[i].y < miny) {
      top = i;
      miny = vertices[i].y;
    }
    if (vertices[i].y >= maxy) {
      bottom = i;
      maxy = vertices[i].y;
    }
  }
  let clockwise = 1;
  let slopeoff = 0;
  const j0 = stepAround(top, -1, count);
  if (slopes[j0].dy * slopes[top].dx > slopes[top].dy * slopes[j0].dx) {
    clockwise = -1;
    slopeoff = -1;
  }
  const bottomy = iceil(maxy) + yi;
  let nright = 0;
  let lasty = 0;
  let topy = 0;
  let s = stepAround(top, slopeoff, count);
  let i = top;
  while (i !== bottom) {
    if (slopes[s].dy !== 0) {
      const y = buildEdge(vertices[i].y, slopes[s].k, slopes[s].dx, slopes[s].dy, xi, yi, 0, right[nright]);
      if (nright !== 0) right[nright - 1].height = y - lasty;
      else topy = y;
      nright++;
      lasty = y;
    }
    i = stepAround(i, clockwise, count);
    s = stepAround(s, clockwise, count);
  }
  if (nright !== 0) right[nright - 1].height = bottomy - lasty;

  slopeoff = slopeoff === 0 ? -1 : 0;
  let nleft = 0;
  s = stepAround(top, slopeoff, count);
  i = top;
  while (i !== bottom) {
    if (slopes[s].dy !== 0) {
      const y = buildEdge(vertices[i].y, slopes[s].k, slopes[s].dx, slopes[s].dy, xi, yi, 1, left[nleft]);
      if (nleft !== 0) left[nleft - 1].height = y - lasty;
      nleft++;
      lasty = y;
    }
    i = stepAround(i, -clockwise, count);
    s = stepAround(s, -clockwise, count);
  }
  if (nleft !== 0) left[nleft - 1].height = bottomy - lasty;
  return { top: topy, height: bottomy - topy, left, right, nleft, nright };
}

/** miFillPolyHelper: the polygon's spans, painted now or collected in the group. */
function fillPoly(poly: Poly, group: SpanGroup | null, sink: SpanSink): void {
  const overall = Math.max(poly.height, 0);
  const xs = new Int32Array(overall);
  const ys = new Int32Array(overall);
  const ws = new Int32Array(overall);
  let count = 0;
  let y = poly.top;
  let li = 0;
  let ri = 0;
  let leftCount = poly.nleft;
  let rightCount = poly.nright;
  let leftHeight = 0;
  let rightHeight = 0;
  let lx = 0;
  let le = 0;
  let lstep = 0;
  let lsign = 0;
  let ldy = 0;
  let ldx = 0;
  let rx = 0;
  let re = 0;
  let rstep = 0;
  let rsign = 0;
  let rdy = 0;
  let rdx = 0;
  while ((leftCount || leftHeight) && (rightCount || rightHeight)) {
    if (!leftHeight && leftCount) {
      const l = poly.left[li++];
      leftHeight = l.height;
      lx = l.x;
      lstep = l.stepx;
      lsign = l.signdx;
      le = l.e;
      ldy = l.dy;
      ldx = l.dx;
      leftCount--;
    }
    if (!rightHeight && rightCount) {
      const r = poly.right[ri++];
      rightHeight = r.height;
      rx = r.x;
      rstep = r.stepx;
      rsign = r.signdx;
      re = r.e;
      rdy = r.dy;
      rdx = r.dx;
      rightCount--;
    }
    let height = Math.min(leftHeight, rightHeight);
    leftHeight -= height;
    rightHeight -= height;
    while (--height >= 0) {
      if (rx >= lx && count < overall) {
        xs[count] = lx;
        ys[count] = y;
        ws[count] = rx - lx + 1;
        count++;
      }
      y++;
      lx += lstep;
      le += ldx;
      if (le > 0) {
        lx += lsign;
        le -= ldy;
      }
      rx += rstep;
      re += rdx;
      if (re > 0) {
        rx += rsign;
        re -= rdy;
      }
    }
  }
  if (group) appendSpans(group, xs, ys, ws, count);
  else if (count > 0) sink.segment(xs, ys, ws, count);
}

// ---------------------------------------------------------------------------------------------
// One segment of dashes

function dashSegment(
  state: DashState,
  dash: readonly number[],
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  group: SpanGroup | null,
  sink: SpanSink,
): { left: LineFace; right: LineFace } {
  const dx = x2 - x1;
  const dy = y2 - y1;
  let index = state.index;
  let dashRemain = dash[index] - state.offset;
  const l = 0.5; // line width 1
  let L: number;
  let rdx: number;
  let rdy: number;
  if (dx === 0) {
    L = Math.abs(dy);
    rdx = 0;
    rdy = dy < 0 ? -l : l;
  } else if (dy === 0) {
    L = Math.abs(dx);
    rdx = dx < 0 ? -l : l;
    rdy = 0;
  } else {
    L = Math.sqrt(dx * dx + dy * dy);
    const r = l / L;
    rdx = r * dx;
    rdy = r * dy;
  }
  const k = l * L;
  let LRemain = L;
  const slopes: Slope[] = [
    { dx, dy, k },
    { dx: -dy, dy: dx, k: 0 },
    { dx: -dx, dy: -dy, k },
    { dx: dy, dy: -dx, k: 0 },
  ];
  const vertices: Vertex[] = [
    { x: rdy, y: -rdx },
    { x: rdy, y: -rdx },
    { x: -rdy, y: rdx },
    { x: -rdy, y: rdx },
  ];
  while (LRemain > dashRemain) {
    const dashDx = (dashRemain * dx) / L;
    const dashDy = (dashRemain * dy) / L;
    vertices[V_RIGHT].x += dashDx;
    vertices[V_RIGHT].y += dashDy;
    vertices[V_BOTTOM].x += dashDx;
    vertices[V_BOTTOM].y += dashDy;
    slopes[V_RIGHT].k = vertices[V_RIGHT].x * dx + vertices[V_RIGHT].y * dy;
    if (!(index & 1) && mayBeVisible(vertices, 4, x1, y1)) fillPoly(buildPoly(vertices, slopes, 4, x1, y1), group, sink);
    LRemain -= dashRemain;
    if (++index === dash.length) index = 0;
    dashRemain = dash[index];
    vertices[V_TOP] = { ...vertices[V_RIGHT] };
    vertices[V_LEFT] = { ...vertices[V_BOTTOM] };
    slopes[V_LEFT].k = -slopes[V_RIGHT].k;
  }
  if (!(index & 1)) {
    vertices[V_TOP].x -= dx;
    vertices[V_TOP].y -= dy;
    vertices[V_LEFT].x -= dx;
    vertices[V_LEFT].y -= dy;
    vertices[V_RIGHT] = { x: rdy, y: -rdx };
    vertices[V_BOTTOM] = { x: -rdy, y: rdx };
    slopes[V_RIGHT].k = 0;
    slopes[V_LEFT].k += dx * dx + dy * dy;
    if (mayBeVisible(vertices, 4, x2, y2)) fillPoly(buildPoly(vertices, slopes, 4, x2, y2), group, sink);
  }
  dashRemain = Math.trunc(dashRemain - LRemain);
  if (dashRemain === 0) {
    if (++index === dash.length) index = 0;
    dashRemain = dash[index];
  }
  state.index = index;
  state.offset = dash[index] - dashRemain;
  return {
    left: { x: x1, y: y1, dx, dy, xa: rdy, ya: -rdx, k },
    right: { x: x2, y: y2, dx: -dx, dy: -dy, xa: -rdy, ya: rdx, k },
  };
}

// ---------------------------------------------------------------------------------------------
// Miter joins (miLineJoin with JoinMiter and a line width of 1)

/** 1/sin²(11/2°): mi's miter limit. */
const SQSECANT = 108.856472512142;

function lineJoin(group: SpanGroup | null, sink: SpanSink, pLeft: LineFace, pRight: LineFace): void {
  const lw = 1;
  if (!group) {
    // One of the two dashes already draws the joining pixel.
    if (pLeft.dx > 0 || (pLeft.dx === 0 && pLeft.dy > 0)) return;
    if (pRight.dx > 0 || (pRight.dx === 0 && pRight.dy > 0)) return;
  }
  const denom = -pLeft.dx * pRight.dy + pRight.dx * pLeft.dy;
  if (denom === 0) return;
  let swapslopes = false;
  if (denom > 0) {
    pLeft.xa = -pLeft.xa;
    pLeft.ya = -pLeft.ya;
    pLeft.dx = -pLeft.dx;
    pLeft.dy = -pLeft.dy;
  } else {
    swapslopes = true;
    pRight.xa = -pRight.xa;
    pRight.ya = -pRight.ya;
    pRight.dx = -pRight.dx;
    pRight.dy = -pRight.dy;
  }
  const vertices: Vertex[] = [
    { x: pRight.xa, y: pRight.ya },
    { x: 0, y: 0 },
    { x: pLeft.xa, y: pLeft.ya },
    { x: 0, y: 0 },
  ];
  const slopes: Slope[] = [
    { dx: -pRight.dy, dy: pRight.dx, k: 0 },
    { dx: pLeft.dy, dy: -pLeft.dx, k: 0 },
    { dx: 0, dy: 0, k: 0 },
    { dx: 0, dy: 0, k: 0 },
  ];
  const my = (pLeft.dy * (pRight.xa * pRight.dy - pRight.ya * pRight.dx) - pRight.dy * (pLeft.xa * pLeft.dy - pLeft.ya * pLeft.dx)) / denom;
  const mx = pLeft.dy !== 0 ? pLeft.xa + ((my - pLeft.ya) * pLeft.dx) / pLeft.dy : pRight.xa + ((my - pRight.ya) * pRight.dx) / pRight.dy;
  let edgecount: number;
  if ((mx * mx + my * my) * 4 > SQSECANT * lw * lw) {
    // Beyond the miter limit: a bevel.
    let adx = pRight.xa - pLeft.xa;
    let ady = pRight.ya - pLeft.ya;
    const bdx = adx;
    const bdy = ady;
    if (adx < 0) adx = -adx;
    if (ady < 0) ady = -ady;
    const scale = adx > ady ? adx : ady;
    slopes[2].dx = Math.trunc((bdx * 65536) / scale) | 0;
    slopes[2].dy = Math.trunc((bdy * 65536) / scale) | 0;
    slopes[2].k = ((pLeft.xa + pRight.xa) * slopes[2].dy - (pLeft.ya + pRight.ya) * slopes[2].dx) / 2.0;
    edgecount = 3;
  } else {
    const sign = swapslopes ? -1 : 1;
    slopes[2] = { dx: sign * pLeft.dx, dy: sign * pLeft.dy, k: sign * pLeft.k };
    vertices[3] = { x: mx, y: my };
    slopes[3] = { dx: sign * pRight.dx, dy: sign * pRight.dy, k: sign * pRight.k };
    edgecount = 4;
  }
  if (mayBeVisible(vertices, edgecount, pLeft.x, pLeft.y)) fillPoly(buildPoly(vertices, slopes, edgecount, pLeft.x, pLeft.y), group, sink);
}

// ---------------------------------------------------------------------------------------------
// Span groups (paint each pixel once)

interface SpanList {
  xs: Int32Array;
  ys: Int32Array;
  ws: Int32Array;
  count: number;
}

interface SpanGroup {
  spans: SpanList[];
  ymin: number;
  ymax: number;
}

function appendSpans(group: SpanGroup, xs: Int32Array, ys: Int32Array, ws: Int32Array, count: number): void {
  if (count <= 0) return;
  group.spans.push({ xs, ys, ws, count });
  group.ymin = Math.min(group.ymin, ys[0]);
  group.ymax = Math.max(group.ymax, ys[count - 1]);
}

/**
 * miFillUniqueSpanGroup: one list is painted as it is; several are bucketed by row, sorted by x
 * and merged (overlapping or touching spans become one), then painted in one call.
 */
function fillUniqueSpanGroup(group: SpanGroup, sink: SpanSink): void {
  if (group.spans.length === 0) return;
  if (group.spans.length === 1) {
    const only = group.spans[0];
    sink.segment(only.xs, only.ys, only.ws, only.count);
    return;
  }
  const rows = new Map<number, [number, number][]>();
  for (const list of group.spans) {
    for (let i = 0; i < list.count; i++) {
      let row = rows.get(list.ys[i]);
      if (!row) rows.set(list.ys[i], (row = []));
      row.push([list.xs[i], list.ws[i]]);
    }
  }
  const xs: number[] = [];
  const ys: number[] = [];
  const ws: number[] = [];
  for (const y of [...rows.keys()].sort((a, b) => a - b)) {
    const row = rows.get(y) ?? [];
    row.sort((a, b) => a[0] - b[0]);
    let x1 = row[0][0];
    let x2 = x1 + row[0][1];
    for (let i = 1; i < row.length; i++) {
      const [x, w] = row[i];
      if (x > x2) {
        xs.push(x1);
        ys.push(y);
        ws.push(x2 - x1);
        x1 = x;
        x2 = x + w;
      } else if (x + w > x2) {
        x2 = x + w;
      }
    }
    xs.push(x1);
    ys.push(y);
    ws.push(x2 - x1);
  }
  sink.segment(Int32Array.from(xs), Int32Array.from(ys), Int32Array.from(ws), xs.length);
}
