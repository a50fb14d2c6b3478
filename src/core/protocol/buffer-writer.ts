/** A growable little-endian writer for messages we send. */
export class BufferWriter {
  private buffer: Uint8Array;
  private view: DataView;
  private length = 0;

  constructor(initialSize = 64) {
    this.buffer = new Uint8Array(initialSize);
    this.view = new DataView(this.buffer.buffer);
  }

  private reserve(count: number): number {
    const at = this.length;
    if (at + count > this.buffer.byteLength) {
      const next = new Uint8Array(Math.max(this.buffer.byteLength * 2, at + count));
      next.set(this.buffer.subarray(0, at));
      this.buffer = next;
      this.view = new DataView(next.buffer);
    }
    this.length += count;
    return at;
  }

  u8(value: number): this {
    this.view.setUint8(this.reserve(1), value);
    return this;
  }
  u16(value: number): this {
    this.view.setUint16(this.reserve(2), value, true);
    return this;
  }
  i16(value: number): this {
    this.view.setInt16(this.reserve(2), value, true);
    return this;
  }
  u32(value: number): this {
    this.view.setUint32(this.reserve(4), value >>> 0, true);
    return this;
  }
  i32(value: number): this {
    this.view.setInt32(this.reserve(4), value, true);
    return this;
  }
  u64(value: bigint | number): this {
    this.view.setBigUint64(this.reserve(8), BigInt(value), true);
    return this;
  }
  bytes(data: Uint8Array): this {
    this.buffer.set(data, this.reserve(data.byteLength));
    return this;
  }

  get size(): number {
    return this.length;
  }

  /** The written bytes (a copy-free view; do not write again afterwards). */
  finish(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }
}
