import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeQuic, decodeQuicOnto, type QuicDestination } from '../../../src/core/codecs/quic';
import type { DecodedImage } from '../../../src/core/codecs/types';
import { DisplayMsg } from '../../../src/core/protocol/constants';
import type { OffThreadDecoder } from '../../../src/main/codecs/off-thread-decoder';
import { Session } from '../../../src/main/session/session';
import { mainWithDisplay, startFakeServer, type FakeConnection, type FakeServer } from '../../support/fake-spice-server';
import { readPng } from '../../support/images';
import { Bytes } from '../../support/chunking';
import { waitForSettledDisplay } from '../../../src/main/host/cli/wait-for-display';

/**
 * A display channel with an off-thread decoder (off-thread-decoder.ts) still draws in message
 * order: a scripted server sends a QUIC DRAW_COPY (decoded "elsewhere", late) and right behind
 * it a DRAW_FILL over part of it; the fill must end on top. A plain copy of the whole image is
 * decoded straight onto the surface; a cached image, or one drawn any other way, is decoded as
 * an image. A decoder that fails makes the image decode in line, with the same pixels.
 */

const FIXTURES = join(__dirname, '../../fixtures/display');
const WIDTH = 200;
const HEIGHT = 150;
const GREEN = 0x00ff00;

/** DisplayBase on surface 0 with box (left, top, right, bottom), no clip. */
function base(b: Bytes, left: number, top: number, right: number, bottom: number): Bytes {
  return b.u32(0).i32(top).i32(left).i32(bottom).i32(right).u8(0);
}

/** DRAW_COPY of the QUIC fixture onto the whole screen, rop OP_PUT; `flags`: the image's (1 = CACHE_ME). */
function quicCopy(quic: Uint8Array, flags: number): Uint8Array {
  const fixed = 21 + 4 + 16 + 2 + 1 + 13;
  const b = base(new Bytes(), 0, 0, WIDTH, HEIGHT).u32(fixed).i32(0).i32(0).i32(HEIGHT).i32(WIDTH).u16(1 << 3).u8(0);
  b.u8(0).i32(0).i32(0).u32(0); // no mask
  b.u64(1n).u8(1).u8(flags).u32(WIDTH).u32(HEIGHT).u32(quic.length); // QUIC image descriptor, data_size
  const body = b.build();
  const out = new Uint8Array(body.length + quic.length);
  out.set(body);
  out.set(quic, body.length);
  return out;
}

/** DRAW_FILL of solid green over (0,0)-(50,40), rop OP_PUT. */
function greenFill(): Uint8Array {
  return base(new Bytes(), 0, 0, 50, 40).u8(1).u32(GREEN).u16(1 << 3).u8(0).i32(0).i32(0).u32(0).build();
}

/**
 * A server whose main channel lists one display, which creates a WIDTH x HEIGHT surface (32_xRGB
 * unless `format` says otherwise) and then sends what `draw` does.
 */
function serveDrawing(draw: (c: FakeConnection) => void, format = 32): Promise<FakeServer> {
  return startFakeServer(async (c, index) => {
    if (index === 0) return mainWithDisplay(c);
    await c.acceptLink();
    c.sendMessage(DisplayMsg.SURFACE_CREATE, new Bytes().u32(0).u32(WIDTH).u32(HEIGHT).u32(format).u32(1).build());
    draw(c);
    await new Promise((r) => c.socket.once('close', r));
  });
}

/** `damaged` collects the areas the session reported drawn, in order. */
async function drawWith(decoder: OffThreadDecoder, imageFlags = 0, format = 32, damaged: string[] = []): Promise<Uint32Array> {
  const quic = new Uint8Array(readFileSync(join(FIXTURES, 'quic-200x150.bin')));
  const server = await serveDrawing((c) => {
    c.sendMessage(DisplayMsg.DRAW_COPY, quicCopy(quic, imageFlags));
    c.sendMessage(DisplayMsg.DRAW_FILL, greenFill());
    c.sendMessage(DisplayMsg.MARK, new Uint8Array(0));
  }, format);
  const session = new Session({ target: { host: '127.0.0.1', port: server.port }, display: { offThreadDecoder: decoder } });
  try {
    let fills = 0;
    const filled = new Promise<void>((resolve) => session.on('damage', ({ rect }) => {
      damaged.push(`${rect.left},${rect.top}-${rect.right},${rect.bottom}`);
      if (rect.right - rect.left === 50 && ++fills === 1) resolve();
    }));
    await session.connect();
    await filled;
    return session.primarySurface!.pixels.slice();
  } finally {
    session.disconnect();
    await server.stop();
  }
}

function assertPicture(pixels: Uint32Array): void {
  const expected = readPng(join(FIXTURES, 'expected-shapes-200x150.png'));
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const got = pixels[y * WIDTH + x] & 0xffffff;
      const i = (y * WIDTH + x) * 3;
      const want = x < 50 && y < 40 ? GREEN : (expected.data[i] << 16) | (expected.data[i + 1] << 8) | expected.data[i + 2];
      if (got !== want) assert.fail(`pixel (${x}, ${y}) is ${got.toString(16)}, expected ${want.toString(16)}`);
    }
  }
}

/** A decoder doing the real work, each call once `ready()` settles (late), counting what it was asked. */
function lateDecoder(ready: () => Promise<void> = () => new Promise((r) => setTimeout(r, 150))) {
  const calls = { images: 0, onto: 0 };
  const decoded: DecodedImage[] = [];
  const recycled: DecodedImage[] = [];
  const decoder: OffThreadDecoder = {
    minPixels: 1,
    decodeQuic: (data) => {
      calls.images++;
      const copy = data.slice();
      return ready().then(() => {
        const image = decodeQuic(copy);
        decoded.push(image);
        return image;
      });
    },
    decodeQuicOnto: (data, to) => {
      calls.onto++;
      const copy = data.slice();
      return ready().then(() => decodeQuicOnto(copy, to));
    },
    recycle: (image) => recycled.push(image),
  };
  return { decoder, calls, decoded, recycled };
}

test('a QUIC image copied whole onto the screen is decoded onto it off the thread, before the message after it is drawn', { timeout: 30_000 }, async () => {
  const { decoder, calls } = lateDecoder();
  const damaged: string[] = [];
  assertPicture(await drawWith(decoder, 0, 32, damaged));
  assert.deepEqual(calls, { images: 0, onto: 1 });
  assert.deepEqual(damaged, [`0,0-${WIDTH},${HEIGHT}`, '0,0-50,40'], 'the image reported drawn, then the fill');
});

test('an image the server asked to cache is decoded as an image off the thread, drawn in order, and not given back for reuse', { timeout: 30_000 }, async () => {
  const { decoder, calls, recycled } = lateDecoder();
  assertPicture(await drawWith(decoder, 1));
  assert.deepEqual(calls, { images: 1, onto: 0 });
  assert.equal(recycled.length, 0);
});

test('onto a 16-bit screen the image is decoded as an image, then copied, and given back for reuse', { timeout: 30_000 }, async () => {
  const { decoder, calls, decoded, recycled } = lateDecoder();
  await drawWith(decoder, 0, 16);
  assert.deepEqual(calls, { images: 1, onto: 0 });
  assert.deepEqual(recycled, decoded, 'the drawn image (not cached) is given back for reuse');
});

test('when the decoder fails, the image decodes in line', { timeout: 30_000 }, async () => {
  const fail = (): Promise<never> => Promise.reject(new Error('the decode worker exited'));
  const broken: OffThreadDecoder = { minPixels: 1, decodeQuic: fail, decodeQuicOnto: fail, recycle: () => assert.fail('nothing to recycle') };
  assertPicture(await drawWith(broken));
  assertPicture(await drawWith(broken, 1));
});

/** What decodeQuicOnto leaves: `picture` (WIDTH x HEIGHT) at its place on the surface. */
function paintOnto(picture: DecodedImage, to: QuicDestination): void {
  for (let y = 0; y < to.height; y++) to.pixels.set(picture.pixels.subarray(y * to.width, (y + 1) * to.width), (to.y + y) * to.surfaceWidth + to.x);
}

test('while more than a megabyte of messages waits behind a decode, the channel stops reading its socket', { timeout: 60_000 }, async () => {
  const quic = new Uint8Array(readFileSync(join(FIXTURES, 'quic-200x150.bin')));
  const picture = decodeQuic(quic.slice());
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let first = true;
  const stalling: OffThreadDecoder = {
    minPixels: 1,
    // The first image waits for the test; the rest answer at once.
    decodeQuic: () => assert.fail('a plain copy is decoded onto the surface'),
    decodeQuicOnto: (_data, to) => {
      if (!first) return Promise.resolve(paintOnto(picture, to));
      first = false;
      return released.then(() => paintOnto(picture, to));
    },
    recycle: () => {},
  };
  // About 24 MB of drawing: more than the kernel buffers of a loopback connection hold.
  const COPIES = 6000;
  let sent!: () => void;
  const allSent = new Promise<void>((resolve) => (sent = resolve));
  let display: { socket: { writableLength: number } } | null = null;
  const server = await serveDrawing((c) => {
    display = c;
    for (let i = 0; i < COPIES; i++) c.sendMessage(DisplayMsg.DRAW_COPY, quicCopy(quic, 0));
    c.sendMessage(DisplayMsg.DRAW_FILL, greenFill());
    c.socket.write(new Uint8Array(0), () => sent());
  });
  const session = new Session({ target: { host: '127.0.0.1', port: server.port }, display: { offThreadDecoder: stalling } });
  try {
    const filled = new Promise<void>((resolve) => session.on('damage', ({ rect }) => {
      if (rect.right - rect.left === 50) resolve();
    }));
    await session.connect();
    await new Promise((r) => setTimeout(r, 1500));
    assert.ok(display, 'the display channel connected');
    const waiting = (display as { socket: { writableLength: number } }).socket.writableLength;
    assert.ok(waiting > 1_000_000, `the server could not hand over its drawing while the client was behind (${waiting} bytes still waiting)`);
    release();
    await allSent;
    await filled;
    assertPicture(session.primarySurface!.pixels.slice());
  } finally {
    session.disconnect();
    await server.stop();
  }
});

test('saffron screenshot waits for an image still decoding, however long past the settle time', { timeout: 30_000 }, async () => {
  const quic = new Uint8Array(readFileSync(join(FIXTURES, 'quic-200x150.bin')));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const stalling: OffThreadDecoder = {
    minPixels: 1,
    decodeQuic: () => assert.fail('a plain copy is decoded onto the surface'),
    decodeQuicOnto: (data, to) => {
      const copy = data.slice();
      return released.then(() => decodeQuicOnto(copy, to));
    },
    recycle: () => {},
  };
  const server = await serveDrawing((c) => {
    c.sendMessage(DisplayMsg.DRAW_COPY, quicCopy(quic, 0));
    c.sendMessage(DisplayMsg.DRAW_FILL, greenFill());
  });
  const session = new Session({ target: { host: '127.0.0.1', port: server.port }, display: { offThreadDecoder: stalling } });
  try {
    await session.connect();
    let settled = false;
    const settling = waitForSettledDisplay(session, 0, 100, 20_000).then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(settled, false, 'not settled while the image decodes (ten settle times)');
    assert.equal(session.displayBusy, true);
    release();
    await settling;
    assert.equal(session.displayBusy, false);
    assertPicture(session.primarySurface!.pixels.slice());
  } finally {
    session.disconnect();
    await server.stop();
  }
});
