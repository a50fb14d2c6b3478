// Known content on an Xspice display, for pixel tests. Each scene sets a solid background,
// opens its windows at fixed positions (Xspice runs no window manager: no decorations, and
// `-geometry +X+Y` is obeyed), waits until the content is really on the screen, and returns
// the stable screen (xwd, the ground truth) with what it knows about the content.
//
// Images are drawn with ImageMagick into PNGs in the server's temp dir and shown with
// `display`; since we know their pixels, "drawn" means "the screen holds exactly them".
// xwd -root does not include the cursor, so the pointer never spoils a comparison.
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compareImages, cropImage, pixelAt, readPng, type Rgb, type RgbImage } from './images';
import { endProcess, requireProgram, runProgram, type XspiceServer } from './servers';

export interface FlatRect { x: number; y: number; width: number; height: number; rgb: Rgb }
export interface PlacedImage { x: number; y: number; image: RgbImage }

export interface Scene {
  /** The whole screen once the scene was drawn and stable. */
  screen: RgbImage;
  /** Rectangles in which every pixel has this colour. */
  flat: FlatRect[];
  /** Images on screen pixel for pixel at these positions. */
  images: PlacedImage[];
  /** Closes the scene's windows (stop() of the server does it too). */
  close(): Promise<void>;
}

export const BACKGROUND: Rgb = [0x3a, 0x6e, 0xa5];
const hex = (rgb: Rgb): string => `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function sameData(a: RgbImage, b: RgbImage): boolean {
  return a.width === b.width && a.height === b.height && Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength)
    .equals(Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength));
}

/** Polls xwd until `done(screen)` holds; returns that screen. */
export async function waitForScreen(
  server: XspiceServer,
  done: (screen: RgbImage) => boolean | string,
  what: string,
  timeoutMs = 20_000,
): Promise<RgbImage> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const screen = await server.xwd();
    const verdict = done(screen);
    if (verdict === true) return screen;
    if (Date.now() > deadline) throw new Error(`${server.display}: ${what} not on screen within ${timeoutMs} ms${typeof verdict === 'string' ? `: ${verdict}` : ''}`);
    await sleep(50);
  }
}

/** Polls xwd until two captures `quietMs` apart are identical; returns the stable screen. */
export async function waitForStableScreen(server: XspiceServer, quietMs = 300, timeoutMs = 20_000): Promise<RgbImage> {
  const deadline = Date.now() + timeoutMs;
  let previous = await server.xwd();
  for (;;) {
    await sleep(quietMs);
    const current = await server.xwd();
    if (sameData(previous, current)) return current;
    if (Date.now() > deadline) throw new Error(`${server.display}: screen still changing after ${timeoutMs} ms`);
    previous = current;
  }
}

function flatMismatch(screen: RgbImage, rect: FlatRect): string | undefined {
  for (let y = rect.y; y < rect.y + rect.height; y++) {
    for (let x = rect.x; x < rect.x + rect.width; x++) {
      const got = pixelAt(screen, x, y);
      if (got[0] !== rect.rgb[0] || got[1] !== rect.rgb[1] || got[2] !== rect.rgb[2]) {
        return `pixel ${x},${y} is ${hex(got)}, expected ${hex(rect.rgb)}`;
      }
    }
  }
  return undefined;
}

function imageMismatch(screen: RgbImage, placed: PlacedImage): string | undefined {
  const { x, y, image } = placed;
  if (x + image.width > screen.width || y + image.height > screen.height) return `image at ${x},${y} does not fit the screen`;
  const comparison = compareImages(cropImage(screen, x, y, image.width, image.height), image);
  return comparison.differing === 0 ? undefined : `${comparison.differing} pixels of the ${image.width}x${image.height} image at ${x},${y} differ`;
}

/** Waits until every flat rectangle and image is exactly on screen, then until the screen is still. */
async function settle(server: XspiceServer, flat: FlatRect[], images: PlacedImage[], what: string): Promise<RgbImage> {
  await waitForScreen(server, (screen) => {
    for (const rect of flat) { const m = flatMismatch(screen, rect); if (m) return m; }
    for (const placed of images) { const m = imageMismatch(screen, placed); if (m) return m; }
    return true;
  }, what);
  return waitForStableScreen(server);
}

async function windowIsViewable(server: XspiceServer, title: string): Promise<boolean> {
  try {
    return (await server.run('xwininfo', ['-name', title])).includes('Map State: IsViewable');
  } catch {
    return false; // not created yet
  }
}

/**
 * For windows whose exact pixels we do not know (xterm, xlogo): waits until the window is mapped
 * and `area` holds at least `minDark` dark pixels, i.e. its client has drawn into it.
 */
async function waitForDrawnWindow(
  server: XspiceServer,
  client: ChildProcess,
  title: string,
  area: { x: number; y: number; width: number; height: number },
  minDark: number,
): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await windowIsViewable(server, title))) {
    if (client.exitCode !== null) throw new Error(`${client.spawnfile} exited with ${client.exitCode} before showing its window`);
    if (Date.now() > deadline) throw new Error(`${server.display}: the window "${title}" never appeared`);
    await sleep(50);
  }
  await waitForScreen(server, (screen) => {
    const pixels = cropImage(screen, area.x, area.y, area.width, area.height).data;
    let dark = 0;
    for (let i = 0; i < pixels.length; i += 3) if (pixels[i] + pixels[i + 1] + pixels[i + 2] < 192) dark++;
    return dark >= minDark || `only ${dark} dark pixels in "${title}"`;
  }, `the window "${title}"`);
}

function sceneCloser(clients: ChildProcess[]): () => Promise<void> {
  return async () => { await Promise.all(clients.map((child) => endProcess(child))); };
}

/** Runs ImageMagick's convert (in the server's dir), writing an 8-bit RGB PNG; returns its pixels. */
export async function makeImage(server: XspiceServer, name: string, convertArgs: string[]): Promise<{ path: string; image: RgbImage }> {
  requireProgram('convert');
  const path = join(server.dir, `${name}.png`);
  // PNG24: forces 8-bit RGB whatever the content (ImageMagick picks palettes or 16 bits otherwise).
  await runProgram('convert', [...convertArgs, '-depth', '8', `PNG24:${path}`]);
  return { path, image: readPng(path) };
}

/** Shows a PNG with ImageMagick's `display`, its top-left pixel at x,y (no border drawn over it). */
export function showImageWindow(server: XspiceServer, path: string, x: number, y: number, title: string): ChildProcess {
  requireProgram('display');
  return server.spawnClient('display', ['-borderwidth', '0', '-geometry', `+${x}+${y}`, '-title', title, path]);
}

async function setBackground(server: XspiceServer, rgb: Rgb = BACKGROUND): Promise<FlatRect> {
  await server.run('xsetroot', ['-solid', hex(rgb)]);
  // The top-left corner stays uncovered in every scene.
  return { x: 0, y: 0, width: 16, height: 16, rgb };
}

/** Solid background and five solid-colour windows: fills only, the simplest draw operations. */
export async function showFlatColours(server: XspiceServer): Promise<Scene> {
  const background = await setBackground(server);
  const colours: Rgb[] = [[0xc0, 0x39, 0x2b], [0x27, 0xae, 0x60], [0xf1, 0xc4, 0x0f], [0xff, 0xff, 0xff], [0x00, 0x00, 0x00]];
  const flat: FlatRect[] = [background];
  const clients: ChildProcess[] = [];
  await Promise.all(colours.map(async (rgb, i) => {
    const rect = { x: 60 + (i % 3) * 300, y: 60 + Math.floor(i / 3) * 300, width: 240, height: 180, rgb };
    const { path } = await makeImage(server, `flat-${i}`, ['-size', `${rect.width}x${rect.height}`, `xc:${hex(rgb)}`]);
    clients.push(showImageWindow(server, path, rect.x, rect.y, `saffron-flat-${i}`));
    flat.push(rect);
  }));
  const screen = await settle(server, flat, [], 'flat colour windows');
  return { screen, flat, images: [], close: sceneCloser(clients) };
}

const TEXT = [
  'Saffron text scene: The quick brown fox jumps over the lazy dog.',
  'THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG? 0123456789',
  '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
  '',
  ...Array.from({ length: 16 }, (_, i) => `line ${String(i + 1).padStart(2, '0')}: ${'abcdefghijklmnopqrstuvwxyz'.slice(i)}${'ABCDEFGHIJ'.repeat(4).slice(0, 20 + i)}`),
];

/** An xterm with fixed ASCII text in the core font "fixed" (xfonts-base): glyph drawing. */
export async function showText(server: XspiceServer): Promise<Scene> {
  requireProgram('xterm');
  if (!existsSync('/usr/share/fonts/X11/misc/6x13-ISO8859-1.pcf.gz')) {
    throw new Error('the X core font "fixed" is missing: install the Debian package xfonts-base');
  }
  const background = await setBackground(server);
  const textFile = join(server.dir, 'text.txt');
  await writeFile(textFile, `${TEXT.join('\n')}\n`);
  const title = 'saffron-text';
  // LC_ALL=C keeps xterm on the ISO-8859-1 "fixed" whatever the machine's locale; the escape
  // hides the text cursor; -hold keeps the window after cat ends, so no process idles in it.
  const xterm = server.spawnClient('xterm', [
    '-fn', 'fixed', '-fg', 'black', '-bg', 'white', '+sb', '-bw', '1', '-geometry', '80x24+40+40',
    '-title', title, '-hold', '-e', 'sh', '-c', `printf '\\033[?25l'; cat '${textFile}'`,
  ], { env: { LC_ALL: 'C' } });
  await waitForDrawnWindow(server, xterm, title, { x: 40, y: 40, width: 400, height: 120 }, 2000);
  const screen = await waitForStableScreen(server);
  return { screen, flat: [background], images: [], close: sceneCloser([xterm]) };
}

/** A 640x480 seeded plasma fractal: thousands of colours, so the server compresses it (QUIC/GLZ). */
export async function showPhoto(server: XspiceServer): Promise<Scene> {
  const background = await setBackground(server);
  const { path, image } = await makeImage(server, 'photo', ['-seed', '1', '-size', '640x480', 'plasma:fractal']);
  const placed = { x: 192, y: 144, image };
  const client = showImageWindow(server, path, placed.x, placed.y, 'saffron-photo');
  const screen = await settle(server, [background], [placed], 'the plasma photo');
  return { screen, flat: [background], images: [placed], close: sceneCloser([client]) };
}

/** Anti-aliased circles, lines and a polygon drawn by ImageMagick, and xlogo drawn by X itself. */
export async function showShapes(server: XspiceServer): Promise<Scene> {
  requireProgram('xlogo');
  const background = await setBackground(server);
  const { path, image } = await makeImage(server, 'shapes', [
    '-size', '480x360', 'xc:white',
    '-fill', '#e74c3c', '-stroke', 'black', '-strokewidth', '3', '-draw', 'circle 120,120 120,50',
    '-fill', 'none', '-stroke', '#2980b9', '-strokewidth', '5', '-draw', 'line 20,340 460,20',
    '-stroke', '#27ae60', '-strokewidth', '1', '-draw', 'line 20,20 460,340',
    '-fill', '#f1c40f', '-stroke', '#8e44ad', '-strokewidth', '2', '-draw', 'polygon 300,200 440,220 400,330 280,310',
    '-fill', 'none', '-stroke', 'black', '-strokewidth', '1', '-draw', 'ellipse 340,90 90,40 0,360',
  ]);
  const placed = { x: 272, y: 204, image };
  const clients = [showImageWindow(server, path, placed.x, placed.y, 'saffron-shapes')];
  const title = 'saffron-xlogo';
  clients.push(server.spawnClient('xlogo', ['-geometry', '160x160+40+580', '-title', title, '-fg', 'black', '-bg', 'white']));
  await waitForDrawnWindow(server, clients[1], title, { x: 40, y: 580, width: 160, height: 160 }, 500);
  const screen = await settle(server, [background], [placed], 'the shapes image');
  return { screen, flat: [background], images: [placed], close: sceneCloser(clients) };
}
