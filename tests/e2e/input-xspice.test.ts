// Keyboard and mouse through the browser shell into a real Xspice, checked on the guest side:
// a shell command typed as a person types it (Shift for capitals and symbols) runs exactly as
// typed; a click lands on the guest pixel under it (client mouse mode), at 1:1 and scaled down;
// the guest's Caps Lock follows the local keyboard's. Needs `npm run build` first.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { Session } from '../../src/main/session/session';
import { requireProgram, startXspice, type XspiceServer } from '../support/servers';
import { typeAsPerson } from '../support/typist';
import { connectThroughForm, launchBrowser, openApp, startWebShell, tempDir, waitFor, type WebShell } from '../support/web-shell';

let web: WebShell;
let xspice: XspiceServer;
let browser: Browser;
const config = tempDir('saffron-input-config-');

before(async () => {
  requireProgram('xterm');
  requireProgram('xdotool');
  [web, xspice, browser] = await Promise.all([startWebShell({ SAFFRON_CONFIG_DIR: config.path, DBUS_SESSION_BUS_ADDRESS: '' }), startXspice(), launchBrowser()]);
});

after(async () => {
  await browser?.close();
  await xspice?.stop();
  if (web) assert.equal(await web.stop(), 0, 'saffron web exits 0 on SIGINT');
  config.remove();
});

async function openSession(viewport?: { width: number; height: number }): Promise<Page> {
  const { page } = await openApp(browser, web.url, viewport);
  await connectThroughForm(page, xspice.port);
  // Xspice has only a tablet: the host asks for client mouse mode, and the status bar says so.
  await page.getByText('Mouse: client').waitFor({ timeout: 10_000 });
  return page;
}

/** Where the X server has its pointer. */
async function guestPointer(): Promise<{ x: number; y: number }> {
  const out = await xspice.run('xdotool', ['getmouselocation', '--shell']);
  const x = /^X=(\d+)$/m.exec(out);
  const y = /^Y=(\d+)$/m.exec(out);
  assert.ok(x && y, `xdotool said ${out}`);
  return { x: Number(x[1]), y: Number(y[1]) };
}

test('a command typed as a person types it (Shift for capitals and symbols) runs in the guest exactly as typed', async () => {
  const file = `/tmp/Saffron_Typed-${process.pid}-${Date.now()}.txt`;
  // Mixed case, digits and every shifted and unshifted symbol of a US keyboard but the quote.
  const text = String.raw`Mixed Case: Hello World 0123456789 ~!@#$%^&*()_+{}|:"<>? -=[]\;,./` + '`';
  xspice.spawnClient('xterm', ['-geometry', '120x10+0+0', '-e', 'sh']);
  await waitFor('the xterm window', async () => (await xspice.run('xdotool', ['search', '--class', 'xterm']).catch(() => '')).trim() !== '');
  const page = await openSession();
  // Without a window manager, X focus follows the pointer: click inside the xterm.
  await page.getByRole('img', { name: 'Remote display' }).click({ position: { x: 60, y: 40 } });
  await typeAsPerson(page, `printf '%s\\n' '${text}' > ${file}\n`);
  await waitFor(`${file} to be written by the guest's shell`, () => existsSync(file));
  await waitFor('the whole line', () => readFileSync(file, 'utf8').endsWith('\n'));
  assert.equal(readFileSync(file, 'utf8'), `${text}\n`);
  rmSync(file, { force: true });
  // The status bar shows live figures while connected.
  await page.getByLabel('Frames per second').waitFor({ timeout: 5000 });
  await page.close();
});

test('a click lands on the guest pixel under it: at 1:1, and with the display shrunk to fit a small window', async () => {
  const page = await openSession();
  const display = page.getByRole('img', { name: 'Remote display' });
  for (const [x, y] of [
    [0, 0],
    [517, 389],
    [1023, 767],
    [300, 700],
  ]) {
    await display.click({ position: { x, y } });
    await waitFor(`the guest pointer at ${x},${y}`, async () => {
      const at = await guestPointer();
      return at.x === x && at.y === y;
    });
  }
  // The server acknowledges every 4th motion message: after some moves the status bar shows that round trip.
  for (let i = 0; i < 16; i++) await display.hover({ position: { x: 100 + 20 * i, y: 100 + 10 * i } });
  await waitFor('a measured latency in the status bar', async () => /^\d+ ms$/.test((await page.getByLabel('Latency').innerText()).trim()));
  await page.setViewportSize({ width: 700, height: 600 });
  await waitFor('the display to shrink', async () => ((await display.boundingBox())?.width ?? 1024) < 1024);
  const box = (await display.boundingBox())!;
  assert.ok(Math.abs(box.width / box.height - 1024 / 768) < 0.01, 'the aspect ratio is kept');
  for (const [cssX, cssY] of [
    [10.5, 20.5],
    [box.width / 2, box.height / 3],
  ]) {
    await display.click({ position: { x: cssX, y: cssY } });
    const expected = { x: Math.floor((cssX * 1024) / box.width), y: Math.floor((cssY * 768) / box.height) };
    await waitFor(`the guest pointer at ${expected.x},${expected.y}`, async () => {
      const at = await guestPointer();
      return Math.abs(at.x - expected.x) <= 1 && Math.abs(at.y - expected.y) <= 1;
    });
  }
  await page.close();
});

test("the guest's Caps Lock follows the local keyboard's (lock keys are synchronised)", async () => {
  const file = `/tmp/saffron-caps-${process.pid}-${Date.now()}.txt`;
  // An earlier client left Caps Lock on in the guest (the server then reports it in inputs INIT).
  const earlier = new Session({ target: { host: '127.0.0.1', port: xspice.port } });
  let inputsUp = false;
  earlier.on('keyModifiers', () => (inputsUp = true)); // inputs INIT: the channel is linked
  await earlier.connect();
  await waitFor('the inputs channel', () => inputsUp);
  earlier.inputs!.keyDown(0x3a);
  earlier.inputs!.keyUp(0x3a);
  await waitFor('Caps Lock on in the guest', async () => /Caps Lock:\s+on/.test(await xspice.run('xset', ['q'])));
  earlier.disconnect();
  // The local keyboard (headless Chromium) has Caps Lock off.
  const page = await openSession();
  await page.getByRole('img', { name: 'Remote display' }).click({ position: { x: 60, y: 40 } });
  // The pointer arriving proves the inputs channel is up: keys typed before it links are lost.
  await waitFor('the guest pointer at 60,40', async () => {
    const at = await guestPointer();
    return at.x === 60 && at.y === 40;
  });
  await typeAsPerson(page, `echo abc > ${file}\n`);
  await waitFor(`${file}`, () => existsSync(file) && readFileSync(file, 'utf8').endsWith('\n'));
  assert.equal(readFileSync(file, 'utf8'), 'abc\n', 'typed in lower case, as the local keyboard says');
  assert.match(await xspice.run('xset', ['q']), /Caps Lock:\s+off/);
  rmSync(file, { force: true });
  await page.close();
});

test('no input reaches the guest before the user acts on the display; the release hotkey gives keyboard and mouse back', async () => {
  const page = await openSession();
  const display = page.getByRole('img', { name: 'Remote display' });
  await display.click({ position: { x: 5, y: 5 } });
  await waitFor('the guest pointer at 5,5', async () => {
    const at = await guestPointer();
    return at.x === 5 && at.y === 5;
  });
  await page.close();

  // A new page: hovering and typing without a click must not reach the guest.
  const fresh = await openSession();
  const shown = fresh.getByRole('img', { name: 'Remote display' });
  await shown.hover({ position: { x: 700, y: 500 } });
  await fresh.keyboard.press('KeyQ');
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.deepEqual(await guestPointer(), { x: 5, y: 5 }, 'the pointer did not follow a mere hover');

  // Engaged by a click, then released by Ctrl+Alt: the display loses focus and hears nothing more.
  const file = `/tmp/saffron-released-${process.pid}-${Date.now()}.txt`;
  xspice.spawnClient('xterm', ['-geometry', '80x10+0+0', '-e', 'sh']);
  await new Promise((resolve) => setTimeout(resolve, 500));
  await shown.click({ position: { x: 60, y: 40 } });
  await fresh.keyboard.down('ControlLeft');
  await fresh.keyboard.down('AltLeft');
  await fresh.keyboard.up('AltLeft');
  await fresh.keyboard.up('ControlLeft');
  assert.equal(await shown.evaluate((element) => element === (element.ownerDocument as unknown as { activeElement: unknown }).activeElement), false);
  await typeAsPerson(fresh, `touch ${file}\n`);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  assert.equal(existsSync(file), false, 'keys typed after the release stayed local');
  await fresh.close();
});

test('scale to fit and zoom: the display grows to fill the window and clicks still land on the right guest pixel', async () => {
  const page = await openSession({ width: 1600, height: 1200 });
  const display = page.getByRole('img', { name: 'Remote display' });
  await page.getByRole('button', { name: 'Fit' }).click();
  await waitFor('the display to grow', async () => ((await display.boundingBox())?.width ?? 0) > 1100);
  const box = (await display.boundingBox())!;
  const point = { x: 601.5, y: 333.5 };
  await display.click({ position: point });
  const expected = { x: Math.floor((point.x * 1024) / box.width), y: Math.floor((point.y * 768) / box.height) };
  await waitFor(`the guest pointer at ${expected.x},${expected.y}`, async () => {
    const at = await guestPointer();
    return Math.abs(at.x - expected.x) <= 1 && Math.abs(at.y - expected.y) <= 1;
  });
  await page.getByRole('button', { name: '1:1' }).click();
  await page.getByRole('button', { name: 'Zoom in' }).click();
  await waitFor('110 %', async () => Math.round((await display.boundingBox())?.width ?? 0) === Math.round(1024 * 1.1));
  await page.getByText('110%').waitFor();
  await page.close();
});
