// Test support for the browser shell: `saffron web` from the build (its own config directory and
// environment), Debian's Chromium through Playwright, and the steps a person takes in the page.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import type { RgbImage } from './images';
import { endProcess, requireProgram } from './servers';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'bin', 'saffron.js');
/** Debian's Chromium, headless, as root: the flags design.md lists. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export function requireBuild(): void {
  for (const file of ['dist/src/main/host/cli/main.js', 'dist/renderer/index.html', 'dist/renderer/app.js']) {
    if (!existsSync(join(ROOT, file))) throw new Error(`${file} is missing: run npm run build before the e2e tests`);
  }
}

export interface WebShell {
  readonly child: ChildProcess;
  readonly url: string;
  readonly port: number;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** SIGINT, as Ctrl+C; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `saffron web --port 0 --no-open` and reads the one line it prints. `env` replaces the
 * variables given (SAFFRON_CONFIG_DIR, DBUS_SESSION_BUS_ADDRESS...); a fresh config directory is
 * made unless one is given.
 */
export function startWebShell(env: Record<string, string> = {}, args: string[] = []): Promise<WebShell> {
  requireBuild();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'web', '--port', '0', '--no-open', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`saffron web printed no URL within 15 s; stderr: ${err}`)), 15_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`saffron web exited with ${code}: ${err}`));
    };
    child.once('exit', onExit);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const newline = out.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      const url = out.slice(0, newline);
      resolve({
        child,
        url,
        port: Number(new URL(url).port),
        stderr: () => err,
        stop: async () => {
          if (child.exitCode !== null) return child.exitCode;
          const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
          child.kill('SIGINT');
          const timeout = setTimeout(() => void endProcess(child), 10_000);
          const code = await exited;
          clearTimeout(timeout);
          return code;
        },
      });
    });
  });
}

/** A temporary directory for one test file (config, HOME...), removed by the returned function. */
export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function launchBrowser(): Promise<Browser> {
  requireProgram('chromium');
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
}

/** What a person allowed the page: the shared clipboard needs both (the browser asks once). */
export const CLIPBOARD_PERMISSIONS = ['clipboard-read', 'clipboard-write'];

/**
 * Opens the login URL in a new page of the given size, in a context of its own where the
 * clipboard is allowed (as a person answering the browser's question would; headless Chromium
 * otherwise blocks it, and Saffron then says so in a notice over the display). Page errors are
 * collected in `problems`; closing the page closes its context.
 */
export async function openApp(browser: Browser, url: string, viewport = { width: 1280, height: 900 }): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, permissions: CLIPBOARD_PERMISSIONS });
  const page = await context.newPage();
  page.once('close', () => void context.close().catch(() => undefined));
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  await page.goto(url);
  return { page, problems };
}

/** Fills Host and Port and presses Connect, as a person does; waits for the display. */
export async function connectThroughForm(page: Page, port: number, host = '127.0.0.1'): Promise<void> {
  await page.getByLabel('Host', { exact: true }).fill(host);
  await page.getByLabel('Port', { exact: true }).fill(String(port));
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await page.getByRole('img', { name: 'Remote display' }).waitFor({ state: 'visible', timeout: 20_000 });
}

/** Waits until `check` holds (polled), or fails with `what`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The little of a canvas element readCanvas uses in the page (this file has no DOM types). */
interface CanvasInPage {
  readonly width: number;
  readonly height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
}

/** A display canvas as RGB, read back through getImageData (what a pixel check compares with xwd). */
export async function readCanvas(display: Locator): Promise<RgbImage> {
  const { width, height, base64 } = await display.evaluate((element) => {
    const canvas = element as unknown as CanvasInPage;
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
