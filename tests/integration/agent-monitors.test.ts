import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startXspiceWithAgent } from '../support/vdagent';
import { assertImagesMatch, readPng } from '../support/images';
import { waitForStableScreen } from '../support/scenes';
import { failureLine, runSaffron } from '../support/saffron-cli';
import type { XspiceServer } from '../support/servers';
import { Session } from '../../src/main/session/session';

/**
 * The guest follows the window: a monitors configuration sent through the agent makes
 * spice-vdagent change the guest's resolution (xrandr), the display channel reports the new
 * surface, and the client's pixels still equal the X server's own.
 */

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The X screen's current size, from `xrandr`'s first line. */
async function guestScreenSize(server: XspiceServer): Promise<string> {
  const output = await server.run('xrandr', []);
  const match = /current (\d+) x (\d+)/.exec(output);
  if (!match) throw new Error(`xrandr printed no current size: ${output.slice(0, 200)}`);
  return `${match[1]}x${match[2]}`;
}

async function waitForGuestSize(server: XspiceServer, size: string, timeoutMs = 15_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    const current = await guestScreenSize(server);
    if (current === size) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`the guest stayed at ${current}, not ${size}, for ${timeoutMs} ms`);
    await sleep(50);
  }
}

test('a monitors configuration makes the guest follow the window size', { timeout: 120_000 }, async () => {
  const xspice = await startXspiceWithAgent();
  const { server } = xspice;
  const work = await mkdtemp(join(tmpdir(), 'saffron-monitors-'));
  const session = new Session({ target: { host: '127.0.0.1', port: server.port } });
  try {
    assert.equal(await guestScreenSize(server), '1024x768');
    await session.connect();
    await session.agent.whenReady(10_000);
    assert.equal(session.agent.features.monitorsConfig, true);

    for (const [width, height] of [[1280, 800], [1000, 700], [1024, 768]] as const) {
      const size = `${width}x${height}`;
      const surface = new Promise<string>((resolve) => {
        const off = session.on('surfaceCreated', ({ surface: created, primary }) => {
          if (!primary || created.width !== width || created.height !== height) return;
          off();
          resolve(`${created.width}x${created.height}`);
        });
      });
      const reply = new Promise<boolean>((resolve) => session.agent.once('monitorsConfigReply', ({ success }) => resolve(success)));
      const sent = Date.now();
      session.agent.setMonitors([{ width, height, x: 0, y: 0 }]);
      assert.equal(await reply, true, 'the agent acknowledged the configuration');
      await waitForGuestSize(server, size);
      assert.equal(await surface, size, 'the display channel shows the new primary surface');
      console.log(`window ${size}: guest resolution and primary surface changed ${Date.now() - sent} ms after the request`);
    }

    // After the last change, what the client shows is still exactly the X server's screen.
    session.agent.setMonitors([{ width: 1280, height: 800, x: 0, y: 0 }]);
    await waitForGuestSize(server, '1280x800');
    session.disconnect();
    const truth = await waitForStableScreen(server, 500);
    const out = join(work, 'after-resize.png');
    const shot = await runSaffron(['screenshot', `spice://127.0.0.1:${server.port}`, '--out', out]);
    if (shot.code !== 0) throw new Error(`screenshot failed: ${failureLine(shot)}`);
    assertImagesMatch(readPng(out), truth, { label: 'monitors-1280x800' });
  } finally {
    session.disconnect();
    await xspice.stop();
    await rm(work, { recursive: true, force: true });
  }
});
