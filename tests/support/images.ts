// Images for pixel tests: a plain RGB raster, a small PNG reader/writer (so tests need no
// image library), and the comparisons a test asserts with. Everything here is pure except
// the file helpers, which only read or write the paths they are given.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';

/** RGB, 3 bytes per pixel, rows top-down, no padding. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export type Rgb = [number, number, number];

export function createImage(width: number, height: number, fill: Rgb = [0, 0, 0]): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i += 3) data.set(fill, i);
  return { width, height, data };
}

export function pixelAt(image: RgbImage, x: number, y: number): Rgb {
  if (x < 0 || y < 0 || x >= image.width || y >= image.height) {
    throw new RangeError(`pixel ${x},${y} is outside a ${image.width}x${image.height} image`);
  }
  const i = (y * image.width + x) * 3;
  return [image.data[i], image.data[i + 1], image.data[i + 2]];
}

export function cropImage(image: RgbImage, x: number, y: number, width: number, height: number): RgbImage {
  if (x < 0 || y < 0 || width < 0 || height < 0 || x + width > image.width || y + height > image.height) {
    throw new RangeError(`crop ${width}x${height}+${x}+${y} is outside a ${image.width}x${image.height} image`);
  }
  const out = new Uint8Array(width * height * 3);
  for (let row = 0; row < height; row++) {
    const from = ((y + row) * image.width + x) * 3;
    out.set(image.data.subarray(from, from + width * 3), row * width * 3);
  }
  return { width, height, data: out };
}

// ---------------------------------------------------------------------------------------------
// PNG

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Samples per pixel by colour type (grey, RGB, palette, grey+alpha, RGBA). */
const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

// Our own CRC-32 (zlib.crc32 only exists from Node 20.15), so a corrupt file is caught here.
const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/**
 * Undoes the per-row PNG filters of `raw` (each row: 1 filter byte + stride bytes) and returns
 * the unfiltered rows packed together. `bpp` is bytes per complete pixel (at least 1).
 */
export function unfilterPng(raw: Uint8Array, height: number, stride: number, bpp: number): Uint8Array {
  if (raw.length < height * (stride + 1)) {
    throw new Error(`PNG: image data is ${raw.length} bytes, expected ${height * (stride + 1)}`);
  }
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    const prev = row - stride; // only read when y > 0
    for (let x = 0; x < stride; x++) {
      const left = x >= bpp ? out[row + x - bpp] : 0;
      const up = y > 0 ? out[prev + x] : 0;
      const upLeft = y > 0 && x >= bpp ? out[prev + x - bpp] : 0;
      let predictor: number;
      switch (filter) {
        case 0: predictor = 0; break;
        case 1: predictor = left; break;
        case 2: predictor = up; break;
        case 3: predictor = (left + up) >> 1; break;
        case 4: predictor = paeth(left, up, upLeft); break;
        default: throw new Error(`PNG: row ${y} has unknown filter type ${filter}`);
      }
      out[row + x] = (raw[src + x] + predictor) & 0xff;
    }
  }
  return out;
}

/**
 * Decodes an 8-bit, non-interlaced PNG (grey, RGB, palette, grey+alpha or RGBA) to RGB.
 * Alpha is dropped: the colour channels are returned as stored, not composited.
 */
export function decodePng(file: Uint8Array): RgbImage {
  const buf = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (buf.length < 8 || !buf.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('PNG: bad signature');
  let offset = 8;
  let header: { width: number; height: number; depth: number; colourType: number; interlace: number } | undefined;
  let palette: Uint8Array | undefined;
  const idat: Buffer[] = [];
  let ended = false;
  while (!ended) {
    if (offset + 12 > buf.length) throw new Error('PNG: truncated (no IEND chunk)');
    const length = buf.readUInt32BE(offset);
    const type = buf.toString('latin1', offset + 4, offset + 8);
    if (offset + 12 + length > buf.length) throw new Error(`PNG: chunk ${type} is truncated`);
    const body = buf.subarray(offset + 8, offset + 8 + length);
    const expectedCrc = buf.readUInt32BE(offset + 8 + length);
    if (crc32(buf.subarray(offset + 4, offset + 8 + length)) !== expectedCrc) throw new Error(`PNG: chunk ${type} has a bad CRC`);
    offset += 12 + length;
    switch (type) {
      case 'IHDR':
        header = {
          width: body.readUInt32BE(0),
          height: body.readUInt32BE(4),
          depth: body[8],
          colourType: body[9],
          interlace: body[12],
        };
        break;
      case 'PLTE': palette = body; break;
      case 'IDAT': idat.push(body); break;
      case 'IEND': ended = true; break;
      default:
        // Ancillary chunks (lower-case first letter) carry nothing we need; an unknown
        // critical chunk means we would decode the picture wrongly.
        if ((type.charCodeAt(0) & 0x20) === 0) throw new Error(`PNG: unsupported critical chunk ${type}`);
    }
  }
  if (!header) throw new Error('PNG: no IHDR chunk');
  const { width, height, depth, colourType, interlace } = header;
  const channels = PNG_CHANNELS[colourType];
  if (channels === undefined) throw new Error(`PNG: unknown colour type ${colourType}`);
  if (depth !== 8) throw new Error(`PNG: bit depth ${depth} is not supported, only 8 (write with convert ... PNG24:/PNG32:)`);
  if (interlace !== 0) throw new Error('PNG: interlaced images are not supported');
  if (colourType === 3 && !palette) throw new Error('PNG: palette image without PLTE');

  const pixels = unfilterPng(inflateSync(Buffer.concat(idat)), height, width * channels, channels);
  const out = new Uint8Array(width * height * 3);
  for (let i = 0, o = 0; o < out.length; i += channels, o += 3) {
    if (colourType === 2 || colourType === 6) {
      out[o] = pixels[i]; out[o + 1] = pixels[i + 1]; out[o + 2] = pixels[i + 2];
    } else if (colourType === 3) {
      const entry = pixels[i] * 3;
      if (entry + 2 >= palette!.length) throw new Error(`PNG: palette index ${pixels[i]} is out of range`);
      out[o] = palette![entry]; out[o + 1] = palette![entry + 1]; out[o + 2] = palette![entry + 2];
    } else {
      out[o] = out[o + 1] = out[o + 2] = pixels[i];
    }
  }
  return { width, height, data: out };
}

export function readPng(path: string): RgbImage {
  try {
    return decodePng(readFileSync(path));
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`, { cause: err });
  }
}

function pngChunk(type: string, body: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + body.length);
  out.writeUInt32BE(body.length, 0);
  out.write(type, 4, 'latin1');
  out.set(body, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + body.length)), 8 + body.length);
  return out;
}

/** An 8-bit RGB PNG, every row filtered with None: for debug output, not for size. */
export function encodePng(image: RgbImage): Buffer {
  const stride = image.width * 3;
  const raw = Buffer.alloc(image.height * (stride + 1));
  for (let y = 0; y < image.height; y++) raw.set(image.data.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(image.width, 0);
  ihdr.writeUInt32BE(image.height, 4);
  ihdr[8] = 8; // depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', new Uint8Array(0))]);
}

export function writePng(path: string, image: RgbImage): void {
  writeFileSync(path, encodePng(image));
}

// ---------------------------------------------------------------------------------------------
// Comparison

export interface Comparison {
  sameSize: boolean;
  /** Pixels that differ in any channel; when sizes differ, pixels outside the common area count too. */
  differing: number;
  /** The first differing pixel in raster order of the common area. */
  firstDifference?: { x: number; y: number; a: Rgb; b: Rgb };
}

export function compareImages(a: RgbImage, b: RgbImage): Comparison {
  const width = Math.min(a.width, b.width);
  const height = Math.min(a.height, b.height);
  const sameSize = a.width === b.width && a.height === b.height;
  let differing = a.width * a.height + b.width * b.height - 2 * width * height;
  let firstDifference: Comparison['firstDifference'];
  for (let y = 0; y < height; y++) {
    let ia = y * a.width * 3;
    let ib = y * b.width * 3;
    for (let x = 0; x < width; x++, ia += 3, ib += 3) {
      if (a.data[ia] !== b.data[ib] || a.data[ia + 1] !== b.data[ib + 1] || a.data[ia + 2] !== b.data[ib + 2]) {
        differing++;
        firstDifference ??= {
          x, y,
          a: [a.data[ia], a.data[ia + 1], a.data[ia + 2]],
          b: [b.data[ib], b.data[ib + 1], b.data[ib + 2]],
        };
      }
    }
  }
  return firstDifference ? { sameSize, differing, firstDifference } : { sameSize, differing };
}

/** Peak signal-to-noise ratio in dB over all channels; Infinity for identical images. */
export function psnr(a: RgbImage, b: RgbImage): number {
  if (a.width !== b.width || a.height !== b.height) {
    throw new Error(`psnr: sizes differ (${a.width}x${a.height} vs ${b.width}x${b.height})`);
  }
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = a.data[i] - b.data[i];
    sum += d * d;
  }
  if (sum === 0) return Infinity;
  const mse = sum / a.data.length;
  return 10 * Math.log10((255 * 255) / mse);
}

/** Differing pixels in red over a dimmed copy of `a`, so the eye finds them at once. */
export function diffImage(a: RgbImage, b: RgbImage): RgbImage {
  const width = Math.max(a.width, b.width);
  const height = Math.max(a.height, b.height);
  const out = createImage(width, height, [255, 0, 0]);
  for (let y = 0; y < Math.min(a.height, b.height); y++) {
    for (let x = 0; x < Math.min(a.width, b.width); x++) {
      const ia = (y * a.width + x) * 3;
      const ib = (y * b.width + x) * 3;
      const o = (y * width + x) * 3;
      const same = a.data[ia] === b.data[ib] && a.data[ia + 1] === b.data[ib + 1] && a.data[ia + 2] === b.data[ib + 2];
      if (same) {
        const grey = (a.data[ia] + a.data[ia + 1] + a.data[ia + 2]) / 12; // dark, so red stands out
        out.data[o] = out.data[o + 1] = out.data[o + 2] = grey;
      }
    }
  }
  return out;
}

/** Saves both images and their diff in a fresh temp dir; returns the dir. For failing tests. */
export function saveImageDiff(label: string, a: RgbImage, b: RgbImage): string {
  const dir = mkdtempSync(join(tmpdir(), `saffron-${label.replace(/[^A-Za-z0-9_-]+/g, '_')}-`));
  writePng(join(dir, 'a.png'), a);
  writePng(join(dir, 'b.png'), b);
  writePng(join(dir, 'diff.png'), diffImage(a, b));
  return dir;
}

/**
 * Throws unless `actual` matches `expected` (exactly, or within the given tolerance); on failure
 * it saves both images and a diff and names the folder in the message.
 */
export function assertImagesMatch(
  actual: RgbImage,
  expected: RgbImage,
  options: { label?: string; maxDiffering?: number; minPsnr?: number } = {},
): void {
  const label = options.label ?? 'image';
  const comparison = compareImages(actual, expected);
  const maxDiffering = options.maxDiffering ?? (options.minPsnr === undefined ? 0 : Infinity);
  let problem: string | undefined;
  if (!comparison.sameSize) {
    problem = `sizes differ: ${actual.width}x${actual.height} vs expected ${expected.width}x${expected.height}`;
  } else if (comparison.differing > maxDiffering) {
    const f = comparison.firstDifference!;
    problem = `${comparison.differing} pixels differ (allowed ${maxDiffering}); first at ${f.x},${f.y}: ` +
      `got rgb(${f.a.join(',')}), expected rgb(${f.b.join(',')})`;
  } else if (options.minPsnr !== undefined) {
    const value = psnr(actual, expected);
    if (value < options.minPsnr) problem = `PSNR ${value.toFixed(2)} dB is below ${options.minPsnr} dB`;
  }
  if (problem) {
    const dir = saveImageDiff(label, actual, expected);
    throw new Error(`${label}: ${problem}. Saved a.png (actual), b.png (expected), diff.png in ${dir}`);
  }
}
