import { Ropd } from '../../core/protocol/constants';

/**
 * The 16 binary raster operations of spice-common (SpiceROP, the X11 GX codes), applied bit by
 * bit to whole 32-bit pixels. Bit k of the code is the result for (src, dst) =
 * (1,1), (1,0), (0,1), (0,0) for k = 0..3.
 */
export const Rop = {
  CLEAR: 0, // 0
  AND: 1, // src & dst
  AND_REVERSE: 2, // src & ~dst
  COPY: 3, // src
  AND_INVERTED: 4, // ~src & dst
  NOOP: 5, // dst
  XOR: 6, // src ^ dst
  OR: 7, // src | dst
  NOR: 8, // ~src & ~dst
  EQUIV: 9, // ~src ^ dst
  INVERT: 10, // ~dst
  OR_REVERSE: 11, // src | ~dst
  COPY_INVERTED: 12, // ~src
  OR_INVERTED: 13, // ~src | dst
  NAND: 14, // ~src | ~dst
  SET: 15, // all ones
} as const;

/** Which operand of a drawing command plays "src" and which "dst" in a ROP descriptor. */
export const RopInput = {
  SRC: 0,
  BRUSH: 1,
  DEST: 2,
} as const;
type RopInputValue = (typeof RopInput)[keyof typeof RopInput];

const INVERT_BIT: Record<RopInputValue, number> = {
  [RopInput.SRC]: Ropd.INVERS_SRC,
  [RopInput.BRUSH]: Ropd.INVERS_BRUSH,
  [RopInput.DEST]: Ropd.INVERS_DEST,
};

/**
 * A ROP descriptor (OP_* plus INVERS_* bits) to a binary raster operation, as spice-common's
 * ropd_descriptor_to_rop. `srcInput` and `destInput` name the two operands: draw_fill is
 * (BRUSH, DEST), draw_copy/blend (SRC, DEST), draw_opaque (BRUSH, SRC) — the brush applied
 * over the freshly copied source. The descriptor's INVERS bit of each operand inverts it; the
 * OP bits are tested in the order PUT, OR, AND, XOR, BLACKNESS, WHITENESS, INVERS, and a
 * descriptor with none of them is a plain copy.
 */
export function ropdToRop(descriptor: number, srcInput: RopInputValue, destInput: RopInputValue): number {
  const invSrc = (descriptor & INVERT_BIT[srcInput]) !== 0;
  const invDst = (descriptor & INVERT_BIT[destInput]) !== 0;
  const invRes = (descriptor & Ropd.INVERS_RES) !== 0;
  let code: number;
  if (descriptor & Ropd.OP_PUT) {
    code = 0b0011; // src
  } else if (descriptor & Ropd.OP_OR) {
    code = 0b0111; // src | dst
  } else if (descriptor & Ropd.OP_AND) {
    code = 0b0001; // src & dst
  } else if (descriptor & Ropd.OP_XOR) {
    code = 0b0110; // src ^ dst
  } else if (descriptor & Ropd.OP_BLACKNESS) {
    return Rop.CLEAR;
  } else if (descriptor & Ropd.OP_WHITENESS) {
    return Rop.SET;
  } else if (descriptor & Ropd.OP_INVERS) {
    return Rop.INVERT;
  } else {
    return Rop.COPY;
  }
  // Inverting an operand swaps the truth-table entries for its 0 and 1; inverting the result
  // complements the table. For OP_PUT the destination does not matter: spice-common ignores
  // INVERS_DEST there, and so does this table (src-only codes are symmetric in dst).
  if (invSrc) code = ((code & 0b0011) << 2) | ((code & 0b1100) >> 2);
  if (invDst && !(descriptor & Ropd.OP_PUT)) code = ((code & 0b0101) << 1) | ((code & 0b1010) >> 1);
  if (invRes) code = ~code & 0b1111;
  return code;
}

/**
 * dst[start..end) = rop(src, dst) | orBits for one constant src. orBits is 0xFF000000 on
 * surfaces without alpha (their alpha byte is kept at 0xFF) and 0 otherwise.
 */
export function ropSolid(dst: Uint32Array, start: number, end: number, src: number, rop: number, orBits: number): void {
  let i = start;
  switch (rop) {
    case Rop.CLEAR:
      dst.fill(orBits, start, end);
      return;
    case Rop.SET:
      dst.fill(0xffffffff, start, end);
      return;
    case Rop.COPY:
      dst.fill(src | orBits, start, end);
      return;
    case Rop.COPY_INVERTED:
      dst.fill(~src | orBits, start, end);
      return;
    case Rop.NOOP:
      for (; i < end; i++) dst[i] = dst[i] | orBits;
      return;
    case Rop.AND:
      for (; i < end; i++) dst[i] = (src & dst[i]) | orBits;
      return;
    case Rop.AND_REVERSE:
      for (; i < end; i++) dst[i] = (src & ~dst[i]) | orBits;
      return;
    case Rop.AND_INVERTED:
      for (const s = ~src; i < end; i++) dst[i] = (s & dst[i]) | orBits;
      return;
    case Rop.XOR:
      for (; i < end; i++) dst[i] = (src ^ dst[i]) | orBits;
      return;
    case Rop.OR:
      for (; i < end; i++) dst[i] = src | dst[i] | orBits;
      return;
    case Rop.NOR:
      for (const s = ~src; i < end; i++) dst[i] = (s & ~dst[i]) | orBits;
      return;
    case Rop.EQUIV:
      for (const s = ~src; i < end; i++) dst[i] = (s ^ dst[i]) | orBits;
      return;
    case Rop.INVERT:
      for (; i < end; i++) dst[i] = ~dst[i] | orBits;
      return;
    case Rop.OR_REVERSE:
      for (; i < end; i++) dst[i] = src | ~dst[i] | orBits;
      return;
    case Rop.OR_INVERTED:
      for (const s = ~src; i < end; i++) dst[i] = s | dst[i] | orBits;
      return;
    case Rop.NAND:
      for (const s = ~src; i < end; i++) dst[i] = s | ~dst[i] | orBits;
      return;
  }
}

/** dst[d..d+len) = rop(src[s..s+len), dst) | orBits. src and dst must not overlap. */
export function ropCopy(
  dst: Uint32Array,
  d: number,
  src: Uint32Array,
  s: number,
  len: number,
  rop: number,
  orBits: number,
): void {
  const end = d + len;
  const delta = s - d;
  let i = d;
  switch (rop) {
    case Rop.CLEAR:
      dst.fill(orBits, d, end);
      return;
    case Rop.SET:
      dst.fill(0xffffffff, d, end);
      return;
    case Rop.COPY:
      if (orBits === 0) {
        dst.set(src.subarray(s, s + len), d);
      } else {
        for (; i < end; i++) dst[i] = src[i + delta] | orBits;
      }
      return;
    case Rop.COPY_INVERTED:
      for (; i < end; i++) dst[i] = ~src[i + delta] | orBits;
      return;
    case Rop.NOOP:
      for (; i < end; i++) dst[i] = dst[i] | orBits;
      return;
    case Rop.AND:
      for (; i < end; i++) dst[i] = (src[i + delta] & dst[i]) | orBits;
      return;
    case Rop.AND_REVERSE:
      for (; i < end; i++) dst[i] = (src[i + delta] & ~dst[i]) | orBits;
      return;
    case Rop.AND_INVERTED:
      for (; i < end; i++) dst[i] = (~src[i + delta] & dst[i]) | orBits;
      return;
    case Rop.XOR:
      for (; i < end; i++) dst[i] = (src[i + delta] ^ dst[i]) | orBits;
      return;
    case Rop.OR:
      for (; i < end; i++) dst[i] = src[i + delta] | dst[i] | orBits;
      return;
    case Rop.NOR:
      for (; i < end; i++) dst[i] = (~src[i + delta] & ~dst[i]) | orBits;
      return;
    case Rop.EQUIV:
      for (; i < end; i++) dst[i] = (~src[i + delta] ^ dst[i]) | orBits;
      return;
    case Rop.INVERT:
      for (; i < end; i++) dst[i] = ~dst[i] | orBits;
      return;
    case Rop.OR_REVERSE:
      for (; i < end; i++) dst[i] = src[i + delta] | ~dst[i] | orBits;
      return;
    case Rop.OR_INVERTED:
      for (; i < end; i++) dst[i] = ~src[i + delta] | dst[i] | orBits;
      return;
    case Rop.NAND:
      for (; i < end; i++) dst[i] = ~src[i + delta] | ~dst[i] | orBits;
      return;
  }
}
