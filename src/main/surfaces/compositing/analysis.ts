import type { Rect, Transform } from '../../../core/protocol/display-types';
import { Filter, Repeat, type Picture } from './picture';
import { Op } from './operators';

/**
 * The decisions pixman_image_composite32 takes before compositing (pixman.c), which change
 * results, not just speed:
 *
 *  - analyze_extent: a composite whose sample area does not fit pixman's 16-bit coordinate
 *    limits is skipped entirely;
 *  - optimize_operator: with an effectively opaque source (and mask), some operators are
 *    replaced by simpler ones. Most replacements give the same bits, but a few move an
 *    operator from the float pipeline to the 8-bit one (SATURATE → OVER_REVERSE; the disjoint
 *    and conjoint CLEAR/SRC/DST → CLEAR/SRC/DST always), which rounds differently.
 *
 * A source is "effectively opaque" when its format has no alpha and either it repeats, or
 * every sample the composite takes lies inside it (SAMPLES_COVER_CLIP for its filter).
 * Destinations are never opaque here: spice-common's destination images never repeat.
 */

const ONE = 0x10000;

function is16Bit(v: number): boolean {
  return v >= -32768 && v <= 32767;
}

function is16Dot16(v: number): boolean {
  return v >= -0x80000000 && v <= 0x7fffffff;
}

/** pixman_transform_point on an affine transform: 16.16 in, 48.16 out (rounded as pixman does). */
function transformPoint(t: Transform, x: number, y: number): [number, number] {
  const [t00, t01, t02, t10, t11, t12] = t;
  const xi = Math.floor(x / ONE);
  const xf = x - xi * ONE;
  const yi = Math.floor(y / ONE);
  const yf = y - yi * ONE;
  const tx = t00 * xi + t01 * yi + t02 + Math.floor((t00 * xf + t01 * yf + 0x8000) / ONE);
  const ty = t10 * xi + t11 * yi + t12 + Math.floor((t10 * xf + t11 * yf + 0x8000) / ONE);
  return [tx, ty];
}

interface Box48 {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** compute_transformed_extents: the bounds of the four corner pixel centres after the transform. */
function transformedExtents(t: Transform | null, e: Rect): Box48 | null {
  const x1 = e.left * ONE + ONE / 2;
  const y1 = e.top * ONE + ONE / 2;
  const x2 = e.right * ONE - ONE / 2;
  const y2 = e.bottom * ONE - ONE / 2;
  if (!t) return { x1, y1, x2, y2 };
  const box: Box48 = { x1: Infinity, y1: Infinity, x2: -Infinity, y2: -Infinity };
  for (let i = 0; i < 4; i++) {
    const [tx, ty] = transformPoint(t, i & 1 ? x1 : x2, i & 2 ? y1 : y2);
    // pixman_transform_point fails when the result does not fit 32 bits.
    if (!is16Dot16(tx) || !is16Dot16(ty)) return null;
    box.x1 = Math.min(box.x1, tx);
    box.y1 = Math.min(box.y1, ty);
    box.x2 = Math.max(box.x2, tx);
    box.y2 = Math.max(box.y2, ty);
  }
  return box;
}

function isBilinear(filter: number): boolean {
  return filter === Filter.GOOD || filter === Filter.BEST || filter === Filter.BILINEAR;
}

/** FAST_PATH_NEAREST_FILTER: nearest, or a bilinear that samples exact pixel centres. */
function samplesLikeNearest(p: Picture): boolean {
  if (!isBilinear(p.filter)) return true;
  const t = p.transform;
  if (!t) return true;
  const [t00, t01, t02, t10, t11, t12] = t;
  if (((t00 | t01 | t02 | t10 | t11 | t12) & 0xffff) !== 0) return false;
  if (((((t00 + t01) & (t10 + t11)) >> 16) % 2) !== 1) return false;
  const limit = 30000 * ONE;
  return t02 <= limit && t12 <= limit && t02 >= -limit && t12 >= -limit;
}

export interface ExtentAnalysis {
  /** false: pixman skips the whole composite. */
  readonly fits: boolean;
  readonly opaque: boolean;
}

/**
 * analyze_extent for a picture sampled over `extents` (image space, before the transform),
 * and whether it is effectively opaque there.
 */
export function analyzeExtent(p: Picture | null, extents: Rect): ExtentAnalysis {
  if (!p) return { fits: true, opaque: true };
  if (!is16Bit(extents.left - 1) || !is16Bit(extents.top - 1) || !is16Bit(extents.right + 1) || !is16Bit(extents.bottom + 1)) {
    return { fits: false, opaque: false };
  }
  if (p.width >= 0x7fff || p.height >= 0x7fff) return { fits: false, opaque: false };
  // Component alpha turns opacity off whatever the format (compute_image_info).
  const samplesOpaque = p.format.a === 0 && !p.componentAlpha;
  const repeats = p.repeat !== Repeat.NONE;
  const nearest = samplesLikeNearest(p);
  if (!p.transform && extents.left >= 0 && extents.top >= 0 && extents.right <= p.width && extents.bottom <= p.height) {
    return { fits: true, opaque: samplesOpaque && (repeats || nearest) };
  }
  let xOff: number;
  let yOff: number;
  let size: number;
  if (isBilinear(p.filter)) {
    xOff = yOff = -ONE / 2;
    size = ONE;
  } else {
    xOff = yOff = -1;
    size = 0;
  }
  const t = transformedExtents(p.transform, extents);
  if (!t) return { fits: false, opaque: false };
  const coverNearest = Math.floor((t.x1 - 1) / ONE) >= 0 &&
    Math.floor((t.y1 - 1) / ONE) >= 0 &&
    Math.floor((t.x2 - 1) / ONE) < p.width &&
    Math.floor((t.y2 - 1) / ONE) < p.height;
  const coverBilinear = Math.floor((t.x1 - ONE / 2) / ONE) >= 0 &&
    Math.floor((t.y1 - ONE / 2) / ONE) >= 0 &&
    Math.floor((t.x2 + ONE / 2) / ONE) < p.width &&
    Math.floor((t.y2 + ONE / 2) / ONE) < p.height;
  const expanded = transformedExtents(p.transform, {
    left: extents.left - 1,
    top: extents.top - 1,
    right: extents.right + 1,
    bottom: extents.bottom + 1,
  });
  if (
    !expanded ||
    !is16Dot16(expanded.x1 + xOff - 8) ||
    !is16Dot16(expanded.y1 + yOff - 8) ||
    !is16Dot16(expanded.x2 + xOff + 8 + size) ||
    !is16Dot16(expanded.y2 + yOff + 8 + size)
  ) {
    return { fits: false, opaque: false };
  }
  const opaque = samplesOpaque && (repeats || (nearest && coverNearest) || (isBilinear(p.filter) && coverBilinear));
  return { fits: true, opaque };
}

/** optimize_operator, for the replacements that change the arithmetic (see above). */
export function reduceOperator(op: number, sourceOpaque: boolean): number {
  if ((op >= 0x10 && op <= 0x12) || (op >= 0x20 && op <= 0x22)) return op & 0x0f; // CLEAR, SRC, DST
  if (op === Op.SATURATE && sourceOpaque) return Op.OVER_REVERSE;
  return op;
}
