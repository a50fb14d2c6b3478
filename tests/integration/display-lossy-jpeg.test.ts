import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireJpegDecoder } from '../support/jpeg';
import { assertImagesMatch, compareImages, psnr } from '../support/images';
import { freshScreenshot, screenshotWhileDrawing } from '../support/live-screenshot';
import { showFlatColours, showPhoto, showShapes, waitForStableScreen } from '../support/scenes';
import { startXspice } from '../support/servers';

/**
 * XSPICE_JPEG_WAN_COMPRESSION=always: spice-server then compresses photo-like images (those it
 * would give QUIC) as JPEG — JPEG_ALPHA on Xspice, whose bitmaps are RGBA — whatever the link
 * (display_channel_update_compression: "always" forces it; "auto" only on a link it measured
 * slow). A client connected while the photo is drawn gets it lossy: the screenshot must be
 * close to the X server's framebuffer (PSNR ≥ 30 dB) but not equal to it.
 */
test('Xspice with JPEG always: the live screenshot is within 30 dB of xwd, from JPEG images', { timeout: 180_000 }, async () => {
  requireJpegDecoder(); // the CLI decodes JPEG and MJPEG with jpeg-js: without it this cannot pass
  const dir = mkdtempSync(join(tmpdir(), 'saffron-jpeg-'));
  const server = await startXspice({ env: { XSPICE_JPEG_WAN_COMPRESSION: 'always' } });
  try {
    const live = await screenshotWhileDrawing(server, dir, 'live', [], async () => {
      await showFlatColours(server);
      await showShapes(server);
      await showPhoto(server);
      await waitForStableScreen(server, 500);
    });
    const truth = await server.xwd();
    assert.match(live.log, /first jpeg(_alpha)? image/, 'the server sent JPEG images');
    const quality = psnr(live.image, truth);
    const differing = compareImages(live.image, truth).differing;
    assert.ok(differing > 0, 'the screen came lossy (JPEG), so it cannot equal the framebuffer');
    assertImagesMatch(live.image, truth, { label: 'jpeg-live', minPsnr: 30 });
    process.stdout.write(`# JPEG live: PSNR ${quality.toFixed(1)} dB, ${differing} px differ\n`);

    // A client connecting now gets the finished screen; it may be lossy too, and must be as close.
    const fresh = await freshScreenshot(server, dir, 'fresh');
    assertImagesMatch(fresh.image, await server.xwd(), { label: 'jpeg-fresh', minPsnr: 30 });
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
