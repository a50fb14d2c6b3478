import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CopyBits } from '../../../src/core/protocol/display-types';
import { SurfaceFormat } from '../../../src/core/protocol/constants';
import { EngineHost } from '../../../src/main/host/engine-host';
import { surfaceRectToRgba } from '../../support/surface-rgba';
import { copyBits } from '../../../src/main/surfaces/canvas';
import { copyBitsMove } from '../../../src/main/surfaces/copy-bits-move';
import { Surface } from '../../../src/main/surfaces/surface';
import { applyCopyArea } from '../../../src/renderer/paint/copy-area';
import type { CopyAreaEvent } from '../../../src/shared/copy-area-ipc';
import type { DamageEvent, HostEvent } from '../../../src/shared/ipc';
import { validateHostEvent } from '../../../src/shared/ipc-validators';
import { fakeSessionFactory, quietLog, type FakeSession } from './fake-session';

/**
 * COPY_BITS goes to the renderer as a move (copyArea), not as pixels: the host sends the damage
 * drawn before it first (read before the engine applies the copy), then the move, and never the
 * moved pixels; the renderer's model applies both in order and ends with the engine's picture.
 */

const tick = (ms = 0): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const WIDTH = 64;
const HEIGHT = 48;
const LINE = 8;

/**
 * The renderer's side as DisplayModel does it (its ImageData and canvases are not in Node): damage
 * patches are copied in, moves are redone with applyCopyArea, and what was painted is listed.
 */
class RendererPicture {
  readonly picture = new Uint8ClampedArray(WIDTH * HEIGHT * 4);
  readonly painted: string[] = [];
  damage(event: DamageEvent): void {
    for (const patch of event.patches) this.put(new Uint8ClampedArray(patch.rgba), patch.x, patch.y, patch.width, patch.height);
  }
  copyArea(event: CopyAreaEvent): void {
    const pieces = applyCopyArea(this.picture, WIDTH, HEIGHT, event, null);
    assert.ok(pieces, 'the copy fits the surface');
    for (const piece of pieces) this.painted.push(`${piece.width}x${piece.height}+${piece.x}+${piece.y}`);
  }
  private put(pixels: Uint8ClampedArray, x: number, y: number, width: number, height: number): void {
    this.painted.push(`${width}x${height}+${x}+${y}`);
    for (let row = 0; row < height; row++) this.picture.set(pixels.subarray(row * width * 4, (row + 1) * width * 4), ((y + row) * WIDTH + x) * 4);
  }
}

function fillRows(surface: Surface, top: number, bottom: number, value: number): void {
  surface.pixels.fill(value, top * WIDTH, bottom * WIDTH);
}

/** What the display channel and the adapter do for a COPY_BITS: announce the move, apply it, report its damage as moved. */
function copyOnEngine(session: FakeSession, surface: Surface, op: CopyBits): void {
  const move = copyBitsMove(surface.width, surface.height, op);
  assert.ok(move);
  session.fire('copyArea', { displayId: 0, surfaceId: 0, move });
  const damaged = copyBits(surface, op);
  assert.ok(damaged);
  session.fire('damage', { displayId: 0, surfaceId: 0, surface, area: damaged, moved: true });
}

test('copy area: damage, copy, damage reach the renderer in that order, the moved pixels never sent, and its picture equals the engine\'s', async () => {
  const fakes = fakeSessionFactory();
  const events: HostEvent[] = [];
  const sink = new RendererPicture();
  const host = new EngineHost({
    createSession: fakes.factory,
    send: (event) => {
      const checked = validateHostEvent(event);
      assert.ok(checked.ok, checked.ok ? '' : checked.error);
      events.push(checked.value);
      if (checked.value.type === 'damage') sink.damage(checked.value);
      if (checked.value.type === 'copyArea') sink.copyArea(checked.value);
    },
    log: quietLog,
    flushIntervalMs: 1000,
  });
  host.connect({ host: 'h', port: 1 });
  const session = fakes.sessions[0];
  const surface = new Surface(0, WIDTH, HEIGHT, SurfaceFormat.XRGB32);
  for (let i = 0; i < surface.pixels.length; i++) surface.pixels[i] = (i * 2654435761) >>> 8;
  session.fire('surfaceCreated', { displayId: 0, surfaceId: 0, surface });
  await tick(5); // the whole new surface goes at once
  events.length = 0;
  sink.painted.length = 0;

  // A terminal: a line is written at the bottom, everything scrolls up a line, the next line is written.
  fillRows(surface, HEIGHT - LINE, HEIGHT, 0x00aa0000);
  session.fire('damage', { displayId: 0, surfaceId: 0, surface, area: { left: 0, top: HEIGHT - LINE, right: WIDTH, bottom: HEIGHT } });
  assert.deepEqual(events, [], 'damage waits for the flush interval');
  copyOnEngine(session, surface, { base: { surfaceId: 0, box: { left: 0, top: 0, right: WIDTH, bottom: HEIGHT - LINE }, clip: { type: 'none' } }, sourcePos: { x: 0, y: LINE } });
  fillRows(surface, HEIGHT - LINE, HEIGHT, 0x0000bb00);
  session.fire('damage', { displayId: 0, surfaceId: 0, surface, area: { left: 0, top: HEIGHT - LINE, right: WIDTH, bottom: HEIGHT } });

  const described = (list: HostEvent[]) =>
    list.map((e) => (e.type === 'damage' ? `damage ${e.patches.map((p) => `${p.width}x${p.height}+${p.x}+${p.y}`).join(' ')}` : e.type === 'copyArea' ? `copy ${e.source.y}->${e.destY} ${e.source.width}x${e.source.height}` : e.type));
  assert.deepEqual(described(events), [`damage ${WIDTH}x${LINE}+0+${HEIGHT - LINE}`, `copy ${LINE}->0 ${WIDTH}x${HEIGHT - LINE}`], 'what was drawn before the copy goes at once, then the copy');
  await tick(1100);
  assert.deepEqual(described(events.slice(2)), [`damage ${WIDTH}x${LINE}+0+${HEIGHT - LINE}`], 'then only the new line: the moved area is not sent');
  assert.deepEqual(sink.picture, new Uint8ClampedArray(surfaceRectToRgba(surface, { left: 0, top: 0, right: WIDTH, bottom: HEIGHT })), 'the renderer shows the engine\'s picture');
  assert.deepEqual(sink.painted, [`${WIDTH}x${LINE}+0+${HEIGHT - LINE}`, `${WIDTH}x${HEIGHT - LINE}+0+0`, `${WIDTH}x${LINE}+0+${HEIGHT - LINE}`]);

  // Damage over all of it, nothing redrawn: only what the renderer moved itself goes again (the
  // host forgets moved pixels rather than follow the move), never what it was sent.
  events.length = 0;
  session.fire('damage', { displayId: 0, surfaceId: 0, surface, area: { left: 0, top: 0, right: WIDTH, bottom: HEIGHT } });
  await tick(1100);
  assert.deepEqual(described(events), [`damage ${WIDTH}x${HEIGHT - LINE}+0+0`]);
  assert.deepEqual(sink.picture, new Uint8ClampedArray(surfaceRectToRgba(surface, { left: 0, top: 0, right: WIDTH, bottom: HEIGHT })));
  host.dispose();
});

test('copy area: the move of a clipped COPY_BITS carries its clip rectangles; a surface the host does not show gets neither move nor damage', async () => {
  const fakes = fakeSessionFactory();
  const events: HostEvent[] = [];
  const host = new EngineHost({ createSession: fakes.factory, send: (event) => events.push(event), log: quietLog, flushIntervalMs: 1 });
  host.connect({ host: 'h', port: 1 });
  const session = fakes.sessions[0];
  const surface = new Surface(0, WIDTH, HEIGHT, SurfaceFormat.XRGB32);
  // No surfaceCreated: the host does not know this surface.
  copyOnEngine(session, surface, { base: { surfaceId: 0, box: { left: 0, top: 0, right: WIDTH, bottom: HEIGHT - LINE }, clip: { type: 'none' } }, sourcePos: { x: 0, y: LINE } });
  await tick(10);
  assert.deepEqual(events.filter((e) => e.type === 'damage' || e.type === 'copyArea'), []);

  session.fire('surfaceCreated', { displayId: 0, surfaceId: 0, surface });
  await tick(10);
  events.length = 0;
  const op: CopyBits = { base: { surfaceId: 0, box: { left: 0, top: 0, right: 32, bottom: 16 }, clip: { type: 'rects', rects: [{ left: 0, top: 0, right: 8, bottom: 8 }, { left: 16, top: 8, right: 32, bottom: 16 }] } }, sourcePos: { x: 4, y: 4 } };
  copyOnEngine(session, surface, op);
  await tick(10);
  assert.deepEqual(events, [{ type: 'copyArea', displayId: 0, surfaceId: 0, source: { x: 4, y: 4, width: 32, height: 16 }, destX: 0, destY: 0, clip: [{ x: 0, y: 0, width: 8, height: 8 }, { x: 16, y: 8, width: 16, height: 8 }] }]);
  host.dispose();
});

test('copy area: over the pixel budget a COPY_BITS goes as damage like any draw, and merges with the rest', async () => {
  const fakes = fakeSessionFactory();
  const events: HostEvent[] = [];
  const host = new EngineHost({ createSession: fakes.factory, send: (event) => events.push(event), log: quietLog, flushIntervalMs: 1, pixelBytesPerSecond: 4_000_000 });
  host.connect({ host: 'h', port: 1 });
  const session = fakes.sessions[0];
  const big = new Surface(0, 2048, 1024, SurfaceFormat.XRGB32); // 8.4 MB of RGBA: three of them empty the burst
  // Every row its own colour, so a move changes every pixel it writes.
  for (let i = 0; i < big.pixels.length; i++) big.pixels[i] = (0xff000000 | (Math.floor(i / 2048) * 0x010203)) >>> 0;
  session.fire('surfaceCreated', { displayId: 0, surfaceId: 0, surface: big });
  const sentBytes = (): number => events.reduce((sum, e) => sum + (e.type === 'damage' ? e.patches.reduce((n, p) => n + p.rgba.byteLength, 0) : 0), 0);
  const FULL = 2048 * 1024 * 4;
  for (let waited = 0; waited < 20_000 && sentBytes() < FULL; waited += 10) await tick(10);
  for (const times of [2, 3]) {
    // The guest redraws all of it (only changed pixels are sent again).
    for (let i = 0; i < big.pixels.length; i++) big.pixels[i] ^= 0x00ffffff;
    session.fire('damage', { displayId: 0, surfaceId: 0, surface: big, area: { left: 0, top: 0, right: 2048, bottom: 1024 } });
    for (let waited = 0; waited < 20_000 && sentBytes() < times * FULL; waited += 10) await tick(10);
  }
  assert.equal(sentBytes(), 3 * FULL, 'the surface, then the whole of it twice again: the burst is spent');
  events.length = 0;
  copyOnEngine(session, big, { base: { surfaceId: 0, box: { left: 0, top: 0, right: 2048, bottom: 1024 - LINE }, clip: { type: 'none' } }, sourcePos: { x: 0, y: LINE } });
  assert.equal(events.length, 0, 'no move: the renderer could not afford it now');
  // The 8 MB destination waits about 2 s for the budget (4 MB/s here): poll, the machine may be busy.
  for (let waited = 0; waited < 20_000 && !events.some((e) => e.type === 'damage'); waited += 50) await tick(50);
  await tick(100);
  const sent = events.filter((e) => e.type === 'damage' || e.type === 'copyArea');
  assert.ok(sent.length > 0 && sent.every((e) => e.type === 'damage'), 'the moved area went as damage once the budget allowed');
  const rows = sent.flatMap((e) => (e.type === 'damage' ? e.patches.map((p) => [p.y, p.y + p.height]) : []));
  assert.deepEqual([Math.min(...rows.map((r) => r[0])), Math.max(...rows.map((r) => r[1]))], [0, 1024 - LINE], 'covering the destination');
  host.dispose();
});
