import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PcmTimeline } from '../../../src/main/host/cli/pcm-timeline';
import { encodeWav } from '../../../src/main/util/wav-encoder';
import { parseWav } from '../../support/audio';

/** A packet of `frames` stereo frames, every sample `value`. */
function packet(frames: number, value: number): Uint8Array {
  const samples = new Int16Array(frames * 2).fill(value);
  return new Uint8Array(samples.buffer);
}

/** Frame values of the first channel. */
function left(timeline: PcmTimeline): number[] {
  const samples = new Int16Array(timeline.samples.buffer, timeline.samples.byteOffset, timeline.samples.byteLength / 2);
  return Array.from({ length: timeline.frames }, (_, i) => samples[2 * i]);
}

test('packets land at their multimedia time; a gap in the stamps stays silent', () => {
  // 1 kHz: one frame per millisecond keeps the arithmetic visible.
  const timeline = new PcmTimeline(1000, 2, 5000, 40, 3);
  timeline.place(5005, packet(10, 1)); // frames 5..14
  timeline.place(5015, packet(10, 2)); // continues: 15..24
  timeline.place(5030, packet(5, 3)); //  5 ms past the end: a gap, 30..34
  const frames = left(timeline);
  assert.deepEqual(frames.slice(0, 5), [0, 0, 0, 0, 0]);
  assert.deepEqual(frames.slice(5, 25), [...Array(10).fill(1), ...Array(10).fill(2)]);
  assert.deepEqual(frames.slice(25, 30), [0, 0, 0, 0, 0]);
  assert.deepEqual(frames.slice(30, 35), Array(5).fill(3));
  assert.equal(timeline.soundFrames, 25);
});

test('jittery or bursty stamps continue the previous packet instead of overwriting or leaving holes', () => {
  const timeline = new PcmTimeline(1000, 2, 0, 50, 3);
  timeline.place(0, packet(10, 1));
  timeline.place(0, packet(10, 2)); // a burst: same stamp, continues at 10
  timeline.place(22, packet(10, 3)); // 2 ms late: within tolerance, continues at 20
  timeline.place(29, packet(10, 4)); // early: continues at 30
  assert.deepEqual(left(timeline).slice(0, 40), [...Array(10).fill(1), ...Array(10).fill(2), ...Array(10).fill(3), ...Array(10).fill(4)]);
});

test('after a stop the next packet is placed by its stamp; the edges of the stretch clip', () => {
  const timeline = new PcmTimeline(1000, 2, 100, 20, 3);
  timeline.place(95, packet(10, 1)); // starts before the stretch: frames 0..4 kept
  timeline.stop();
  timeline.place(101, packet(2, 2)); // by stamp: frame 1 (would have continued at 5)
  timeline.place(117, packet(10, 3)); // past the end: 17..19 kept
  const frames = left(timeline);
  assert.deepEqual(frames.slice(0, 5), [1, 2, 2, 1, 1]);
  assert.deepEqual(frames.slice(17), [3, 3, 3]);
});

test('multimedia time wraps at 2^32', () => {
  const timeline = new PcmTimeline(1000, 1, 0xfffffffa, 20, 3);
  timeline.place(4, new Uint8Array(new Int16Array([7, 7]).buffer)); // 10 ms after the start
  const samples = new Int16Array(timeline.samples.buffer);
  assert.equal(samples[10], 7);
  assert.equal(samples[11], 7);
});

test('WAV: a 44-byte PCM header (format 1, 16-bit) that a reader understands', () => {
  const pcm = new Uint8Array(new Int16Array([1, -1, 2, -2]).buffer);
  const wav = encodeWav(48_000, 2, pcm);
  assert.equal(wav.byteLength, 44 + 8);
  const parsed = parseWav(wav);
  assert.deepEqual({ ...parsed, samples: [...parsed.samples] }, { formatTag: 1, channels: 2, sampleRate: 48_000, bitsPerSample: 16, samples: [1, -1, 2, -2] });
  assert.equal(new DataView(wav.buffer).getUint32(28, true), 192_000, 'byte rate');
  assert.throws(() => encodeWav(48_000, 2, new Uint8Array(3)), /whole number/);
});
