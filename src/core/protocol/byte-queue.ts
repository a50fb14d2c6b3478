/**
 * Bytes received but not yet consumed, across arbitrary TCP chunk boundaries. take(n) returns a
 * view into the arriving chunk when the n bytes lie in one chunk (the common case for large
 * images), and copies only when they straddle chunks.
 */
export class ByteQueue {
  private chunks: Uint8Array[] = [];
  private head = 0; // offset into chunks[0]
  private total = 0;

  get length(): number {
    return this.total;
  }

  push(chunk: Uint8Array): void {
    if (chunk.byteLength === 0) return;
    this.chunks.push(chunk);
    this.total += chunk.byteLength;
  }

  /** The next n bytes without consuming them, or null if fewer have arrived. */
  peek(n: number): Uint8Array | null {
    return this.read(n, false);
  }

  /** Consumes and returns the next n bytes, or null if fewer have arrived. */
  take(n: number): Uint8Array | null {
    return this.read(n, true);
  }

  /** Consumes the next n bytes (at most `length`) into `dst` at `offset`, straight from the chunks. */
  takeInto(dst: Uint8Array, offset: number, n: number): void {
    if (n > this.total) throw new RangeError(`takeInto: ${n} bytes asked for, ${this.total} queued`);
    this.copyTo(dst, offset, n);
    this.advance(n);
  }

  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.total = 0;
  }

  private read(n: number, consume: boolean): Uint8Array | null {
    if (n > this.total) return null;
    if (n === 0) return new Uint8Array(0);
    const first = this.chunks[0];
    if (first.byteLength - this.head >= n) {
      const view = first.subarray(this.head, this.head + n);
      if (consume) this.advance(n);
      return view;
    }
    const out = new Uint8Array(n);
    this.copyTo(out, 0, n);
    if (consume) this.advance(n);
    return out;
  }

  /** Copies the next n bytes (at most `length`) into `dst` at `offset`, without consuming them. */
  private copyTo(dst: Uint8Array, offset: number, n: number): void {
    let filled = 0;
    let index = 0;
    let from = this.head;
    while (filled < n) {
      const chunk = this.chunks[index];
      const count = Math.min(chunk.byteLength - from, n - filled);
      dst.set(count === chunk.byteLength ? chunk : chunk.subarray(from, from + count), offset + filled);
      filled += count;
      index++;
      from = 0;
    }
  }

  private advance(n: number): void {
    this.total -= n;
    while (n > 0) {
      const first = this.chunks[0];
      const left = first.byteLength - this.head;
      if (n < left) {
        this.head += n;
        return;
      }
      n -= left;
      this.chunks.shift();
      this.head = 0;
    }
  }
}
