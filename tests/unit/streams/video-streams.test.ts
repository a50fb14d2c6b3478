import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DecodedImage } from '../../../src/core/codecs/types';
import { SurfaceFormat, VideoCodecType } from '../../../src/core/protocol/constants';
import { encodeStreamReport, type StreamReport } from '../../../src/core/protocol/display-client-messages';
import {
  parseStreamActivateReport,
  parseStreamClip,
  parseStreamCreate,
  parseStreamData,
  parseStreamDataSized,
  parseStreamDestroy,
} from '../../../src/core/protocol/display-messages';
import type { Clip, Rect } from '../../../src/core/protocol/display-types';
import { ProtocolError } from '../../../src/core/protocol/errors';
import { encodeMessage, MessageFramer } from '../../../src/core/protocol/framing';
import { silentLogger } from '../../../src/main/session/logger';
import { MjpegSurfaceSink } from '../../../src/main/streams/mjpeg-surface-sink';
import { putFrame } from '../../../src/main/streams/put-frame';
import { DROP_SEQUENCE_LIMIT, StreamReportWindow } from '../../../src/main/streams/stream-report';
import type { EncodedVideoFrame, VideoStreamInfo, VideoStreamSink } from '../../../src/main/streams/stream-sink';
import { VideoStreams } from '../../../src/main/streams/video-streams';
import { Surface } from '../../../src/main/surfaces/surface';
import { Bytes, chunkings, concatBytes } from '../../support/chunking';
import { psnr, readPng, type RgbImage } from '../../support/images';
import { requireJpegDecoder, toRgb } from '../../support/jpeg';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'display-codecs');
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(FIXTURES, name)));

function rect(b: Bytes, r: Rect): Bytes {
  return b.i32(r.top).i32(r.left).i32(r.bottom).i32(r.right);
}
function clip(b: Bytes, c: Clip): Bytes {
  if (c.type === 'none') return b.u8(0);
  b.u8(1).u32(c.rects.length);
  for (const r of c.rects) rect(b, r);
  return b;
}
const R = (left: number, top: number, right: number, bottom: number): Rect => ({ left, top, right, bottom });

interface CreateFields {
  id: number;
  surfaceId?: number;
  flags?: number;
  codec?: number;
  width: number;
  height: number;
  dest: Rect;
  clip?: Clip;
}
/** STREAM_CREATE: u32 surface, u32 id, u8 flags, u8 codec, u64 stamp, u32 ×4 sizes, Rect dest, Clip. */
function createBody(f: CreateFields): Uint8Array {
  const b = new Bytes().u32(f.surfaceId ?? 0).u32(f.id).u8(f.flags ?? 0).u8(f.codec ?? VideoCodecType.MJPEG).u64(0);
  b.u32(f.width).u32(f.height).u32(f.width).u32(f.height);
  return clip(rect(b, f.dest), f.clip ?? { type: 'none' }).build();
}
function dataBody(id: number, mmTime: number, data: Uint8Array): Uint8Array {
  return new Bytes().u32(id).u32(mmTime).u32(data.length).raw(data).build();
}
function sizedBody(id: number, mmTime: number, width: number, height: number, dest: Rect, data: Uint8Array): Uint8Array {
  return rect(new Bytes().u32(id).u32(mmTime).u32(width).u32(height), dest).u32(data.length).raw(data).build();
}
function clipBody(id: number, c: Clip): Uint8Array {
  return clip(new Bytes().u32(id), c).build();
}
const u32Body = (v: number): Uint8Array => new Bytes().u32(v).build();
function activateBody(id: number, unique: number, window: number, timeoutMs: number): Uint8Array {
  return new Bytes().u32(id).u32(unique).u32(window).u32(timeoutMs).build();
}

test('stream messages parse the same under every TCP chunking', () => {
  const clipRects: Clip = { type: 'rects', rects: [R(1, 2, 30, 40), R(5, 6, 7, 8)] };
  const messages: [number, Uint8Array][] = [
    [122, createBody({ id: 3, flags: 1, width: 64, height: 48, dest: R(10, 20, 74, 68), clip: clipRects })],
    [319, activateBody(3, 0xdeadbeef, 5, 1000)],
    [123, dataBody(3, 4000000000, Uint8Array.of(1, 2, 3))],
    [316, sizedBody(3, 7, 32, 24, R(0, 0, 64, 48), Uint8Array.of(9))],
    [124, clipBody(3, { type: 'none' })],
    [125, u32Body(3)],
    [126, new Uint8Array(0)],
  ];
  const stream = concatBytes(...messages.map(([type, body], i) => encodeMessage(type, body, true, BigInt(i))));
  for (const pieces of chunkings(stream)) {
    const framer = new MessageFramer(true);
    const got = pieces.flatMap((piece) => framer.feed(piece));
    assert.deepEqual(got.map((m) => m.type), messages.map(([type]) => type));
    const create = parseStreamCreate(got[0].body);
    assert.deepEqual([create.id, create.flags, create.codecType, create.srcWidth, create.srcHeight], [3, 1, 1, 64, 48]);
    assert.deepEqual(create.dest, R(10, 20, 74, 68));
    assert.deepEqual(create.clip, clipRects);
    assert.deepEqual(parseStreamActivateReport(got[1].body), { streamId: 3, uniqueId: 0xdeadbeef, maxWindowSize: 5, timeoutMs: 1000 });
    const data = parseStreamData(got[2].body);
    assert.deepEqual([data.id, data.multiMediaTime, [...data.data]], [3, 4000000000, [1, 2, 3]]);
    const sized = parseStreamDataSized(got[3].body);
    assert.deepEqual(sized.size, { width: 32, height: 24, dest: R(0, 0, 64, 48) });
    assert.deepEqual([...sized.data], [9]);
    assert.deepEqual(parseStreamClip(got[4].body), { id: 3, clip: { type: 'none' } });
    assert.equal(parseStreamDestroy(got[5].body), 3);
  }
});

test('real stream messages from Xspice survive every chunking; every truncation is a ProtocolError', () => {
  const bodies = ['000-STREAM_CREATE.bin', '001-STREAM_ACTIVATE_REPORT.bin', '003-STREAM_DATA.bin'].map((f) => fixture(join('mjpeg-stream', f)));
  const stream = concatBytes(encodeMessage(122, bodies[0], true, 1n), encodeMessage(319, bodies[1], true, 2n), encodeMessage(123, bodies[2], true, 3n));
  for (const pieces of chunkings(stream)) {
    const framer = new MessageFramer(true);
    const got = pieces.flatMap((piece) => framer.feed(piece));
    assert.deepEqual(got.map((m) => [m.type, m.body.length]), [[122, bodies[0].length], [319, bodies[1].length], [123, bodies[2].length]]);
    assert.equal(parseStreamCreate(got[0].body).id, 49);
    assert.deepEqual(parseStreamData(got[2].body).data, bodies[2].subarray(12));
  }
  const parsers: [Uint8Array, (b: Uint8Array) => unknown][] = [
    [bodies[0], parseStreamCreate],
    [bodies[1], parseStreamActivateReport],
    [bodies[2], parseStreamData],
    [sizedBody(1, 2, 3, 4, R(0, 0, 3, 4), Uint8Array.of(5, 6)), parseStreamDataSized],
    [clipBody(1, { type: 'rects', rects: [R(0, 0, 1, 1)] }), parseStreamClip],
    [u32Body(1), parseStreamDestroy],
  ];
  for (const [body, parse] of parsers) {
    for (let cut = 0; cut < body.length; cut++) assert.throws(() => parse(body.subarray(0, cut)), ProtocolError, `cut ${cut}`);
  }
});

test('STREAM_REPORT is eight 32-bit fields in spice.proto order', () => {
  const report: StreamReport = {
    streamId: 49,
    uniqueId: 0x12345678,
    startFrameMmTime: 1000,
    endFrameMmTime: 2000,
    frames: 5,
    drops: 2,
    lastFrameDelay: -40,
    audioDelay: 0xffffffff,
  };
  const bytes = encodeStreamReport(report);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  assert.equal(bytes.length, 32);
  assert.deepEqual([0, 4, 8, 12, 16, 20].map((o) => v.getUint32(o, true)), [49, 0x12345678, 1000, 2000, 5, 2]);
  assert.equal(v.getInt32(24, true), -40);
  assert.equal(v.getUint32(28, true), 0xffffffff);
});

test('stream report windows close on size, on timeout and after three late frames in a row', () => {
  const bySize = new StreamReportWindow(7, { uniqueId: 9, maxWindowSize: 3, timeoutMs: 10_000 });
  assert.equal(bySize.frameArrived(100, 50, 0), null);
  assert.equal(bySize.frameArrived(140, -5, 10), null);
  assert.deepEqual(bySize.frameArrived(180, 20, 20), {
    streamId: 7, uniqueId: 9, startFrameMmTime: 100, endFrameMmTime: 180, frames: 3, drops: 1, lastFrameDelay: 20, audioDelay: 0xffffffff,
  });
  assert.equal(bySize.frameArrived(220, 20, 30), null, 'a new window starts');

  const byTime = new StreamReportWindow(7, { uniqueId: 9, maxWindowSize: 100, timeoutMs: 1000 });
  assert.equal(byTime.frameArrived(100, 50, 5000), null);
  assert.equal(byTime.frameArrived(140, 50, 5999), null);
  assert.equal(byTime.frameArrived(180, 50, 6000)?.frames, 3);

  const byDrops = new StreamReportWindow(7, { uniqueId: 9, maxWindowSize: 100, timeoutMs: 10_000 });
  assert.equal(byDrops.frameArrived(100, -1, 0), null);
  assert.equal(byDrops.frameArrived(140, 10, 0), null, 'an in-time frame ends the run of drops');
  for (let i = 1; i < DROP_SEQUENCE_LIMIT; i++) assert.equal(byDrops.frameArrived(140 + i, -1, 0), null);
  const report = byDrops.frameArrived(200, -30, 0);
  assert.deepEqual([report?.frames, report?.drops, report?.lastFrameDelay], [2 + DROP_SEQUENCE_LIMIT, 1 + DROP_SEQUENCE_LIMIT, -30]);
});

/** A sink that records what it is given. */
class RecordingSink implements VideoStreamSink {
  readonly created: VideoStreamInfo[] = [];
  readonly frames: EncodedVideoFrame[] = [];
  readonly clips: [number, Clip][] = [];
  readonly destroyed: number[] = [];
  constructor(readonly codecs: readonly number[] = [VideoCodecType.MJPEG], private readonly failFrames = false) {}
  create(stream: VideoStreamInfo): boolean {
    this.created.push(stream);
    return true;
  }
  frame(frame: EncodedVideoFrame): void {
    if (this.failFrames) throw new ProtocolError('corrupt frame');
    this.frames.push({ ...frame, data: frame.data.slice() });
  }
  clip(streamId: number, c: Clip): void {
    this.clips.push([streamId, c]);
  }
  destroy(streamId: number): void {
    this.destroyed.push(streamId);
  }
}

function streamsWith(sink: VideoStreamSink, clock = { mm: 0, now: 0 }): { streams: VideoStreams; reports: StreamReport[] } {
  const reports: StreamReport[] = [];
  const streams = new VideoStreams({ sink, multimediaTime: () => clock.mm, now: () => clock.now, sendReport: (r) => reports.push(r), log: silentLogger });
  return { streams, reports };
}
const surfaceExists = (id: number): boolean => id === 0;

test('the stream table: frames timed against the multimedia clock, sized frames, clips, destroy', () => {
  const sink = new RecordingSink();
  const clock = { mm: 1000, now: 0 };
  const { streams, reports } = streamsWith(sink, clock);
  streams.create(createBody({ id: 2, flags: 1, width: 8, height: 6, dest: R(10, 10, 18, 16) }), surfaceExists);
  assert.deepEqual(sink.created.map((s) => [s.id, s.topDown, s.frameWidth, s.frameHeight]), [[2, true, 8, 6]]);
  const jpeg = Uint8Array.of(0xff, 0xd8, 0xff, 0xda); // the recording sink does not decode
  streams.data(dataBody(2, 1100, jpeg), false);
  streams.data(sizedBody(2, 990, 4, 3, R(0, 0, 4, 3), jpeg), true);
  streams.data(dataBody(2, 0, jpeg), false); // a 0 stamp means "now + 100 ms", as spice-gtk does
  assert.deepEqual(sink.frames.map((f) => [f.mmTime, f.marginMs, f.width, f.height, f.dest.right]), [
    [1100, 100, 8, 6, 18],
    [990, -10, 4, 3, 4],
    [1100, 100, 8, 6, 18],
  ]);
  streams.clip(clipBody(2, { type: 'rects', rects: [R(10, 10, 12, 12)] }));
  assert.equal(sink.clips.length, 1);
  streams.destroy(u32Body(2));
  assert.deepEqual(sink.destroyed, [2]);
  assert.equal(reports.length, 0, 'no reports before STREAM_ACTIVATE_REPORT');
  // The clocks wrap at 2^32 ms: a frame just after the wrap is still in time.
  clock.mm = 0xffffff00;
  streams.create(createBody({ id: 3, width: 8, height: 6, dest: R(0, 0, 8, 6) }), surfaceExists);
  streams.data(dataBody(3, 0x10, jpeg), false);
  assert.equal(sink.frames.at(-1)?.marginMs, 0x110);
});

test('reports answer STREAM_ACTIVATE_REPORT; unknown, refused and failing streams are reported unsupported once', () => {
  const sink = new RecordingSink([VideoCodecType.MJPEG]);
  const clock = { mm: 0, now: 0 };
  const { streams, reports } = streamsWith(sink, clock);
  streams.create(createBody({ id: 1, width: 8, height: 6, dest: R(0, 0, 8, 6) }), surfaceExists);
  streams.activateReport(activateBody(1, 77, 2, 1000));
  const jpeg = Uint8Array.of(0xff, 0xd8, 0xff, 0xda);
  streams.data(dataBody(1, 40, jpeg), false);
  clock.mm = 100;
  streams.data(dataBody(1, 80, jpeg), false);
  assert.deepEqual(reports, [{ streamId: 1, uniqueId: 77, startFrameMmTime: 40, endFrameMmTime: 80, frames: 2, drops: 1, lastFrameDelay: -20, audioDelay: 0xffffffff }]);

  // VP8 is not among the sink's codecs: refused and reported, its frames ignored.
  streams.create(createBody({ id: 4, codec: VideoCodecType.VP8, width: 8, height: 6, dest: R(0, 0, 8, 6) }), surfaceExists);
  assert.equal(sink.created.length, 1);
  assert.deepEqual([reports.at(-1)?.streamId, reports.at(-1)?.frames, reports.at(-1)?.drops], [4, 0, 0xffffffff]);
  const before = reports.length;
  streams.data(dataBody(4, 1, jpeg), false);
  streams.data(dataBody(4, 2, jpeg), false);
  streams.clip(clipBody(9, { type: 'none' }));
  assert.equal(reports.length, before + 1, 'one report for stream 9; none more for stream 4');

  // A sink that fails on a frame: the stream is dropped and reported, the channel goes on.
  const failing = new RecordingSink([VideoCodecType.MJPEG], true);
  const second = streamsWith(failing);
  second.streams.create(createBody({ id: 5, width: 8, height: 6, dest: R(0, 0, 8, 6) }), surfaceExists);
  second.streams.data(dataBody(5, 1, jpeg), false);
  assert.deepEqual(failing.destroyed, [5]);
  assert.equal(second.reports.at(-1)?.drops, 0xffffffff);
  assert.equal(second.streams.liveStreams, 0);
});

test('protocol violations in stream messages are ProtocolErrors', () => {
  const { streams } = streamsWith(new RecordingSink());
  const body = createBody({ id: 1, width: 8, height: 6, dest: R(0, 0, 8, 6) });
  streams.create(body, surfaceExists);
  assert.throws(() => streams.create(body, surfaceExists), /created twice/);
  assert.throws(() => streams.create(createBody({ id: 2, surfaceId: 5, width: 8, height: 6, dest: R(0, 0, 8, 6) }), surfaceExists), /surface 5/);
  assert.throws(() => streams.create(createBody({ id: 3, width: 100_000, height: 6, dest: R(0, 0, 8, 6) }), surfaceExists), /beyond the limit/);
  assert.throws(() => streams.data(sizedBody(1, 1, 0, 99_999, R(0, 0, 1, 1), Uint8Array.of(1)), true), /beyond the limit/);
  assert.throws(() => streams.data(dataBody(1, 1, Uint8Array.of(1)).subarray(0, 12), false), ProtocolError);
});

function frameImage(width: number, height: number, pixel: (x: number, y: number) => number): DecodedImage {
  const pixels = new Uint32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels[y * width + x] = pixel(x, y);
  return { width, height, pixels, hasAlpha: false };
}

test('putFrame: row order, clip, surface edges, nearest-neighbour scaling', () => {
  const colour = (x: number, y: number): number => (0xff000000 | (y << 8) | x) >>> 0;
  // Top-down 4x3 frame at (2,1), clipped to two rectangles.
  let surface = new Surface(0, 10, 8, SurfaceFormat.XRGB32);
  const damage = putFrame(surface, frameImage(4, 3, colour), true, R(2, 1, 6, 4), { type: 'rects', rects: [R(2, 1, 4, 2), R(5, 3, 9, 9)] });
  assert.deepEqual(damage, R(2, 1, 6, 4));
  assert.equal(surface.pixels[1 * 10 + 2], colour(0, 0));
  assert.equal(surface.pixels[1 * 10 + 3], colour(1, 0));
  assert.equal(surface.pixels[1 * 10 + 4], 0xff000000, 'outside the clip');
  assert.equal(surface.pixels[3 * 10 + 5], colour(3, 2));
  assert.equal(surface.pixels[2 * 10 + 5], 0xff000000, 'outside the clip');
  // Bottom-up frame: its first row lands at the bottom.
  surface = new Surface(0, 10, 8, SurfaceFormat.XRGB32);
  putFrame(surface, frameImage(4, 3, colour), false, R(0, 0, 4, 3), { type: 'none' });
  assert.equal(surface.pixels[2 * 10 + 1], colour(1, 0));
  assert.equal(surface.pixels[0 * 10 + 1], colour(1, 2));
  // Partly off the surface: only the visible part is written and damaged.
  surface = new Surface(0, 10, 8, SurfaceFormat.XRGB32);
  assert.deepEqual(putFrame(surface, frameImage(4, 3, colour), true, R(8, 6, 12, 9), { type: 'none' }), R(8, 6, 10, 8));
  assert.equal(surface.pixels[7 * 10 + 9], colour(1, 1));
  // A 2x2 frame doubled to 4x4: each source pixel covers a 2x2 block.
  surface = new Surface(0, 10, 8, SurfaceFormat.XRGB32);
  putFrame(surface, frameImage(2, 2, colour), true, R(0, 0, 4, 4), { type: 'none' });
  const got = [0, 1, 2, 3].map((y) => [0, 1, 2, 3].map((x) => surface.pixels[y * 10 + x]));
  const want = [0, 1, 2, 3].map((y) => [0, 1, 2, 3].map((x) => colour(x >> 1, y >> 1)));
  assert.deepEqual(got, want);
});

test('the MJPEG sink draws the real Xspice stream into the surface: each frame the next animation frame', () => {
  const decoder = requireJpegDecoder();
  const frames = [0, 1, 2, 3, 4, 5].map((i) => readPng(join(FIXTURES, 'mjpeg-frames', `frame${i}.png`)));
  const surface = new Surface(0, 1024, 768, SurfaceFormat.XRGB32);
  const damage: Rect[] = [];
  const sink = new MjpegSurfaceSink({ displayId: 0, surface: (id) => (id === 0 ? surface : undefined), damage: (_s, r) => damage.push(r), log: silentLogger }, decoder);
  const clock = { mm: 0, now: 0 };
  const { streams, reports } = streamsWith(sink, clock);
  streams.create(fixture('mjpeg-stream/000-STREAM_CREATE.bin'), surfaceExists);
  streams.activateReport(fixture('mjpeg-stream/001-STREAM_ACTIVATE_REPORT.bin'));
  const dest = R(302, 202, 462, 322);
  const crop = (): RgbImage => {
    const pixels = new Uint32Array(160 * 120);
    for (let y = 0; y < 120; y++) pixels.set(surface.pixels.subarray((202 + y) * 1024 + 302, (202 + y) * 1024 + 462), y * 160);
    return toRgb({ width: 160, height: 120, pixels });
  };
  let previous = -1;
  for (const n of [2, 3, 4, 5, 6, 7]) {
    const body = fixture(`mjpeg-stream/00${n}-STREAM_DATA.bin`);
    clock.mm = parseStreamData(body).multiMediaTime - 50; // arrives 50 ms early
    streams.data(body, false);
    const scores = frames.map((frame) => psnr(crop(), frame));
    const match = scores.indexOf(Math.max(...scores));
    assert.ok(scores[match] >= 25, `frame ${n}: PSNR ${scores.map((s) => s.toFixed(1)).join(' ')}`);
    if (previous >= 0) assert.equal(match, (previous + 1) % 6);
    previous = match;
  }
  assert.equal(damage.length, 6);
  assert.ok(damage.every((r) => r.left === dest.left && r.top === dest.top && r.right === dest.right && r.bottom === dest.bottom));
  // The server asked for a report every 5 frames.
  assert.deepEqual(reports.map((r) => [r.streamId, r.uniqueId, r.frames, r.drops, r.lastFrameDelay]), [[49, 719885386, 5, 0, 50]]);
  // Outside dest nothing changed.
  assert.equal(surface.pixels[201 * 1024 + 302], 0xff000000);
  assert.equal(surface.pixels[202 * 1024 + 462], 0xff000000);
});
