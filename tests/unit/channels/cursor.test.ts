import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BufferWriter } from '../../../src/core/protocol/buffer-writer';
import { CursorMsg } from '../../../src/core/protocol/constants';
import { CursorFlags, CursorType, parseCursorInit, parseCursorSet, type CursorHeader } from '../../../src/core/protocol/cursor-messages';
import { ProtocolError } from '../../../src/core/protocol/errors';
import { CursorChannel, type CursorState } from '../../../src/main/channels/cursor-channel';
import { decodeCursorShape } from '../../../src/main/channels/cursor-shape';
import type { ChannelContext, ChannelObserver } from '../../../src/main/channels/channel';

const FIXTURE = readFileSync(join(__dirname, '..', '..', 'fixtures', 'cursor', 'xspice-left-ptr-set.bin'));

function header(type: number, width: number, height: number, hotX = 0, hotY = 0, unique = 1n): CursorHeader {
  return { unique, type, width, height, hotX, hotY };
}

/** RGBA of pixel (x, y). */
function pixel(rgba: Uint8Array, width: number, x: number, y: number): number[] {
  const i = (y * width + x) * 4;
  return [...rgba.subarray(i, i + 4)];
}

const TRANSPARENT = [0, 0, 0, 0];
const BLACK = [0, 0, 0, 255];
const WHITE = [255, 255, 255, 255];

test('the real Xspice arrow (ALPHA, premultiplied): header, hot spot, and straight alpha that premultiplies back to the wire', () => {
  const set = parseCursorSet(FIXTURE);
  assert.deepEqual(set.position, { x: 4, y: 4 });
  assert.equal(set.visible, true);
  assert.equal(set.cursor.flags, 0);
  assert.deepEqual(set.cursor.header, { unique: 0n, type: CursorType.ALPHA, width: 24, height: 24, hotX: 4, hotY: 4 });
  const shape = decodeCursorShape(set.cursor.header!, set.cursor.data)!;
  assert.equal(shape.rgba.length, 24 * 24 * 4);
  let partial = 0;
  for (let i = 0; i < 24 * 24; i++) {
    const [b, g, r, a] = set.cursor.data.subarray(i * 4, i * 4 + 4);
    const out = pixel(shape.rgba, 24, i % 24, Math.floor(i / 24));
    assert.equal(out[3], a);
    if (a > 0 && a < 255) partial++;
    for (const [straight, premultiplied] of [[out[0], r], [out[1], g], [out[2], b]]) {
      assert.ok(Math.abs(Math.round((straight * a) / 255) - premultiplied) <= 1, `pixel ${i}: ${straight}×${a}/255 ≠ ${premultiplied}`);
    }
  }
  assert.equal(partial, 143);
});

test('ALPHA with straight colours (a colour above its alpha) is taken as it is', () => {
  const data = Buffer.alloc(8);
  data.writeUInt32LE(0x80ff0000, 0); // half-transparent pure red: straight, since red > alpha
  data.writeUInt32LE(0x00000000, 4);
  const shape = decodeCursorShape(header(CursorType.ALPHA, 2, 1), data)!;
  assert.deepEqual(pixel(shape.rgba, 2, 0, 0), [255, 0, 0, 0x80]);
});

test('MONO: AND and XOR masks give transparent, black, white, and inverting pixels drawn black with a white edge', () => {
  // 4×2, one mask byte per row. Row 0: and 1000, xor 0100 → black? see below per pixel.
  const and = [0b1011_0000, 0b1111_0000];
  const xor = [0b0010_0000, 0b0000_0000];
  // Row 0: x0 and1 xor0 → transparent; x1 and0 xor0 → black; x2 and1 xor1 → invert; x3 and1 xor0 → transparent.
  const shape = decodeCursorShape(header(CursorType.MONO, 4, 2), Buffer.from([...and, ...xor]))!;
  assert.deepEqual(pixel(shape.rgba, 4, 1, 0), BLACK);
  assert.deepEqual(pixel(shape.rgba, 4, 2, 0), BLACK, 'inverting pixel');
  assert.deepEqual(pixel(shape.rgba, 4, 3, 0), WHITE, 'edge beside the inverting pixel');
  assert.deepEqual(pixel(shape.rgba, 4, 2, 1), WHITE, 'edge below it');
  assert.deepEqual(pixel(shape.rgba, 4, 0, 1), TRANSPARENT);
  const white = decodeCursorShape(header(CursorType.MONO, 1, 1), Buffer.from([0x00, 0x80]))!;
  assert.deepEqual(pixel(white.rgba, 1, 0, 0), WHITE);
});

test('COLOR4, COLOR8, COLOR16, COLOR24 and COLOR32 with their AND masks', () => {
  const mask = Buffer.from([0b0100_0000]); // 2×1: pixel 1 masked
  // COLOR4: indices 1 and 2 in one byte, 16-entry palette, mask.
  const palette16 = Buffer.alloc(64);
  palette16.writeUInt32LE(0x00112233, 4);
  palette16.writeUInt32LE(0x00ffffff, 8);
  let shape = decodeCursorShape(header(CursorType.COLOR4, 2, 1), Buffer.concat([Buffer.from([0x12]), palette16, mask]))!;
  assert.deepEqual(pixel(shape.rgba, 2, 0, 0), [0x11, 0x22, 0x33, 255]);
  assert.deepEqual(pixel(shape.rgba, 2, 1, 0), BLACK, 'masked white inverts: drawn black');
  // COLOR8
  const palette256 = Buffer.alloc(1024);
  palette256.writeUInt32LE(0x00abcdef, 4 * 200);
  shape = decodeCursorShape(header(CursorType.COLOR8, 2, 1), Buffer.concat([Buffer.from([200, 0]), palette256, mask]))!;
  assert.deepEqual(pixel(shape.rgba, 2, 0, 0), [0xab, 0xcd, 0xef, 255]);
  assert.deepEqual(pixel(shape.rgba, 2, 1, 0), TRANSPARENT, 'masked black shows the screen');
  // COLOR16 x1r5g5b5: 0x7c00 red, 0x03e0 green
  shape = decodeCursorShape(header(CursorType.COLOR16, 2, 1), Buffer.concat([Buffer.from([0x00, 0x7c, 0xe0, 0x03]), mask]))!;
  assert.deepEqual(pixel(shape.rgba, 2, 0, 0), [255, 0, 0, 255]);
  assert.deepEqual(pixel(shape.rgba, 2, 1, 0), TRANSPARENT);
  // COLOR24: B, G, R
  shape = decodeCursorShape(header(CursorType.COLOR24, 2, 1), Buffer.concat([Buffer.from([1, 2, 3, 0, 0, 0]), mask]))!;
  assert.deepEqual(pixel(shape.rgba, 2, 0, 0), [3, 2, 1, 255]);
  // COLOR32
  const words = Buffer.alloc(8);
  words.writeUInt32LE(0x00102030, 0);
  shape = decodeCursorShape(header(CursorType.COLOR32, 2, 1), Buffer.concat([words, Buffer.from([0x00])]))!;
  assert.deepEqual(pixel(shape.rgba, 2, 0, 0), [0x10, 0x20, 0x30, 255]);
  assert.deepEqual(pixel(shape.rgba, 2, 1, 0), BLACK);
});

test('short shape data is a ProtocolError naming the cursor; unknown types draw the default pointer', () => {
  assert.throws(() => decodeCursorShape(header(CursorType.ALPHA, 24, 24), Buffer.alloc(100)), (error: unknown) => error instanceof ProtocolError && /24x24 ALPHA shape needs 2304 bytes/.test(error.message));
  assert.throws(() => decodeCursorShape(header(CursorType.COLOR32, 8, 8), Buffer.alloc(256)), ProtocolError);
  assert.equal(decodeCursorShape(header(99, 2, 2), Buffer.alloc(64)), null);
  // A huge shape is refused from its header, before any allocation.
  const huge = new BufferWriter(64).i16(0).i16(0).u8(1).u16(0).u64(1n).u8(CursorType.ALPHA).u16(4000).u16(4000).u16(0).u16(0).finish();
  assert.throws(() => parseCursorSet(huge), /outside 1-512 pixels/);
  assert.throws(() => parseCursorInit(Buffer.alloc(5)), ProtocolError);
});

/** Builds cursor message bodies. */
function cursorBody(kind: 'init' | 'set', flags: number, unique: bigint, shape?: { width: number; height: number; rgba: number }): Uint8Array {
  const w = new BufferWriter(64 + (shape ? shape.width * shape.height * 4 : 0)).i16(10).i16(20);
  if (kind === 'init') w.u16(0).u16(0);
  w.u8(1).u16(flags);
  if (!(flags & CursorFlags.NONE)) {
    w.u64(unique).u8(CursorType.ALPHA).u16(shape?.width ?? 1).u16(shape?.height ?? 1).u16(0).u16(0);
    if (shape) for (let i = 0; i < shape.width * shape.height; i++) w.u32(shape.rgba);
  }
  return w.finish();
}

/** A cursor channel fed messages directly (no socket): what it reports, in order. */
function feed(messages: [number, Uint8Array][]): { states: CursorState[]; channel: CursorChannel; warnings: string[] } {
  const warnings: string[] = [];
  const context = { connectionId: 0, password: '', log: { debug() {}, info() {}, warn: (m: string) => warnings.push(m) }, openStream: () => Promise.reject(new Error('no')) } as unknown as ChannelContext;
  const observer: ChannelObserver = { ready() {}, closed() {}, notify() {} };
  const states: CursorState[] = [];
  const channel = new CursorChannel(context, observer, (state) => states.push(state));
  const handle = (channel as unknown as { handleMessage(m: { type: number; body: Uint8Array }): void }).handleMessage.bind(channel);
  for (const [type, body] of messages) handle({ type, body });
  return { states, channel, warnings };
}

test('the cursor cache: CACHE_ME keeps a shape, FROM_CACHE reuses the same object, INVAL_ONE / INVAL_ALL / RESET forget', () => {
  const inval = (id: bigint): Uint8Array => new BufferWriter(8).u64(id).finish();
  const { states, channel, warnings } = feed([
    [CursorMsg.INIT, cursorBody('init', CursorFlags.CACHE_ME, 7n, { width: 2, height: 2, rgba: 0xff00ff00 })],
    [CursorMsg.SET, cursorBody('set', CursorFlags.CACHE_ME, 8n, { width: 1, height: 1, rgba: 0xff0000ff })],
    [CursorMsg.SET, cursorBody('set', CursorFlags.FROM_CACHE, 7n)],
    [CursorMsg.MOVE, new BufferWriter(4).i16(-3).i16(5).finish()],
    [CursorMsg.HIDE, new Uint8Array(0)],
    [CursorMsg.MOVE, new BufferWriter(4).i16(1).i16(2).finish()],
    [CursorMsg.INVAL_ONE, inval(7n)],
    [CursorMsg.SET, cursorBody('set', CursorFlags.FROM_CACHE, 7n)],
  ]);
  assert.equal(states[0].visible, true);
  assert.deepEqual(pixel(states[0].shape!.rgba, 2, 1, 1), [0, 255, 0, 255]);
  assert.equal(states[2].shape, states[0].shape, 'FROM_CACHE gives the very same shape object');
  assert.deepEqual([states[3].x, states[3].y, states[3].visible], [-3, 5, true]);
  assert.equal(states[4].visible, false);
  assert.equal(states[5].visible, true, 'a move shows a hidden pointer again, as spice-gtk does');
  assert.equal(states[5].shape, states[0].shape, 'moving keeps the shape');
  assert.equal(states.at(-1)!.shape, null, 'an invalidated id shows the default pointer');
  assert.equal(warnings.length, 1);
  assert.equal(channel.cachedShapes, 1);

  const reset = feed([
    [CursorMsg.INIT, cursorBody('init', CursorFlags.CACHE_ME, 1n, { width: 1, height: 1, rgba: 0xffffffff })],
    [CursorMsg.INVAL_ALL, new Uint8Array(0)],
  ]);
  assert.equal(reset.channel.cachedShapes, 0);
  const none = feed([[CursorMsg.INIT, cursorBody('init', CursorFlags.NONE, 0n)], [CursorMsg.RESET, new Uint8Array(0)]]);
  assert.equal(none.states[0].visible, false, 'NONE: no pointer');
  assert.equal(none.states[1].shape, null);
});

test('TRAIL is kept in the state', () => {
  const { states } = feed([[CursorMsg.TRAIL, new BufferWriter(4).u16(5).u16(30).finish()]]);
  assert.deepEqual(states[0].trail, { length: 5, frequency: 30 });
});
