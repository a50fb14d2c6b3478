// Sample formats between SPICE and WebAudio, the microphone's resampler, and the server's volume.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planesToS16le, remix, s16leToPlanes, serverGain } from '../../../src/renderer/audio/pcm';
import { LinearResampler } from '../../../src/renderer/audio/resampler';
import { upwardCrossingRate } from '../../support/signal';

test('s16le interleaved ↔ float planes: exact values, clamping, a partial frame ignored', () => {
  const bytes = new Uint8Array(new Int16Array([0, -32768, 16384, 32767, 7]).buffer);
  const planes = s16leToPlanes(bytes, 2);
  assert.deepEqual([...planes[0]], [0, 0.5]);
  assert.deepEqual([...planes[1]], [-1, 32767 / 32768]);
  const back = new Int16Array(planesToS16le([Float32Array.of(0, 0.5, 2), Float32Array.of(-1, -0.25, -3)]).buffer);
  assert.deepEqual([...back], [0, -32767, 16384, -8192, 32767, -32767]);
  // A round trip keeps every 16-bit value within one step.
  const all = new Int16Array(65536).map((_, i) => i - 32768);
  const round = new Int16Array(planesToS16le(s16leToPlanes(new Uint8Array(all.buffer), 1)).buffer);
  for (let i = 0; i < all.length; i++) assert.ok(Math.abs(round[i] - all[i]) <= 1, `${all[i]} became ${round[i]}`);
});

test('remix: mono to stereo copies, stereo to mono averages, equal counts pass', () => {
  const mono = Float32Array.of(0.5, -0.5);
  assert.deepEqual(remix([mono], 2).map((p) => [...p]), [[0.5, -0.5], [0.5, -0.5]]);
  assert.deepEqual(remix([Float32Array.of(1, 0), Float32Array.of(0, 0)], 1).map((p) => [...p]), [[0.5, 0]]);
  const stereo = [Float32Array.of(1), Float32Array.of(2)];
  assert.deepEqual(remix(stereo, 2), stereo);
});

test('resampler: 44.1 kHz → 48 kHz and 48 kHz → 16 kHz keep the tone and the length, across any block size', () => {
  for (const [from, to] of [
    [44_100, 48_000],
    [48_000, 16_000],
    [48_000, 44_100],
  ]) {
    const seconds = 1;
    const input = Float32Array.from({ length: from * seconds }, (_, i) => Math.sin((2 * Math.PI * 440 * i) / from) * 0.5);
    const resampler = new LinearResampler(from, to, 1);
    const out: number[] = [];
    for (let at = 0, block = 1; at < input.length; at += block, block = (block * 7 + 3) % 1000 + 1) {
      out.push(...resampler.push([input.subarray(at, Math.min(input.length, at + block))])[0]);
    }
    assert.ok(Math.abs(out.length - to * seconds) <= 1, `${from}→${to}: ${out.length} samples`);
    const hz = upwardCrossingRate(out, to);
    assert.ok(Math.abs(hz - 440) < 0.5, `${from}→${to}: ${hz} Hz`);
    // Seamless joins: no sample jumps more than a 440 Hz sine can between two samples (plus a little).
    const maxStep = 0.5 * 2 * Math.PI * (440 / to) * 1.1;
    for (let i = 1; i < out.length; i++) assert.ok(Math.abs(out[i] - out[i - 1]) <= maxStep, `${from}→${to}: a jump at ${i}`);
  }
  const same = new LinearResampler(48_000, 48_000, 2);
  const planes = [Float32Array.of(1, 2), Float32Array.of(3, 4)];
  assert.deepEqual(same.push(planes), planes);
});

test("the server's volume is cubic, as spice-gtk plays it; mute is silence", () => {
  assert.equal(serverGain(null, false), 1);
  assert.equal(serverGain([65535, 65535], false), 1);
  assert.equal(serverGain([65535, 65535], true), 0);
  assert.ok(Math.abs(serverGain([32768, 32767], false) - 0.125) < 1e-4);
  assert.equal(serverGain([0], false), 0);
});
