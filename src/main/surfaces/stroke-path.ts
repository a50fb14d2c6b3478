import { PathFlags } from '../../core/protocol/constants';
import type { PathSegment, PointFix } from '../../core/protocol/display-types';
import { ProtocolError } from '../../core/protocol/errors';
import type { Point } from './zero-line';

/**
 * A DRAW_STROKE path turned into the integer polylines spice-common strokes
 * (canvas_draw_stroke): 28.4 points rounded to pixels (a fraction above one half rounds up),
 * BEGIN starts a new polyline, BEZIER segments are flattened by subdivision, END (with CLOSE:
 * back to the polyline's first point) finishes one.
 *
 * `onPolyline` is called for each polyline as soon as it is complete, as spice-common draws
 * them. A BEZIER segment whose point count is not a multiple of three stops the whole stroke
 * there (spice-common returns at that point; what was drawn stays).
 */
export function walkPath(path: readonly PathSegment[], onPolyline: (points: readonly Point[]) => void): void {
  let lines: Point[] = [];
  const flush = (): void => {
    if (lines.length > 0) onPolyline(lines);
    lines = [];
  };
  for (const segment of path) {
    const { points, flags } = segment;
    let i = 0;
    if (flags & PathFlags.BEGIN) {
      flush();
      if (points.length === 0) throw new ProtocolError('DRAW_STROKE: a BEGIN path segment without points');
      lines.push(fixedToPixel(points[0]));
      i = 1;
    }
    if (flags & PathFlags.BEZIER) {
      if ((points.length - i) % 3 !== 0) return;
      for (; i + 2 < points.length; i += 3) {
        const start = lines[lines.length - 1];
        if (!start) throw new ProtocolError('DRAW_STROKE: a Bézier segment with no point to start from');
        subdivide(lines, { x: start.x * 16, y: start.y * 16 }, points[i], points[i + 1], points[i + 2], 0);
      }
    } else {
      for (; i < points.length; i++) lines.push(fixedToPixel(points[i]));
    }
    if (flags & PathFlags.END) {
      if (flags & PathFlags.CLOSE && lines.length > 0) lines.push(lines[0]);
      flush();
    }
  }
  flush();
}

/** fix_to_int: 28.4 → pixel, rounding a fraction above 8/16 up. */
function fixedToPixel(p: PointFix): Point {
  return { x: (p.x >> 4) + ((p.x & 0xf) > 8 ? 1 : 0), y: (p.y >> 4) + ((p.y & 0xf) > 8 ? 1 : 0) };
}

/**
 * Subdivision depth limit. A curve spanning 64K pixels is flat after about 11 halvings; a
 * degenerate one never is, and spice-common recurses until it crashes. A straight piece ends it
 * here (at most 2^16 pieces per curve).
 */
const MAX_DEPTH = 16;

const int64 = (v: bigint): bigint => BigInt.asIntN(64, v);

/** dot(): (x1·x2 + y1·y2) >> 4 in 64-bit arithmetic. */
function dot(x1: number, y1: number, x2: number, y2: number): bigint {
  return int64(int64(BigInt(x1) * BigInt(x2)) + int64(BigInt(y1) * BigInt(y2))) >> 4n;
}

/**
 * subdivide_bezier: a straight line to p3 when both control points are within about half a
 * pixel of the chord p0–p3 (64-bit integer test, as spice-common), otherwise de Casteljau
 * halves with C's truncating division.
 */
function subdivide(lines: Point[], p0: PointFix, p1: PointFix, p2: PointFix, p3: PointFix, depth: number): void {
  const a2 = dot(p1.x - p0.x, p1.y - p0.y, p1.x - p0.x, p1.y - p0.y);
  const b2 = dot(p3.x - p0.x, p3.y - p0.y, p3.x - p0.x, p3.y - p0.y);
  const c2 = dot(p2.x - p3.x, p2.y - p3.y, p2.x - p3.x, p2.y - p3.y);
  const ab = dot(p1.x - p0.x, p1.y - p0.y, p3.x - p0.x, p3.y - p0.y);
  const cb = dot(p2.x - p3.x, p2.y - p3.y, p0.x - p3.x, p0.y - p3.y);
  const h1 = int64(int64(a2 * b2) - int64(ab * ab)) >> 3n;
  const h2 = int64(int64(c2 * b2) - int64(cb * cb)) >> 3n;
  if ((h1 < b2 && h2 < b2) || depth >= MAX_DEPTH) {
    lines.push(fixedToPixel(p3));
    return;
  }
  const mid = (a: PointFix, b: PointFix): PointFix => ({ x: Math.trunc((a.x + b.x) / 2), y: Math.trunc((a.y + b.y) / 2) });
  const p01 = mid(p0, p1);
  const p12 = mid(p1, p2);
  const p23 = mid(p2, p3);
  const p012 = mid(p01, p12);
  const p123 = mid(p12, p23);
  const p0123 = mid(p012, p123);
  subdivide(lines, p0, p01, p012, p0123, depth + 1);
  subdivide(lines, p0123, p123, p23, p3, depth + 1);
}
