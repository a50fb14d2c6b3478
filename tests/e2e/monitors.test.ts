// The guest follows the window, and one window per guest display, in Chromium through the
// browser shell against a real Xspice with a real spice-vdagent: resizing the page changes the
// guest's resolution (xrandr) to exactly the view's size; with QXL_NUM_HEADS=2 the second display
// switched on from the Displays menu opens "Remote display 2" in a window of its own, each window
// equal pixel for pixel to its part of `xwd -root`; switching it off removes it in the guest and
// closes its window; without an agent nothing is sent and the person is told once. Needs
// `npm run build`.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { compareImages, cropImage, saveImageDiff, type RgbImage } from '../support/images';
import { requireProgram, startXspice, type XspiceServer } from '../support/servers';
import { startXspiceWithAgent, type XspiceWithAgent } from '../support/vdagent';
import { launchBrowser, openApp, readCanvas, startWebShell, tempDir, waitFor, type WebShell } from '../support/web-shell';

// Code run inside the page: tests compile without the DOM library.
interface PageElement {
  readonly clientWidth: number;
  readonly clientHeight: number;
}

let web: WebShell;
let browser: Browser;
const config = tempDir('saffron-monitors-config-');

before(async () => {
  requireProgram('xrandr');
  requireProgram('xsetroot');
  requireProgram('xlogo');
  // SAFFRON_DEBUG: the engine logs each monitors configuration it sends, which the tests count.
  [web, browser] = await Promise.all([startWebShell({ SAFFRON_CONFIG_DIR: config.path, DBUS_SESSION_BUS_ADDRESS: '', SAFFRON_DEBUG: '1' }), launchBrowser()]);
});

after(async () => {
  await browser?.close();
  if (web) assert.equal(await web.stop(), 0, 'saffron web exits 0 on SIGINT');
  config.remove();
});

/**
 * Opens or closes the Displays menu (a <details>): clicks its summary only when it is not already
 * so, and waits for the state, rather than counting toggles (a click that lands while the status
 * bar re-lays itself out, or a second window opening, must not leave the menu the other way).
 */
async function displaysMenu(page: Page, open: boolean): Promise<void> {
  const menu = page.locator('details.displays-menu');
  for (let attempt = 0; attempt < 5; attempt++) {
    if (((await menu.getAttribute('open')) !== null) === open) return;
    await page.getByText('Displays', { exact: true }).click();
    await page.waitForTimeout(100);
  }
  throw new Error(`the Displays menu did not ${open ? 'open' : 'close'}`);
}

/** The X screen's size (`xrandr`'s "current W x H") and each connected output's geometry. */
async function guestScreen(server: XspiceServer): Promise<{ size: string; outputs: string[] }> {
  const text = await server.run('xrandr', []);
  const current = /current (\d+) x (\d+)/.exec(text);
  if (!current) throw new Error(`xrandr printed no current size: ${text.slice(0, 200)}`);
  const outputs = text.split('\n').filter((line) => /^qxl-\d+ connected/.test(line));
  return { size: `${current[1]}x${current[2]}`, outputs };
}

async function waitForGuest(server: XspiceServer, what: string, check: (screen: { size: string; outputs: string[] }) => boolean): Promise<void> {
  let last = { size: '', outputs: [] as string[] };
  try {
    await waitFor(what, async () => check((last = await guestScreen(server))), 60_000);
  } catch (error) {
    throw new Error(`${(error as Error).message}; xrandr last said ${last.size} with ${last.outputs.join('; ')}`, { cause: error });
  }
}

/** The monitors configurations the engine has sent so far (its debug log). */
function configsSent(): string[] {
  return web.stderr().split('\n').filter((line) => line.includes('guest displays: sending the agent a monitors configuration'));
}

/** The display area's size in CSS pixels (device pixels here: the pages use a scale factor of 1). */
async function viewSize(page: Page): Promise<string> {
  return page.locator('.display-area').evaluate((element) => {
    const area = element as unknown as PageElement;
    return `${area.clientWidth}x${area.clientHeight}`;
  });
}

/** Polls until the canvas equals its part of the X screen; fails with a saved diff. */
async function expectCanvasMatches(display: Locator, truth: () => Promise<RgbImage>, label: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const expected = await truth();
    const canvas = await readCanvas(display);
    const { differing, sameSize } = compareImages(canvas, expected);
    if (sameSize && differing === 0) return;
    if (Date.now() > deadline) {
      const dir = saveImageDiff(`monitors-${label}`, canvas, expected);
      assert.fail(`${label}: the canvas (${canvas.width}x${canvas.height}) differs from xwd (${expected.width}x${expected.height}) in ${differing} pixels; images in ${dir}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function connect(page: Page, port: number): Promise<void> {
  await page.getByLabel('Host', { exact: true }).fill('127.0.0.1');
  await page.getByLabel('Port', { exact: true }).fill(String(port));
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await page.getByRole('img', { name: /^Remote display/ }).first().waitFor({ state: 'visible', timeout: 30_000 });
}

test('resizing the window changes the guest resolution to exactly the view size', async () => {
  let xspice: XspiceWithAgent | null = null;
  let page: Page | null = null;
  try {
    xspice = await startXspiceWithAgent();
    const server = xspice.server;
    assert.equal((await guestScreen(server)).size, '1024x768');
    ({ page } = await openApp(browser, web.url, { width: 1104, height: 800 }));
    await connect(page, server.port);
    const display = page.getByRole('img', { name: 'Remote display', exact: true });
    // Xspice's QXL makes a screen width a multiple of 8: these views are, so the guest can match them exactly.
    for (const viewport of [null, { width: 904, height: 701 }, { width: 1280, height: 757 }]) {
      if (viewport) await page.setViewportSize(viewport);
      // The view settles first (the status bar keeps its height), then the guest follows it.
      const view = await viewSize(page);
      await waitForGuest(server, `the guest at ${view}`, (screen) => screen.size === view);
      await waitFor(`the display canvas at ${view}`, async () => (await display.getAttribute('data-surface')) === view, 30_000);
      console.log(`window ${viewport ? `${viewport.width}x${viewport.height}` : '1104x800'}: view ${view}, guest ${(await guestScreen(server)).size}`);
    }
    // A view the guest cannot match exactly: it answers with a slightly smaller screen, and that
    // starts no loop of new configurations (the guest stays put).
    await page.setViewportSize({ width: 1100, height: 800 });
    const odd = await viewSize(page);
    const [oddWidth, oddHeight] = odd.split('x').map(Number);
    await waitForGuest(server, `the guest at about ${odd}`, (screen) => screen.size === `${oddWidth - (oddWidth % 8)}x${oddHeight}`);
    const settled = (await guestScreen(server)).size;
    await new Promise((resolve) => setTimeout(resolve, 3000));
    assert.equal((await guestScreen(server)).size, settled, 'no resize loop');
    console.log(`window 1100x800: view ${odd}, guest ${settled} (QXL rounds the width down to a multiple of 8), and it stays there`);
    // A person dragging the window's corner: twelve sizes in quick succession make one configuration.
    const sentBefore = configsSent().length;
    for (let step = 1; step <= 12; step++) {
      await page.setViewportSize({ width: 1280 - 16 * step, height: 757 - 8 * step });
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    const dragged = await viewSize(page);
    await waitForGuest(server, `the guest at ${dragged} after the drag`, (screen) => screen.size === dragged);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const sentDuringDrag = configsSent().slice(sentBefore);
    assert.equal(sentDuringDrag.length, 1, `one configuration for the whole drag, not ${sentDuringDrag.length}:\n${sentDuringDrag.join('\n')}`);
    console.log(`a drag through 12 window sizes: ${sentDuringDrag.length} monitors configuration (${dragged})`);
    // A fixed zoom asks for fewer pixels, so the zoomed picture still fills the view exactly.
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await page.getByLabel('Zoom').filter({ hasText: '110%' }).waitFor({ timeout: 10_000 });
    const [viewWidth, viewHeight] = dragged.split('x').map(Number);
    const zoomedWidth = Math.floor(viewWidth / 1.1);
    const zoomed = `${zoomedWidth - (zoomedWidth % 8)}x${Math.floor(viewHeight / 1.1)}`;
    await waitForGuest(server, `the guest at ${zoomed} for a 110% zoom of ${dragged}`, (screen) => screen.size === zoomed);
    console.log(`zoom 110% of a ${dragged} view: guest ${zoomed}`);
    await page.getByRole('button', { name: 'Fit', exact: true }).click();
    await waitForGuest(server, `the guest back at ${dragged} when fitting`, (screen) => screen.size === dragged);
    server.spawnClient('xlogo', ['-geometry', '300x200+700+400']);
    await server.run('xsetroot', ['-solid', '#2a5a3a']);
    await expectCanvasMatches(display, () => server.xwd(), 'after-resize');
    // Following can be switched off: then a new window size leaves the guest alone.
    await displaysMenu(page, true);
    await page.getByRole('checkbox', { name: 'Resize guest to window' }).uncheck();
    await displaysMenu(page, false);
    const before = (await guestScreen(server)).size;
    await page.setViewportSize({ width: 1000, height: 650 });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    assert.equal((await guestScreen(server)).size, before, 'the guest keeps its size with following off');
    await displaysMenu(page, true);
    await page.getByRole('checkbox', { name: 'Resize guest to window' }).check();
    await displaysMenu(page, false);
    const view = await viewSize(page);
    await waitForGuest(server, `the guest back to following, at ${view}`, (screen) => screen.size === view);
  } finally {
    await page?.close();
    await xspice?.stop();
  }
});

test('two guest displays: a window each, equal to their parts of xwd; switching display 2 off removes it and closes its window', async () => {
  let xspice: XspiceWithAgent | null = null;
  let page: Page | null = null;
  try {
    xspice = await startXspiceWithAgent({ env: { QXL_NUM_HEADS: '2' } });
    const server = xspice.server;
    assert.equal((await guestScreen(server)).outputs.length, 1, 'the second head starts switched off');
    ({ page } = await openApp(browser, web.url, { width: 1000, height: 700 }));
    const main = page;
    await connect(main, server.port);
    const view = await viewSize(main);
    const [width, height] = view.split('x').map(Number);
    await waitForGuest(server, `the first display at ${view}`, (screen) => screen.outputs.some((o) => o.startsWith('qxl-0 ') && o.includes(` ${view}+0+0`)));

    // Display 2 switched on from the Displays menu: the app opens a window for it.
    await displaysMenu(main, true);
    const popupOpened = main.context().waitForEvent('page', { timeout: 60_000 });
    popupOpened.catch(() => {}); // awaited below; a failure before then is the one to report
    await main.getByRole('checkbox', { name: 'Display 2' }).check();
    await displaysMenu(main, false);
    const popup = await popupOpened;
    await waitForGuest(server, 'two displays side by side', (screen) => screen.outputs.length === 2);
    const first = main.getByRole('img', { name: 'Remote display 1', exact: true });
    const second = popup.getByRole('img', { name: 'Remote display 2', exact: true });
    await first.waitFor({ state: 'visible', timeout: 30_000 });
    await second.waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await main.getByRole('img', { name: 'Remote display 2', exact: true }).count(), 0, 'display 2 is not in the main window');
    assert.equal(await popup.getByRole('img', { name: 'Remote display 1', exact: true }).count(), 0, 'the display window shows only its own');
    assert.match(await popup.title(), /^Remote display 2/);

    // Both windows follow their own size; the layout settles when each guest monitor fits its window
    // (the width a multiple of 8, as QXL wants).
    const popupView = await viewSize(popup);
    const [popupViewWidth, popupHeight] = popupView.split('x').map(Number);
    const popupWidth = popupViewWidth - (popupViewWidth % 8);
    await waitForGuest(server, `display 1 at ${view} and display 2 at ${popupWidth}x${popupHeight}`, (screen) =>
      screen.outputs.some((o) => o.includes(` ${view}+0+0`)) && screen.outputs.some((o) => o.includes(` ${popupWidth}x${popupHeight}+${width}+0`)),
    );
    console.log(`main window view ${view}, display window view ${popupView}: xrandr ${(await guestScreen(server)).outputs.join('; ')}`);
    await server.run('xsetroot', ['-solid', '#204060']);
    server.spawnClient('xlogo', ['-geometry', `300x200+${width - 150}+100`]); // straddles both displays
    await expectCanvasMatches(first, async () => cropImage(await server.xwd(), 0, 0, width, height), 'display-1');
    await expectCanvasMatches(second, async () => cropImage(await server.xwd(), width, 0, popupWidth, popupHeight), 'display-2');

    // Display 2 switched off: gone in the guest, and its window closes.
    const popupClosed = popup.waitForEvent('close', { timeout: 60_000 });
    popupClosed.catch(() => {});
    await displaysMenu(main, true);
    await main.getByRole('checkbox', { name: 'Display 2' }).uncheck();
    await waitForGuest(server, 'display 2 switched off', (screen) => screen.outputs.length === 1);
    await popupClosed;
    await main.getByRole('img', { name: 'Remote display', exact: true }).waitFor({ state: 'visible', timeout: 30_000 });
  } finally {
    await page?.close();
    await xspice?.stop();
  }
});

test('without a guest agent nothing is sent: the guest keeps its resolution, and the person is told once', async () => {
  const server = await startXspice();
  let page: Page | null = null;
  try {
    ({ page } = await openApp(browser, web.url, { width: 904, height: 700 }));
    await connect(page, server.port);
    // The server's own notices may come first; the newest replaces them.
    const notice = page.getByRole('note').filter({ hasText: 'The guest has no agent (spice-vdagent)' });
    await notice.waitFor({ state: 'visible', timeout: 30_000 });
    await notice.getByRole('button', { name: 'Dismiss the notice' }).click();
    await page.setViewportSize({ width: 1000, height: 640 });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    assert.equal((await guestScreen(server)).size, '1024x768');
    assert.equal(await page.getByRole('note').count(), 0, 'told once, not at every resize');
    await expectCanvasMatches(page.getByRole('img', { name: 'Remote display', exact: true }), () => server.xwd(), 'no-agent');
  } finally {
    await page?.close();
    await server.stop();
  }
});
