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
 * XSPICE_ZLIB_GLZ_WAN_COMPRESSION=always with GLZ: spice-server deflates every GLZ image of 100
 * bytes or more once more (ZLIB_GLZ_RGB) whatever the link. Lossless: 0 differing pixels.
 */
test('Xspice with ZLIB_GLZ always and GLZ: screenshots equal xwd, 0 px differ', { timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'saffron-zlib-glz-'));
  const server = await startXspice({ env: { XSPICE_IMAGE_COMPRESSION: 'glz', XSPICE_ZLIB_GLZ_WAN_COMPRESSION: 'always' } });
  try {
    const live = await screenshotWhileDrawing(server, dir, 'live', [], async () => {
      await showFlatColours(server);
      await showText(server);
      await showPhoto(server);
      await showShapes(server);
      await waitForStableScreen(server, 500);
    });
    assert.match(live.log, /first zlib_glz_rgb image/, 'the server sent ZLIB_GLZ images');
    assertImagesMatch(live.image, await server.xwd(), { label: 'zlib-glz-live' });
    const fresh = await freshScreenshot(server, dir, 'fresh');
    assertImagesMatch(fresh.image, await server.xwd(), { label: 'zlib-glz-fresh' });
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
