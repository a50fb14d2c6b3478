import { CursorType, type CursorHeader } from '../../core/protocol/cursor-messages';
import { ProtocolError } from '../../core/protocol/errors';

/** A pointer image ready for a front end: straight (not premultiplied) RGBA, row-major. */
export interface CursorShape {
  readonly width: number;
  readonly height: number;
  readonly hotX: number;
  readonly hotY: number;
  readonly rgba: Uint8Array;
}

/**
 * Turns the bytes of a SPICE Cursor into RGBA. Layouts, per type (all little-endian, rows top
 * down, masks 1 bit per pixel with the first pixel in the top bit, each mask row padded to a byte):
 *
 *   ALPHA    width × height uint32 0xAARRGGBB
 *   MONO     AND mask, then XOR mask
 *   COLOR4   4-bit indices (high nibble first, rows padded to a byte), 16 × uint32 palette, AND mask
 *   COLOR8   8-bit indices, 256 × uint32 palette, AND mask
 *   COLOR16  uint16 x1r5g5b5 pixels, AND mask
 *   COLOR24  3-byte pixels B, G, R, AND mask
 *   COLOR32  uint32 0x00RRGGBB pixels, AND mask
 *
 * The mask works as on a PC: AND 0 paints the colour; AND 1 leaves the screen (colour black) or
 * inverts it (colour white, the I-beam of most text cursors). A local cursor image cannot invert
 * what is under it, so inverting pixels are drawn black with a white edge around them: visible on
 * any background, which is what an inverting cursor is for. Returns null for types we cannot draw
 * (the front end then shows its default pointer).
 */
export function decodeCursorShape(header: CursorHeader, data: Uint8Array): CursorShape | null {
  const { width, height } = header;
  const pixels = width * height;
  const rgba = new Uint8Array(pixels * 4);
  const maskStride = (width + 7) >> 3;
  const maskBytes = maskStride * height;
  // Pixels where the guest asked for the screen to be inverted.
  let inverted: Uint8Array | null = null;

  const need = (bytes: number, what: string): void => {
    if (data.length < bytes) throw new ProtocolError(`cursor: a ${width}x${height} ${what} shape needs ${bytes} bytes, the message has ${data.length}`);
  };
  const bit = (offset: number, x: number, y: number): boolean => (data[offset + y * maskStride + (x >> 3)] & (0x80 >> (x & 7))) !== 0;
  /** Colour cursors: `colour(i)` gives 0x00RRGGBB; the AND mask follows at maskOffset. */
  const colourWithMask = (maskOffset: number, colour: (x: number, y: number) => number): void => {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const c = colour(x, y) & 0xffffff;
        const i = y * width + x;
        if (!bit(maskOffset, x, y)) {
          put(rgba, i, c, 0xff);
        } else if (c === 0xffffff) {
          inverted ??= new Uint8Array(pixels);
          inverted[i] = 1;
        } // else: the screen shows through (transparent)
      }
    }
  };
  const word = (offset: number): number => (data[offset] | (data[offset + 1] << 8) | (data[offset + 2] << 16) | (data[offset + 3] << 24)) >>> 0;

  switch (header.type) {
    case CursorType.ALPHA: {
      need(pixels * 4, 'ALPHA');
      decodeAlpha(data, rgba, pixels);
      break;
    }
    case CursorType.MONO: {
      need(maskBytes * 2, 'MONO');
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const and = bit(0, x, y);
          const xor = bit(maskBytes, x, y);
          const i = y * width + x;
          if (!and) put(rgba, i, xor ? 0xffffff : 0, 0xff);
          else if (xor) {
            inverted ??= new Uint8Array(pixels);
            inverted[i] = 1;
          }
        }
      }
      break;
    }
    case CursorType.COLOR4: {
      const stride = (width + 1) >> 1;
      const paletteAt = stride * height;
      need(paletteAt + 16 * 4 + maskBytes, 'COLOR4');
      colourWithMask(paletteAt + 64, (x, y) => {
        const byte = data[y * stride + (x >> 1)];
        return word(paletteAt + 4 * (x & 1 ? byte & 0x0f : byte >> 4));
      });
      break;
    }
    case CursorType.COLOR8: {
      const paletteAt = pixels;
      need(paletteAt + 256 * 4 + maskBytes, 'COLOR8');
      colourWithMask(paletteAt + 1024, (x, y) => word(paletteAt + 4 * data[y * width + x]));
      break;
    }
    case CursorType.COLOR16: {
      need(pixels * 2 + maskBytes, 'COLOR16');
      colourWithMask(pixels * 2, (x, y) => {
        const at = 2 * (y * width + x);
        const p = data[at] | (data[at + 1] << 8);
        return (expand5((p >> 10) & 0x1f) << 16) | (expand5((p >> 5) & 0x1f) << 8) | expand5(p & 0x1f);
      });
      break;
    }
    case CursorType.COLOR24: {
      need(pixels * 3 + maskBytes, 'COLOR24');
      colourWithMask(pixels * 3, (x, y) => {
        const at = 3 * (y * width + x);
        return (data[at + 2] << 16) | (data[at + 1] << 8) | data[at];
      });
      break;
    }
    case CursorType.COLOR32: {
      need(pixels * 4 + maskBytes, 'COLOR32');
      colourWithMask(pixels * 4, (x, y) => word(4 * (y * width + x)));
      break;
    }
    default:
      return null;
  }
  if (inverted) outlineInverted(rgba, inverted, width, height);
  return { width, height, hotX: Math.min(header.hotX, width), hotY: Math.min(header.hotY, height), rgba };
}

function put(rgba: Uint8Array, i: number, rgb: number, alpha: number): void {
  rgba[i * 4] = (rgb >> 16) & 0xff;
  rgba[i * 4 + 1] = (rgb >> 8) & 0xff;
  rgba[i * 4 + 2] = rgb & 0xff;
  rgba[i * 4 + 3] = alpha;
}

/** 5-bit channel → 8 bits, so full intensity stays full (0x1f → 0xff). */
function expand5(v: number): number {
  return (v << 3) | (v >> 2);
}

/**
 * ALPHA words are 0xAARRGGBB. X servers (Xspice, the Linux QXL driver) hand over premultiplied
 * ARGB, other guests straight alpha: when no colour channel exceeds its alpha anywhere, the image
 * is taken as premultiplied and divided out (a straight image almost always has such a pixel).
 */
function decodeAlpha(data: Uint8Array, rgba: Uint8Array, pixels: number): void {
  let premultiplied = true;
  for (let i = 0; i < pixels; i++) {
    const b = data[i * 4];
    const g = data[i * 4 + 1];
    const r = data[i * 4 + 2];
    const a = data[i * 4 + 3];
    rgba[i * 4] = r;
    rgba[i * 4 + 1] = g;
    rgba[i * 4 + 2] = b;
    rgba[i * 4 + 3] = a;
    if (r > a || g > a || b > a) premultiplied = false;
  }
  if (!premultiplied) return;
  for (let i = 0; i < pixels; i++) {
    const a = rgba[i * 4 + 3];
    if (a === 0 || a === 255) continue;
    for (let c = 0; c < 3; c++) rgba[i * 4 + c] = Math.min(255, Math.round((rgba[i * 4 + c] * 255) / a));
  }
}

/** Inverting pixels become black; their transparent 4-neighbours become a white edge. */
function outlineInverted(rgba: Uint8Array, inverted: Uint8Array, width: number, height: number): void {
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!inverted[i]) continue;
      put(rgba, i, 0x000000, 0xff);
      const neighbours = [x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, y > 0 ? i - width : -1, y < height - 1 ? i + width : -1];
      for (const n of neighbours) {
        if (n >= 0 && !inverted[n] && rgba[n * 4 + 3] === 0) put(rgba, n, 0xffffff, 0xff);
      }
    }
  }
}
