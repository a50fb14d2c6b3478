import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DisplayCap, DisplayMsg, StringFlags } from '../../src/core/protocol/constants';
import { mainWithDisplay, startFakeServer, type FakeConnection } from '../support/fake-spice-server';
import { assertImagesMatch, createImage, readPng, type Rgb, type RgbImage } from '../support/images';
import { failureLine, runSaffron } from '../support/saffron-cli';
import { Bytes } from '../support/chunking';

/**
 * The drawing messages real Xspice never sends (its driver only emits fills, copies and
 * COPY_BITS), through the built CLI: a scripted display channel checks that the client
 * advertises COMPOSITE and A8_SURFACE, then draws one of each (ROP3, STROKE, TEXT,
 * TRANSPARENT, ALPHA_BLEND, and a COMPOSITE masked by an A8 surface) on a 32x16 screen. The
 * screenshot must be the picture worked out by hand below. (Their pixel arithmetic is checked
 * against pixman and spice-common in the unit tests; this checks they arrive and are drawn.)
 */

const WIDTH = 32;
const HEIGHT = 16;

interface Link {
  channelType: number;
  channelCaps: number[];
}

/** Reads SpiceLinkHeader + SpiceLinkMess, including the capability words. */
async function readLinkWithCaps(c: FakeConnection): Promise<Link> {
  const header = await c.read(16);
  const body = await c.read(header.readUInt32LE(12));
  const common = body.readUInt32LE(6);
  const channel = body.readUInt32LE(10);
  const capsOffset = body.readUInt32LE(14);
  const channelCaps: number[] = [];
  for (let i = 0; i < channel; i++) channelCaps.push(body.readUInt32LE(capsOffset + 4 * (common + i)));
  return { channelType: body[4], channelCaps };
}

function hasCap(words: number[], cap: number): boolean {
  return ((words[cap >> 5] ?? 0) >>> (cap & 31)) & 1 ? true : false;
}

/** DisplayBase on surface `id`, box (left, top, right, bottom), no clip. */
function displayBase(b: Bytes, id: number, left: number, top: number, right: number, bottom: number): Bytes {
  return b.u32(id).i32(top).i32(left).i32(bottom).i32(right).u8(0);
}

const NO_MASK = (b: Bytes): Bytes => b.u8(0).i32(0).i32(0).u32(0);

/** An IMAGE_TYPE_SURFACE image: 22 bytes. */
function surfaceImage(b: Bytes, surfaceId: number, width: number, height: number): Bytes {
  return b.u64(0).u8(104).u8(0).u32(width).u32(height).u32(surfaceId);
}

/** A top-down 32-bit BITMAP image of one colour (0x00RRGGBB words, alpha byte `a`). */
function bitmapImage(b: Bytes, width: number, height: number, pixel: (x: number) => number, format = 8): Bytes {
  b.u64(0).u8(0).u8(0).u32(width).u32(height);
  b.u8(format).u8(1 << 2).u32(width).u32(height).u32(width * 4).u32(0);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) b.u32(pixel(x));
  return b;
}

function messages(): [number, Uint8Array][] {
  const out: [number, Uint8Array][] = [];
  out.push([DisplayMsg.SURFACE_CREATE, new Bytes().u32(0).u32(WIDTH).u32(HEIGHT).u32(32).u32(1).build()]);

  // ROP3 0xF0 (pattern): the solid red brush over (0,0)-(8,8); the source is the screen itself.
  {
    const fixed = 4 + 16 + 1 + 4 + 16 + 5 + 1 + 1 + 13;
    const b = displayBase(new Bytes(), 0, 0, 0, 8, 8).u32(fixed).i32(0).i32(0).i32(8).i32(8).u8(1).u32(0xff0000).u8(0xf0).u8(1);
    NO_MASK(b);
    surfaceImage(b, 0, WIDTH, HEIGHT);
    out.push([DisplayMsg.DRAW_ROP3, b.build()]);
  }
  // STROKE: a green line along y = 12, from (0, 12) to (32, 12) in 28.4.
  {
    const fixed = 4 + 16 + 1 + 4 + 1 + 5 + 2 + 2;
    const b = displayBase(new Bytes(), 0, 0, 0, WIDTH, HEIGHT).u32(fixed).u8(0).u8(1).u32(0x00ff00).u16(1 << 3).u16(1 << 3);
    b.u32(1).u8(1 | 2).u32(2).i32(0).i32(12 * 16).i32(WIDTH * 16).i32(12 * 16);
    out.push([DisplayMsg.DRAW_STROKE, b.build()]);
  }
  // TEXT: one 8x8 A1 glyph, all set, at (8, 0), blue.
  {
    const fixed = 4 + 16 + 1 + 4 + 16 + 5 + 1 + 2 + 2;
    const b = displayBase(new Bytes(), 0, 0, 0, WIDTH, HEIGHT).u32(fixed).i32(0).i32(0).i32(0).i32(0).u8(1).u32(0x0000ff).u8(0).u16(1 << 3).u16(1 << 3);
    b.u16(1).u8(StringFlags.RASTER_A1).i32(8).i32(0).i32(0).i32(0).u16(8).u16(8).raw(new Array(8).fill(0xff));
    out.push([DisplayMsg.DRAW_TEXT, b.build()]);
  }
  // TRANSPARENT: a 4x4 bitmap, left half magenta (the key), right half yellow, at (16, 0).
  {
    const fixed = 4 + 16 + 1 + 4 + 16 + 4 + 4;
    const b = displayBase(new Bytes(), 0, 16, 0, 20, 4).u32(fixed).i32(0).i32(0).i32(4).i32(4).u32(0).u32(0xff00ff);
    bitmapImage(b, 4, 4, (x) => (x < 2 ? 0xff00ff : 0xffff00));
    out.push([DisplayMsg.DRAW_TRANSPARENT, b.build()]);
  }
  // ALPHA_BLEND: white at alpha 0x80 over black at (20, 0): grey 0x80.
  {
    const fixed = 4 + 16 + 1 + 1 + 1 + 4 + 16;
    const b = displayBase(new Bytes(), 0, 20, 0, 24, 4).u8(0).u8(0x80).u32(fixed).i32(0).i32(0).i32(4).i32(4);
    bitmapImage(b, 4, 4, () => 0xffffff);
    out.push([DisplayMsg.DRAW_ALPHA_BLEND, b.build()]);
  }
  // An A8 surface filled with alpha 0x80, then a repeating red source OVER the screen at
  // (24, 0) through it: red 0x80.
  out.push([DisplayMsg.SURFACE_CREATE, new Bytes().u32(1).u32(4).u32(4).u32(8).u32(0).build()]);
  {
    const b = displayBase(new Bytes(), 1, 0, 0, 4, 4).u8(1).u32(0x80).u16(1 << 3);
    out.push([DisplayMsg.DRAW_FILL, NO_MASK(b).build()]);
  }
  {
    const flags = 3 /* OVER */ | (1 << 14) /* source repeat NORMAL */ | (1 << 19); /* HAS_MASK */
    const fixed = 4 + 16 + 1 + 4 + 4 + 4 + 8;
    const b = displayBase(new Bytes(), 0, 24, 0, 28, 4).u32(flags).u32(fixed).u32(fixed + 18 + 18 + 4);
    b.u16(0).u16(0).u16(0).u16(0);
    bitmapImage(b, 1, 1, () => 0xff0000);
    surfaceImage(b, 1, 4, 4);
    out.push([DisplayMsg.DRAW_COMPOSITE, b.build()]);
  }
  out.push([DisplayMsg.MARK, new Uint8Array(0)]);
  return out;
}

function expectedScreen(): RgbImage {
  const img = createImage(WIDTH, HEIGHT);
  const fill = (left: number, top: number, right: number, bottom: number, rgb: Rgb): void => {
    for (let y = top; y < bottom; y++) for (let x = left; x < right; x++) img.data.set(rgb, (y * WIDTH + x) * 3);
  };
  fill(0, 0, 8, 8, [0xff, 0, 0]);
  fill(0, 12, WIDTH, 13, [0, 0xff, 0]);
  fill(8, 0, 16, 8, [0, 0, 0xff]);
  fill(18, 0, 20, 4, [0xff, 0xff, 0]);
  fill(20, 0, 24, 4, [0x80, 0x80, 0x80]);
  fill(24, 0, 28, 4, [0x80, 0, 0]);
  return img;
}

test('ROP3, STROKE, TEXT, TRANSPARENT, ALPHA_BLEND and COMPOSITE on an A8 mask reach the screen', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'saffron-drawing-'));
  let displayCaps: number[] | undefined;
  const server = await startFakeServer(async (c, index) => {
    if (index === 0) return mainWithDisplay(c);
    const link = await readLinkWithCaps(c);
    if (link.channelType !== 2) return;
    displayCaps = link.channelCaps;
    c.sendLinkReply();
    await c.readTicket();
    c.sendLinkResult(0);
    for (const [type, body] of messages()) c.sendMessage(type, body);
    await new Promise((r) => c.socket.once('close', r));
  });
  try {
    const out = join(dir, 'screen.png');
    const result = await runSaffron(['screenshot', `spice://127.0.0.1:${server.port}`, '--out', out, '--settle-ms', '300'], { killAfterMs: 30_000 });
    if (result.code !== 0) throw new Error(`saffron screenshot failed: ${failureLine(result)}`);
    assert.ok(displayCaps, 'the display channel linked');
    assert.ok(hasCap(displayCaps, DisplayCap.COMPOSITE), 'COMPOSITE advertised');
    assert.ok(hasCap(displayCaps, DisplayCap.A8_SURFACE), 'A8_SURFACE advertised');
    assertImagesMatch(readPng(out), expectedScreen(), { label: 'drawing-messages' });
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
