// The guest agent in the app, end to end: the browser shell in Debian's Chromium (clipboard
// permissions granted to the page), a real Xspice with a real spice-vdagent (tests/support/
// vdagent.ts). Clipboard text and PNG images cross both ways (the guest side read and written
// with xclip, as an X application does); files dropped on "Remote display" arrive intact in the
// agent's folder, with a progress bar that reaches Done, and a cancelled one leaves nothing.
// Needs `npm run build` first.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { compareImages, createImage, decodePng, encodePng, type RgbImage } from '../support/images';
import { endProcess, requireProgram, runProgram, startXspice } from '../support/servers';
import { startXspiceWithAgent, type XspiceWithAgent } from '../support/vdagent';
import { connectThroughForm, launchBrowser, startWebShell, tempDir, waitFor, type WebShell } from '../support/web-shell';

let web: WebShell;
let guest: XspiceWithAgent;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const config = tempDir('saffron-agent-config-');
const work = tempDir('saffron-agent-work-');
const owners: ChildProcess[] = [];

before(async () => {
  requireProgram('xclip');
  [web, guest, browser] = await Promise.all([startWebShell({ SAFFRON_CONFIG_DIR: config.path, DBUS_SESSION_BUS_ADDRESS: '' }), startXspiceWithAgent(), launchBrowser()]);
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, permissions: ['clipboard-read', 'clipboard-write'] });
  page = await context.newPage();
  await page.goto(web.url);
  await connectThroughForm(page, guest.server.port);
});

after(async () => {
  for (const owner of owners) await endProcess(owner);
  await context?.close();
  await browser?.close();
  await guest?.stop();
  if (web) assert.equal(await web.stop(), 0, 'saffron web exits 0 on SIGINT');
  config.remove();
  work.remove();
});

/**
 * The page's globals these tests use inside page.evaluate (the tests compile without the DOM's
 * types; these callbacks run in the page, where the real objects are).
 */
interface PageGlobals {
  readonly document: {
    readonly activeElement: { blur(): void } | null;
    querySelector(selector: string): { dispatchEvent(event: unknown): boolean } | null;
  };
  readonly navigator: {
    readonly clipboard: {
      readText(): Promise<string>;
      writeText(text: string): Promise<void>;
      read(): Promise<{ readonly types: readonly string[]; getType(type: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer> }> }[]>;
      write(items: unknown[]): Promise<void>;
    };
  };
  readonly ClipboardItem: new (items: Record<string, unknown>) => unknown;
  readonly Blob: new (parts: unknown[], options: { type: string }) => unknown;
  readonly File: new (parts: unknown[], name: string, options: { type: string }) => unknown;
  readonly DataTransfer: new () => { readonly items: { add(file: unknown): void } };
  readonly DragEvent: new (type: string, init: { dataTransfer: unknown; bubbles: boolean; cancelable: boolean }) => unknown;
  readonly crypto: { getRandomValues(bytes: Uint8Array): Uint8Array; readonly subtle: { digest(algorithm: string, bytes: Uint8Array): Promise<ArrayBuffer> } };
}

/** Copies in the guest: xclip keeps the selection (in the foreground, -quiet) until someone else takes it. */
function guestCopy(file: string, target?: string): void {
  owners.push(guest.server.spawnClient('xclip', ['-quiet', '-selection', 'clipboard', ...(target ? ['-t', target] : []), '-i', file]));
}

/** What the guest pastes from its clipboard (null while it has nothing of that type). */
async function guestPaste(target?: string): Promise<Buffer | null> {
  return runProgram('xclip', ['-selection', 'clipboard', ...(target ? ['-t', target] : []), '-o'], { env: guest.server.env, timeoutMs: 5000 }).catch(() => null);
}

/** The display gains focus (as a person clicking into it after copying elsewhere). */
async function focusDisplay(): Promise<void> {
  await page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.blur());
  await page.getByRole('img', { name: 'Remote display' }).focus();
}

/** A picture with detail in every pixel, so a wrong channel, row or offset shows. */
function testPicture(width: number, height: number, seed: number): RgbImage {
  const image = createImage(width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      image.data[o] = (x * 7 + seed) & 0xff;
      image.data[o + 1] = (y * 5 + seed * 3) & 0xff;
      image.data[o + 2] = (x * y + seed) & 0xff;
    }
  }
  return image;
}

test('text copied in the guest arrives in the browser clipboard; text copied in the page is what the guest pastes', async () => {
  const text = 'Grüße aus dem Gast ✓\nline two\ttabbed';
  const file = join(work.path, 'guest.txt');
  writeFileSync(file, text, 'utf8');
  guestCopy(file);
  await waitFor('the guest text in the browser clipboard', async () => (await page.evaluate(() => (globalThis as unknown as PageGlobals).navigator.clipboard.readText().catch(() => ''))) === text, 20_000);

  const local = 'copied in the page: ünïcödé, "quotes" and $dollars';
  await page.evaluate((value) => (globalThis as unknown as PageGlobals).navigator.clipboard.writeText(value), local);
  await focusDisplay();
  await waitFor('the guest to paste the page text', async () => (await guestPaste())?.toString('utf8') === local, 20_000);
});

test('a PNG image crosses both ways with the same pixels', async () => {
  // Guest → page: xclip offers image/png; the page's clipboard then holds an image with its pixels.
  const fromGuest = testPicture(64, 48, 11);
  const guestFile = join(work.path, 'guest.png');
  writeFileSync(guestFile, encodePng(fromGuest));
  guestCopy(guestFile, 'image/png');
  let received: number[] | null = null;
  await waitFor(
    'an image in the browser clipboard',
    async () => {
      received = await page.evaluate(async () => {
        const items = await (globalThis as unknown as PageGlobals).navigator.clipboard.read().catch(() => []);
        const item = items.find((entry) => entry.types.includes('image/png'));
        return item ? [...new Uint8Array(await (await item.getType('image/png')).arrayBuffer())] : null;
      });
      return received !== null;
    },
    20_000,
  );
  const pasted = decodePng(Uint8Array.from(received!));
  const inPage = compareImages(pasted, fromGuest);
  assert.ok(inPage.sameSize, `the page's image is ${pasted.width}x${pasted.height}`);
  assert.equal(inPage.differing, 0, 'guest → page: every pixel as copied');

  // Page → guest: an image written to the page's clipboard is what the guest pastes as image/png.
  const fromPage = testPicture(80, 40, 99);
  await page.evaluate(async (bytes) => {
    const { Blob, ClipboardItem, navigator } = globalThis as unknown as PageGlobals;
    const png = new Blob([Uint8Array.from(bytes)], { type: 'image/png' });
    await navigator.clipboard.write([new ClipboardItem({ 'image/png': png })]);
  }, [...encodePng(fromPage)]);
  await focusDisplay();
  let guestImage: RgbImage | null = null;
  await waitFor(
    'the guest to paste the page image',
    async () => {
      const bytes = await guestPaste('image/png');
      if (!bytes || bytes.length < 8) return false;
      const image = decodePng(bytes);
      if (image.width !== fromPage.width) return false; // still the guest's own picture
      guestImage = image;
      return true;
    },
    20_000,
  );
  const inGuest = compareImages(guestImage!, fromPage);
  assert.ok(inGuest.sameSize);
  assert.equal(inGuest.differing, 0, 'page → guest: every pixel as copied');
});

/** Drops a file of `size` random bytes on the display (a real drop event); resolves with its SHA-256. */
async function dropRandomFile(name: string, size: number): Promise<string> {
  return page.evaluate(
    async ({ name, size }) => {
      const { crypto, DataTransfer, File, DragEvent, document } = globalThis as unknown as PageGlobals;
      const bytes = new Uint8Array(size);
      for (let offset = 0; offset < size; offset += 65_536) crypto.getRandomValues(bytes.subarray(offset, Math.min(size, offset + 65_536)));
      const digest = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], name, { type: 'application/octet-stream' }));
      const display = document.querySelector('canvas[aria-label="Remote display"]');
      if (!display) throw new Error('no Remote display');
      display.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      display.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      return digest;
    },
    { name, size },
  );
}

test('a file dropped on the display arrives intact in the guest; a cancelled one leaves no file', async () => {
  const size = 5 * 1024 * 1024 + 123;
  const started = performance.now();
  const digest = await dropRandomFile('dropped.bin', size);
  const row = page.getByRole('list', { name: 'File transfers' }).getByRole('listitem').filter({ hasText: 'dropped.bin' });
  await row.getByRole('status').filter({ hasText: 'Done' }).waitFor({ timeout: 120_000 });
  const seconds = (performance.now() - started) / 1000;
  assert.equal(await row.getAttribute('data-state'), 'done');
  const bar = row.getByRole('progressbar', { name: 'Sending dropped.bin' });
  assert.equal(await bar.evaluate((element) => {
    const progress = element as unknown as { value: number; max: number };
    return progress.value === progress.max;
  }), true, 'the progress bar is full');
  const received = join(guest.receivedDir, 'dropped.bin');
  await waitFor('dropped.bin in the guest folder', () => existsSync(received) && readFileSync(received).length === size, 30_000);
  assert.equal(createHash('sha256').update(readFileSync(received)).digest('hex'), digest, 'the same bytes');
  console.log(`dropped ${size} bytes: Done after ${seconds.toFixed(1)} s (random bytes made in the page included), arrived intact (sha256 ${digest.slice(0, 16)}…)`);

  // A large file, cancelled as soon as it is under way: the agent removes what it received.
  const big = 160 * 1024 * 1024;
  await dropRandomFile('cancelled.bin', big);
  const bigRow = page.getByRole('list', { name: 'File transfers' }).getByRole('listitem').filter({ hasText: 'cancelled.bin' });
  await bigRow.getByRole('status').filter({ hasText: /MB of/ }).waitFor({ timeout: 60_000 });
  // The agent writes the file as the bytes come: it exists, partial, before the Cancel.
  const partial = join(guest.receivedDir, 'cancelled.bin');
  await waitFor('the partial file in the guest folder', () => existsSync(partial), 30_000);
  const sentBefore = await bigRow.getByRole('status').textContent();
  await bigRow.getByRole('button', { name: 'Cancel sending cancelled.bin' }).click();
  await bigRow.getByRole('status').filter({ hasText: 'Cancelled' }).waitFor({ timeout: 30_000 });
  console.log(`cancelled at "${sentBefore ?? ''}"`);
  // The agent deletes its partial file when told CANCELLED; give it time to act, then look.
  await waitFor('the partial file to be removed', () => !existsSync(partial), 15_000);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.deepEqual(readdirSync(guest.receivedDir).sort(), ['dropped.bin'], 'only the finished file is in the guest folder');
});

test('with clipboard reading denied the page says so once; without an agent a dropped file gets one clear notice', async () => {
  const plain = await startXspice();
  const refused = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  try {
    const other = await refused.newPage();
    await other.goto(web.url);
    // As when a person answers the browser's question with Block (a question merely dismissed,
    // as headless Chromium does by default, is no denial: the browser asks again).
    const cdp = await refused.newCDPSession(other);
    const { targetInfo } = await cdp.send('Target.getTargetInfo');
    await cdp.send('Browser.setPermission', { permission: { name: 'clipboard-read' }, setting: 'denied', origin: new URL(web.url).origin, browserContextId: targetInfo.browserContextId });
    await connectThroughForm(other, plain.port);
    const notices = other.getByRole('status', { name: 'Notices' });
    await notices.getByText('The browser does not let Saffron read the clipboard').waitFor({ timeout: 20_000 });
    await other.evaluate(() => {
      const { DataTransfer, File, DragEvent, document } = globalThis as unknown as PageGlobals;
      const transfer = new DataTransfer();
      transfer.items.add(new File(['hello'], 'note.txt', { type: 'text/plain' }));
      document.querySelector('canvas[aria-label="Remote display"]')?.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    });
    await notices.getByText('note.txt was not sent: cannot send files: no guest agent is connected').waitFor({ timeout: 20_000 });
    const row = other.getByRole('list', { name: 'File transfers' }).getByRole('listitem').filter({ hasText: 'note.txt' });
    assert.equal(await row.getAttribute('data-state'), 'failed');
    assert.equal(await notices.getByRole('listitem').count(), 2, 'one notice each, nothing repeated');
  } finally {
    await refused.close();
    await plain.stop();
  }
});

test('with clipboard sharing turned off in Settings, nothing crosses either way', async () => {
  await page.getByRole('button', { name: 'Disconnect', exact: true }).click();
  await page.getByText('Settings', { exact: true }).click();
  await page.getByRole('checkbox', { name: /Share the clipboard with the guest/ }).uncheck();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await waitFor('the setting to be saved', () => {
    const saved = join(config.path, 'settings.json');
    return existsSync(saved) && (JSON.parse(readFileSync(saved, 'utf8')) as { shareClipboard?: boolean }).shareClipboard === false;
  });
  await connectThroughForm(page, guest.server.port);

  const secret = join(work.path, 'secret.txt');
  writeFileSync(secret, 'guest secret', 'utf8');
  guestCopy(secret);
  await waitFor('xclip to own the guest clipboard', async () => (await guestPaste())?.toString('utf8') === 'guest secret', 20_000);
  await page.evaluate(() => (globalThis as unknown as PageGlobals).navigator.clipboard.writeText('local marker'));
  await focusDisplay();
  // Nothing to wait for but time: give a shared clipboard ample chance to cross, then look.
  await new Promise((resolve) => setTimeout(resolve, 4000));
  assert.equal(await page.evaluate(() => (globalThis as unknown as PageGlobals).navigator.clipboard.readText()), 'local marker', 'the guest copy stayed in the guest');
  assert.equal((await guestPaste())?.toString('utf8'), 'guest secret', 'the local copy stayed here');
});
