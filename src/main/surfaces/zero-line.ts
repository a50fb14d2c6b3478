/**
 * Thin (zero-width) lines with the X server's rules (mi's miZeroLine, which spice-common's
 * lines.c carries and DRAW_STROKE uses): Bresenham with the X bias (a tie in octants 2-5 takes
 * the axial step), CapNotLast (a segment never draws its end point, so joints are drawn once),
 * and clipping to the surface that draws exactly the pixels the unclipped line has there
 * (miZeroClipLine's equations).
 *
 * The output is one run per row touched, segment by segment: spice-common paints each
 * segment's spans before computing the next, so where two segments cross, an XOR stroke
 * inverts twice.
 */

const XDECREASING = 4;
const YDECREASING = 2;
const YMAJOR = 1;
/** DEFAULTZEROLINEBIAS: OCTANT2 | OCTANT3 | OCTANT4 | OCTANT5 (bit = octant code). */
const BIAS = (1 << (YDECREASING | YMAJOR)) | (1 << (XDECREASING | YDECREASING | YMAJOR)) | (1 << (XDECREASING | YDECREASING)) | (1 << XDECREASING);

const OUT_LEFT = 8;
const OUT_RIGHT = 4;
const OUT_ABOVE = 2;
const OUT_BELOW = 1;

function outcode(x: number, y: number, xmin: number, ymin: number, xmax: number, ymax: number): number {
  let code = 0;
  if (x < xmin) code |= OUT_LEFT;
  if (x > xmax) code |= OUT_RIGHT;
  if (y < ymin) code |= OUT_ABOVE;
  if (y > ymax) code |= OUT_BELOW;
  return code;
}

/** Receives the runs of one segment: row y, columns [x, x + width). */
export interface SpanSink {
  segment(xs: Int32Array, ys: Int32Array, widths: Int32Array, count: number): void;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

// Span buffers shared by all calls (lines are drawn one at a time).
let xs = new Int32Array(256);
let ys = new Int32Array(256);
let ws = new Int32Array(256);

/** Draws the polyline through `points` on a width × height surface. */
export function zeroWidthPolyline(points: readonly Point[], width: number, height: number, sink: SpanSink): void {
  if (points.length < 2 || width <= 0 || height <= 0) return;
  const xleft = 0;
  const ytop = 0;
  const xright = width - 1;
  const ybottom = height - 1;
  // A segment's spans are at most one per row or one per column of the surface.
  const longest = Math.max(width, height);
  if (xs.length < longest) {
    xs = new Int32Array(longest);
    ys = new Int32Array(longest);
    ws = new Int32Array(longest);
  }
  let x2 = points[0].x;
  let y2 = points[0].y;
  let oc2 = outcode(x2, y2, xleft, ytop, xright, ybottom);
  for (let k = 1; k < points.length; k++) {
    const x1 = x2;
    const y1 = y2;
    const oc1 = oc2;
    x2 = points[k].x;
    y2 = points[k].y;
    oc2 = outcode(x2, y2, xleft, ytop, xright, ybottom);

    let octant = 0;
    let signdx = 1;
    let signdy = 1;
    let adx = x2 - x1;
    let ady = y2 - y1;
    if (adx < 0) {
      adx = -adx;
      signdx = -1;
      octant |= XDECREASING;
    }
    if (ady < 0) {
      ady = -ady;
      signdy = -1;
      octant |= YDECREASING;
    }
    const xMajor = adx > ady;
    if (!xMajor) octant |= YMAJOR;
    const major = xMajor ? adx : ady;
    const minor = xMajor ? ady : adx;
    const e1 = minor * 2;
    const e2 = e1 - major * 2;
    let e = e1 - major - ((BIAS >> octant) & 1);
    let length = major; // the end point is not drawn (CapNotLast)

    let nx1 = x1;
    let ny1 = y1;
    if ((oc1 | oc2) !== 0) {
      const clip = clipLine(xleft, ytop, xright, ybottom, x1, y1, x2, y2, adx, ady, octant, oc1, oc2);
      if (!clip) continue;
      nx1 = clip.x1;
      ny1 = clip.y1;
      length = xMajor ? Math.abs(clip.x2 - clip.x1) : Math.abs(clip.y2 - clip.y1);
      if (clip.pt2Clipped) length++;
      if (clip.pt1Clipped) {
        const clipdx = Math.abs(nx1 - x1);
        const clipdy = Math.abs(ny1 - y1);
        e += xMajor ? clipdy * e2 + (clipdx - clipdy) * e1 : clipdx * e2 + (clipdy - clipdx) * e1;
      }
    }

    let x = nx1;
    let y = ny1;
    const e3 = e2 - e1;
    e -= e1;
    let count = 0;
    let currentY = 0;
    while (length-- > 0) {
      // MI_OUTPUT_POINT: extend the row's span, or start one on a new row.
      if (count > 0 && y === currentY) {
        if (x < xs[count - 1]) xs[count - 1] = x;
        ws[count - 1]++;
      } else {
        xs[count] = x;
        ys[count] = y;
        ws[count] = 1;
        currentY = y;
        count++;
      }
      e += e1;
      if (xMajor) {
        if (e >= 0) {
          y += signdy;
          e += e3;
        }
        x += signdx;
      } else {
        if (e >= 0) {
          x += signdx;
          e += e3;
        }
        y += signdy;
      }
    }
    if (count > 0) sink.segment(xs, ys, ws, count);
  }
}

interface Clipped {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
  readonly pt1Clipped: boolean;
  readonly pt2Clipped: boolean;
}

// Terms of miZeroClipLine's equations for the clipped coordinate.
const T_2NDX = 1 << 0;
const T_DXNOTY = 1 << 1;
const T_SUBDXORY = 1 << 2;
const T_BIASSUBONE = 1 << 3;
const T_DIV2DX = 1 << 4;
const T_ADDONE = 1 << 5;
const EQN1 = T_DXNOTY | T_DIV2DX;
const EQN2 = T_DXNOTY | T_BIASSUBONE | T_DIV2DX;
const EQN3 = T_SUBDXORY | T_BIASSUBONE | T_DIV2DX | T_ADDONE;
const EQN4 = T_SUBDXORY | T_DIV2DX | T_ADDONE;
const EQN5 = T_2NDX | T_DXNOTY | T_SUBDXORY | T_BIASSUBONE | T_ADDONE;
const EQN6 = T_2NDX | T_DXNOTY | T_SUBDXORY | T_ADDONE;
const EQN7 = T_2NDX;
const EQN8 = T_2NDX | T_BIASSUBONE;
const EQN1B = EQN1;
const EQN2B = EQN2;
const EQN3B = T_BIASSUBONE | T_DIV2DX;
const EQN4B = T_DIV2DX;
const EQN5B = T_2NDX | T_DXNOTY | T_BIASSUBONE;
const EQN6B = T_2NDX | T_DXNOTY;
const EQN7B = EQN7;
const EQN8B = EQN8;

/**
 * miZeroClipLine: moves the end points that lie outside [xmin, xmax] × [ymin, ymax] onto the
 * first / last pixel the unclipped Bresenham line has inside, one end point at a time. The
 * arithmetic is 32-bit unsigned, as in mi. Returns null when nothing of the line is inside.
 */
function clipLine(
  xmin: number,
  ymin: number,
  xmax: number,
  ymax: number,
  x1In: number,
  y1In: number,
  x2In: number,
  y2In: number,
  adx: number,
  ady: number,
  octant: number,
  oc1In: number,
  oc2In: number,
): Clipped | null {
  let x1 = x1In;
  let y1 = y1In;
  let x2 = x2In;
  let y2 = y2In;
  let x1o = x1In;
  let y1o = y1In;
  let x2o = x2In;
  let y2o = y2In;
  let oc1 = oc1In;
  let oc2 = oc2In;
  let clip1 = 0;
  let clip2 = 0;
  let swapped = false;
  const xmajor = (octant & YMAJOR) === 0;
  const bias = (BIAS >> octant) & 1;
  for (;;) {
    if ((oc1 & oc2) !== 0) return null;
    if ((oc1 | oc2) === 0) {
      if (swapped) {
        [x1, y1, x2, y2] = [x2, y2, x1, y1];
        [clip1, clip2] = [clip2, clip1];
      }
      return { x1, y1, x2, y2, pt1Clipped: clip1 !== 0, pt2Clipped: clip2 !== 0 };
    }
    if (oc1 === 0) {
      [x1, y1, x2, y2] = [x2, y2, x1, y1];
      [x1o, y1o, x2o, y2o] = [x2o, y2o, x1o, y1o];
      [oc1, oc2] = [oc2, oc1];
      [clip1, clip2] = [clip2, clip1];
      swapped = !swapped;
    }
    clip1 |= oc1;
    let negslope: boolean;
    let utmp: number;
    let eqn: number;
    let anchor: number;
    // mi clips against the left, top, right, bottom edge, in that order.
    const horizontal = (oc1 & OUT_LEFT) !== 0 || ((oc1 & OUT_ABOVE) === 0 && (oc1 & OUT_RIGHT) !== 0);
    if (horizontal) {
      const left = (oc1 & OUT_LEFT) !== 0;
      negslope = (octant & YDECREASING) !== 0;
      const boundary = left ? xmin : xmax;
      utmp = (left ? boundary - x1o : x1o - boundary) >>> 0;
      if (utmp <= 32767) {
        eqn = xmajor ? (swapped ? EQN2 : EQN1) : swapped ? EQN4 : EQN3;
        anchor = y1o;
      } else {
        utmp = (left ? x2o - boundary : boundary - x2o) >>> 0;
        eqn = xmajor ? (swapped ? EQN1B : EQN2B) : swapped ? EQN3B : EQN4B;
        anchor = y2o;
        negslope = !negslope;
      }
      x1 = boundary;
    } else {
      const above = (oc1 & OUT_ABOVE) !== 0;
      negslope = (octant & XDECREASING) !== 0;
      const boundary = above ? ymin : ymax;
      utmp = (above ? boundary - y1o : y1o - boundary) >>> 0;
      if (utmp <= 32767) {
        eqn = xmajor ? (swapped ? EQN6 : EQN5) : swapped ? EQN8 : EQN7;
        anchor = x1o;
      } else {
        utmp = (above ? y2o - boundary : boundary - y2o) >>> 0;
        eqn = xmajor ? (swapped ? EQN5B : EQN6B) : swapped ? EQN7B : EQN8B;
        anchor = x2o;
        negslope = !negslope;
      }
      y1 = boundary;
    }
    if (swapped) negslope = !negslope;

    utmp = (utmp << 1) >>> 0;
    utmp = Math.imul(utmp, eqn & T_2NDX ? adx : ady) >>> 0;
    const term = eqn & T_DXNOTY ? adx : ady;
    utmp = (eqn & T_SUBDXORY ? utmp - term : utmp + term) >>> 0;
    utmp = (eqn & T_BIASSUBONE ? utmp + bias - 1 : utmp - bias) >>> 0;
    utmp = Math.floor(utmp / ((eqn & T_DIV2DX ? adx << 1 : ady << 1) >>> 0)) >>> 0;
    if (eqn & T_ADDONE) utmp = (utmp + 1) >>> 0;
    if (negslope) utmp = -utmp >>> 0;
    if (eqn & T_2NDX) x1 = (anchor + utmp) | 0;
    else y1 = (anchor + utmp) | 0;
    oc1 = outcode(x1, y1, xmin, ymin, xmax, ymax);
  }
}
