import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertImagesMatch } from '../support/images';
import { freshScreenshot, screenshotWhileDrawing } from '../support/live-screenshot';
import { showFlatColours, showPhoto, showShapes, showText, waitForStableScreen } from '../support/scenes';
import { startXspice } from '../support/servers';

/**
 * LZ4 is the client's choice: `--image-compression lz4` makes the display channel advertise
 * LZ4_COMPRESSION and send PREFERRED_COMPRESSION lz4 right after DISPLAY_INIT; Debian's
 * spice-server (built with LZ4) then sends its RGB images as LZ4. Lossless: 0 differing pixels.
 */
test('Xspice with LZ4 preferred by the client: screenshots equal xwd, 0 px differ', { timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'saffron-lz4-'));
  const server = await startXspice();
  try {
    const live = await screenshotWhileDrawing(server, dir, 'live', ['--image-compression', 'lz4'], async () => {
      await showFlatColours(server);
      await showText(server);
      await showPhoto(server);
      await showShapes(server);
      await waitForStableScreen(server, 500);
    });
    assert.match(live.log, /first lz4 image/, 'the server sent LZ4 images');
    assert.doesNotMatch(live.log, /first (quic|glz_rgb|lz_rgb) image/, 'and no other compression');
    assertImagesMatch(live.image, await server.xwd(), { label: 'lz4-live' });
    const fresh = await freshScreenshot(server, dir, 'fresh', ['--image-compression', 'lz4']);
    assert.match(fresh.log, /first lz4 image/);
    assertImagesMatch(fresh.image, await server.xwd(), { label: 'lz4-fresh' });
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
