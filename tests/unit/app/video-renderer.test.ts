// The renderer's video logic without a browser: key frame detection, clipped pixel copies, the
// status note, and the player's ordering and failure handling with scripted decoders. (WebCodecs
// and the canvas are exercised end to end in tests/e2e/video-streams.test.ts.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DamageEvent } from '../../../src/shared/ipc';
import type { CopyAreaEvent } from '../../../src/shared/copy-area-ipc';
import type { VideoCodecName, VideoRect } from '../../../src/shared/video-ipc';
import { describeVideo } from '../../../src/renderer/video/describe-video';
import { isH264KeyFrame, isKeyFrame, isVp8KeyFrame, isVp9KeyFrame } from '../../../src/renderer/video/keyframes';
import { VideoDecodeError, type DecodedPicture, type StreamDecoder } from '../../../src/renderer/video/stream-decoder-types';
import { scaleRgba } from '../../../src/renderer/video/rgba-scale';
import { copyVideoPixels } from '../../../src/renderer/video/video-composite';
import { VideoPlayer, type VideoSurfaces } from '../../../src/renderer/video/video-player';

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('key frames: VP8 tag bit and start code, VP9 frame_type, H.264 IDR NAL units in Annex B', () => {
  const vp8Key = Uint8Array.of(0x50, 0x42, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00);
  assert.equal(isVp8KeyFrame(vp8Key), true);
  assert.equal(isVp8KeyFrame(Uint8Array.of(0x51, 0x42, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00)), false, 'bit 0 set: an inter frame');
  assert.equal(isVp8KeyFrame(Uint8Array.of(0x50, 0x42, 0x00, 0x00, 0x00, 0x00, 0x40, 0x01, 0xf0, 0x00)), false, 'no start code');
  assert.equal(isVp9KeyFrame(Uint8Array.of(0b1000_0010, 0x49)), true, 'marker 10, profile 0, shown, key');
  assert.equal(isVp9KeyFrame(Uint8Array.of(0b1000_0110, 0x49)), false, 'frame_type 1: inter');
  assert.equal(isVp9KeyFrame(Uint8Array.of(0b1000_1000, 0x00)), false, 'show_existing_frame');
  assert.equal(isVp9KeyFrame(Uint8Array.of(0b1011_0000, 0x00)), true, 'profile 3 has a reserved bit first');
  assert.equal(isVp9KeyFrame(Uint8Array.of(0b0000_0000, 0x00)), false, 'not a VP9 frame');
  const idr = Uint8Array.of(0, 0, 0, 1, 0x09, 0xf0, 0, 0, 0, 1, 0x67, 0x42, 0, 0, 1, 0x68, 0xce, 0, 0, 1, 0x65, 0x88, 0x84);
  const intraRefresh = Uint8Array.of(0, 0, 0, 1, 0x09, 0xf0, 0, 0, 1, 0x41, 0x9a, 0x02, 0, 0, 3, 1);
  assert.equal(isH264KeyFrame(idr), true, 'AUD, SPS, PPS, then an IDR slice');
  assert.equal(isH264KeyFrame(intraRefresh), false, 'a non-IDR slice (what intra refresh sends after the first frame)');
  assert.equal(isKeyFrame('mjpeg', Uint8Array.of(0xff, 0xd8)), true);
  assert.equal(isKeyFrame('h264', idr), true);
});

/** An RGBA picture of `rect`'s size where every pixel is [tag, x, y, 255] in surface coordinates. */
function tagged(rect: VideoRect, tag: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(rect.width * rect.height * 4);
  for (let y = 0; y < rect.height; y++) {
    for (let x = 0; x < rect.width; x++) out.set([tag, rect.x + x, rect.y + y, 255], (y * rect.width + x) * 4);
  }
  return out;
}
const pixel = (rgba: Uint8ClampedArray, area: VideoRect, x: number, y: number): number[] => [...rgba.subarray(((y - area.y) * area.width + (x - area.x)) * 4, ((y - area.y) * area.width + (x - area.x)) * 4 + 4)];

test('video pixels land only inside dest ∩ clip ∩ the target, at their own place', () => {
  const dest = { x: 4, y: 2, width: 8, height: 6 };
  const frame = tagged(dest, 9);
  const surfaceArea = { x: 0, y: 0, width: 16, height: 10 };
  const surface = tagged(surfaceArea, 1);
  const changed = copyVideoPixels(frame, dest, [{ x: 0, y: 0, width: 6, height: 5 }, { x: 10, y: 6, width: 20, height: 20 }], surface, surfaceArea);
  assert.deepEqual(changed, { x: 4, y: 2, width: 8, height: 6 });
  assert.deepEqual(pixel(surface, surfaceArea, 4, 2), [9, 4, 2, 255], 'inside the first clip rectangle');
  assert.deepEqual(pixel(surface, surfaceArea, 5, 4), [9, 5, 4, 255]);
  assert.deepEqual(pixel(surface, surfaceArea, 6, 2), [1, 6, 2, 255], 'right of the first clip rectangle: untouched');
  assert.deepEqual(pixel(surface, surfaceArea, 11, 7), [9, 11, 7, 255], 'inside the second');
  assert.deepEqual(pixel(surface, surfaceArea, 12, 7), [1, 12, 7, 255], 'past dest: untouched');
  assert.deepEqual(pixel(surface, surfaceArea, 3, 3), [1, 3, 3, 255], 'left of dest: untouched');

  // A patch that overlaps the video's area (the engine's stale pixels): covered inside the clip only.
  const patchArea = { x: 10, y: 5, width: 4, height: 2 };
  const patch = tagged(patchArea, 2);
  assert.deepEqual(copyVideoPixels(frame, dest, null, patch, patchArea), { x: 10, y: 5, width: 2, height: 2 });
  assert.deepEqual(pixel(patch, patchArea, 11, 6), [9, 11, 6, 255]);
  assert.deepEqual(pixel(patch, patchArea, 12, 6), [2, 12, 6, 255]);
  assert.equal(copyVideoPixels(frame, dest, [], patch, patchArea), null, 'an empty clip shows nothing');
});

/** Pixels of a w × h RGBA picture as their red values, row by row. */
const reds = (rgba: Uint8ClampedArray, w: number, h: number): number[][] =>
  Array.from({ length: h }, (_, y) => Array.from({ length: w }, (_, x) => rgba[(y * w + x) * 4]));

test('decoded pictures are placed as spice-gtk does: nearest neighbour to fill dest, flipped unless top-down', () => {
  // 3 × 2 source, red = 10 × row + column.
  const src = new Uint8ClampedArray(3 * 2 * 4);
  for (let y = 0; y < 2; y++) for (let x = 0; x < 3; x++) src.set([10 * y + x, 0, 0, 255], (y * 3 + x) * 4);
  const same = new Uint8ClampedArray(3 * 2 * 4);
  scaleRgba(src, 3, 2, same, 3, 2, true);
  assert.deepEqual(reds(same, 3, 2), [[0, 1, 2], [10, 11, 12]]);
  scaleRgba(src, 3, 2, same, 3, 2, false);
  assert.deepEqual(reds(same, 3, 2), [[10, 11, 12], [0, 1, 2]], 'bottom-up: the first decoded row is the bottom row');
  const up = new Uint8ClampedArray(6 * 4 * 4);
  scaleRgba(src, 3, 2, up, 6, 4, true);
  assert.deepEqual(reds(up, 6, 4), [[0, 0, 1, 1, 2, 2], [0, 0, 1, 1, 2, 2], [10, 10, 11, 11, 12, 12], [10, 10, 11, 11, 12, 12]]);
  const down = new Uint8ClampedArray(2 * 1 * 4);
  scaleRgba(src, 3, 2, down, 2, 1, false);
  // Flipped first, then sampled at pixel centres: columns 0.75 → 0 and 2.25 → 2, row 1 of the
  // flipped picture, which is the first row decoded.
  assert.deepEqual(reds(down, 2, 1), [[0, 2]]);
  assert.equal(down[3], 255, 'alpha travels with the pixel');
  assert.throws(() => scaleRgba(src, 4, 2, same, 3, 2, true), RangeError);
});

test('the status note names codecs and counts, and failures', () => {
  assert.equal(describeVideo({ streams: {}, frames: {}, failed: 0 }), null);
  assert.equal(describeVideo({ streams: { vp8: 1 }, frames: { vp8: 412 }, failed: 0 }), 'Video: VP8, 412 frames decoded');
  assert.equal(describeVideo({ streams: { h264: 2, mjpeg: 1 }, frames: { mjpeg: 1 }, failed: 1 }), 'Video: MJPEG, 1 frame decoded; H.264, 0 frames decoded; 1 stream sent as images instead');
});

// ---------------------------------------------------------------------------------------------
// The player, with scripted decoders and a recording surface model

interface Picture extends DecodedPicture {
  readonly tag: number;
  closed: boolean;
}

/** A decoder whose decodes the test settles by hand, in any order. */
class ScriptedDecoder implements StreamDecoder<Picture> {
  readonly waiting: { data: number[]; resolve(p: Picture | null): void; reject(e: Error): void }[] = [];
  closed = false;
  decode(data: ArrayBuffer): Promise<Picture | null> {
    return new Promise((resolve, reject) => this.waiting.push({ data: [...new Uint8Array(data)], resolve, reject }));
  }
  close(): void {
    this.closed = true;
  }
}

function picture(tag: number): Picture {
  return { tag, closed: false, close() { this.closed = true; } };
}

class RecordingSurfaces implements VideoSurfaces {
  coverPatch: ((displayId: number, pixels: Uint8ClampedArray, area: VideoRect) => void) | null = null;
  readonly log: string[] = [];
  readonly patches: Uint8ClampedArray[] = [];
  surfaceGone = false;
  damage(event: DamageEvent): void {
    for (const patch of event.patches) {
      const pixels = new Uint8ClampedArray(patch.rgba);
      this.coverPatch?.(event.displayId, pixels, { x: patch.x, y: patch.y, width: patch.width, height: patch.height });
      this.patches.push(pixels);
    }
    this.log.push(`damage ${event.patches[0].x},${event.patches[0].y}`);
  }
  copyArea(event: CopyAreaEvent): void {
    this.log.push(`copy ${event.source.x},${event.source.y} to ${event.destX},${event.destY}`);
  }
  videoFrame(_displayId: number, _surfaceId: number, frame: Uint8ClampedArray<ArrayBuffer>, dest: VideoRect, clip: readonly VideoRect[] | null): boolean {
    if (this.surfaceGone) return false;
    this.log.push(`frame ${frame[0]} at ${dest.x},${dest.y} clip ${clip === null ? 'none' : clip.length}`);
    return true;
  }
}

function playerHarness() {
  const surfaces = new RecordingSurfaces();
  const decoders: { codec: VideoCodecName; decoder: ScriptedDecoder }[] = [];
  const failed: [number, number][] = [];
  const player = new VideoPlayer<Picture>({
    model: surfaces,
    createDecoder: (codec) => {
      if (codec === 'vp9') throw new Error('no VP9 here');
      const decoder = new ScriptedDecoder();
      decoders.push({ codec, decoder });
      return decoder;
    },
    // Each picture becomes dest-sized RGBA filled with its tag (flip and scaling are the canvas's job).
    createRender: () => (p, dest) => new Uint8ClampedArray(dest.width * dest.height * 4).fill(p.tag),
    streamFailed: (displayId, streamId) => failed.push([displayId, streamId]),
  });
  return { player, surfaces, decoders, failed };
}

const DEST = { x: 10, y: 10, width: 4, height: 4 };
const created = (streamId: number, codec: VideoCodecName = 'vp8') => ({
  type: 'videoStreamCreated' as const,
  displayId: 0,
  surfaceId: 0,
  streamId,
  codec,
  topDown: true,
  frameWidth: 4,
  frameHeight: 4,
  dest: DEST,
  clip: null,
});
const frame = (streamId: number, byte: number) => ({ type: 'videoFrame' as const, displayId: 0, streamId, width: 4, height: 4, dest: DEST, data: Uint8Array.of(byte).buffer });
const damage = (x: number, y: number, width = 2, height = 2): DamageEvent => ({
  type: 'damage',
  displayId: 0,
  surfaceId: 0,
  patches: [{ x, y, width, height, rgba: new Uint8Array(width * height * 4).fill(1).buffer }],
});

test('player: damage waits behind a frame still decoding, so everything is painted in the order the host sent it', async () => {
  const { player, surfaces, decoders } = playerHarness();
  player.damage(damage(0, 0));
  player.created(created(1));
  player.frame(frame(1, 0xa1));
  player.frame(frame(1, 0xa2));
  player.damage(damage(50, 50));
  assert.deepEqual(surfaces.log, ['damage 0,0'], 'the second damage waits for the frames before it');
  const { decoder } = decoders[0];
  assert.deepEqual(decoder.waiting.map((w) => w.data), [[0xa1], [0xa2]], 'frames are decoded as they arrive');
  const second = picture(7);
  decoder.waiting[1].resolve(second); // out of order: the second decode finishes first
  await flush();
  assert.deepEqual(surfaces.log, ['damage 0,0'], 'still waiting for the first frame');
  const first = picture(6);
  decoder.waiting[0].resolve(first);
  await flush();
  assert.deepEqual(surfaces.log, ['damage 0,0', 'frame 6 at 10,10 clip none', 'frame 7 at 10,10 clip none', 'damage 50,50']);
  assert.ok(first.closed && second.closed, 'pictures are freed once painted');
  assert.deepEqual(player.counts, { streams: { vp8: 1 }, frames: { vp8: 2 }, failed: 0 });
});

test('player: damage that waits keeps its pixels, whatever the transport does with the buffers it delivered', async () => {
  const { player, surfaces, decoders } = playerHarness();
  player.created(created(1));
  player.frame(frame(1, 0xa1));
  const waiting = damage(20, 20);
  player.damage(waiting);
  // The browser shell's event stream reads the next record into the buffer it just delivered.
  new Uint8Array(waiting.patches[0].rgba).fill(9);
  decoders[0].decoder.waiting[0].resolve(picture(6));
  await flush();
  assert.deepEqual(surfaces.log, ['frame 6 at 10,10 clip none', 'damage 20,20']);
  assert.deepEqual([...surfaces.patches[0]], new Array(16).fill(1), 'the damage painted is what the host sent');
});

test('player: a copy (COPY_BITS) waits behind a frame still decoding, like damage, and keeps its place after it', async () => {
  const { player, surfaces, decoders } = playerHarness();
  player.created(created(1));
  player.frame(frame(1, 0xb1));
  const copy: CopyAreaEvent = { type: 'copyArea', displayId: 0, surfaceId: 0, source: { x: 0, y: 16, width: 64, height: 48 }, destX: 0, destY: 0, clip: null };
  player.copyArea(copy);
  player.damage(damage(0, 48));
  assert.deepEqual(surfaces.log, [], 'the copy reads pixels the frame before it paints');
  decoders[0].decoder.waiting[0].resolve(picture(9));
  await flush();
  assert.deepEqual(surfaces.log, ['frame 9 at 10,10 clip none', 'copy 0,16 to 0,0', 'damage 0,48']);
});

test('player: damage over a playing stream keeps the latest frame on top inside its clip, until the stream ends', async () => {
  const { player, surfaces, decoders } = playerHarness();
  player.created(created(1));
  player.frame(frame(1, 1));
  decoders[0].decoder.waiting[0].resolve(picture(0x55));
  await flush();
  player.damage(damage(12, 12)); // (12,12)-(14,14): inside dest (10,10)-(14,14)
  assert.deepEqual([...surfaces.patches[0]].slice(0, 4), [0x55, 0x55, 0x55, 0x55], 'the engine\'s stale pixels are covered');
  player.clip({ type: 'videoStreamClip', displayId: 0, streamId: 1, clip: [{ x: 10, y: 10, width: 3, height: 4 }] });
  player.damage(damage(12, 12));
  assert.deepEqual([...surfaces.patches[1]].slice(0, 8), [0x55, 0x55, 0x55, 0x55, 1, 1, 1, 1], 'column 13 is outside the clip: the patch shows there');
  player.destroyed({ type: 'videoStreamDestroyed', displayId: 0, streamId: 1 });
  assert.equal(decoders[0].decoder.closed, true);
  player.damage(damage(12, 12));
  assert.deepEqual([...surfaces.patches[2]].slice(0, 4), [1, 1, 1, 1], 'after the stream ended the server repaints: the patch wins');
});

test('hostile: a frame that does not decode ends the stream once, reported to the host; later damage is not held up', async () => {
  const { player, surfaces, decoders, failed } = playerHarness();
  player.created(created(3, 'h264'));
  player.frame(frame(3, 0xee));
  player.frame(frame(3, 0xef));
  player.damage(damage(1, 1));
  const { decoder } = decoders[0];
  decoder.waiting[0].reject(new VideoDecodeError('the h264 decoder failed: corrupt'));
  decoder.waiting[1].reject(new VideoDecodeError('the h264 decoder failed: corrupt'));
  await flush();
  assert.deepEqual(failed, [[0, 3]], 'reported once');
  assert.equal(decoder.closed, true);
  assert.deepEqual(surfaces.log, ['damage 1,1'], 'the damage behind the bad frames is painted');
  player.frame(frame(3, 0xf0));
  assert.equal(decoder.waiting.length, 2, 'frames of a failed stream are not decoded');
  assert.equal(player.counts.failed, 1);

  // A frame of a stream this page never saw start (a reload midway) is reported once too.
  player.frame(frame(9, 1));
  player.frame(frame(9, 2));
  assert.deepEqual(failed, [[0, 3], [0, 9]]);
  // No decoder for a codec: the stream is reported at once.
  player.created(created(4, 'vp9'));
  assert.deepEqual(failed.at(-1), [0, 4]);
});

test('player: skipped frames paint nothing; frames for a surface that went away are not counted; reset lets everything go', async () => {
  const { player, surfaces, decoders } = playerHarness();
  player.created(created(1));
  player.frame(frame(1, 1));
  player.frame(frame(1, 2));
  decoders[0].decoder.waiting[0].resolve(null);
  surfaces.surfaceGone = true;
  decoders[0].decoder.waiting[1].resolve(picture(3));
  await flush();
  assert.deepEqual(surfaces.log, []);
  assert.deepEqual(player.counts.frames, {});
  player.frame(frame(1, 3));
  player.reset();
  assert.equal(decoders[0].decoder.closed, true);
  player.damage(damage(0, 0));
  assert.deepEqual(surfaces.log, ['damage 0,0'], 'nothing waits after a reset');
});

test('player: pictures decoded for a session that was reset are freed, never painted', async () => {
  const { player, surfaces, decoders } = playerHarness();
  player.created(created(1));
  player.frame(frame(1, 1));
  player.frame(frame(1, 2));
  const { decoder } = decoders[0];
  const queued = picture(2);
  decoder.waiting[1].resolve(queued); // ready, but behind the first frame
  await flush();
  player.reset();
  assert.equal(queued.closed, true, 'a picture waiting in the queue is freed by the reset');
  const late = picture(1);
  decoder.waiting[0].resolve(late); // finishes after the reset
  await flush();
  assert.equal(late.closed, true);
  assert.deepEqual(surfaces.log, []);
});
