import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseCopyBits,
  parseDrawCopy,
  parseDrawFill,
  parseDrawOpaque,
  parseInvalList,
  parseMonitorsConfig,
  parseStreamCreate,
  parseSurfaceCreate,
} from '../../../src/core/protocol/display-messages';
import { encodeMessage, MessageFramer } from '../../../src/core/protocol/framing';
import { ProtocolError } from '../../../src/core/protocol/errors';
import { Bytes, chunkings } from '../../support/chunking';

/** DisplayBase: surface 0, box (top 1, left 2, bottom 11, right 22), clip with two rects. */
function displayBase(b: Bytes): Bytes {
  return b.u32(0).i32(1).i32(2).i32(11).i32(22).u8(1).u32(2).i32(1).i32(2).i32(5).i32(10).i32(6).i32(2).i32(11).i32(22);
}
const BASE_SIZE = 4 + 16 + 1 + 4 + 32;

/** A DRAW_COPY whose image (a 2x2 8-bit bitmap with an inline palette) sits after the fixed part. */
function drawCopyBody(): Uint8Array {
  const fixed = BASE_SIZE + 4 + 16 + 2 + 1 + (1 + 8 + 4);
  const imageOffset = fixed;
  const descriptorSize = 18;
  const bitmapHeader = 1 + 1 + 4 + 4 + 4 + 4;
  const pixels = [0, 1, 1, 0];
  const paletteOffset = imageOffset + descriptorSize + bitmapHeader + pixels.length;
  const b = displayBase(new Bytes())
    .u32(imageOffset)
    .i32(0).i32(0).i32(2).i32(2) // src_area
    .u16(1 << 3) // OP_PUT
    .u8(1) // scale NEAREST
    .u8(0).i32(0).i32(0).u32(0); // no mask
  assert.equal(b.length, fixed);
  b.u64(0xabcdef123n).u8(0).u8(1).u32(2).u32(2); // descriptor: id, BITMAP, CACHE_ME, 2x2
  b.u8(5).u8(1 << 2).u32(2).u32(2).u32(2).u32(paletteOffset); // 8BIT, TOP_DOWN, stride 2, palette ptr
  b.raw(pixels);
  b.u64(99).u16(2).u32(0x112233).u32(0x445566); // palette
  return b.build();
}

test('DRAW_COPY follows its image and palette pointers', () => {
  const op = parseDrawCopy(drawCopyBody());
  assert.deepEqual(op.base.box, { top: 1, left: 2, bottom: 11, right: 22 });
  assert.equal(op.base.clip.type, 'rects');
  assert.equal(op.base.clip.type === 'rects' && op.base.clip.rects.length, 2);
  assert.equal(op.ropDescriptor, 8);
  assert.equal(op.scaleMode, 1);
  assert.equal(op.mask.bitmap, null);
  assert.ok(op.source);
  assert.equal(op.source.descriptor.id, 0xabcdef123n);
  assert.equal(op.source.payload.kind, 'bitmap');
  if (op.source.payload.kind !== 'bitmap') return;
  const bitmap = op.source.payload.bitmap;
  assert.deepEqual([bitmap.format, bitmap.width, bitmap.height, bitmap.stride], [5, 2, 2, 2]);
  assert.deepEqual([...bitmap.data], [0, 1, 1, 0]);
  assert.equal(bitmap.palette.kind, 'inline');
  if (bitmap.palette.kind === 'inline') assert.deepEqual([...bitmap.palette.entries], [0x112233, 0x445566]);
});

test('DRAW_COPY parses the same through the framer under every chunking', () => {
  const body = drawCopyBody();
  const stream = encodeMessage(304, body, true, 0n);
  for (const pieces of chunkings(stream)) {
    const framer = new MessageFramer(true);
    const [message] = pieces.flatMap((p) => framer.feed(p));
    assert.deepEqual(parseDrawCopy(message.body), parseDrawCopy(body));
  }
});

test('every truncation of DRAW_COPY is a ProtocolError', () => {
  const body = drawCopyBody();
  for (let n = 0; n < body.byteLength; n++) {
    assert.throws(() => parseDrawCopy(body.subarray(0, n)), ProtocolError, `prefix ${n}`);
  }
});

test('an image pointer outside the message is refused', () => {
  const body = drawCopyBody();
  new DataView(body.buffer).setUint32(BASE_SIZE, 1 << 20, true);
  assert.throws(() => parseDrawCopy(body), /outside/);
});

test('DRAW_FILL with a solid brush, and DRAW_OPAQUE', () => {
  const fill = displayBase(new Bytes()).u8(1).u32(0xff00ff).u16(8).u8(0).i32(0).i32(0).u32(0).build();
  const op = parseDrawFill(fill);
  assert.deepEqual(op.brush, { type: 'solid', color: 0xff00ff });
  assert.equal(op.ropDescriptor, 8);
  const opaque = displayBase(new Bytes()).u32(0).i32(0).i32(0).i32(1).i32(1).u8(1).u32(0x10).u16(8).u8(0).u8(0).i32(0).i32(0).u32(0).build();
  const o = parseDrawOpaque(opaque);
  assert.equal(o.source, null);
  assert.deepEqual(o.brush, { type: 'solid', color: 0x10 });
});

test('unknown brush, clip and image types are errors', () => {
  const badBrush = displayBase(new Bytes()).u8(9).build();
  assert.throws(() => parseDrawFill(badBrush), /unknown brush type 9/);
  const badClip = new Bytes().u32(0).i32(0).i32(0).i32(1).i32(1).u8(5).build();
  assert.throws(() => parseDrawFill(badClip), /unknown clip type 5/);
  const hugeClip = new Bytes().u32(0).i32(0).i32(0).i32(1).i32(1).u8(1).u32(0xffffffff).build();
  assert.throws(() => parseDrawFill(hugeClip), /more than the message holds/);
});

test('COPY_BITS, SURFACE_CREATE, INVAL_LIST, MONITORS_CONFIG, STREAM_CREATE', () => {
  const copy = parseCopyBits(displayBase(new Bytes()).i32(-3).i32(4).build());
  assert.deepEqual(copy.sourcePos, { x: -3, y: 4 });
  assert.deepEqual(parseSurfaceCreate(new Bytes().u32(0).u32(1024).u32(768).u32(32).u32(1).build()), {
    surfaceId: 0, width: 1024, height: 768, format: 32, flags: 1,
  });
  assert.deepEqual(parseInvalList(new Bytes().u16(2).u8(1).u64(5).u8(1).u64(6).build()), [
    { type: 1, id: 5n },
    { type: 1, id: 6n },
  ]);
  const monitors = parseMonitorsConfig(new Bytes().u16(1).u16(4).u32(0).u32(0).u32(800).u32(600).u32(0).u32(0).u32(0).build());
  assert.deepEqual(monitors.heads[0], { monitorId: 0, surfaceId: 0, width: 800, height: 600, x: 0, y: 0, flags: 0 });
  const stream = parseStreamCreate(new Bytes().u32(0).u32(3).u8(0).u8(1).u64(0).u32(64).u32(48).u32(64).u32(48).i32(0).i32(0).i32(48).i32(64).u8(0).build());
  assert.deepEqual([stream.id, stream.codecType, stream.streamWidth, stream.dest.right], [3, 1, 64, 64]);
});
