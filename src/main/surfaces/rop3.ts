import type { DecodedImage } from '../../core/codecs/types';
import { ImageScaleMode } from '../../core/protocol/constants';
import type { DrawRop3, Rect } from '../../core/protocol/display-types';
import {
  baseRegion,
  finish,
  mod,
  paintRegion,
  prepareMask,
  resolveSource,
  resolveTile,
  scratchRow,
  unaliased,
  type ImageResolver,
  type Painter,
} from './canvas';
import { fetchNarrow, Filter, Repeat, X8R8G8B8, type Picture } from './compositing/picture';
import { rectsSameSize } from './rect';
import type { Surface } from './surface';

/**
 * DRAW_ROP3: a Windows ternary raster operation of pattern (the brush), source and
 * destination, bit by bit on whole pixels (spice-common's canvas_draw_rop3 and rop3.c).
 *
 * The code's bit (p << 2 | s << 1 | d) is the result for that combination of input bits, so
 * 0xCC is "source", 0xF0 "pattern", 0xAA "destination" and 0x66 source XOR destination.
 * spice-common spells out 218 of the 256 codes and leaves the 38 that use fewer than three
 * operands undrawn (it logs "not implemented"); this evaluates every code by its definition.
 *
 * The pattern repeats from brush.pos: destination (x, y) takes pattern pixel
 * ((x − pos.x) mod w, (y − pos.y) mod h) (spice-common computes a C remainder there, which reads
 * outside the pattern when pos is right of or below the box; the modulo is what was meant).
 * A source of another size than the box is first scaled to it the way canvas_scale_surface
 * does (see scaledSource). The region is box ∩ surface ∩ clip ∩ mask, as for every draw.
 */
export function drawRop3(dest: Surface, op: DrawRop3, resolve: ImageResolver): Rect | null {
  const { box } = op.base;
  const region = baseRegion(dest, op.base);
  const mask = prepareMask(op.mask, box, resolve, dest);
  const source = unaliased(resolveSource(op.source, op.sourceArea, box, resolve, 'DRAW_ROP3'), dest);
  const tile = resolveTile(op.brush, resolve, 'DRAW_ROP3');
  if (region.length === 0) return null;
  const pattern =
    op.brush.type === 'pattern' && tile
      ? { tile: unaliased(tile, dest), x: op.brush.pos.x, y: op.brush.pos.y }
      : { color: dest.pixelFromColor(op.brush.type === 'solid' ? op.brush.color : 0) };
  const painter = new Rop3Painter(dest, op.rop3, sourceRows(source, op.sourceArea, box, op.scaleMode), pattern);
  return finish(dest, paintRegion(region, mask, painter));
}

/** Bit masks for the eight input combinations of a ROP3 code: all ones where the code says 1. */
function mintermMasks(code: number): Int32Array {
  const masks = new Int32Array(8);
  for (let k = 0; k < 8; k++) masks[k] = (code >> k) & 1 ? -1 : 0;
  return masks;
}

/** The ternary operation on 32-bit words. */
export function rop3(code: number, p: number, s: number, d: number): number {
  const m = mintermMasks(code);
  return rop3Masked(m, p, s, d);
}

function rop3Masked(m: Int32Array, p: number, s: number, d: number): number {
  const np = ~p;
  const ns = ~s;
  const nd = ~d;
  return (
    ((np & ns & nd & m[0]) |
      (np & ns & d & m[1]) |
      (np & s & nd & m[2]) |
      (np & s & d & m[3]) |
      (p & ns & nd & m[4]) |
      (p & ns & d & m[5]) |
      (p & s & nd & m[6]) |
      (p & s & d & m[7])) >>>
    0
  );
}

/** Yields the source pixels under destination run [x1, x2) of row y. */
interface SourceRows {
  row(y: number, x1: number, x2: number): { pixels: Uint32Array; start: number };
}

/**
 * The source as rop3 reads it: the source area itself when it has the box's size, else the
 * area stretched to the box by canvas_scale_surface: scale factors sx = area / box in double
 * precision, turned into 16.16 by truncation (pixman_double_to_fixed), sampled by pixman with
 * no translation from the origin (round(area.left / sx), round(area.top / sy)), nearest or
 * bilinear (PIXMAN_FILTER_GOOD), transparent black outside the image.
 */
function sourceRows(image: DecodedImage, area: Rect, box: Rect, scaleMode: number): SourceRows {
  if (rectsSameSize(area, box)) {
    const dx = area.left - box.left;
    const dy = area.top - box.top;
    return { row: (y, x1) => ({ pixels: image.pixels, start: (y + dy) * image.width + x1 + dx }) };
  }
  const boxWidth = box.right - box.left;
  const boxHeight = box.bottom - box.top;
  const sx = (area.right - area.left) / boxWidth;
  const sy = (area.bottom - area.top) / boxHeight;
  const picture: Picture = {
    pixels: image.pixels,
    width: image.width,
    height: image.height,
    format: X8R8G8B8,
    transform: [Math.trunc(sx * 65536), 0, 0, 0, Math.trunc(sy * 65536), 0],
    filter: scaleMode === ImageScaleMode.NEAREST ? Filter.NEAREST : Filter.GOOD,
    repeat: Repeat.NONE,
    componentAlpha: false,
    opaque: false,
  };
  const originX = Math.floor(area.left / sx + 0.5);
  const originY = Math.floor(area.top / sy + 0.5);
  const buffer: { pixels: Uint32Array; start: number } = { pixels: new Uint32Array(0), start: 0 };
  return {
    row(y, x1, x2) {
      const out = scratchRow(x2 - x1);
      fetchNarrow(picture, x1 - box.left + originX, y - box.top + originY, x2 - x1, out);
      buffer.pixels = out;
      return buffer;
    },
  };
}

type Pattern = { readonly tile: DecodedImage; readonly x: number; readonly y: number } | { readonly color: number };

class Rop3Painter implements Painter {
  private readonly masks: Int32Array;
  private readonly pixels: Uint32Array;
  private readonly width: number;
  private readonly orBits: number;

  constructor(
    dest: Surface,
    code: number,
    private readonly source: SourceRows,
    private readonly pattern: Pattern,
  ) {
    this.masks = mintermMasks(code);
    this.pixels = dest.pixels;
    this.width = dest.width;
    this.orBits = dest.opaqueBits;
  }

  paint(y: number, x1: number, x2: number): void {
    const { pixels: src, start } = this.source.row(y, x1, x2);
    const m = this.masks;
    const row = y * this.width;
    const orBits = this.orBits;
    const pattern = this.pattern;
    if ('color' in pattern) {
      const p = pattern.color;
      for (let x = x1, s = start; x < x2; x++, s++) this.pixels[row + x] = (rop3Masked(m, p, src[s], this.pixels[row + x]) | orBits) >>> 0;
      return;
    }
    const { tile, x: px, y: py } = pattern;
    const tileRow = mod(y - py, tile.height) * tile.width;
    let tx = mod(x1 - px, tile.width);
    for (let x = x1, s = start; x < x2; x++, s++) {
      this.pixels[row + x] = (rop3Masked(m, tile.pixels[tileRow + tx], src[s], this.pixels[row + x]) | orBits) >>> 0;
      if (++tx === tile.width) tx = 0;
    }
  }
}
