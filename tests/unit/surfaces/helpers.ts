import type { DecodedImage } from '../../../src/core/codecs/types';
import { SurfaceFormat } from '../../../src/core/protocol/constants';
import type { Clip, DisplayBase, Image, QMask, Rect } from '../../../src/core/protocol/display-types';
import type { ImageResolver } from '../../../src/main/surfaces/canvas';
import { Surface } from '../../../src/main/surfaces/surface';

export const NO_MASK: QMask = { flags: 0, pos: { x: 0, y: 0 }, bitmap: null };

export function r(left: number, top: number, right: number, bottom: number): Rect {
  return { left, top, right, bottom };
}

export function base(box: Rect, clipRects?: Rect[]): DisplayBase {
  const clip: Clip = clipRects ? { type: 'rects', rects: clipRects } : { type: 'none' };
  return { surfaceId: 0, box, clip };
}

/** A surface whose pixels are given row by row (already in stored form). */
export function surface(width: number, height: number, pixels?: number[], format: number = SurfaceFormat.XRGB32): Surface {
  const s = new Surface(0, width, height, format);
  if (pixels) s.pixels.set(pixels);
  return s;
}

export function image(width: number, height: number, pixels: number[], hasAlpha = false): DecodedImage {
  return { width, height, pixels: Uint32Array.from(pixels), hasAlpha };
}

/**
 * Images by name, and a resolver that hands them out and records the order in which they
 * were asked for.
 */
export class Images {
  readonly calls: string[] = [];
  private readonly byId = new Map<bigint, { name: string; image: () => DecodedImage }>();
  private nextId = 1n;

  add(name: string, decoded: DecodedImage | (() => DecodedImage)): Image {
    const id = this.nextId++;
    const get = typeof decoded === 'function' ? decoded : () => decoded;
    this.byId.set(id, { name, image: get });
    const d = get();
    return {
      descriptor: { id, type: 0, flags: 0, width: d.width, height: d.height },
      payload: { kind: 'from_cache' },
    };
  }

  readonly resolve: ImageResolver = (img) => {
    const entry = this.byId.get(img.descriptor.id);
    if (!entry) throw new Error(`test image ${img.descriptor.id} unknown`);
    this.calls.push(entry.name);
    return entry.image();
  };
}

/** 1-bit mask image as the bitmap decoder produces it without a palette (alpha only). */
export function maskImage(rows: string[]): DecodedImage {
  const height = rows.length;
  const width = rows[0].length;
  const pixels = rows.flatMap((row) => [...row].map((c) => (c === '1' ? 0xff000000 : 0)));
  return image(width, height, pixels, true);
}

export function hex(values: ArrayLike<number>): string[] {
  return Array.from(values, (v) => (v >>> 0).toString(16).padStart(8, '0'));
}

/** The surface's rows as arrays of hex strings, for readable assertions. */
export function rows(s: Surface): string[][] {
  const out: string[][] = [];
  for (let y = 0; y < s.height; y++) out.push(hex(s.pixels.subarray(y * s.width, (y + 1) * s.width)));
  return out;
}

/** Expected rows from numbers. */
export function expectRows(values: number[][]): string[][] {
  return values.map((row) => hex(row));
}
