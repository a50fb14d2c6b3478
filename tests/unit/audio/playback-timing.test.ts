// Playback timing in the renderer: multimedia time → audio clock (MmClock), and where each
// packet goes (PlaybackScheduler): seamless continuation, silent gaps, late packets, catching up.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MmClock } from '../../../src/renderer/audio/mm-clock';
import { dueTime, PlaybackScheduler } from '../../../src/renderer/audio/playback-scheduler';

test('mm clock: the least delayed sample wins; a stamp maps to local time by that offset', () => {
  const clock = new MmClock();
  assert.equal(clock.localTimeOf(1000), null, 'nothing before a sample');
  clock.observe(10_000, 500); // arrived 20 ms late
  clock.observe(10_100, 580); // arrived on time: offset 9520
  clock.observe(10_200, 700); // late again: ignored (decay is 1 ms/s)
  assert.ok(Math.abs(clock.localTimeOf(10_520)! - 1000.12) < 1e-9, 'offset 9520, decayed by 0.12 ms over 120 ms');
  assert.ok(Math.abs(clock.localTimeOf(10_400)! - 880.12) < 1e-9);
});

test('mm clock: follows a drift downwards slowly, a clock set anew at once, and uint32 wrap-around', () => {
  const clock = new MmClock();
  clock.observe(5000, 0);
  // 10 s later the samples say the offset shrank by 5 ms: the estimate has decayed 10 ms, so the sample wins.
  clock.observe(14_995, 10_000);
  assert.equal(clock.localTimeOf(15_000), 10_005);
  // The server set the clock 1 s back: taken at once.
  clock.observe(14_000, 10_000);
  assert.equal(clock.localTimeOf(14_000), 10_000);
  const wrapping = new MmClock();
  wrapping.observe(0xffff_ff00, 100);
  wrapping.observe(0x0000_0100, 612); // 512 ms later, past the wrap
  assert.equal(wrapping.localTimeOf(0x0000_0200), 868);
  assert.equal(wrapping.localTimeOf(0xffff_fff0), 340);
});

test('scheduler: a burst with one stamp plays back to back; a later stamp leaves a silent gap', () => {
  const s = new PlaybackScheduler(0.03, 0.15);
  const ten = 0.01;
  // Xspice: four 10 ms packets stamped alike, then stamps 40 ms on.
  assert.deepEqual(s.place(1, ten, 0), { start: 1, offset: 0 });
  assert.deepEqual(s.place(1, ten, 0), { start: 1.01, offset: 0 });
  assert.deepEqual(s.place(1, ten, 0), { start: 1.02, offset: 0 });
  assert.deepEqual(s.place(1, ten, 0), { start: 1.03, offset: 0 });
  // Within the tolerance (stamps are whole ms): continues without a seam.
  const next = s.place(1.055, ten, 0)!;
  assert.ok(Math.abs(next.start - 1.04) < 1e-9);
  // 200 ms later than the cursor: starts on its stamp, after silence.
  assert.deepEqual(s.place(1.25, ten, 0), { start: 1.25, offset: 0 });
  s.reset();
  assert.deepEqual(s.place(1.1, ten, 0), { start: 1.1, offset: 0 }, 'after a stop: by its stamp alone');
});

test('scheduler: a late packet is dropped, a partly late one plays at once from what is still to come', () => {
  const s = new PlaybackScheduler(0.03, 0.15);
  assert.equal(s.place(1, 0.01, 2), null, 'its whole time has passed');
  assert.equal(s.dropped, 1);
  const partly = s.place(1.995, 0.01, 2)!;
  assert.equal(partly.start, 2);
  assert.ok(Math.abs(partly.offset - 0.005) < 1e-9, 'skips the 5 ms already past');
});

test('scheduler: a stream running behind its stamps by more than the limit drops packets until it catches up', () => {
  const s = new PlaybackScheduler(0.03, 0.05);
  // 10 packets of 10 ms all stamped 0: the cursor runs 90 ms ahead of the stamps.
  const placed = Array.from({ length: 10 }, () => s.place(0, 0.01, 0));
  assert.equal(placed.filter((p) => p !== null).length, 6, 'up to 50 ms behind: played; beyond: dropped');
  assert.equal(s.dropped, 4);
  // The next stamp is back in line with the cursor: played seamlessly.
  const next = s.place(0.06, 0.01, 0)!;
  assert.ok(Math.abs(next.start - 0.06) < 1e-9);
});

test("due time: the stamp's local time plus the server's PLAYBACK_LATENCY, less the output's latency (bounded)", () => {
  assert.equal(dueTime(2000, 0, 0), 2);
  assert.ok(Math.abs(dueTime(2000, 0.12, 0) - 2.12) < 1e-9, 'the buffering the server asked for');
  assert.ok(Math.abs(dueTime(2000, 0.12, 0.02) - 2.1) < 1e-9, 'rendered earlier by the output latency, so it is heard on time');
  assert.ok(Math.abs(dueTime(2000, 0, 7) - 1.5) < 1e-9, 'an absurd output latency is capped at 0.5 s');
  assert.equal(dueTime(2000, 0, Number.NaN), 2);
  assert.equal(dueTime(2000, 0, -1), 2);
});
