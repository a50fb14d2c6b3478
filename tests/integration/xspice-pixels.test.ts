import { test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startXspice, type XspiceServer } from '../support/servers';
import { showFlatColours, showPhoto, showShapes, showText, waitForStableScreen } from '../support/scenes';
import { assertImagesMatch, readPng } from '../support/images';
import { failureLine, runSaffron, type CliResult } from '../support/saffron-cli';

/**
 * The foundation's proof: under every image compression Xspice offers, what `saffron screenshot`
 * shows equals the X server's own framebuffer (`xwd -root`), 0 differing pixels. Each mode is
 * checked twice: a client connected while the scenes are drawn (incremental draws, GLZ history,
 * caches), and a fresh client after (the server's full-screen image).
 */

const MODES = ['off', 'quic', 'lz', 'glz', 'auto_glz'] as const;

function expectSuccess(result: CliResult): void {
  if (result.code !== 0) throw new Error(`saffron screenshot failed: ${result.code === null ? result.signal : failureLine(result)}`);
}

async function drawEverything(server: XspiceServer): Promise<void> {
  await showFlatColours(server);
  await showText(server);
  await showPhoto(server);
  await showShapes(server);
}

for (const mode of MODES) {
  test(`Xspice with XSPICE_IMAGE_COMPRESSION=${mode}: screenshots equal xwd, 0 px differ`, { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), `saffron-pixels-${mode}-`));
    const server = await startXspice({ env: { XSPICE_IMAGE_COMPRESSION: mode } });
    try {
      const target = `spice://127.0.0.1:${server.port}`;
      // 1. Connected while everything is drawn: the client must follow every draw.
      const live = runSaffron(['screenshot', target, '--out', join(dir, 'live.png'), '--delay-ms', '1500', '--settle-ms', '1500'], { killAfterMs: 150_000 });
      await new Promise((r) => setTimeout(r, 800));
      await drawEverything(server);
      const screenAfterDraw = await waitForStableScreen(server, 500);
      const liveResult = await live;
      expectSuccess(liveResult);
      const truth = await server.xwd();
      assertImagesMatch(truth, screenAfterDraw, { label: `${mode}-xwd-stable` });
      assertImagesMatch(readPng(join(dir, 'live.png')), truth, { label: `${mode}-live` });

      // 2. A fresh client: the whole screen arrives at once.
      const fresh = await runSaffron(['screenshot', target, '--out', join(dir, 'fresh.png')], { killAfterMs: 60_000 });
      expectSuccess(fresh);
      assertImagesMatch(readPng(join(dir, 'fresh.png')), await server.xwd(), { label: `${mode}-fresh` });
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
