import { ProtocolError } from './errors';

/**
 * A bounds-checked little-endian cursor over one message. Every read past the end throws a
 * ProtocolError naming what was being read, so a truncated or lying message becomes a clear
 * error instead of garbage or a RangeError.
 */
export class BufferReader {
  private readonly view: DataView;
  private position: number;

  /** `view`: the DataView over `bytes` a reader made by at() shares with its parent. */
  constructor(
    readonly bytes: Uint8Array,
    offset = 0,
    private readonly what = 'message',
    view?: DataView,
  ) {
    this.view = view ?? new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.position = offset;
  }

  get offset(): number {
    return this.position;
  }

  get remaining(): number {
    return this.bytes.byteLength - this.position;
  }

  /** A reader at an absolute offset of the same bytes (SPICE pointers are offsets from the message start). */
  at(offset: number, what = this.what): BufferReader {
    if (!Number.isInteger(offset) || offset < 0 || offset > this.bytes.byteLength) {
      throw new ProtocolError(`${what}: offset ${offset} is outside the ${this.bytes.byteLength}-byte ${this.what}`);
    }
    // The same bytes, so the same view: a drawing message follows a pointer or two (its image,
    // mask, palette), and a DataView is costly to make (BufferReader's constructor was 26 ms of
    // a scrolling-text run's engine profile, about as much as reading the fields).
    return new BufferReader(this.bytes, offset, what, this.view);
  }

  seek(offset: number): void {
    if (offset < 0 || offset > this.bytes.byteLength) {
      throw new ProtocolError(`${this.what}: offset ${offset} is outside the ${this.bytes.byteLength}-byte message`);
    }
    this.position = offset;
  }

  private need(count: number, field: string): number {
    if (count < 0 || this.position + count > this.bytes.byteLength) {
      throw new ProtocolError(
        `${this.what}: ${field} needs ${count} bytes at offset ${this.position}, only ${Math.max(0, this.remaining)} left`,
      );
    }
    const at = this.position;
    this.position += count;
    return at;
  }

  u8(field = 'uint8'): number {
    return this.view.getUint8(this.need(1, field));
  }
  i8(field = 'int8'): number {
    return this.view.getInt8(this.need(1, field));
  }
  u16(field = 'uint16'): number {
    return this.view.getUint16(this.need(2, field), true);
  }
  i16(field = 'int16'): number {
    return this.view.getInt16(this.need(2, field), true);
  }
  u32(field = 'uint32'): number {
    return this.view.getUint32(this.need(4, field), true);
  }
  i32(field = 'int32'): number {
    return this.view.getInt32(this.need(4, field), true);
  }
  /** A uint64 as a bigint (ids and timestamps that may exceed 2^53). */
  u64(field = 'uint64'): bigint {
    return this.view.getBigUint64(this.need(8, field), true);
  }
  /** A uint64 known to be small in practice, as a number; throws beyond 2^53. */
  u64n(field = 'uint64'): number {
    const value = this.u64(field);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new ProtocolError(`${this.what}: ${field} ${value} is too large`);
    return Number(value);
  }

  /** A view (not a copy) of the next count bytes. */
  bytesView(count: number, field = 'bytes'): Uint8Array {
    const at = this.need(count, field);
    return this.bytes.subarray(at, at + count);
  }

  skip(count: number, field = 'padding'): void {
    this.need(count, field);
  }

  /** A view of everything left. */
  rest(): Uint8Array {
    const at = this.position;
    this.position = this.bytes.byteLength;
    return this.bytes.subarray(at);
  }
}
