// The browser shell end to end: `saffron web` from the build, its access guard, and a real
// Chromium that logs in, connects to a real Xspice through the form, shows the guest's screen
// pixel for pixel, and types into the guest. Needs `npm run build` first.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { compareImages, saveImageDiff, type RgbImage } from '../support/images';
import { requireProgram, startXspice, type XspiceServer } from '../support/servers';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'bin', 'saffron.js');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

// Code run inside the page: tests compile without the DOM library, so the few DOM shapes that
// code touches are declared here.
interface PageCanvas {
  readonly width: number;
  readonly height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
  getBoundingClientRect(): { width: number; height: number };
  readonly ownerDocument: { defaultView: { getComputedStyle(element: PageCanvas): { borderTopWidth: string; paddingTop: string } } | null };
}
declare const document: { querySelector(selector: string): unknown; readonly cookie: string };

let web: ChildProcess | null = null;
let loginUrl = '';
let port = 0;
let browser: Browser | null = null;
let xspice: XspiceServer | null = null;

function requireBuild(): void {
  for (const file of ['dist/src/main/host/cli/main.js', 'dist/renderer/index.html', 'dist/renderer/app.js']) {
    if (!existsSync(join(ROOT, file))) throw new Error(`${file} is missing: run npm run build before the e2e tests`);
  }
}

/** Starts `saffron web --port 0 --no-open` and reads the one line it prints. */
function startWebShell(): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'web', '--port', '0', '--no-open'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`saffron web printed no URL within 10 s; stderr: ${err}`)), 10_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const newline = out.indexOf('\n');
      if (newline >= 0) {
        clearTimeout(timer);
        resolve({ child, url: out.slice(0, newline) });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`saffron web exited with ${code}: ${err}`));
    });
  });
}

/** Attempts a WebSocket upgrade with the given headers; resolves with the HTTP status (101 = accepted). */
function tryUpgrade(headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path: '/ipc',
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...headers,
      },
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

/** The canvas as RGB, read back through getImageData. */
async function readCanvas(page: Page): Promise<RgbImage> {
  const { width, height, base64 } = await page.evaluate(() => {
    const canvas = document.querySelector('canvas[aria-label="Remote display"]') as PageCanvas;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const rgb = new Uint8Array((data.length / 4) * 3);
    for (let i = 0, o = 0; i < data.length; i += 4) {
      rgb[o++] = data[i];
      rgb[o++] = data[i + 1];
      rgb[o++] = data[i + 2];
    }
    let binary = '';
    for (let i = 0; i < rgb.length; i += 0x8000) binary += String.fromCharCode(...rgb.subarray(i, i + 0x8000));
    return { width: canvas.width, height: canvas.height, base64: btoa(binary) };
  });
  return { width, height, data: new Uint8Array(Buffer.from(base64, 'base64')) };
}

/** Polls until the canvas equals the X server's own picture, or the time is up; returns the last comparison. */
async function waitForMatchingCanvas(page: Page, server: XspiceServer, timeoutMs: number): Promise<{ canvas: RgbImage; truth: RgbImage; differing: number; sameSize: boolean }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const truth = await server.xwd();
    const canvas = await readCanvas(page);
    const { differing, sameSize } = compareImages(canvas, truth);
    if ((sameSize && differing === 0) || Date.now() > deadline) return { canvas, truth, differing, sameSize };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function expectCanvasMatches(page: Page, label: string): Promise<void> {
  const result = await waitForMatchingCanvas(page, xspice!, 30_000);
  if (!result.sameSize || result.differing > 0) {
    const dir = saveImageDiff(`browser-shell-${label}`, result.canvas, result.truth);
    assert.fail(`${label}: the canvas differs from xwd in ${result.differing} pixels (same size: ${result.sameSize}); images in ${dir}`);
  }
}

before(async () => {
  requireBuild();
  requireProgram('chromium');
  requireProgram('xsetroot');
  requireProgram('xlogo');
  const started = await startWebShell();
  web = started.child;
  loginUrl = started.url;
  port = Number(new URL(loginUrl).port);
  xspice = await startXspice();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
});

after(async () => {
  await browser?.close();
  await xspice?.stop();
  if (web && web.exitCode === null) {
    const exited = new Promise<number | null>((resolve) => web!.once('exit', (code) => resolve(code)));
    web.kill('SIGINT');
    const code = await exited;
    assert.equal(code, 0, 'saffron web exits 0 on SIGINT');
  }
});

test('saffron web prints exactly one login URL with a 32-byte hex token', () => {
  assert.match(loginUrl, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
});

test('without the token or its cookie, HTTP requests and WebSocket upgrades are refused', async () => {
  for (const path of ['/', '/index.html', '/app.js']) {
    const response = await fetch(`http://127.0.0.1:${port}${path}`);
    assert.ok([401, 403].includes(response.status), `${path} answered ${response.status}`);
  }
  const wrongToken = await fetch(`http://127.0.0.1:${port}/?token=${'0'.repeat(64)}`, { redirect: 'manual' });
  assert.equal(wrongToken.status, 403);
  assert.ok([401, 403].includes(await tryUpgrade({ Origin: `http://127.0.0.1:${port}` })));

  // With the cookie but from another site, or through another host name: still refused.
  const login = await fetch(loginUrl, { redirect: 'manual' });
  assert.equal(login.status, 303);
  const cookie = login.headers.get('set-cookie')!.split(';')[0];
  assert.match(login.headers.get('set-cookie')!, /HttpOnly/);
  assert.match(login.headers.get('set-cookie')!, /SameSite=Strict/);
  assert.equal(await tryUpgrade({ Cookie: cookie, Origin: 'http://evil.example' }), 403);
  assert.equal(await tryUpgrade({ Cookie: cookie, Origin: `http://127.0.0.1:${port}`, Host: `rebound.example:${port}` }), 403);
  assert.equal(await tryUpgrade({ Cookie: cookie, Origin: `http://127.0.0.1:${port}` }), 101);
});

test('Chromium logs in, connects to Xspice through the form and shows its screen exactly', async () => {
  const page = await browser!.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  await page.goto(loginUrl);
  assert.equal(new URL(page.url()).search, '', 'the token leaves the address bar');
  assert.equal(await page.evaluate(() => document.cookie), '', 'the session cookie is HttpOnly');

  await page.getByLabel('Host', { exact: true }).fill('127.0.0.1');
  await page.getByLabel('Port', { exact: true }).fill(String(xspice!.port));
  await page.getByRole('button', { name: 'Connect' }).click();

  const display = page.getByRole('img', { name: 'Remote display' });
  await display.waitFor({ state: 'visible', timeout: 20_000 });
  const geometry = await display.evaluate((element) => {
    const canvas = element as unknown as PageCanvas;
    const style = canvas.ownerDocument.defaultView!.getComputedStyle(canvas);
    const box = canvas.getBoundingClientRect();
    return { width: canvas.width, height: canvas.height, cssWidth: box.width, cssHeight: box.height, border: style.borderTopWidth, padding: style.paddingTop };
  });
  assert.deepEqual(geometry, { width: 1024, height: 768, cssWidth: 1024, cssHeight: 768, border: '0px', padding: '0px' });

  await expectCanvasMatches(page, 'first frame');
  // Then changes after connecting: they arrive as damage patches.
  await xspice!.run('xsetroot', ['-solid', '#3a6ea5']);
  xspice!.spawnClient('xlogo', ['-geometry', '240x180+400+300']);
  await expectCanvasMatches(page, 'after drawing');
  assert.deepEqual(problems, [], 'no page errors');
  await page.close();
});

test('keys and clicks on the display reach the guest (xterm types a command)', async () => {
  requireProgram('xterm');
  // Lower case and digits only: page.keyboard.type presses no Shift.
  const marker = `/tmp/saffron-typed-${process.pid}-${Date.now()}`;
  xspice!.spawnClient('xterm', ['-geometry', '80x10+0+0', '-e', 'sh']);
  const page = await browser!.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  await page.goto(loginUrl);
  await page.getByLabel('Host', { exact: true }).fill('127.0.0.1');
  await page.getByLabel('Port', { exact: true }).fill(String(xspice!.port));
  await page.getByRole('button', { name: 'Connect' }).click();
  const display = page.getByRole('img', { name: 'Remote display' });
  await display.waitFor({ state: 'visible', timeout: 20_000 });
  // Xspice has only a tablet: the host asks for client mouse mode, and the status bar says so.
  await page.getByText('Mouse: client').waitFor({ timeout: 10_000 });
  // Without a window manager, X focus follows the pointer: click inside the xterm.
  await display.click({ position: { x: 60, y: 40 } });
  await page.keyboard.type(`touch ${marker}`);
  await page.keyboard.press('Enter');
  const deadline = Date.now() + 10_000;
  while (!existsSync(marker) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  assert.ok(existsSync(marker), 'the command typed into the display ran in the guest');
  rmSync(marker, { force: true });
  await page.close();
});
