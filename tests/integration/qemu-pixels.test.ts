import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startQemu } from '../support/servers';
import { assertImagesMatch, readPng } from '../support/images';
import { failureLine, runSaffron } from '../support/saffron-cli';

/** QEMU's firmware screen through -vga qxl: the screenshot equals QEMU's own screendump, 0 px. */
test('QEMU -vga qxl, stopped: the screenshot equals screendump', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'saffron-qemu-'));
  const server = await startQemu();
  try {
    // Let the firmware draw its screen, then freeze the guest so the screen cannot change.
    await new Promise((r) => setTimeout(r, 3000));
    await server.monitor('stop');
    const truth = await server.screendump();
    assert.ok(truth.width >= 640 && truth.height >= 200, `screendump is ${truth.width}x${truth.height}`);
    const result = await runSaffron(['screenshot', `spice://127.0.0.1:${server.port}`, '--out', join(dir, 'qemu.png')], { killAfterMs: 60_000 });
    if (result.code !== 0) throw new Error(`saffron screenshot failed: ${failureLine(result)}`);
    assertImagesMatch(readPng(join(dir, 'qemu.png')), truth, { label: 'qemu-firmware' });
    assertImagesMatch(await server.screendump(), truth, { label: 'qemu-still-stopped' });
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
