import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Head } from '../../src/core/protocol/display-messages';
import { Session } from '../../src/main/session/session';
import { assertImagesMatch, compareImages, cropImage, readPng } from '../support/images';
import { makeImage, showImageWindow, waitForScreen, waitForStableScreen } from '../support/scenes';
import { failureLine, runSaffron } from '../support/saffron-cli';
import type { XspiceServer } from '../support/servers';
import { startXspiceWithAgent } from '../support/vdagent';

/**
 * Xspice with QXL_NUM_HEADS=2: one display channel, one primary surface, two heads in its
 * MONITORS_CONFIG. The second head starts disconnected; the agent's monitors configuration
 * enables it (and disables it again). Each monitor, as its own window shows it, equals the
 * matching part of the X server's screen.
 */

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function xrandrOutputs(server: XspiceServer): Promise<string> {
  return (await server.run('xrandr', [])).split('\n').filter((line) => line.startsWith('qxl-')).join('\n');
}

async function waitForOutputs(server: XspiceServer, expected: RegExp, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const outputs = await xrandrOutputs(server);
    if (expected.test(outputs)) return;
    if (Date.now() > deadline) throw new Error(`xrandr outputs did not match ${expected} within ${timeoutMs} ms:\n${outputs}`);
    await sleep(50);
  }
}

function waitForHeads(session: Session, count: number): Promise<Head[]> {
  return new Promise((resolve) => {
    const off = session.on('monitors', ({ heads }) => {
      const enabled = heads.filter((h) => h.width > 0 && h.height > 0);
      if (enabled.length !== count) return;
      off();
      resolve(enabled);
    });
  });
}

test('Xspice with two heads: both monitors enabled by the agent, each equal to its part of xwd', { timeout: 180_000 }, async () => {
  const xspice = await startXspiceWithAgent({ env: { QXL_NUM_HEADS: '2' } });
  const { server } = xspice;
  const work = await mkdtemp(join(tmpdir(), 'saffron-multihead-'));
  const target = `spice://127.0.0.1:${server.port}`;
  const session = new Session({ target: { host: '127.0.0.1', port: server.port } });
  try {
    assert.match(await xrandrOutputs(server), /^qxl-1 disconnected/m, 'the second head starts disconnected');

    // Enable the second monitor to the right of the first, as a client with two windows would.
    const twoHeads = waitForHeads(session, 2);
    await session.connect();
    await session.agent.whenReady(10_000);
    session.agent.setMonitors([{ width: 1024, height: 768, x: 0, y: 0 }, { width: 800, height: 600, x: 1024, y: 0 }]);
    await waitForOutputs(server, /^qxl-1 connected 800x600\+1024\+0/m);
    const heads = await twoHeads;
    assert.deepEqual(heads.map(({ monitorId, width, height, x, y }) => ({ monitorId, width, height, x, y })), [
      { monitorId: 0, width: 1024, height: 768, x: 0, y: 0 },
      { monitorId: 1, width: 800, height: 600, x: 1024, y: 0 },
    ]);

    // Something different on each monitor (the guest keeps its layout when the client leaves).
    await server.run('xsetroot', ['-solid', '#3a6ea5']);
    const left = await makeImage(server, 'left', ['-size', '300x200', 'gradient:#ff8000-#004080']);
    const right = await makeImage(server, 'right', ['-size', '320x240', 'plasma:fractal', '-seed', '7']);
    showImageWindow(server, left.path, 100, 120, 'left');
    showImageWindow(server, right.path, 1024 + 150, 90, 'right');
    session.disconnect();
    await waitForScreen(server, (screen) =>
      compareImages(cropImage(screen, 100, 120, 300, 200), left.image).differing === 0 &&
      compareImages(cropImage(screen, 1024 + 150, 90, 320, 240), right.image).differing === 0, 'both images');
    const truth = await waitForStableScreen(server, 500);
    assert.equal(truth.width, 1824, 'the X screen spans both monitors');

    for (const [index, [x, y, width, height]] of [[0, 0, 1024, 768], [1024, 0, 800, 600]].entries()) {
      const out = join(work, `monitor-${index}.png`);
      const shot = await runSaffron(['screenshot', target, '--monitor', String(index), '--out', out], { killAfterMs: 60_000 });
      if (shot.code !== 0) throw new Error(`screenshot --monitor ${index} failed: ${failureLine(shot)}`);
      const image = readPng(out);
      assert.deepEqual([image.width, image.height], [width, height]);
      assertImagesMatch(image, cropImage(truth, x, y, width, height), { label: `multihead-monitor-${index}` });
    }

    // Disabling the second monitor: the guest drops it, and the client reports one.
    const again = new Session({ target: { host: '127.0.0.1', port: server.port } });
    try {
      const oneHead = waitForHeads(again, 1);
      await again.connect();
      await again.agent.whenReady(10_000);
      again.agent.setMonitors([{ width: 1024, height: 768, x: 0, y: 0 }, null]);
      await waitForOutputs(server, /^qxl-1 disconnected/m);
      assert.equal((await oneHead).length, 1);
    } finally {
      again.disconnect();
    }
    const gone = await runSaffron(['screenshot', target, '--monitor', '1', '--out', join(work, 'gone.png')], { killAfterMs: 60_000 });
    assert.equal(gone.code, 10);
    assert.match(failureLine(gone), /the guest has no monitor 1: it shows 1/);
  } finally {
    session.disconnect();
    await xspice.stop();
    await rm(work, { recursive: true, force: true });
  }
});
