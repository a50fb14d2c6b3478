// Server mouse mode end to end: QEMU's only pointer is a PS/2 mouse, so the server offers no
// client mode; the browser shell locks the pointer on the first click and sends relative motion.
// A relay between the shell and QEMU reads the inputs channel on the wire: the motion sent must
// add up to exactly how far the pointer moved. Needs `npm run build` first.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startQemu, type QemuServer } from '../support/servers';
import { MSGC_MOUSE_PRESS, startInputsTap, totalMotion, type InputsTap } from '../support/spice-inputs-tap';
import { connectThroughForm, launchBrowser, openApp, startWebShell, tempDir, waitFor, type WebShell } from '../support/web-shell';

declare const document: { readonly pointerLockElement: unknown };

let web: WebShell;
let qemu: QemuServer;
let tap: InputsTap;
let browser: Browser;
const config = tempDir('saffron-mouse-config-');

before(async () => {
  [web, qemu, browser] = await Promise.all([startWebShell({ SAFFRON_CONFIG_DIR: config.path, DBUS_SESSION_BUS_ADDRESS: '' }), startQemu(), launchBrowser()]);
  tap = await startInputsTap(qemu.port);
});

after(async () => {
  await browser?.close();
  await tap?.close();
  await qemu?.stop();
  if (web) assert.equal(await web.stop(), 0);
  config.remove();
});

test('server mode (QEMU, PS/2 mouse): the pointer is locked and the relative motion sent equals the pointer movement', async () => {
  const { page, problems } = await openApp(browser, web.url);
  await connectThroughForm(page, tap.port);
  await page.getByText('Mouse: server').waitFor({ timeout: 10_000 });
  const display = page.getByRole('img', { name: 'Remote display' });
  const box = (await display.boundingBox())!;
  const start = { x: box.x + 200, y: box.y + 150 };
  await page.mouse.move(start.x, start.y);
  // The first click only grabs the pointer: the guest does not hear it.
  await page.mouse.down();
  await page.mouse.up();
  await waitFor('the pointer lock', () => page.evaluate(() => document.pointerLockElement !== null));
  await page.getByText('Mouse: server (grabbed').waitFor({ timeout: 5000 });
  assert.equal(tap.messages.filter((m) => m.type === MSGC_MOUSE_PRESS).length, 0, 'the grabbing click is not sent');

  // A wander: right and down in small steps, a jump back left and up, more small steps.
  const path = [
    { x: start.x + 37, y: start.y + 11, steps: 6 },
    { x: start.x + 160, y: start.y + 95, steps: 25 },
    { x: start.x - 40, y: start.y - 60, steps: 1 },
    { x: start.x - 13, y: start.y + 7, steps: 9 },
  ];
  for (const step of path) await page.mouse.move(step.x, step.y, { steps: step.steps });
  const last = path[path.length - 1];
  const moved = { dx: last.x - start.x, dy: last.y - start.y };
  // Motion is flow-controlled (at most 8 unacknowledged): it may arrive a little after the events.
  await waitFor(`motion adding up to ${moved.dx},${moved.dy}`, () => {
    const sent = totalMotion(tap.messages);
    return sent.dx === moved.dx && sent.dy === moved.dy;
  });
  const sent = totalMotion(tap.messages);
  assert.ok(sent.count >= 4, `${sent.count} motion messages`);

  // A click now reaches the guest.
  await page.mouse.down();
  await page.mouse.up();
  await waitFor('the button press on the wire', () => tap.messages.some((m) => m.type === MSGC_MOUSE_PRESS));
  assert.deepEqual(problems, []);
  await page.close();
});
