import type { DecodedImage } from '../../core/codecs/types';
import type {
  Brush,
  CopyBits,
  DisplayBase,
  DrawCopy,
  DrawFill,
  DrawMaskOnly,
  DrawOpaque,
  Image,
  QMask,
  Rect,
} from '../../core/protocol/display-types';
import { ProtocolError } from '../../core/protocol/errors';
import { clipRegion, regionExtents, type Region } from './clip';
import { prepareMask as prepareQMask, type Mask } from './mask';
import { intersectRects, rectIsEmpty, rectsSameSize } from './rect';
import { Rop, RopInput, ropCopy, ropdToRop, ropSolid } from './rop';
import { makeScaler, scaleRow, type Scaler } from './scale';
import type { Surface } from './surface';

/**
 * The drawing operations of the display channel on a Surface, with the semantics of
 * spice-common's canvas_base.c + sw_canvas.c (what spice-gtk runs), pixel for pixel:
 *
 *  - every operation draws on its box ∩ the surface ∩ the union of the clip rectangles ∩ the
 *    mask's set pixels (canvas_clip_pixman, canvas_mask_pixman);
 *  - images (source, pattern, mask) are resolved even when nothing ends up drawn, because
 *    resolving is what stores CACHE_ME images and advances the GLZ dictionary (spice-common
 *    "touches" them for the same reason); order: mask, source, brush;
 *  - the ROP descriptor becomes one of 16 bitwise ROPs on whole pixels (rop.ts);
 *  - a source area of the box's size is a straight copy; another size is scaled (scale.ts).
 *
 * Each function returns the rectangle of the surface that may have changed (the bounds of
 * what was drawn, within the surface), or null when nothing was drawn.
 */

/**
 * Resolves an Image (from a message) to pixels: decoding, caches and surface sources are the
 * caller's job. `alphaUsed` false: the caller forces the alpha byte of everything it draws (a
 * destination without alpha), so an image may come back as its opaque colour (GLZ keeps RGBA
 * images' alpha apart: glz.ts).
 */
export type ImageResolver = (image: Image, alphaUsed?: boolean) => DecodedImage;

export function drawFill(dest: Surface, op: DrawFill, resolve: ImageResolver): Rect | null {
  const region = baseRegion(dest, op.base);
  const mask = prepareMask(op.mask, op.base.box, resolve, dest);
  const rop = ropdToRop(op.ropDescriptor, RopInput.BRUSH, RopInput.DEST);
  const tile = resolveTile(op.brush, resolve, 'DRAW_FILL');
  if (rop === Rop.NOOP || region.length === 0) return null;
  return finish(dest, paintRegion(region, mask, brushPainter(dest, op.brush, tile, rop)));
}

export function drawCopy(dest: Surface, op: DrawCopy, resolve: ImageResolver): Rect | null {
  return copyImage(dest, op, resolve, 'DRAW_COPY');
}

/** DRAW_BLEND is DRAW_COPY with another name: spice-common uses canvas_draw_copy for both. */
export function drawBlend(dest: Surface, op: DrawCopy, resolve: ImageResolver): Rect | null {
  return copyImage(dest, op, resolve, 'DRAW_BLEND');
}

/**
 * DRAW_OPAQUE: the source is copied (no ROP) onto the region, then the brush is applied over
 * it with the ROP, the copied source playing "dst" (descriptor inputs BRUSH, SRC).
 */
export function drawOpaque(dest: Surface, op: DrawOpaque, resolve: ImageResolver): Rect | null {
  const { box } = op.base;
  const region = baseRegion(dest, op.base);
  const mask = prepareMask(op.mask, box, resolve, dest);
  const rop = ropdToRop(op.ropDescriptor, RopInput.BRUSH, RopInput.SRC);
  const source = resolveSource(op.source, op.sourceArea, box, resolve, 'DRAW_OPAQUE', dest.hasAlpha);
  const tile = resolveTile(op.brush, resolve, 'DRAW_OPAQUE');
  if (rop === Rop.NOOP || region.length === 0) return null;
  // Two full passes, as spice-common: a pattern read from this very surface sees the copy.
  const damage = paintRegion(region, mask, sourcePainter(dest, source, op.sourceArea, box, op.scaleMode, Rop.COPY, region));
  paintRegion(region, mask, brushPainter(dest, op.brush, tile, rop));
  return finish(dest, damage);
}

/**
 * COPY_BITS: moves the surface's own pixels; the pixel at sourcePos goes to the box's top-left.
 * Only destination pixels whose source lies inside the surface are written. Overlap is
 * handled by ordering, as sw_canvas' copy_region: rows bottom-up when moving down, spans of a
 * row right-to-left when moving right, copyWithin (memmove) inside a span.
 */
export function copyBits(dest: Surface, op: CopyBits): Rect | null {
  const { box, clip } = op.base;
  const dx = box.left - op.sourcePos.x;
  const dy = box.top - op.sourcePos.y;
  if (dx === 0 && dy === 0) return null;
  const { width, pixels } = dest;
  let bounds = intersectRects(box, { left: 0, top: 0, right: width, bottom: dest.height });
  if (bounds) bounds = intersectRects(bounds, { left: dx, top: dy, right: dx + width, bottom: dy + dest.height });
  const region = clipRegion(bounds, clip);
  if (region.length === 0) return null;
  const shift = dy * width + dx; // destination index − source index
  // Moving down, a row's source is above it: write the bottom rows first so sources are read
  // before they are overwritten. Moving right within one row (dy = 0), likewise the rightmost
  // span first. Other rows never overlap; copyWithin handles overlap inside a span.
  const down = dy > 0;
  const right = dx > 0;
  for (let b = 0; b < region.length; b++) {
    const { top, bottom, spans } = region[down ? region.length - 1 - b : b];
    for (let k = 0; k < bottom - top; k++) {
      const row = (down ? bottom - 1 - k : top + k) * width;
      for (let j = 0; j < spans.length; j += 2) {
        const s = right ? spans.length - 2 - j : j;
        const start = row + spans[s];
        pixels.copyWithin(start, start - shift, row + spans[s + 1] - shift);
      }
    }
  }
  return regionExtents(region);
}

export function drawBlackness(dest: Surface, op: DrawMaskOnly, resolve: ImageResolver): Rect | null {
  return fillMaskOnly(dest, op, resolve, 0x00000000, Rop.COPY);
}

export function drawWhiteness(dest: Surface, op: DrawMaskOnly, resolve: ImageResolver): Rect | null {
  return fillMaskOnly(dest, op, resolve, 0xffffffff, Rop.COPY);
}

export function drawInvers(dest: Surface, op: DrawMaskOnly, resolve: ImageResolver): Rect | null {
  return fillMaskOnly(dest, op, resolve, 0, Rop.INVERT);
}

// ---------------------------------------------------------------------------------------------

function fillMaskOnly(dest: Surface, op: DrawMaskOnly, resolve: ImageResolver, color: number, rop: number): Rect | null {
  const region = baseRegion(dest, op.base);
  const mask = prepareMask(op.mask, op.base.box, resolve, dest);
  if (region.length === 0) return null;
  return finish(dest, paintRegion(region, mask, new SolidPainter(dest, dest.pixelFromColor(color), rop)));
}

function copyImage(dest: Surface, op: DrawCopy, resolve: ImageResolver, what: string): Rect | null {
  const { box } = op.base;
  const region = baseRegion(dest, op.base);
  const mask = prepareMask(op.mask, box, resolve, dest);
  const rop = ropdToRop(op.ropDescriptor, RopInput.SRC, RopInput.DEST);
  // Every painter of a copy ORs the opaque bits of a destination without alpha into what it writes.
  const source = resolveSource(op.source, op.sourceArea, box, resolve, what, dest.hasAlpha);
  if (rop === Rop.NOOP || region.length === 0) return null;
  return finish(dest, paintRegion(region, mask, sourcePainter(dest, source, op.sourceArea, box, op.scaleMode, rop, region)));
}

/** box ∩ surface ∩ clip. */
export function baseRegion(dest: Surface, base: DisplayBase): Region {
  return clipRegion(intersectRects(base.box, { left: 0, top: 0, right: dest.width, bottom: dest.height }), base.clip);
}

export function finish(dest: Surface, damage: Rect | null): Rect | null {
  if (damage) dest.normalize(damage);
  return damage;
}

export function checkImage(image: DecodedImage, what: string): void {
  if (image.pixels.length < image.width * image.height) {
    throw new ProtocolError(`${what}: image of ${image.width}x${image.height} has only ${image.pixels.length} pixels`);
  }
}

export function resolveSource(source: Image | null, area: Rect, box: Rect, resolve: ImageResolver, what: string, alphaUsed = true): DecodedImage {
  if (!source) throw new ProtocolError(`${what} without a source image`);
  const image = resolve(source, alphaUsed);
  checkImage(image, what);
  const { left, top, right, bottom } = area;
  if (left < 0 || top < 0 || right < left || bottom < top || right > image.width || bottom > image.height) {
    throw new ProtocolError(
      `${what}: source area (${left},${top})-(${right},${bottom}) is not inside the ${image.width}x${image.height} source image`,
    );
  }
  // Scaling nothing to something has no meaning (spice-common would divide by zero size).
  if (rectIsEmpty(area) && !rectIsEmpty(box)) throw new ProtocolError(`${what}: empty source area for a non-empty box`);
  return image;
}

export function resolveTile(brush: Brush, resolve: ImageResolver, what: string): DecodedImage | null {
  if (brush.type !== 'pattern') return null;
  const tile = resolve(brush.image);
  checkImage(tile, what);
  if (tile.width === 0 || tile.height === 0) throw new ProtocolError(`${what}: empty pattern image`);
  return tile;
}

/** The op's mask, copied if it is the destination surface itself (it is read while drawing). */
export function prepareMask(mask: QMask, box: Rect, resolve: ImageResolver, dest: Surface): Mask | null {
  const prepared = prepareQMask(mask, box, resolve);
  return prepared && prepared.pixels.buffer === dest.pixels.buffer ? { ...prepared, pixels: prepared.pixels.slice() } : prepared;
}

/** A private copy of an image that shares the destination's pixels (a surface drawn onto itself). */
export function unaliased(image: DecodedImage, dest: Surface): DecodedImage {
  return image.pixels.buffer === dest.pixels.buffer ? { ...image, pixels: image.pixels.slice() } : image;
}

// ---------------------------------------------------------------------------------------------
// Painters: each writes one horizontal run [x1, x2) of row y; paintRegion feeds them the runs.

export interface Painter {
  paint(y: number, x1: number, x2: number): void;
}

/**
 * Calls the painter for every run of the region, split by the mask when there is one, and
 * returns the bounds of what was painted.
 */
export function paintRegion(region: Region, mask: Mask | null, painter: Painter): Rect | null {
  if (!mask) {
    for (const band of region) {
      const { spans } = band;
      for (let y = band.top; y < band.bottom; y++) {
        for (let s = 0; s < spans.length; s += 2) painter.paint(y, spans[s], spans[s + 1]);
      }
    }
    return regionExtents(region);
  }
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  const { pixels, width: maskWidth, byAlpha, invert, dx, dy } = mask;
  // Destination columns that have a mask pixel.
  const minX = -dx;
  const maxX = maskWidth - dx;
  for (const band of region) {
    const { spans } = band;
    const yStart = Math.max(band.top, -dy);
    const yEnd = Math.min(band.bottom, mask.height - dy);
    for (let y = yStart; y < yEnd; y++) {
      const maskRow = (y + dy) * maskWidth + dx;
      for (let s = 0; s < spans.length; s += 2) {
        const end = Math.min(spans[s + 1], maxX);
        let x = Math.max(spans[s], minX);
        while (x < end) {
          // Skip pixels the mask excludes, then take the run it lets through. (maskOff,
          // written out: this is the per-pixel loop.)
          if (byAlpha) {
            while (x < end && ((pixels[maskRow + x] >>> 31) ^ invert) === 0) x++;
          } else {
            while (x < end && ((pixels[maskRow + x] & 0xffffff) === 0 ? invert : 1 - invert) === 0) x++;
          }
          if (x >= end) break;
          const start = x;
          if (byAlpha) {
            while (x < end && ((pixels[maskRow + x] >>> 31) ^ invert) === 1) x++;
          } else {
            while (x < end && ((pixels[maskRow + x] & 0xffffff) === 0 ? invert : 1 - invert) === 1) x++;
          }
          painter.paint(y, start, x);
          if (start < left) left = start;
          if (x > right) right = x;
          if (y < top) top = y;
          bottom = y + 1;
        }
      }
    }
  }
  return left < right ? { left, top, right, bottom } : null;
}

class SolidPainter implements Painter {
  private readonly pixels: Uint32Array;
  private readonly width: number;
  private readonly orBits: number;

  /** `color` is a stored pixel value (Surface.pixelFromColor). */
  constructor(
    dest: Surface,
    private readonly color: number,
    private readonly rop: number,
  ) {
    this.pixels = dest.pixels;
    this.width = dest.width;
    this.orBits = dest.opaqueBits;
  }

  paint(y: number, x1: number, x2: number): void {
    const row = y * this.width;
    if (this.rop === Rop.COPY) this.pixels.fill(this.color, row + x1, row + x2);
    else ropSolid(this.pixels, row + x1, row + x2, this.color, this.rop, this.orBits);
  }
}

/**
 * A pattern brush: the tile repeats over the whole surface, its top-left at `pos`
 * (spice_pixman_tile_rect: tile pixel ((x − pos.x) mod w, (y − pos.y) mod h)).
 */
class TilePainter implements Painter {
  private readonly pixels: Uint32Array;
  private readonly width: number;
  private readonly tile: Uint32Array;
  private readonly tileWidth: number;
  private readonly tileHeight: number;
  private readonly orBits: number;

  constructor(
    dest: Surface,
    tile: DecodedImage,
    private readonly originX: number,
    private readonly originY: number,
    private readonly rop: number,
  ) {
    this.pixels = dest.pixels;
    this.width = dest.width;
    this.tile = tile.pixels;
    this.tileWidth = tile.width;
    this.tileHeight = tile.height;
    this.orBits = orBitsFor(dest, tile, rop);
  }

  paint(y: number, x1: number, x2: number): void {
    const tw = this.tileWidth;
    const n = x2 - x1;
    const tileRow = mod(y - this.originY, this.tileHeight) * tw;
    const tx = mod(x1 - this.originX, tw);
    if (this.rop === Rop.COPY) {
      // One period of the pattern in place, then doubled: the row is periodic in tw.
      const start = y * this.width + x1;
      const first = Math.min(tw - tx, n);
      ropCopy(this.pixels, start, this.tile, tileRow + tx, first, Rop.COPY, this.orBits);
      if (first < n) ropCopy(this.pixels, start + first, this.tile, tileRow, Math.min(tx, n - first), Rop.COPY, this.orBits);
      for (let done = Math.min(tw, n); done < n; done *= 2) {
        this.pixels.copyWithin(start + done, start, start + Math.min(done, n - done));
      }
      return;
    }
    // Other ROPs read the destination: lay the pattern out in a row, then one ROP pass.
    const row = scratchRow(n);
    const first = Math.min(tw - tx, n);
    row.set(this.tile.subarray(tileRow + tx, tileRow + tx + first));
    if (first < n) row.set(this.tile.subarray(tileRow, tileRow + Math.min(tx, n - first)), first);
    for (let done = Math.min(tw, n); done < n; done *= 2) row.copyWithin(done, 0, Math.min(done, n - done));
    ropCopy(this.pixels, y * this.width + x1, row, 0, n, this.rop, this.orBits);
  }
}

let scratch = new Uint32Array(1024);

/** A reusable row buffer of at least n pixels (draws run one at a time). */
export function scratchRow(n: number): Uint32Array {
  if (scratch.length < n) scratch = new Uint32Array(Math.max(n, scratch.length * 2));
  return scratch;
}

/** Unscaled copy: destination (x, y) takes source (x − offsetX, y − offsetY). */
class BlitPainter implements Painter {
  private readonly pixels: Uint32Array;
  private readonly width: number;
  private readonly src: Uint32Array;
  private readonly srcWidth: number;
  private readonly orBits: number;

  constructor(
    dest: Surface,
    image: DecodedImage,
    private readonly offsetX: number,
    private readonly offsetY: number,
    private readonly rop: number,
  ) {
    this.pixels = dest.pixels;
    this.width = dest.width;
    this.src = image.pixels;
    this.srcWidth = image.width;
    this.orBits = orBitsFor(dest, image, rop);
  }

  paint(y: number, x1: number, x2: number): void {
    const s = (y - this.offsetY) * this.srcWidth + x1 - this.offsetX;
    ropCopy(this.pixels, y * this.width + x1, this.src, s, x2 - x1, this.rop, this.orBits);
  }
}

/** Scaled copy: samples each run into a scratch row, then copies it with the ROP. */
class ScalePainter implements Painter {
  private readonly pixels: Uint32Array;
  private readonly width: number;
  private readonly orBits: number;

  constructor(
    dest: Surface,
    private readonly scaler: Scaler,
    private readonly rop: number,
  ) {
    this.pixels = dest.pixels;
    this.width = dest.width;
    this.orBits = dest.opaqueBits;
  }

  paint(y: number, x1: number, x2: number): void {
    const row = scratchRow(x2 - x1);
    // The sampled pixels already carry the opaque bits, so a plain copy needs no fix-up.
    scaleRow(this.scaler, y, x1, x2, row, this.orBits);
    ropCopy(this.pixels, y * this.width + x1, row, 0, x2 - x1, this.rop, this.rop === Rop.COPY ? 0 : this.orBits);
  }
}

/**
 * What to OR into copied pixels: nothing for a plain copy of an image that is already opaque
 * where the surface wants it (so the copy is a straight set()), the surface's opaque bits
 * otherwise.
 */
export function orBitsFor(dest: Surface, image: DecodedImage, rop: number): number {
  return rop === Rop.COPY && !image.hasAlpha ? 0 : dest.opaqueBits;
}

export function sourcePainter(dest: Surface, image: DecodedImage, area: Rect, box: Rect, scaleMode: number, rop: number, region: Region): Painter {
  const source = unaliased(image, dest);
  if (rectsSameSize(box, area)) return new BlitPainter(dest, source, box.left - area.left, box.top - area.top, rop);
  const extents = regionExtents(region) ?? box;
  return new ScalePainter(dest, makeScaler(source, area, box, scaleMode, extents.left, extents.right), rop);
}

/** draw_brush: a solid colour, a pattern, or for no brush the colour 0 (the ROP still applies). */
export function brushPainter(dest: Surface, brush: Brush, tile: DecodedImage | null, rop: number): Painter {
  if (brush.type === 'pattern' && tile) {
    return new TilePainter(dest, unaliased(tile, dest), brush.pos.x, brush.pos.y, rop);
  }
  return new SolidPainter(dest, dest.pixelFromColor(brush.type === 'solid' ? brush.color : 0), rop);
}

export function mod(a: number, n: number): number {
  const r = a % n;
  return r < 0 ? r + n : r;
}
