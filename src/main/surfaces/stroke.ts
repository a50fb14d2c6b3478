import { LineFlags } from '../../core/protocol/constants';
import type { DrawStroke, Rect } from '../../core/protocol/display-types';
import { ProtocolError } from '../../core/protocol/errors';
import { baseRegion, brushPainter, finish, resolveTile, unaliased, type ImageResolver, type Painter } from './canvas';
import { regionExtents, type Region } from './clip';
import { dashedPolyline } from './dash-line';
import { ropdToRop, RopInput } from './rop';
import { walkPath } from './stroke-path';
import type { Surface } from './surface';
import { zeroWidthPolyline, type SpanSink } from './zero-line';

/**
 * DRAW_STROKE (spice-common's canvas_draw_stroke): the path's polylines (stroke-path.ts) drawn
 * as thin lines, one pixel wide, with the X server's rasterisation (zero-line.ts), or dashed
 * when the line attributes are STYLED (dash-line.ts). Pixels are painted with the brush (a
 * solid colour, a pattern anchored as for fills, or colour 0 for no brush) through the ROP of
 * fore_mode, within box ∩ surface ∩ clip. back_mode is not used: spice-common draws on/off
 * dashes, not double dashes.
 *
 * Dash lengths are whole pixels modulo 256 (28.4 values rounded, kept in bytes as spice-common
 * does). START_WITH_GAP moves the first length to the end of the list and starts the pattern
 * one length in, as spice-common does. A styled line whose lengths are all zero is drawn solid
 * (spice-common would loop forever).
 */
export function drawStroke(dest: Surface, op: DrawStroke, resolve: ImageResolver): Rect | null {
  const region = baseRegion(dest, op.base);
  const tile = resolveTile(op.brush, resolve, 'DRAW_STROKE');
  if (region.length === 0) return null;
  const rop = ropdToRop(op.foreMode, RopInput.BRUSH, RopInput.DEST);
  const painter = brushPainter(dest, op.brush, tile ? unaliased(tile, dest) : null, rop);
  const sink = new ClippedSpans(region, painter);
  const dashes = dashPattern(op.attr.flags, op.attr.style);
  let dashedLength = 0;
  const visible = regionExtents(region) ?? { left: 0, top: 0, right: 0, bottom: 0 };
  walkPath(op.path, (points) => {
    if (!dashes) {
      zeroWidthPolyline(points, dest.width, dest.height, sink);
      return;
    }
    // Dashes are not clipped before they are built (mi builds every one): bound the work.
    for (let i = 1; i < points.length; i++) {
      dashedLength += Math.max(Math.abs(points[i].x - points[i - 1].x), Math.abs(points[i].y - points[i - 1].y));
    }
    // Every dash (and every zero-length entry of the list) is a step of mi's dash loop.
    const steps = (dashedLength * dashes.lengths.length) / dashes.total;
    if (steps > MAX_DASH_STEPS) {
      throw new ProtocolError(`DRAW_STROKE: dashed lines ${dashedLength} pixels long in ${dashes.lengths.length}-entry dashes of ${dashes.total} pixels, beyond the limit of ${MAX_DASH_STEPS} dashes`);
    }
    dashedPolyline(points, dashes.lengths, dashes.offset, rop, sink, visible);
  });
  return finish(dest, sink.damage());
}

/** Dashes one stroke may step through: far beyond any screen, well within a second's work. */
const MAX_DASH_STEPS = 1 << 22;

function fixedToPixel(v: number): number {
  return (v >> 4) + ((v & 0xf) > 8 ? 1 : 0);
}

function dashPattern(flags: number, style: readonly number[]): { lengths: number[]; offset: number; total: number } | null {
  if (!(flags & LineFlags.STYLED) || style.length === 0) return null;
  const pixels = style.map((v) => fixedToPixel(v) & 0xff);
  let lengths = pixels;
  let offset = 0;
  if (flags & LineFlags.START_WITH_GAP) {
    lengths = [...pixels.slice(1), pixels[0]];
    offset = lengths[0];
  }
  const total = lengths.reduce((sum, d) => sum + d, 0);
  if (total === 0) return null;
  return { lengths, offset, total };
}

/** Paints runs clipped to the region (spice_canvas_clip_spans) and keeps their bounds. */
class ClippedSpans implements SpanSink {
  private left = Infinity;
  private top = Infinity;
  private right = -Infinity;
  private bottom = -Infinity;

  constructor(
    private readonly region: Region,
    private readonly painter: Painter,
  ) {}

  segment(xs: Int32Array, ys: Int32Array, widths: Int32Array, count: number): void {
    for (let i = 0; i < count; i++) {
      const y = ys[i];
      const x1 = xs[i];
      const x2 = x1 + widths[i];
      for (const band of this.region) {
        if (y < band.top || y >= band.bottom) continue;
        const { spans } = band;
        for (let s = 0; s < spans.length; s += 2) {
          const a = Math.max(x1, spans[s]);
          const b = Math.min(x2, spans[s + 1]);
          if (a >= b) continue;
          this.painter.paint(y, a, b);
          if (a < this.left) this.left = a;
          if (b > this.right) this.right = b;
          if (y < this.top) this.top = y;
          if (y + 1 > this.bottom) this.bottom = y + 1;
        }
        break;
      }
    }
  }

  damage(): Rect | null {
    return this.left < this.right ? { left: this.left, top: this.top, right: this.right, bottom: this.bottom } : null;
  }
}
