// The browser shell end to end: `saffron web` from the build, its access guard, and a real
// Chromium that logs in, connects to a real Xspice through the form and shows the guest's screen
// pixel for pixel — one monitor at 1:1 with nothing over it, or two monitors named "Remote
// display 1" and "2", each in a window of its own — with the guest's pointer image as the local
// pointer. Needs `npm run build`.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { compareImages, cropImage, saveImageDiff, type RgbImage } from '../support/images';
import { requireProgram, startXspice, type XspiceServer } from '../support/servers';
import { connectThroughForm, launchBrowser, openApp, readCanvas, startWebShell, tempDir, waitFor, type WebShell } from '../support/web-shell';

// Code run inside the page: tests compile without the DOM library, so the few DOM shapes that
// code touches are declared here.
interface PageCanvas {
  readonly width: number;
  readonly height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
  getBoundingClientRect(): { left: number; top: number; width: number; height: number };
  readonly ownerDocument: {
    defaultView: { getComputedStyle(element: PageCanvas): { borderTopWidth: string; paddingTop: string; cursor: string } } | null;
    elementFromPoint(x: number, y: number): unknown;
  };
}
declare const document: { readonly cookie: string };

let web: WebShell;
let xspice: XspiceServer;
let browser: Browser;
const config = tempDir('saffron-shell-config-');

before(async () => {
  requireProgram('xsetroot');
  requireProgram('xlogo');
  [web, xspice, browser] = await Promise.all([startWebShell({ SAFFRON_CONFIG_DIR: config.path, DBUS_SESSION_BUS_ADDRESS: '' }), startXspice(), launchBrowser()]);
});

after(async () => {
  await browser?.close();
  await xspice?.stop();
  if (web) assert.equal(await web.stop(), 0, 'saffron web exits 0 on SIGINT');
  config.remove();
});

/** Attempts a WebSocket upgrade with the given headers; resolves with the HTTP status (101 = accepted). */
function tryUpgrade(headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port: web.port,
      path: '/ipc',
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', ...headers },
    });
    req.on('upgrade', (_res, socket) => {
      socket.destroy();
      resolve(101);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Polls until the canvas equals `truth()` (the X server's picture, or a part of it); fails with a saved diff. */
async function expectCanvasMatches(display: Locator, truth: () => Promise<RgbImage>, label: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const expected = await truth();
    const canvas = await readCanvas(display);
    const { differing, sameSize } = compareImages(canvas, expected);
    if (sameSize && differing === 0) return;
    if (Date.now() > deadline) {
      const dir = saveImageDiff(`browser-shell-${label}`, canvas, expected);
      assert.fail(`${label}: the canvas differs from xwd in ${differing} pixels (same size: ${sameSize}); images in ${dir}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

test('saffron web prints exactly one login URL with a 32-byte hex token', () => {
  assert.match(web.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
});

test('without the token or its cookie, HTTP requests and WebSocket upgrades are refused', async () => {
  for (const path of ['/', '/index.html', '/app.js']) {
    const response = await fetch(`http://127.0.0.1:${web.port}${path}`);
    assert.ok([401, 403].includes(response.status), `${path} answered ${response.status}`);
  }
  const wrongToken = await fetch(`http://127.0.0.1:${web.port}/?token=${'0'.repeat(64)}`, { redirect: 'manual' });
  assert.equal(wrongToken.status, 403);
  assert.ok([401, 403].includes(await tryUpgrade({ Origin: `http://127.0.0.1:${web.port}` })));

  // With the cookie but from another site, or through another host name: still refused.
  const login = await fetch(web.url, { redirect: 'manual' });
  assert.equal(login.status, 303);
  const cookie = login.headers.get('set-cookie')!.split(';')[0];
  assert.match(login.headers.get('set-cookie')!, /HttpOnly/);
  assert.match(login.headers.get('set-cookie')!, /SameSite=Strict/);
  assert.equal(await tryUpgrade({ Cookie: cookie, Origin: 'http://evil.example' }), 403);
  assert.equal(await tryUpgrade({ Cookie: cookie, Origin: `http://127.0.0.1:${web.port}`, Host: `rebound.example:${web.port}` }), 403);
  assert.equal(await tryUpgrade({ Cookie: cookie, Origin: `http://127.0.0.1:${web.port}` }), 101);
});

test('Chromium logs in, connects through the form and shows the screen exactly: 1:1, no border, nothing over it', async () => {
  const { page, problems } = await openApp(browser, web.url);
  assert.equal(new URL(page.url()).search, '', 'the token leaves the address bar');
  assert.equal(await page.evaluate(() => document.cookie), '', 'the session cookie is HttpOnly');
  await connectThroughForm(page, xspice.port);
  const display = page.getByRole('img', { name: 'Remote display' });
  const geometry = await display.evaluate((element) => {
    const canvas = element as unknown as PageCanvas;
    const style = canvas.ownerDocument.defaultView!.getComputedStyle(canvas);
    const box = canvas.getBoundingClientRect();
    // Whatever is on top at a few points of the display must be the display itself.
    const points = [
      [box.left + 1, box.top + 1],
      [box.left + box.width / 2, box.top + box.height / 2],
      [box.left + box.width - 1, box.top + box.height - 1],
    ];
    const onTop = points.every(([x, y]) => canvas.ownerDocument.elementFromPoint(x, y) === element);
    return { width: canvas.width, height: canvas.height, cssWidth: box.width, cssHeight: box.height, border: style.borderTopWidth, padding: style.paddingTop, onTop };
  });
  assert.deepEqual(geometry, { width: 1024, height: 768, cssWidth: 1024, cssHeight: 768, border: '0px', padding: '0px', onTop: true });

  await expectCanvasMatches(display, () => xspice.xwd(), 'first frame');
  // Then changes after connecting: they arrive as damage patches.
  await xspice.run('xsetroot', ['-solid', '#3a6ea5']);
  xspice.spawnClient('xlogo', ['-geometry', '240x180+400+300']);
  await expectCanvasMatches(display, () => xspice.xwd(), 'after drawing');

  // The guest's pointer image (an ARGB arrow from the cursor theme) becomes the local pointer.
  await xspice.run('xsetroot', ['-cursor_name', 'left_ptr']);
  await waitFor('the guest pointer as a CSS cursor', async () =>
    (await display.evaluate((element) => (element as unknown as PageCanvas).ownerDocument.defaultView!.getComputedStyle(element as unknown as PageCanvas).cursor)).startsWith('url("data:image/png'),
  );
  const cursor = await display.evaluate((element) => (element as unknown as PageCanvas).ownerDocument.defaultView!.getComputedStyle(element as unknown as PageCanvas).cursor);
  assert.match(cursor, /\) 4 4, default$/, 'the hot spot the guest gave');
  assert.deepEqual(problems, [], 'no page errors');
  await page.close();
});

test('two guest monitors show as "Remote display 1" and "Remote display 2", each exactly its part of the screen', async () => {
  const twoHeads = await startXspice({ env: { QXL_NUM_HEADS: '2' } });
  let page: Page | null = null;
  try {
    page = (await openApp(browser, web.url, { width: 2200, height: 900 })).page;
    await connectThroughForm(page, twoHeads.port);
    // The second head starts switched off; turning it on is what a guest agent would do.
    await twoHeads.run('xrandr', ['--newmode', 'm1', '65.00', '1024', '1048', '1184', '1344', '768', '771', '777', '806', '-hsync', '-vsync']);
    await twoHeads.run('xrandr', ['--addmode', 'qxl-1', 'm1']);
    await twoHeads.run('xrandr', ['--output', 'qxl-1', '--mode', 'm1', '--right-of', 'qxl-0']);
    await twoHeads.run('xsetroot', ['-solid', '#204060']);
    twoHeads.spawnClient('xlogo', ['-geometry', '300x200+900+200']); // straddles both monitors
    // The second monitor opens in a window of its own (a pop-up joined to the same session).
    const popup = await page.context().waitForEvent('page', { timeout: 30_000 });
    const first = page.getByRole('img', { name: 'Remote display 1', exact: true });
    const second = popup.getByRole('img', { name: 'Remote display 2', exact: true });
    await second.waitFor({ state: 'visible', timeout: 20_000 });
    await first.waitFor({ state: 'visible', timeout: 20_000 });
    assert.equal(await page.getByRole('img', { name: 'Remote display', exact: true }).count(), 0);
    assert.equal(await page.getByRole('img', { name: 'Remote display 2', exact: true }).count(), 0);
    await expectCanvasMatches(first, async () => cropImage(await twoHeads.xwd(), 0, 0, 1024, 768), 'monitor 1');
    await expectCanvasMatches(second, async () => cropImage(await twoHeads.xwd(), 1024, 0, 1024, 768), 'monitor 2');
  } finally {
    await page?.close();
    await twoHeads.stop();
  }
});

test('kiosk: `saffron web --kiosk spice://…` opens the session by itself and shows the display only', async () => {
  const kioskConfig = tempDir('saffron-kiosk-config-');
  const kiosk = await startWebShell({ SAFFRON_CONFIG_DIR: kioskConfig.path, DBUS_SESSION_BUS_ADDRESS: '' }, ['--kiosk', `spice://127.0.0.1:${xspice.port}`]);
  try {
    const { page, problems } = await openApp(browser, kiosk.url, { width: 1024, height: 768 });
    const display = page.getByRole('img', { name: 'Remote display' });
    await display.waitFor({ state: 'visible', timeout: 20_000 });
    assert.equal(await page.getByRole('banner', { name: 'Session status' }).count(), 0, 'no status bar');
    assert.equal(await page.getByRole('button').count(), 0, 'no buttons at all');
    await expectCanvasMatches(display, () => xspice.xwd(), 'kiosk');
    assert.deepEqual(problems, []);
    await page.close();
  } finally {
    assert.equal(await kiosk.stop(), 0);
    kioskConfig.remove();
  }
});

test('full screen from the status bar, and back', async () => {
  const { page } = await openApp(browser, web.url);
  await connectThroughForm(page, xspice.port);
  await page.getByRole('button', { name: 'Full screen' }).click();
  await waitFor('full screen', () => page.evaluate(() => (document as unknown as { fullscreenElement: unknown }).fullscreenElement !== null));
  await page.getByRole('button', { name: 'Full screen' }).click();
  await waitFor('windowed again', () => page.evaluate(() => (document as unknown as { fullscreenElement: unknown }).fullscreenElement === null));
  await page.close();
});
