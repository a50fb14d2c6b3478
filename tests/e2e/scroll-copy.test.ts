// Scrolling in the browser shell: a full-screen xterm at 1920x1080 scrolls fast (mostly SPICE
// COPY_BITS, which the engine hands to the renderer as moves instead of pixels, engine-host.ts),
// and the canvas must end equal to the X server's own picture (xwd), pixel for pixel. The engine's
// metrics (SAFFRON_ENGINE_METRICS) show the moves were taken and how many pixel bytes went.
// Needs `npm run build`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Locator } from 'playwright-core';
import { compareImages, saveImageDiff } from '../support/images';
import { waitForStableScreen } from '../support/scenes';
import { requireProgram, startXspice, type XspiceServer } from '../support/servers';
import { connectThroughForm, launchBrowser, openApp, readCanvas, startWebShell, tempDir, type WebShell } from '../support/web-shell';

// Code run inside the page: tests compile without the DOM library, so the few DOM shapes that
// code touches are declared here.
const WIDTH = 1920;
const HEIGHT = 1080;

let web: WebShell;
let xspice: XspiceServer;
let browser: Browser;
const config = tempDir('saffron-scroll-config-');
const metricsFile = join(config.path, 'engine-metrics.jsonl');

before(async () => {
  requireProgram('xterm');
  requireProgram('xdotool');
  [web, xspice, browser] = await Promise.all([
    startWebShell({ SAFFRON_CONFIG_DIR: config.path, DBUS_SESSION_BUS_ADDRESS: '', SAFFRON_ENGINE_METRICS: metricsFile }),
    startXspice({ width: WIDTH, height: HEIGHT }),
    launchBrowser(),
  ]);
});

after(async () => {
  await browser?.close();
  await xspice?.stop();
  if (web) assert.equal(await web.stop(), 0, 'saffron web exits 0 on SIGINT');
  config.remove();
});

/** Polls until the canvas equals xwd's picture; fails with a saved diff. */
async function expectCanvasMatches(display: Locator, label: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const expected = await xspice.xwd();
    const canvas = await readCanvas(display);
    const { differing, sameSize } = compareImages(canvas, expected);
    if (sameSize && differing === 0) return;
    if (Date.now() > deadline) {
      const dir = saveImageDiff(`scroll-copy-${label}`, canvas, expected);
      assert.fail(`${label}: the canvas differs from xwd in ${differing} pixels (same size: ${sameSize}); images in ${dir}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The engine's metrics lines written since `from` (epoch ms): COPY_BITS sent as moves, and pixel bytes. */
function engineFigures(from: number): { copies: number; pixelBytes: number } {
  let copies = 0;
  let pixelBytes = 0;
  for (const text of readFileSync(metricsFile, 'utf8').split('\n')) {
    if (!text) continue;
    const line = JSON.parse(text) as { t: number; copies?: number; pixelBytes: number };
    if (line.t < from) continue;
    copies += line.copies ?? 0;
    pixelBytes += line.pixelBytes;
  }
  return { copies, pixelBytes };
}

test('a full-screen xterm scrolling fast, then a line at a time, ends on the canvas exactly as xwd shows it, the scrolls sent as moves', async (t) => {
  const { page, problems } = await openApp(browser, web.url);
  await connectThroughForm(page, xspice.port);
  const display = page.getByRole('img', { name: 'Remote display' });
  await expectCanvasMatches(display, 'before scrolling');

  // The pointer waits on the root window below the xterm: over the xterm, Xspice draws its I-beam
  // into the framebuffer (xwd, which takes it out, would then differ from every client's picture).
  await xspice.run('xdotool', ['mousemove', '960', '1078']);
  const started = Date.now();
  // Hidden text cursor (its blink would keep the screen changing); 319x82 cells of 6x13 "fixed"
  // fill 1920x1074 with the borders. Without jump scroll (+j) xterm scrolls by one COPY_BITS per line; with it, at
  // this speed, it would mostly redraw whole screens (as the bench's text workload does).
  xspice.spawnClient('xterm', ['-fn', 'fixed', '+sb', '+j', '-geometry', '319x82+0+0', '-e', 'sh', '-c',
    "printf '\\033[?25l'; seq 1 1500 | sed 's/$/: the quick brown fox jumps over the lazy dog 0123456789/'; " +
    // Then a line at a time, as a person reads: each scroll goes to the renderer as a move (the
    // fast part above is over the pixel budget and mostly goes as merged damage, engine-host.ts).
    "for i in $(seq 1 20); do echo \"slow line $i\"; sleep 0.2; done; sleep 600"], { env: { LC_ALL: 'C' } });
  await new Promise((resolve) => setTimeout(resolve, 5000));
  await waitForStableScreen(xspice, 800, 180_000);
  await expectCanvasMatches(display, 'after scrolling');
  // The metrics file gets a line every 250 ms: let the last one land.
  await new Promise((resolve) => setTimeout(resolve, 600));
  const { copies, pixelBytes } = engineFigures(started);
  t.diagnostic(`scroll: ${copies} COPY_BITS sent as moves, ${(pixelBytes / 1e6).toFixed(1)} MB of pixels sent, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  assert.ok(copies >= 10, `the slow scrolls reached the renderer as moves (${copies} moves)`);
  assert.deepEqual(problems, []);
});
