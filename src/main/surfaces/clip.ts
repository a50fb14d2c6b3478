import type { Clip, Rect } from '../../core/protocol/display-types';
import { intersectRects } from './rect';

/**
 * The pixels an operation touches, as y-x bands like a pixman region: bands sorted by y and
 * disjoint, each with disjoint, non-touching spans sorted by x. A pixel is drawn at most once
 * even when clip rectangles overlap (which matters for XOR and INVERT), and copy_bits can
 * order its copies by row and by span.
 */
export interface Band {
  readonly top: number;
  bottom: number;
  /** Pairs [left0, right0, left1, right1, ...], half-open. */
  readonly spans: readonly number[];
}

export type Region = readonly Band[];

/**
 * The region an operation draws on: `bounds` (the op's box already intersected with the
 * surface, and for copy_bits with the readable source) intersected with the clip — the union
 * of the clip rectangles, or everything for clip type none. Empty and inverted clip rectangles
 * add nothing, as pixman_region32_init_rects drops them.
 */
export function clipRegion(bounds: Rect | null, clip: Clip): Region {
  if (!bounds) return [];
  if (clip.type === 'none') return [{ top: bounds.top, bottom: bounds.bottom, spans: [bounds.left, bounds.right] }];
  const rects: Rect[] = [];
  for (const r of clip.rects) {
    const clipped = intersectRects(r, bounds);
    if (clipped) rects.push(clipped);
  }
  return unionOfRects(rects);
}

/** Banded union of rectangles (non-empty ones). */
export function unionOfRects(rects: readonly Rect[]): Region {
  if (rects.length === 0) return [];
  if (rects.length === 1) {
    const r = rects[0];
    return [{ top: r.top, bottom: r.bottom, spans: [r.left, r.right] }];
  }
  // Every band edge is some rectangle's top or bottom; between two consecutive edges the set
  // of rectangles covering a row does not change.
  const edges = [...new Set(rects.flatMap((r) => [r.top, r.bottom]))].sort((a, b) => a - b);
  const byTop = [...rects].sort((a, b) => a.top - b.top);
  const bands: Band[] = [];
  let active: Rect[] = [];
  let next = 0;
  for (let e = 0; e + 1 < edges.length; e++) {
    const top = edges[e];
    const bottom = edges[e + 1];
    active = active.filter((r) => r.bottom > top);
    while (next < byTop.length && byTop[next].top === top) active.push(byTop[next++]);
    if (active.length === 0) continue;
    const spans = mergeSpans(active);
    const last = bands[bands.length - 1];
    if (last && last.bottom === top && sameSpans(last.spans, spans)) {
      last.bottom = bottom; // coalesce vertically, as pixman does
    } else {
      bands.push({ top, bottom, spans });
    }
  }
  return bands;
}

function mergeSpans(rects: readonly Rect[]): number[] {
  const sorted = [...rects].sort((a, b) => a.left - b.left);
  const spans: number[] = [];
  let left = sorted[0].left;
  let right = sorted[0].right;
  for (let i = 1; i < sorted.length; i++) {
    const r = sorted[i];
    if (r.left <= right) {
      if (r.right > right) right = r.right;
    } else {
      spans.push(left, right);
      left = r.left;
      right = r.right;
    }
  }
  spans.push(left, right);
  return spans;
}

function sameSpans(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Bounding rectangle of a region, or null when it is empty. */
export function regionExtents(region: Region): Rect | null {
  if (region.length === 0) return null;
  let left = Infinity;
  let right = -Infinity;
  for (const band of region) {
    if (band.spans[0] < left) left = band.spans[0];
    const r = band.spans[band.spans.length - 1];
    if (r > right) right = r;
  }
  return { left, top: region[0].top, right, bottom: region[region.length - 1].bottom };
}

/** The part of a region inside a rectangle (band and span order kept). */
export function intersectRegion(region: Region, rect: Rect): Region {
  const out: Band[] = [];
  for (const band of region) {
    const top = Math.max(band.top, rect.top);
    const bottom = Math.min(band.bottom, rect.bottom);
    if (top >= bottom) continue;
    const spans: number[] = [];
    for (let s = 0; s < band.spans.length; s += 2) {
      const left = Math.max(band.spans[s], rect.left);
      const right = Math.min(band.spans[s + 1], rect.right);
      if (left < right) spans.push(left, right);
    }
    if (spans.length > 0) out.push({ top, bottom, spans });
  }
  return out;
}
