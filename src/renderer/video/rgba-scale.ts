/**
 * Puts a decoded RGBA picture (sw × sh) into a destination of dw × dh, as spice-gtk's put_image
 * does for stream frames: nearest-neighbour sampling (source pixel floor((d + 0.5) · s / d) for
 * destination pixel d), and the rows flipped when the stream is not top-down (its decoded
 * picture's first row is the bottom row). Same size and top-down is a plain copy.
 *
 * Pixels move as whole 32-bit words: four bytes of RGBA in, the same four out.
 */
export function scaleRgba(src: Uint8ClampedArray, sw: number, sh: number, dst: Uint8ClampedArray, dw: number, dh: number, topDown: boolean): void {
  if (src.length < sw * sh * 4 || dst.length < dw * dh * 4) throw new RangeError('scaleRgba: a buffer is smaller than its size says');
  if (sw === dw && sh === dh) {
    const rowBytes = sw * 4;
    if (topDown) {
      dst.set(src.subarray(0, rowBytes * sh));
      return;
    }
    for (let y = 0; y < dh; y++) dst.set(src.subarray((sh - 1 - y) * rowBytes, (sh - y) * rowBytes), y * rowBytes);
    return;
  }
  const from = new Uint32Array(src.buffer, src.byteOffset, sw * sh);
  const to = new Uint32Array(dst.buffer, dst.byteOffset, dw * dh);
  const columns = new Uint32Array(dw);
  for (let x = 0; x < dw; x++) columns[x] = Math.min(sw - 1, Math.floor(((x + 0.5) * sw) / dw));
  for (let y = 0; y < dh; y++) {
    const row = Math.min(sh - 1, Math.floor(((y + 0.5) * sh) / dh));
    const base = (topDown ? row : sh - 1 - row) * sw;
    const out = y * dw;
    for (let x = 0; x < dw; x++) to[out + x] = from[base + columns[x]];
  }
}
