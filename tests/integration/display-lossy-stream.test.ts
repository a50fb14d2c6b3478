import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireJpegDecoder } from '../support/jpeg';
import { assertImagesMatch, psnr } from '../support/images';
import { screenshotWhileDrawing } from '../support/live-screenshot';
import { makeImage, waitForStableScreen } from '../support/scenes';
import { requireProgram, startXspice } from '../support/servers';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * XSPICE_STREAMING_VIDEO=all: a region redrawn many times a second (ImageMagick `animate`) becomes
 * an MJPEG video stream — the only codec the command line offers. The CLI decodes the frames
 * into the surface while the animation plays; then the animation is frozen (SIGSTOP), the server
 * ends the stream and repaints the area, and the screenshot must be within 30 dB of xwd.
 */
test('Xspice streaming video: MJPEG frames are decoded and drawn, the final screen within 30 dB of xwd', { timeout: 180_000 }, async () => {
  requireJpegDecoder(); // the CLI decodes JPEG and MJPEG with jpeg-js: without it this cannot pass
  requireProgram('animate', 'imagemagick');
  const dir = mkdtempSync(join(tmpdir(), 'saffron-stream-'));
  const server = await startXspice({ env: { XSPICE_STREAMING_VIDEO: 'all' } });
  try {
    await server.run('xsetroot', ['-solid', '#3a6ea5']);
    const frames: string[] = [];
    for (let i = 0; i < 6; i++) {
      const { path } = await makeImage(server, `frame${i}`, [
        '-size', '320x240', 'xc:navy',
        '-fill', `hsl(${i * 50},90%,55%)`, '-draw', `circle ${60 + i * 40},120 ${60 + i * 40},60`,
        '-fill', 'white', '-draw', `rectangle ${i * 50},10 ${i * 50 + 40},50`,
      ]);
      frames.push(path);
    }
    // Centred, so the pointer (at the screen's centre) is over the window, as in the other scenes.
    let animate: ReturnType<typeof server.spawnClient> | undefined;
    const shot = await screenshotWhileDrawing(server, dir, 'stream', [], async () => {
      animate = server.spawnClient('animate', ['-delay', '4', '-geometry', '+352+264', ...frames]);
      await sleep(5000);
      animate.kill('SIGSTOP');
      await waitForStableScreen(server, 1000);
    }, { delayMs: 4000, settleMs: 2500 });
    const truth = await server.xwd(); // still frozen
    animate?.kill('SIGCONT');
    animate?.kill('SIGTERM');

    const created = /video stream (\d+): codec 1, 320x240/.exec(shot.log);
    assert.ok(created, `no MJPEG stream was created:\n${shot.log}`);
    const ended = new RegExp(`video stream ${created[1]} ended after (\\d+) frames`).exec(shot.log);
    assert.ok(ended, `the stream did not end:\n${shot.log}`);
    assert.ok(Number(ended[1]) >= 20, `only ${ended[1]} frames were drawn`);
    assert.doesNotMatch(shot.log, /dropping video stream/);
    const quality = psnr(shot.image, truth);
    assertImagesMatch(shot.image, truth, { label: 'stream-final', minPsnr: 30 });
    process.stdout.write(`# stream: ${ended[1]} MJPEG frames drawn; final screen PSNR ${quality.toFixed(1)} dB\n`);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
