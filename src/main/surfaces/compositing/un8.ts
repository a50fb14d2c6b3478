/**
 * 8-bit channel arithmetic of pixman's 32-bit ("narrow") pipeline, on 0xAARRGGBB words. pixman
 * packs two channels per operation (pixman-combine32.h); every step is per channel with no
 * carry between channels, so the scalar forms below give the same bits:
 *
 *   mul(x, a)   = (t + (t >> 8)) >> 8 with t = x·a + 0x80   (x·a / 255, rounded)
 *   add(x, y)   = min(x + y, 255)
 */

/** x·a/255 rounded, for 0 ≤ x, a ≤ 255 (MUL_UN8). */
export function mulUn8(x: number, a: number): number {
  const t = x * a + 0x80;
  return ((t >> 8) + t) >> 8;
}

/**
 * Each channel of p times a/255 (UN8x4_MUL_UN8), two channels per multiplication as pixman
 * packs them: lanes of 16 bits never carry into each other (255·255 + 0x80 < 0x10000). The
 * arithmetic stays in 32-bit integers (Math.imul, | 0) so the JIT keeps it off doubles.
 */
export function mulPixel(p: number, a: number): number {
  let rb = (Math.imul(p & 0xff00ff, a) + 0x800080) | 0;
  rb = (((rb + ((rb >>> 8) & 0xff00ff)) | 0) >>> 8) & 0xff00ff;
  let ag = (Math.imul((p >>> 8) & 0xff00ff, a) + 0x800080) | 0;
  ag = ((ag + ((ag >>> 8) & 0xff00ff)) | 0) & 0xff00ff00;
  return (rb | ag) >>> 0;
}

/** Channel by channel product p·m/255 (UN8x4_MUL_UN8x4), two channels at a time. */
export function mulPixels(p: number, m: number): number {
  let rb = (Math.imul(p & 0xff, m & 0xff) + Math.imul(p & 0xff0000, (m >>> 16) & 0xff) + 0x800080) | 0;
  rb = (((rb + ((rb >>> 8) & 0xff00ff)) | 0) >>> 8) & 0xff00ff;
  let ag = (Math.imul((p >>> 8) & 0xff, (m >>> 8) & 0xff) + Math.imul((p >>> 8) & 0xff0000, m >>> 24) + 0x800080) | 0;
  ag = ((ag + ((ag >>> 8) & 0xff00ff)) | 0) & 0xff00ff00;
  return (rb | ag) >>> 0;
}

/** Saturating channel sum (UN8x4_ADD_UN8x4), two channels at a time as pixman does. */
export function addPixels(x: number, y: number): number {
  let rb = (x & 0xff00ff) + (y & 0xff00ff);
  rb = (rb | (0x1000100 - ((rb >>> 8) & 0xff00ff))) & 0xff00ff;
  let ag = ((x >>> 8) & 0xff00ff) + ((y >>> 8) & 0xff00ff);
  ag = (ag | (0x1000100 - ((ag >>> 8) & 0xff00ff))) & 0xff00ff;
  return (rb | (ag << 8)) >>> 0;
}

/** x·a + y per channel, saturating (UN8x4_MUL_UN8_ADD_UN8x4). */
export function mulAdd(x: number, a: number, y: number): number {
  return addPixels(mulPixel(x, a), y);
}

/** x·a + y·b per channel, saturating (UN8x4_MUL_UN8_ADD_UN8x4_MUL_UN8). */
export function mulAddMul(x: number, a: number, y: number, b: number): number {
  return addPixels(mulPixel(x, a), mulPixel(y, b));
}

/** x·a (per channel) + y, saturating (UN8x4_MUL_UN8x4_ADD_UN8x4). */
export function mulPixelsAdd(x: number, a: number, y: number): number {
  return addPixels(mulPixels(x, a), y);
}

/** x·a (per channel) + y·b, saturating (UN8x4_MUL_UN8x4_ADD_UN8x4_MUL_UN8). */
export function mulPixelsAddMul(x: number, a: number, y: number, b: number): number {
  return addPixels(mulPixels(x, a), mulPixel(y, b));
}

/** (x + 0x80 + ((x + 0x80) >> 8)) >> 8: x/255 rounded, for 0 ≤ x ≤ 255·255 (DIV_ONE_UN8). */
export function divOneUn8(x: number): number {
  const t = x + 0x80;
  return (t + (t >> 8)) >> 8;
}
