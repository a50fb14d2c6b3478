import assert from 'node:assert/strict';
import { CompositeFlags, LineFlags, PathFlags, StringFlags } from '../../../src/core/protocol/constants';
import { Bytes } from '../../support/chunking';

// Hand-made bodies of the drawing messages added in protocol 2.2's display channel, built from
// spice.proto's layouts (shared by the parser tests and the drawing fuzz test).

/** DisplayBase: surface 3, box (top 1, left 2, bottom 11, right 22), one clip rect. */
export function displayBase(b: Bytes): Bytes {
  return b.u32(3).i32(1).i32(2).i32(11).i32(22).u8(1).u32(1).i32(1).i32(2).i32(5).i32(10);
}
export const BASE_SIZE = 4 + 16 + 1 + 4 + 16;

/** An Image (descriptor + payload) that refers to surface `id`: 22 bytes. */
function surfaceImage(b: Bytes, id: bigint, surfaceId: number): Bytes {
  return b.u64(id).u8(104).u8(0).u32(4).u32(2).u32(surfaceId);
}

export function rop3Body(): Uint8Array {
  const fixed = BASE_SIZE + 4 + 16 + (1 + 4) + 1 + 1 + (1 + 8 + 4);
  const b = displayBase(new Bytes())
    .u32(fixed) // src pointer
    .i32(0).i32(1).i32(2).i32(4) // src_area: top 0, left 1, bottom 2, right 4
    .u8(1).u32(0x123456) // solid brush
    .u8(0xb8) // PSDPxax
    .u8(0) // INTERPOLATE
    .u8(1).i32(5).i32(6).u32(fixed + 22); // mask: INVERS, pos (5, 6), bitmap pointer
  assert.equal(b.length, fixed);
  surfaceImage(b, 7n, 9);
  surfaceImage(b, 8n, 10);
  return b.build();
}

export function strokeBody(): Uint8Array {
  const fixed = BASE_SIZE + 4 + (1 + 1 + 4) + (1 + 4) + 2 + 2;
  const pathOffset = fixed;
  const pathSize = 4 + (1 + 4 + 2 * 8) + (1 + 4 + 3 * 8);
  const styleOffset = pathOffset + pathSize;
  const b = displayBase(new Bytes())
    .u32(pathOffset)
    .u8(LineFlags.STYLED | LineFlags.START_WITH_GAP).u8(2).u32(styleOffset)
    .u8(1).u32(0xff0000)
    .u16(1 << 3).u16(1 << 6);
  assert.equal(b.length, fixed);
  b.u32(2);
  b.u8(PathFlags.BEGIN).u32(2).i32(16).i32(32).i32(-48).i32(64);
  b.u8(PathFlags.BEZIER | PathFlags.END | PathFlags.CLOSE).u32(3).i32(1).i32(2).i32(3).i32(4).i32(5).i32(6);
  assert.equal(b.length, styleOffset);
  b.i32(3 * 16).i32(5 * 16);
  return b.build();
}

export function textBody(flags: number = StringFlags.RASTER_A4): Uint8Array {
  const fixed = BASE_SIZE + 4 + 16 + (1 + 4) + 1 + 2 + 2;
  const b = displayBase(new Bytes())
    .u32(fixed)
    .i32(0).i32(0).i32(0).i32(0) // empty back_area
    .u8(1).u32(0x00ffffff)
    .u8(0)
    .u16(1 << 3).u16(1 << 3);
  assert.equal(b.length, fixed);
  b.u16(2).u8(flags);
  // Glyph 1: 3x2 at A4 → 2 bytes a row; glyph 2: 1x1 → 1 byte.
  b.i32(10).i32(20).i32(-1).i32(-2).u16(3).u16(2).raw([0x12, 0x30, 0x45, 0x60]);
  b.i32(13).i32(20).i32(0).i32(-1).u16(1).u16(1).raw([0xf0]);
  return b.build();
}

export function transparentBody(): Uint8Array {
  const fixed = BASE_SIZE + 4 + 16 + 4 + 4;
  const b = displayBase(new Bytes()).u32(fixed).i32(0).i32(0).i32(2).i32(4).u32(0xabcdef).u32(0x00ff00ff);
  surfaceImage(b, 1n, 2);
  return b.build();
}

export function alphaBlendBody(): Uint8Array {
  const fixed = BASE_SIZE + 1 + 1 + 4 + 16;
  const b = displayBase(new Bytes()).u8(3).u8(0x80).u32(fixed).i32(0).i32(0).i32(2).i32(4);
  surfaceImage(b, 1n, 2);
  return b.build();
}

export const T_SRC = [0x10000, -0x8000, 0x30000, 0x1234, 0x20000, -0x10000];
export const T_MASK = [0x20000, 0, 0, 0, 0x20000, 5];

export function compositeBody(flags: number): Uint8Array {
  const hasMask = (flags & CompositeFlags.HAS_MASK) !== 0;
  const fixed =
    BASE_SIZE + 4 + 4 + (hasMask ? 4 : 0) + (flags & CompositeFlags.HAS_SRC_TRANSFORM ? 24 : 0) + (flags & CompositeFlags.HAS_MASK_TRANSFORM ? 24 : 0) + 8;
  const b = displayBase(new Bytes()).u32(flags).u32(fixed);
  if (hasMask) b.u32(fixed + 22);
  if (flags & CompositeFlags.HAS_SRC_TRANSFORM) for (const v of T_SRC) b.i32(v);
  if (flags & CompositeFlags.HAS_MASK_TRANSFORM) for (const v of T_MASK) b.i32(v);
  b.u16(-3 & 0xffff).u16(4).u16(7).u16(-8 & 0xffff);
  assert.equal(b.length, fixed);
  surfaceImage(b, 1n, 2);
  if (hasMask) surfaceImage(b, 2n, 5);
  return b.build();
}

export const ALL_COMPOSITE = CompositeFlags.HAS_MASK | CompositeFlags.HAS_SRC_TRANSFORM | CompositeFlags.HAS_MASK_TRANSFORM | 3 | (1 << 8);
