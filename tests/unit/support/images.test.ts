// The image readers the pixel tests rely on: PNG, PPM, XWD, and the comparisons. Each reader
// is checked on bytes built here (every filter, byte order and pixel format we claim) and on
// files written by independent producers (ImageMagick, and xwd against an Xvfb).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import {
  compareImages, crc32, createImage, cropImage, decodePng, encodePng, pixelAt, psnr, readPng, saveImageDiff,
  assertImagesMatch, type RgbImage,
} from '../../support/images';
import { encodePpm, parsePpm, TruncatedPpmError } from '../../support/ppm';
import { parseXwd, parseXwdHeader } from '../../support/xwd';
import { endProcess, requireProgram, runProgram } from '../../support/servers';

async function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'saffron-images-'));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A deterministic image with every channel varying, so filter mistakes show. */
function pattern(width: number, height: number): RgbImage {
  const image = createImage(width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      image.data[i] = (x * 37 + y * 11) & 0xff;
      image.data[i + 1] = (x * x + y * 101) & 0xff;
      image.data[i + 2] = ((x ^ y) * 53 + 7) & 0xff;
    }
  }
  return image;
}

// ---------------------------------------------------------------------------------------------
// A reference PNG encoder that applies a chosen filter per row (the reader must undo each).

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

function chunk(type: string, body: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + body.length);
  out.writeUInt32BE(body.length, 0);
  out.write(type, 4, 'latin1');
  out.set(body, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + body.length)), 8 + body.length);
  return out;
}

function buildPng(width: number, height: number, channels: 3 | 4, samples: Uint8Array, filterOfRow: (y: number) => number, idatPieces = 1): Buffer {
  const stride = width * channels;
  const raw = Buffer.alloc(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    const filter = filterOfRow(y);
    raw[y * (stride + 1)] = filter;
    for (let x = 0; x < stride; x++) {
      const cur = samples[y * stride + x];
      const left = x >= channels ? samples[y * stride + x - channels] : 0;
      const up = y > 0 ? samples[(y - 1) * stride + x] : 0;
      const upLeft = y > 0 && x >= channels ? samples[(y - 1) * stride + x - channels] : 0;
      const predictor = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)][filter];
      raw[y * (stride + 1) + 1 + x] = (cur - predictor) & 0xff;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = channels === 3 ? 2 : 6;
  const compressed = deflateSync(raw);
  const pieces: Buffer[] = [];
  const size = Math.ceil(compressed.length / idatPieces);
  for (let i = 0; i < compressed.length; i += size) pieces.push(chunk('IDAT', compressed.subarray(i, i + size)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('tEXt', Buffer.from('Comment\0ancillary chunks are skipped', 'latin1')),
    ...pieces,
    chunk('IEND', new Uint8Array(0)),
  ]);
}

test('PNG: every filter type is undone, RGB and RGBA, over several IDAT chunks', () => {
  const image = pattern(23, 17);
  for (const filter of [0, 1, 2, 3, 4]) {
    const png = buildPng(23, 17, 3, image.data, () => filter);
    assert.equal(compareImages(decodePng(png), image).differing, 0, `filter ${filter}`);
  }
  const mixed = buildPng(23, 17, 3, image.data, (y) => (y * 3) % 5, 4);
  assert.equal(compareImages(decodePng(mixed), image).differing, 0, 'filters mixed per row, 4 IDATs');

  // RGBA: alpha varies and is dropped, the colour samples stay as stored.
  const rgba = new Uint8Array(23 * 17 * 4);
  for (let i = 0; i < 23 * 17; i++) {
    rgba.set(image.data.subarray(i * 3, i * 3 + 3), i * 4);
    rgba[i * 4 + 3] = (i * 7) & 0xff;
  }
  for (const filter of [0, 1, 2, 3, 4]) {
    const png = buildPng(23, 17, 4, rgba, () => filter);
    assert.equal(compareImages(decodePng(png), image).differing, 0, `RGBA filter ${filter}`);
  }
});

test('PNG: bad files are refused with a reason', () => {
  const good = buildPng(4, 4, 3, pattern(4, 4).data, () => 4);
  assert.throws(() => decodePng(good.subarray(1)), /bad signature/);
  const badCrc = Buffer.from(good);
  badCrc[20] ^= 0xff; // inside IHDR
  assert.throws(() => decodePng(badCrc), /bad CRC/);
  assert.throws(() => decodePng(good.subarray(0, good.length - 12)), /truncated/);

  const withHeader = (mutate: (ihdr: Buffer) => void): Buffer => {
    const copy = Buffer.from(good);
    const ihdr = copy.subarray(16, 29);
    mutate(ihdr);
    copy.writeUInt32BE(crc32(copy.subarray(12, 29)), 29);
    return copy;
  };
  assert.throws(() => decodePng(withHeader((h) => { h[8] = 16; })), /bit depth 16/);
  assert.throws(() => decodePng(withHeader((h) => { h[12] = 1; })), /interlaced/);
  assert.throws(() => decodePng(withHeader((h) => { h[9] = 5; })), /colour type 5/);

  const badFilter = buildPng(4, 4, 3, pattern(4, 4).data, () => 0);
  // Find the raw rows by re-encoding with an invalid filter byte.
  const raw = Buffer.alloc(4 * 13);
  raw[0] = 9;
  const idat = chunk('IDAT', deflateSync(raw));
  const start = badFilter.indexOf('IDAT') - 4;
  const end = start + 12 + badFilter.readUInt32BE(start);
  assert.throws(() => decodePng(Buffer.concat([badFilter.subarray(0, start), idat, badFilter.subarray(end)])), /unknown filter type 9/);
});

test('PNG: encodePng and decodePng round-trip', () => {
  const image = pattern(31, 9);
  assert.equal(compareImages(decodePng(encodePng(image)), image).differing, 0);
});

test('PNG: files written by ImageMagick read the same as ImageMagick reads them', async () => {
  requireProgram('convert');
  await withTempDir(async (dir) => {
    const cases: Array<[string, string[]]> = [
      ['rgb', ['-seed', '3', '-size', '97x61', 'plasma:fractal', '-depth', '8', 'PNG24:']],
      ['rgba', ['-seed', '4', '-size', '64x48', 'plasma:fractal', '-depth', '8', '-alpha', 'set', 'PNG32:']],
      ['palette', ['-size', '40x30', 'gradient:red-blue', '-colors', '16', '-depth', '8', 'PNG8:']],
      ['grey', ['-size', '50x20', 'gradient:', '-colorspace', 'Gray', '-depth', '8', 'PNG:']],
    ];
    for (const [name, args] of cases) {
      const path = join(dir, `${name}.png`);
      await runProgram('convert', [...args.slice(0, -1), `${args[args.length - 1]}${path}`]);
      const ours = readPng(path);
      const theirs = parsePpm(await runProgram('convert', [path, '-depth', '8', 'ppm:-']));
      assert.equal(compareImages(ours, theirs).differing, 0, `${name}: same pixels as ImageMagick`);
      assert.ok(new Set(Array.from({ length: ours.width * ours.height }, (_, i) => ours.data[i * 3] * 65536 + ours.data[i * 3 + 1] * 256 + ours.data[i * 3 + 2])).size > 4, `${name}: not trivially flat`);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// PPM

test('PPM: P6 with comments, maxval scaling and 16-bit samples', () => {
  const image = pattern(5, 3);
  assert.equal(compareImages(parsePpm(encodePpm(image)), image).differing, 0);

  const header = Buffer.from('P6\n# a comment\n2 1 # another\n15\n', 'latin1');
  const scaled = parsePpm(Buffer.concat([header, Buffer.from([15, 0, 5, 1, 14, 15])]));
  assert.deepEqual(Array.from(scaled.data), [255, 0, 85, 17, 238, 255]);

  const wide = Buffer.concat([Buffer.from('P6 1 1 65535\n', 'latin1'), Buffer.from([0xff, 0xff, 0x80, 0x00, 0x00, 0x00])]);
  assert.deepEqual(Array.from(parsePpm(wide).data), [255, 128, 0]);
});

test('PPM: truncated and foreign files are refused', () => {
  const ppm = encodePpm(pattern(4, 4));
  assert.throws(() => parsePpm(ppm.subarray(0, ppm.length - 1)), TruncatedPpmError);
  assert.throws(() => parsePpm(ppm.subarray(0, 5)), TruncatedPpmError);
  assert.throws(() => parsePpm(Buffer.from('P3\n1 1\n255\n0 0 0\n')), /only binary P6/);
  assert.throws(() => parsePpm(Buffer.from('P6\nx 1\n255\n')), /width "x"/);
});

// ---------------------------------------------------------------------------------------------
// XWD

interface XwdSpec {
  width: number;
  height: number;
  bitsPerPixel: 8 | 16 | 24 | 32;
  msbFirst: boolean;
  visualClass: number;
  masks: [number, number, number];
  colours?: Array<{ pixel: number; rgb: [number, number, number] }>;
  padBytes?: number;
  pixel: (x: number, y: number) => number;
}

/** Builds an XWD file as xwd writes one: big-endian header and colours, pixels in byte order. */
function buildXwd(spec: XwdSpec): Buffer {
  const name = Buffer.from('test\0', 'latin1');
  const bytesPerPixel = spec.bitsPerPixel / 8;
  const bytesPerLine = spec.width * bytesPerPixel + (spec.padBytes ?? 0);
  const colours = spec.colours ?? [];
  const header = Buffer.alloc(100);
  const fields = [
    100 + name.length, 7, 2, spec.bitsPerPixel === 32 ? 24 : spec.bitsPerPixel, spec.width, spec.height,
    0, spec.msbFirst ? 1 : 0, 32, spec.msbFirst ? 1 : 0, 32, spec.bitsPerPixel, bytesPerLine, spec.visualClass,
    ...spec.masks, 8, colours.length, colours.length, spec.width, spec.height, 0, 0, 0,
  ];
  fields.forEach((value, i) => header.writeUInt32BE(value >>> 0, i * 4));
  const colourBytes = Buffer.alloc(colours.length * 12);
  colours.forEach((c, i) => {
    colourBytes.writeUInt32BE(c.pixel, i * 12);
    c.rgb.forEach((v, k) => colourBytes.writeUInt16BE(v * 257, i * 12 + 4 + k * 2));
    colourBytes[i * 12 + 10] = 7;
  });
  const pixels = Buffer.alloc(bytesPerLine * spec.height, 0xee); // padding is junk on purpose
  for (let y = 0; y < spec.height; y++) {
    for (let x = 0; x < spec.width; x++) {
      const at = y * bytesPerLine + x * bytesPerPixel;
      const p = spec.pixel(x, y);
      for (let b = 0; b < bytesPerPixel; b++) {
        const shift = spec.msbFirst ? (bytesPerPixel - 1 - b) * 8 : b * 8;
        pixels[at + b] = (p >>> shift) & 0xff;
      }
    }
  }
  return Buffer.concat([header, name, colourBytes, pixels]);
}

const rgbAt = (x: number, y: number): [number, number, number] => [(x * 40 + 3) & 0xff, (y * 60 + 9) & 0xff, (x * y * 17) & 0xff];

test('XWD: 32 and 24 bpp TrueColor in both byte orders, with row padding', () => {
  for (const bitsPerPixel of [32, 24] as const) {
    for (const msbFirst of [false, true]) {
      const file = buildXwd({
        width: 5, height: 4, bitsPerPixel, msbFirst, visualClass: 4, masks: [0xff0000, 0xff00, 0xff], padBytes: 3,
        colours: Array.from({ length: 4 }, (_, i) => ({ pixel: i, rgb: [i, i, i] as [number, number, number] })),
        pixel: (x, y) => { const [r, g, b] = rgbAt(x, y); return (r << 16) | (g << 8) | b; },
      });
      const image = parseXwd(file);
      assert.deepEqual([image.width, image.height], [5, 4]);
      for (let y = 0; y < 4; y++) for (let x = 0; x < 5; x++) {
        assert.deepEqual(pixelAt(image, x, y), rgbAt(x, y), `${bitsPerPixel} bpp ${msbFirst ? 'MSB' : 'LSB'} at ${x},${y}`);
      }
    }
  }
  // Masks in another order (BGR) are honoured too.
  const bgr = parseXwd(buildXwd({
    width: 2, height: 1, bitsPerPixel: 32, msbFirst: false, visualClass: 4, masks: [0xff, 0xff00, 0xff0000],
    pixel: (x) => (x === 0 ? 0x0000ff : 0xff0000),
  }));
  assert.deepEqual(Array.from(bgr.data), [255, 0, 0, 0, 0, 255]);
});

test('XWD: 16 bpp RGB565 scales each channel to 8 bits', () => {
  const image = parseXwd(buildXwd({
    width: 3, height: 1, bitsPerPixel: 16, msbFirst: false, visualClass: 4, masks: [0xf800, 0x07e0, 0x001f],
    pixel: (x) => [0xffff, 0x0000, (16 << 11) | (32 << 5) | 16][x],
  }));
  assert.deepEqual(Array.from(image.data), [255, 255, 255, 0, 0, 0, 132, 130, 132]);
});

test('XWD: 8 bpp PseudoColor looks pixels up in the colormap', () => {
  const colours = [{ pixel: 0, rgb: [0, 0, 0] }, { pixel: 7, rgb: [255, 128, 1] }, { pixel: 200, rgb: [12, 34, 56] }] as XwdSpec['colours'];
  const image = parseXwd(buildXwd({
    width: 3, height: 2, bitsPerPixel: 8, msbFirst: true, visualClass: 3, masks: [0, 0, 0], colours, padBytes: 1,
    pixel: (x, y) => [0, 7, 200][(x + y) % 3],
  }));
  assert.deepEqual(pixelAt(image, 1, 0), [255, 128, 1]);
  assert.deepEqual(pixelAt(image, 2, 0), [12, 34, 56]);
  assert.deepEqual(pixelAt(image, 0, 1), [255, 128, 1]);
  const stray = buildXwd({ width: 1, height: 1, bitsPerPixel: 8, msbFirst: true, visualClass: 3, masks: [0, 0, 0], colours, pixel: () => 9 });
  assert.throws(() => parseXwd(stray), /pixel 9 .* not in the colormap/);
});

test('XWD: DirectColor maps each channel through the colormap', () => {
  // A colormap that inverts each channel: entry i has value i in every field.
  const colours = Array.from({ length: 256 }, (_, i) => ({ pixel: (i << 16) | (i << 8) | i, rgb: [255 - i, 255 - i, 255 - i] as [number, number, number] }));
  const image = parseXwd(buildXwd({
    width: 1, height: 1, bitsPerPixel: 32, msbFirst: false, visualClass: 5, masks: [0xff0000, 0xff00, 0xff], colours,
    pixel: () => (10 << 16) | (20 << 8) | 30,
  }));
  assert.deepEqual(Array.from(image.data), [245, 235, 225]);
});

test('XWD: truncated and unsupported files are refused', () => {
  const file = buildXwd({ width: 4, height: 4, bitsPerPixel: 32, msbFirst: false, visualClass: 4, masks: [0xff0000, 0xff00, 0xff], pixel: () => 0 });
  assert.equal(parseXwdHeader(file).windowName, 'test');
  assert.throws(() => parseXwd(file.subarray(0, file.length - 1)), /truncated/);
  assert.throws(() => parseXwd(file.subarray(0, 50)), /shorter than the header/);
  const xy = Buffer.from(file);
  xy.writeUInt32BE(1, 8); // XYPixmap
  assert.throws(() => parseXwd(xy), /only ZPixmap/);
  const v6 = Buffer.from(file);
  v6.writeUInt32BE(6, 4);
  assert.throws(() => parseXwd(v6), /version 6/);
});

test('XWD: files written by ImageMagick (24 bpp DirectColor, 8 bpp PseudoColor) match their PNG', async () => {
  requireProgram('convert');
  await withTempDir(async (dir) => {
    const png = join(dir, 'source.png');
    await runProgram('convert', ['-seed', '5', '-size', '33x21', 'plasma:fractal', '-depth', '8', `PNG24:${png}`]);
    const expected = readPng(png);
    await runProgram('convert', [png, `xwd:${join(dir, 'full.xwd')}`]);
    assert.equal(compareImages(parseXwd(await readFile(join(dir, 'full.xwd'))), expected).differing, 0, 'full colour');

    await runProgram('convert', [png, '-colors', '6', `PNG24:${join(dir, 'few.png')}`]);
    await runProgram('convert', [join(dir, 'few.png'), '-type', 'Palette', `xwd:${join(dir, 'few.xwd')}`]);
    const few = await readFile(join(dir, 'few.xwd'));
    assert.equal(parseXwdHeader(few).bitsPerPixel, 8, 'ImageMagick wrote a colour-mapped file');
    assert.equal(compareImages(parseXwd(few), readPng(join(dir, 'few.png'))).differing, 0, 'colour-mapped');
  });
});

/**
 * Starts Xvfb at a depth, lets Xvfb pick a free display itself (-displayfd), runs body.
 * -noreset: otherwise the server resets when xsetroot disconnects, and the root goes black.
 */
async function withXvfb(depth: number, body: (display: string) => Promise<void>): Promise<void> {
  requireProgram('Xvfb');
  const xvfb = spawn('Xvfb', ['-displayfd', '1', '-noreset', '-screen', '0', `64x48x${depth}`, '-nolisten', 'tcp'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const display = await new Promise<string>((resolve, reject) => {
      let out = '';
      let err = '';
      const timer = setTimeout(() => reject(new Error(`Xvfb gave no display number: ${err}`)), 20_000);
      xvfb.stderr.on('data', (chunk: Buffer) => { err += chunk.toString(); });
      xvfb.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) { clearTimeout(timer); resolve(`:${out.trim()}`); }
      });
      xvfb.once('exit', (code) => { clearTimeout(timer); reject(new Error(`Xvfb exited with ${code}: ${err}`)); });
    });
    await body(display);
  } finally {
    await endProcess(xvfb, 3000);
  }
}

for (const depth of [24, 16]) {
  test(`XWD: a real xwd of an Xvfb at depth ${depth}`, async () => {
    requireProgram('xsetroot');
    requireProgram('xwd');
    await withXvfb(depth, async (display) => {
      const env = { ...process.env, DISPLAY: display };
      // Pure colours survive any depth exactly.
      await runProgram('xsetroot', ['-solid', '#ff00ff'], { env });
      const file = await runProgram('xwd', ['-root', '-silent'], { env });
      const header = parseXwdHeader(file);
      assert.equal(header.bitsPerPixel, depth === 24 ? 32 : 16);
      const image = parseXwd(file);
      assert.deepEqual([image.width, image.height], [64, 48]);
      assert.equal(compareImages(image, createImage(64, 48, [255, 0, 255])).differing, 0);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Comparison

test('compareImages counts differing pixels and finds the first', () => {
  const a = pattern(10, 10);
  const b = { ...a, data: Uint8Array.from(a.data) };
  assert.deepEqual(compareImages(a, b), { sameSize: true, differing: 0 });
  b.data[(3 * 10 + 7) * 3 + 1] ^= 1;
  b.data[(5 * 10 + 2) * 3] ^= 1;
  const result = compareImages(a, b);
  assert.equal(result.differing, 2);
  assert.deepEqual(result.firstDifference, { x: 7, y: 3, a: pixelAt(a, 7, 3), b: pixelAt(b, 7, 3) });

  const small = cropImage(a, 0, 0, 8, 10);
  const sized = compareImages(a, small);
  assert.equal(sized.sameSize, false);
  assert.equal(sized.differing, 20, 'the uncovered 2x10 strip counts');
});

test('psnr: Infinity when equal, the textbook value otherwise', () => {
  const a = createImage(10, 10, [100, 100, 100]);
  assert.equal(psnr(a, a), Infinity);
  const b = createImage(10, 10, [110, 100, 100]); // MSE = 100 / 3
  assert.ok(Math.abs(psnr(a, b) - 10 * Math.log10((255 * 255) / (100 / 3))) < 1e-9);
  assert.throws(() => psnr(a, createImage(9, 10)), /sizes differ/);
});

test('a failed match saves both images and a diff, and names the folder', () => {
  const a = createImage(6, 4, [0, 0, 0]);
  const b = createImage(6, 4, [0, 0, 0]);
  b.data[0] = 255;
  assertImagesMatch(a, a);
  assertImagesMatch(a, b, { maxDiffering: 1 });
  let message = '';
  try {
    assertImagesMatch(a, b, { label: 'unit test' });
  } catch (err) {
    message = (err as Error).message;
  }
  const dir = /in (\S+)$/.exec(message)?.[1];
  assert.ok(dir, `message names a folder: ${message}`);
  try {
    assert.match(message, /1 pixels differ .* first at 0,0: got rgb\(0,0,0\), expected rgb\(255,0,0\)/);
    assert.equal(compareImages(readPng(join(dir, 'a.png')), a).differing, 0);
    assert.equal(compareImages(readPng(join(dir, 'b.png')), b).differing, 0);
    assert.deepEqual(pixelAt(readPng(join(dir, 'diff.png')), 0, 0), [255, 0, 0]);
  } finally {
    rmDir(dir);
  }
  const saved = saveImageDiff('x', a, b);
  assert.ok(readFileSync(join(saved, 'diff.png')).length > 0);
  rmDir(saved);
});

function rmDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true }); // sync: called from a synchronous test
}
