/** Every way to cut `bytes` into 1, 2 and 3 pieces (TCP may deliver any of them). */
export function* chunkings(bytes: Uint8Array): Generator<Uint8Array[]> {
  yield [bytes];
  for (let i = 1; i < bytes.byteLength; i++) yield [bytes.subarray(0, i), bytes.subarray(i)];
  const step = Math.max(1, Math.floor(bytes.byteLength / 7));
  for (let i = 1; i < bytes.byteLength; i += step) {
    for (let j = i + 1; j < bytes.byteLength; j += step) yield [bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)];
  }
}

/** Little-endian byte builder for hand-made messages. */
export class Bytes {
  private readonly parts: number[] = [];
  u8(v: number): this {
    this.parts.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.u8(v).u8(v >>> 8);
  }
  u32(v: number): this {
    return this.u16(v & 0xffff).u16(v >>> 16);
  }
  i32(v: number): this {
    return this.u32(v >>> 0);
  }
  u64(v: number | bigint): this {
    const big = BigInt(v);
    return this.u32(Number(big & 0xffffffffn)).u32(Number(big >> 32n));
  }
  raw(bytes: ArrayLike<number>): this {
    for (let i = 0; i < bytes.length; i++) this.parts.push(bytes[i] & 0xff);
    return this;
  }
  get length(): number {
    return this.parts.length;
  }
  build(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

export { concatBytes } from '../../src/core/util/bytes';
