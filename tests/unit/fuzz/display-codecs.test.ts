import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GlzDictionary } from '../../../src/core/codecs/glz';
import { decodeJpeg, readJpegSize } from '../../../src/core/codecs/jpeg';
import { decodeJpegAlpha } from '../../../src/core/codecs/jpeg-alpha';
import { decodeLzPlt, decodeLzRgb } from '../../../src/core/codecs/lz';
import { decodeLz4Image } from '../../../src/core/codecs/lz4-image';
import { MjpegTables } from '../../../src/core/codecs/mjpeg-tables';
import { decodeQuic } from '../../../src/core/codecs/quic';
import { decodeZlibGlz } from '../../../src/core/codecs/zlib-glz';
import { SurfaceFormat } from '../../../src/core/protocol/constants';
import { ProtocolError } from '../../../src/core/protocol/errors';
import { parseDrawCopy, parseStreamData } from '../../../src/core/protocol/display-messages';
import { nodeInflate } from '../../../src/main/codecs/node-inflate';
import { silentLogger } from '../../../src/main/session/logger';
import { MjpegSurfaceSink } from '../../../src/main/streams/mjpeg-surface-sink';
import { VideoStreams } from '../../../src/main/streams/video-streams';
import { DisplayResources } from '../../../src/main/surfaces/display-resources';
import { ImageResolver } from '../../../src/main/surfaces/image-resolver';
import { Surface } from '../../../src/main/surfaces/surface';
import { fuzz, FuzzRandom, mutate } from '../../support/fuzz';
import { requireJpegDecoder } from '../../support/jpeg';

/**
 * Every codec and display parser fed mutated real payloads (captured from Xspice, or made by
 * the reference encoders): each case must end with a result or a ProtocolError — no TypeError,
 * RangeError or crash, and no hang (the test's timeout). Fixed seeds, bounded counts.
 */
const ROOT = join(__dirname, '..', '..', 'fixtures');
const read = (path: string): Uint8Array => new Uint8Array(readFileSync(join(ROOT, path)));
const seed = (path: string): { name: string; bytes: Uint8Array } => ({ name: path, bytes: read(path) });
const CASES = 600;

function summary(name: string, outcome: { cases: number; accepted: number; refused: number }): void {
  assert.equal(outcome.accepted + outcome.refused, outcome.cases);
  assert.ok(outcome.refused > outcome.cases / 10, `${name}: only ${outcome.refused} of ${outcome.cases} mutations were refused`);
}

/** Bytes of a u32 little-endian then `data`, so a mutation may hit a size field as well. */
function withSize(size: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + data.length);
  new DataView(out.buffer).setUint32(0, size, true);
  out.set(data, 4);
  return out;
}
function splitSize(bytes: Uint8Array): [number, Uint8Array] {
  if (bytes.length < 4) return [0, bytes];
  return [new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true), bytes.subarray(4)];
}

test('fuzz: QUIC', { timeout: 120_000 }, () => {
  const seeds = ['display/quic-120x90.bin', 'display/quic-200x150.bin', 'quic/rgba-31x17-noise.quic', 'quic/rgb16-31x17-noise.quic', 'quic/gray-31x17-noise.quic'].map(seed);
  summary('QUIC', fuzz('QUIC', seeds, CASES, 1, (bytes) => void decodeQuic(bytes)));
});

test('fuzz: LZ (RGB, alpha and palette types)', { timeout: 120_000 }, () => {
  const rgb = ['display/lz_rgb-200x150.bin', 'lz/rgb32-desktop.lz', 'lz/rgba-desktop.lz', 'lz/xxxa-desktop.lz', 'lz/rgb16-desktop.lz', 'lz/rgb24-desktop.lz'].map(seed);
  summary('LZ', fuzz('LZ', rgb, CASES, 2, (bytes) => void decodeLzRgb(bytes)));
  const palette = new Uint32Array(read('lz/plt8-desktop.palette').buffer.slice(0));
  summary('LZ_PLT', fuzz('LZ_PLT', [seed('lz/plt8-desktop.lz'), seed('lz/plt4le-desktop.lz')], CASES / 2, 3, (bytes) => void decodeLzPlt(bytes, palette)));
});

test('fuzz: GLZ through a dictionary holding the images before', { timeout: 120_000 }, () => {
  const files = readdirSync(join(ROOT, 'display', 'glz-sequence')).sort().map((f) => read(join('display', 'glz-sequence', f)));
  const glz = new GlzDictionary((12 * 1024 * 1024) / 4);
  for (const file of files.slice(0, 2)) glz.decode(file);
  const seeds = files.slice(2, 6).map((bytes, i) => ({ name: `glz-sequence ${i + 2}`, bytes }));
  summary('GLZ', fuzz('GLZ', seeds, CASES, 4, (bytes) => void glz.decode(bytes)));
});

test('fuzz: LZ4 images', { timeout: 120_000 }, () => {
  const real = parseDrawCopy(read('display-codecs/lz4-drawcopy-200x150.bin')).source!;
  assert.ok(real.payload.kind === 'lz4');
  const seeds = [
    { name: 'xspice 200x150', bytes: withSize(200 * 65536 + 150, real.payload.data) },
    { name: 'liblz4 bgr 200x150', bytes: withSize(200 * 65536 + 150, read('lz4/bgr-200x150-bottom-up.lz4img')) },
  ];
  const outcome = fuzz('LZ4', seeds, CASES, 5, (bytes) => {
    const [size, data] = splitSize(bytes);
    decodeLz4Image(data, size >>> 16, size & 0xffff);
  });
  summary('LZ4', outcome);
});

test('fuzz: ZLIB_GLZ', { timeout: 120_000 }, () => {
  const files = readdirSync(join(ROOT, 'display-codecs', 'zlib-glz-sequence')).sort();
  const payloads = files.map((f) => {
    const source = parseDrawCopy(read(join('display-codecs', 'zlib-glz-sequence', f))).source!;
    assert.ok(source.payload.kind === 'zlib_glz_rgb');
    return source.payload;
  });
  const glz = new GlzDictionary(1 << 20);
  decodeZlibGlz(payloads[0].glzDataSize, payloads[0].data, nodeInflate, glz);
  const seeds = payloads.slice(1, 4).map((p, i) => ({ name: files[i + 1], bytes: withSize(p.glzDataSize, p.data) }));
  summary('ZLIB_GLZ', fuzz('ZLIB_GLZ', seeds, CASES, 6, (bytes) => {
    const [size, data] = splitSize(bytes);
    decodeZlibGlz(size, data, nodeInflate, glz);
  }));
});

test('fuzz: JPEG, JPEG_ALPHA and MJPEG frames through jpeg-js', { timeout: 120_000 }, () => {
  const decoder = requireJpegDecoder();
  const alpha = parseDrawCopy(read('display-codecs/jpeg-alpha-drawcopy-120x90.bin')).source!;
  assert.ok(alpha.payload.kind === 'jpeg_alpha');
  const { payload } = alpha;
  const frames = readdirSync(join(ROOT, 'display-codecs', 'mjpeg-stream'))
    .filter((f) => f.endsWith('STREAM_DATA.bin'))
    .sort()
    .map((f) => parseStreamData(read(join('display-codecs', 'mjpeg-stream', f))).data);
  const jpegSeeds = [
    { name: 'JPEG of JPEG_ALPHA', bytes: payload.data.slice(0, payload.jpegSize) },
    { name: 'first MJPEG frame', bytes: frames[0] },
  ];
  summary('JPEG', fuzz('JPEG', jpegSeeds, CASES, 7, (bytes) => {
    readJpegSize(bytes);
    decodeJpeg(bytes, decoder);
  }));
  const alphaSeed = new Uint8Array(1 + payload.data.length + 4);
  alphaSeed[0] = payload.flags;
  alphaSeed.set(withSize(payload.jpegSize, payload.data), 1);
  summary('JPEG_ALPHA', fuzz('JPEG_ALPHA', [{ name: 'xspice photo', bytes: alphaSeed }], CASES / 2, 8, (bytes) => {
    const [jpegSize, data] = splitSize(bytes.subarray(1));
    decodeJpegAlpha({ flags: bytes[0] ?? 0, jpegSize, data }, decoder, 120, 90);
  }));
  const tables = new MjpegTables();
  tables.complete(frames[0]);
  const later = frames.slice(1).map((bytes, i) => ({ name: `MJPEG frame ${i + 2}`, bytes }));
  summary('MJPEG', fuzz('MJPEG', later, CASES, 9, (bytes) => void decodeJpeg(tables.complete(bytes), decoder)));
});

test('fuzz: DRAW_COPY messages parsed and their images resolved', { timeout: 120_000 }, () => {
  const decoder = requireJpegDecoder();
  const seeds = [
    'display-codecs/lz4-drawcopy-200x150.bin',
    'display-codecs/jpeg-alpha-drawcopy-120x90.bin',
    'display-codecs/zlib-glz-sequence/001-zlib_glz_rgb-201x151.bin',
    'display/drawcopy-bitmap-200x150.bin',
  ].map(seed);
  summary('DRAW_COPY', fuzz('DRAW_COPY', seeds, CASES, 10, (bytes) => {
    const op = parseDrawCopy(bytes);
    const resolver = new ImageResolver(new DisplayResources(1 << 20), new Map(), { inflate: nodeInflate, jpeg: decoder });
    if (op.source) resolver.resolve(op.source);
    if (op.mask.bitmap) resolver.resolve(op.mask.bitmap);
  }));
});

test('fuzz: a real MJPEG stream with one message damaged per case', { timeout: 120_000 }, () => {
  const decoder = requireJpegDecoder();
  const dir = join(ROOT, 'display-codecs', 'mjpeg-stream');
  const messages = readdirSync(dir).sort().map((f) => ({ type: f.includes('CREATE') ? 'create' : f.includes('REPORT') ? 'report' : 'data', bytes: read(join('display-codecs', 'mjpeg-stream', f)) }));
  const surface = new Surface(0, 1024, 768, SurfaceFormat.XRGB32);
  const random = new FuzzRandom(11);
  let refused = 0;
  for (let i = 0; i < CASES / 2; i++) {
    const damaged = random.int(messages.length);
    const streams = new VideoStreams({
      sink: new MjpegSurfaceSink({ displayId: 0, surface: () => surface, damage: () => {}, log: silentLogger }, decoder),
      multimediaTime: () => 0,
      sendReport: () => {},
      log: silentLogger,
    });
    for (const [index, message] of messages.entries()) {
      const { bytes, how } = index === damaged ? mutate(random, message.bytes) : { bytes: message.bytes, how: 'intact' };
      try {
        if (message.type === 'create') streams.create(bytes, (id) => id === 0);
        else if (message.type === 'report') streams.activateReport(bytes);
        else streams.data(bytes, false);
      } catch (error) {
        if (!(error instanceof ProtocolError)) throw new Error(`case ${i}, message ${index} (${how}): ${(error as Error)?.name}: ${(error as Error)?.message}`, { cause: error });
        refused++;
        break;
      }
    }
  }
  assert.ok(refused > 0);
});
