import { describe, test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endProcess, requireProgram, startXspice, type XspiceServer } from '../support/servers';
import { waitForStableScreen } from '../support/scenes';
import { assertImagesMatch, readPng } from '../support/images';
import { failureLine, runSaffron } from '../support/saffron-cli';

/**
 * The drawing half of the display, end to end: `saffron screenshot` stays connected while
 * x11perf runs one drawing test after another on Xspice (rectangles, circles, text, tiles,
 * copies between windows and off-screen pixmaps, scrolls, put-image, popups, lines, XOR and
 * invert ROPs), then the last test is frozen mid-drawing (SIGSTOP) so its window stays on the
 * screen. The screenshot, taken after the delay once the display is quiet, must equal the X
 * server's framebuffer (xwd, taken after it on a stable screen), 0 differing pixels.
 *
 * Xspice runs with off-screen surfaces and its image cache on (QXL_ENABLE_SURFACES,
 * QXL_ENABLE_IMAGE_CACHE; Debian's build has both off by default), so surface creation,
 * surface-to-surface copies, IMAGE_TYPE_SURFACE sources and FROM_CACHE images all occur, and
 * with video streaming off (its frames are lossy).
 * (Xspice itself only ever sends DRAW_FILL, DRAW_COPY and COPY_BITS: its driver has no
 * accelerated path for the other drawing messages, and composite is compiled out of it. Those
 * are checked against pixman and spice-common in the unit tests.)
 *
 * Each run stays near 40 s: a 35 s screenshot delay with the x11perf steps inside it.
 */

/** x11perf arguments of each step (after `-repeat 1 -time 1`), roughly in order of importance. */
const STEPS: readonly string[][] = [
  ['-reps', '100', '-rect10'],
  ['-reps', '30', '-rect100'],
  ['-reps', '3', '-circle10'],
  ['-reps', '2', '-fcircle100'],
  ['-reps', '50', '-ftext'],
  ['-reps', '20', '-tr10text'],
  ['-reps', '20', '-aa10text'],
  ['-reps', '10', '-tilerect10'],
  ['-reps', '10', '-oddtilerect100'],
  ['-reps', '10', '-eschertilerect100'],
  ['-reps', '100', '-scroll100'],
  ['-reps', '100', '-copywinwin100'],
  ['-reps', '100', '-copypixwin100'],
  ['-reps', '100', '-copywinpix100'],
  ['-reps', '100', '-copypixpix100'],
  ['-reps', '50', '-putimage100'],
  ['-reps', '20', '-putimagexy10'],
  ['-reps', '20', '-popup'],
  ['-rop', 'GXxor', '-reps', '30', '-rect100'],
  ['-rop', 'GXinvert', '-reps', '30', '-rect100'],
  ['-rop', 'GXxor', '-reps', '30', '-copywinwin100'],
  ['-reps', '20', '-seg100'],
  ['-reps', '10', '-dseg100'],
  ['-reps', '10', '-wline100'],
  ['-reps', '20', '-copyplane100'],
];
/** Runs (calibrating, then drawing text) until frozen. */
const FROZEN_STEP = ['-ftext'];

const DELAY_MS = 35_000;
/** No step starts later than this after the screenshot began (slow machines run fewer steps). */
const STEPS_BUDGET_MS = 24_000;
const FREEZE_AFTER_MS = 2_000;

const MODES: { name: string; env: Record<string, string> }[] = [
  { name: 'auto_glz', env: { XSPICE_IMAGE_COMPRESSION: 'auto_glz' } },
  { name: 'auto_lz', env: { XSPICE_IMAGE_COMPRESSION: 'auto_lz' } },
  { name: 'glz with zlib (ZLIB_GLZ_RGB)', env: { XSPICE_IMAGE_COMPRESSION: 'glz', XSPICE_ZLIB_GLZ_WAN_COMPRESSION: 'always' } },
];

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs the steps one after another until the budget is spent; returns what ran and how long each took. */
async function runSteps(server: XspiceServer, deadline: number): Promise<string[]> {
  const ran: string[] = [];
  for (const args of STEPS) {
    if (Date.now() > deadline) break;
    const started = Date.now();
    await server.run('x11perf', ['-repeat', '1', '-time', '1', ...args], { timeoutMs: 60_000 });
    ran.push(`${args.join(' ')} (${Date.now() - started} ms)`);
  }
  return ran;
}

// Two modes at a time: each run mostly waits out its screenshot delay.
describe('x11perf on Xspice', { concurrency: 2 }, () => {
for (const mode of MODES) {
  test(`x11perf drawing on Xspice with ${mode.name}: a client connected throughout shows what xwd shows, 0 px differ`, { timeout: 150_000 }, async (t) => {
    requireProgram('x11perf');
    const dir = mkdtempSync(join(tmpdir(), 'saffron-x11perf-'));
    const server = await startXspice({
      // Video streaming off: MJPEG frames are lossy, and this is about drawing.
      env: { ...mode.env, QXL_ENABLE_SURFACES: '1', QXL_ENABLE_IMAGE_CACHE: '1', XSPICE_STREAMING_VIDEO: 'off' },
    });
    let frozen: ReturnType<XspiceServer['spawnClient']> | undefined;
    try {
      const out = join(dir, 'screen.png');
      const started = Date.now();
      const screenshot = runSaffron(
        ['screenshot', `spice://127.0.0.1:${server.port}`, '--out', out, '--delay-ms', String(DELAY_MS), '--settle-ms', '1500'],
        { killAfterMs: 120_000 },
      );
      await sleep(1000); // connected and showing the first frame
      const ran = await runSteps(server, started + STEPS_BUDGET_MS);
      frozen = server.spawnClient('x11perf', ['-repeat', '1', '-time', '5', ...FROZEN_STEP]);
      await sleep(FREEZE_AFTER_MS);
      frozen.kill('SIGSTOP');
      const stepsMs = Date.now() - started;
      const result = await screenshot;
      if (result.code !== 0) throw new Error(`saffron screenshot failed: ${result.code === null ? result.signal : failureLine(result)}`);
      const truth = await waitForStableScreen(server, 500);
      assertImagesMatch(readPng(out), truth, { label: `x11perf-${mode.name.split(' ')[0]}` });
      t.diagnostic(`${ran.length}/${STEPS.length} steps, then ${FROZEN_STEP.join(' ')} frozen; steps took ${stepsMs} ms, screenshot ${result.elapsedMs} ms`);
      t.diagnostic(`steps: ${ran.join('; ')}`);
      if (ran.length < STEPS.length / 2) throw new Error(`only ${ran.length} of ${STEPS.length} x11perf steps ran within ${STEPS_BUDGET_MS} ms`);
    } finally {
      if (frozen) {
        frozen.kill('SIGKILL');
        await endProcess(frozen);
      }
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
});
