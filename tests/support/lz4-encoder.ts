/**
 * A small LZ4 block encoder for tests (greedy, one hash table), and the SPICE LZ4 image layout
 * around it. It produces valid blocks — the last five bytes of a block are literals, matches
 * start at least 12 bytes before its end — and, like spice-server's encoder, it can continue one
 * stream across blocks so later blocks copy from earlier blocks' bytes.
 */

const MIN_MATCH = 4;
const LAST_LITERALS = 5;
const MF_LIMIT = 12;
const MAX_OFFSET = 65535;

function writeLength(out: number[], length: number): void {
  while (length >= 255) {
    out.push(255);
    length -= 255;
  }
  out.push(length);
}

/** One sequence: literals, then (unless last) a match of `matchLength` ≥ 4 bytes at `offset`. */
export function writeSequence(out: number[], literals: ArrayLike<number>, offset?: number, matchLength?: number): void {
  const lit = literals.length;
  const m = matchLength === undefined ? 0 : matchLength - MIN_MATCH;
  out.push((Math.min(lit, 15) << 4) | Math.min(m, 15));
  if (lit >= 15) writeLength(out, lit - 15);
  for (let i = 0; i < lit; i++) out.push(literals[i]);
  if (offset === undefined) return;
  out.push(offset & 0xff, offset >>> 8);
  if (m >= 15) writeLength(out, m - 15);
}

/**
 * Compresses `input[start, end)` as one block; matches may reach back to `history` (index into
 * input) — earlier blocks of the same stream.
 */
export function encodeLz4Block(input: Uint8Array, start: number, end: number, history = start): Uint8Array {
  const out: number[] = [];
  const table = new Map<number, number>();
  const key = (i: number): number => input[i] | (input[i + 1] << 8) | (input[i + 2] << 16) | (input[i + 3] << 24);
  for (let i = history; i + MIN_MATCH <= start; i++) table.set(key(i), i);
  let anchor = start;
  let ip = start;
  const matchLimit = end - LAST_LITERALS;
  while (ip + MF_LIMIT <= end) {
    const k = key(ip);
    const candidate = table.get(k);
    table.set(k, ip);
    if (candidate !== undefined && ip - candidate <= MAX_OFFSET && key(candidate) === k) {
      let length = MIN_MATCH;
      while (ip + length < matchLimit && input[candidate + length] === input[ip + length]) length++;
      writeSequence(out, input.subarray(anchor, ip), ip - candidate, length);
      for (let j = ip + 1; j < ip + length && j + MIN_MATCH <= end; j++) table.set(key(j), j);
      ip += length;
      anchor = ip;
    } else {
      ip++;
    }
  }
  writeSequence(out, input.subarray(anchor, end));
  return Uint8Array.from(out);
}

/**
 * A SPICE LZ4 image payload: u8 top_down, u8 bitmap format, then per block of `rowsPerBlock`
 * rows a u32 big-endian size and the block (one continued stream, as lz4_encode writes).
 */
export function encodeLz4Image(rows: Uint8Array, rowBytes: number, topDown: boolean, format: number, rowsPerBlock = 16): Uint8Array {
  const parts: number[] = [topDown ? 1 : 0, format];
  const height = rows.length / rowBytes;
  for (let y = 0; y < height; y += rowsPerBlock) {
    const start = y * rowBytes;
    const end = Math.min(height, y + rowsPerBlock) * rowBytes;
    const block = encodeLz4Block(rows, start, end, 0);
    parts.push(block.length >>> 24, (block.length >>> 16) & 255, (block.length >>> 8) & 255, block.length & 255);
    for (const byte of block) parts.push(byte);
  }
  return Uint8Array.from(parts);
}
