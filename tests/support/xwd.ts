// X Window Dump (XWD, file version 7), what `xwd -root -silent` prints: the exact contents of
// an X display, our ground truth for what a SPICE client must show.
//
// Layout: a header of 25 big-endian CARD32 fields, the window name (up to header_size), then
// ncolors 12-byte colour entries (big-endian: CARD32 pixel, CARD16 r, g, b, CARD8 flags, pad),
// then the pixels: height rows of bytes_per_line bytes, each pixel in the byte order the
// header names. Xspice (depth 24) gives ZPixmap, 32 bpp, LSBFirst, TrueColor with masks
// ff0000/ff00/ff, i.e. bytes B, G, R, X. Also read: 8, 16 and 24 bpp, either byte order,
// colour-mapped visuals, and DirectColor (ImageMagick writes 24 bpp MSBFirst DirectColor with
// no colormap). Not read: XYPixmap/XYBitmap and depths below 8 bits per pixel.
import type { RgbImage } from './images';

const HEADER_FIELDS = [
  'headerSize', 'fileVersion', 'pixmapFormat', 'pixmapDepth', 'pixmapWidth', 'pixmapHeight',
  'xOffset', 'byteOrder', 'bitmapUnit', 'bitmapBitOrder', 'bitmapPad', 'bitsPerPixel',
  'bytesPerLine', 'visualClass', 'redMask', 'greenMask', 'blueMask', 'bitsPerRgb',
  'colormapEntries', 'ncolors', 'windowWidth', 'windowHeight', 'windowX', 'windowY',
  'windowBorderWidth',
] as const;

export type XwdHeader = Record<(typeof HEADER_FIELDS)[number], number> & { windowName: string };

const ZPIXMAP = 2;
const LSB_FIRST = 0;
const VISUAL_CLASSES = ['StaticGray', 'GrayScale', 'StaticColor', 'PseudoColor', 'TrueColor', 'DirectColor'];
const TRUE_COLOR = 4;
const DIRECT_COLOR = 5;
const COLOUR_ENTRY_BYTES = 12;

export function parseXwdHeader(file: Uint8Array): XwdHeader {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (file.length < HEADER_FIELDS.length * 4) throw new Error(`XWD: ${file.length} bytes is shorter than the header`);
  const header = { windowName: '' } as XwdHeader;
  HEADER_FIELDS.forEach((name, i) => { header[name] = view.getUint32(i * 4, false); });
  if (header.fileVersion !== 7) throw new Error(`XWD: file version ${header.fileVersion}, only 7 is supported`);
  if (header.headerSize < 100 || header.headerSize > file.length) throw new Error(`XWD: bad header size ${header.headerSize}`);
  const name = file.subarray(100, header.headerSize);
  const nul = name.indexOf(0);
  header.windowName = Buffer.from(nul >= 0 ? name.subarray(0, nul) : name).toString('latin1');
  return header;
}

/** How to turn one mask's bits into an 8-bit channel. */
function channel(mask: number): (pixel: number) => number {
  if (mask === 0) throw new Error('XWD: a TrueColor colour mask is zero');
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  const max = mask >>> shift;
  if ((max & (max + 1)) !== 0) throw new Error(`XWD: colour mask ${mask.toString(16)} is not contiguous`);
  const bits = Math.log2(max + 1);
  if (bits === 8) return (p) => (p & mask) >>> shift;
  if (bits > 8) return (p) => ((p & mask) >>> shift) >>> (bits - 8);
  return (p) => Math.round((((p & mask) >>> shift) * 255) / max);
}

/** A DirectColor channel: the mask's bits of a pixel index a per-channel table from the colormap. */
function componentMap(mask: number, entries: Array<[number, number]>): (pixel: number) => number {
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  const table = new Map<number, number>();
  for (const [pixel, value] of entries) table.set((pixel & mask) >>> shift, value);
  return (p) => {
    const value = table.get((p & mask) >>> shift);
    if (value === undefined) throw new Error(`XWD: DirectColor index ${(p & mask) >>> shift} is not in the colormap`);
    return value;
  };
}

export function parseXwd(file: Uint8Array): RgbImage {
  const h = parseXwdHeader(file);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (h.pixmapFormat !== ZPIXMAP) throw new Error(`XWD: pixmap format ${h.pixmapFormat}, only ZPixmap (2) is supported`);
  if (![8, 16, 24, 32].includes(h.bitsPerPixel)) throw new Error(`XWD: ${h.bitsPerPixel} bits per pixel is not supported`);
  if (h.visualClass >= VISUAL_CLASSES.length) throw new Error(`XWD: unknown visual class ${h.visualClass}`);
  const width = h.pixmapWidth;
  const height = h.pixmapHeight;
  const bytesPerPixel = h.bitsPerPixel / 8;
  if (h.bytesPerLine < width * bytesPerPixel) throw new Error(`XWD: ${h.bytesPerLine} bytes per line is too few for ${width} pixels`);

  const coloursStart = h.headerSize;
  const pixelsStart = coloursStart + h.ncolors * COLOUR_ENTRY_BYTES;
  const need = pixelsStart + h.bytesPerLine * height;
  if (file.length < need) throw new Error(`XWD: truncated: ${file.length} bytes, header promises ${need}`);

  const entries = Array.from({ length: h.ncolors }, (_, i) => {
    const at = coloursStart + i * COLOUR_ENTRY_BYTES;
    // 16-bit samples: keep the high bytes.
    return { pixel: view.getUint32(at, false), rgb: [file[at + 4], file[at + 6], file[at + 8]] as [number, number, number] };
  });
  // Colour-mapped visuals (PseudoColor, the greys, StaticColor) look each pixel up whole.
  let lookup: Map<number, [number, number, number]> | undefined;
  let red: (pixel: number) => number;
  let green: (pixel: number) => number;
  let blue: (pixel: number) => number;
  if (h.visualClass < TRUE_COLOR) {
    lookup = new Map(entries.map((e) => [e.pixel, e.rgb]));
    red = green = blue = () => 0;
  } else {
    red = channel(h.redMask);
    green = channel(h.greenMask);
    blue = channel(h.blueMask);
    if (h.visualClass === DIRECT_COLOR && entries.length > 0) {
      // DirectColor: each channel's bits index the colormap on their own. xwd dumps entry i
      // with i in every channel's field, so each entry maps one value per channel.
      red = componentMap(h.redMask, entries.map((e) => [e.pixel, e.rgb[0]]));
      green = componentMap(h.greenMask, entries.map((e) => [e.pixel, e.rgb[1]]));
      blue = componentMap(h.blueMask, entries.map((e) => [e.pixel, e.rgb[2]]));
    }
    // TrueColor, and DirectColor without a colormap (ImageMagick writes those): the masks alone.
  }

  const little = h.byteOrder === LSB_FIRST;
  const read = (at: number): number => {
    switch (bytesPerPixel) {
      case 4: return view.getUint32(at, little);
      case 2: return view.getUint16(at, little);
      case 1: return file[at];
      default: return little
        ? file[at] | (file[at + 1] << 8) | (file[at + 2] << 16)
        : (file[at] << 16) | (file[at + 1] << 8) | file[at + 2];
    }
  };

  const data = new Uint8Array(width * height * 3);
  // Fast path for the common case (Xspice, Xvfb): 32 bpp LSBFirst, masks ff0000/ff00/ff.
  const bgrx = bytesPerPixel === 4 && little && h.visualClass === TRUE_COLOR && h.redMask === 0xff0000 && h.greenMask === 0xff00 && h.blueMask === 0xff;
  for (let y = 0; y < height; y++) {
    let at = pixelsStart + y * h.bytesPerLine;
    let o = y * width * 3;
    for (let x = 0; x < width; x++, at += bytesPerPixel, o += 3) {
      if (bgrx) {
        data[o] = file[at + 2]; data[o + 1] = file[at + 1]; data[o + 2] = file[at];
        continue;
      }
      const pixel = read(at);
      if (lookup) {
        const rgb = lookup.get(pixel);
        if (!rgb) throw new Error(`XWD: pixel ${pixel} at ${x},${y} is not in the colormap`);
        data[o] = rgb[0]; data[o + 1] = rgb[1]; data[o + 2] = rgb[2];
      } else {
        data[o] = red(pixel); data[o + 1] = green(pixel); data[o + 2] = blue(pixel);
      }
    }
  }
  return { width, height, data };
}
