import { BufferReader } from './buffer-reader';
import { BufferWriter } from './buffer-writer';
import { ByteQueue } from './byte-queue';
import { MAX_MESSAGE_SIZE, ProtocolError } from './errors';

/**
 * Data messages after the link (spice-protocol protocol.h). With MINI_HEADER agreed by both sides:
 *
 *   SpiceMiniDataHeader (6 bytes): uint16 type, uint32 size, then size bytes of body
 *
 * otherwise the full header, whose serial is explicit and which may carry a sub-message list:
 *
 *   SpiceDataHeader (18 bytes): uint64 serial, uint16 type, uint32 size, uint32 sub_list
 *   sub_list (if non-zero) = offset in the body of SpiceSubMessageList:
 *     uint16 size, uint32 offsets[size] → each SpiceSubMessage: uint16 type, uint32 size, body
 */

export const MINI_HEADER_SIZE = 6;
export const FULL_HEADER_SIZE = 18;

export interface SpiceMessage {
  readonly type: number;
  readonly serial: bigint;
  readonly body: Uint8Array;
}

/**
 * Bodies of at least this many bytes that have not all arrived are gathered as they come into
 * storage of their own (see LargeBodies), instead of being copied out whole when the last chunk
 * arrives: a 3.6 MB photo took up to 10 ms of one socket callback to gather at its end.
 */
export const LARGE_BODY_BYTES = 256 * 1024;

/** Where large bodies are gathered: `allocate` gives exactly `size` bytes (a display channel's are shared memory, for the decode worker). */
export interface LargeBodies {
  readonly allocate: (size: number) => Uint8Array;
  /** Default LARGE_BODY_BYTES. */
  readonly minBytes?: number;
}

/** Splits a byte stream into messages; carries partial messages across feed() calls. */
export class MessageFramer {
  private readonly queue = new ByteQueue();
  private serial = 0n;
  private pending: { type: number; size: number; serial: bigint; subList: number } | null = null;
  /** The pending message's body while it is gathered chunk by chunk, and how much of it has come. */
  private gathering: Uint8Array | null = null;
  private gathered = 0;

  constructor(
    private readonly miniHeader: boolean,
    private readonly maxMessageSize = MAX_MESSAGE_SIZE,
    private readonly largeBodies: LargeBodies = { allocate: (size) => new Uint8Array(size) },
  ) {}

  /** Bytes received but not yet part of a complete message. */
  get buffered(): number {
    return this.queue.length + this.gathered;
  }

  /** Adds bytes; returns every message now complete, in order. Throws ProtocolError on a bad header. */
  feed(chunk: Uint8Array): SpiceMessage[] {
    this.queue.push(chunk);
    const out: SpiceMessage[] = [];
    for (;;) {
      if (this.pending === null && !this.readHeader()) break;
      const header = this.pending!;
      const body = this.takeBody(header.size);
      if (body === null) break;
      this.pending = null;
      if (header.subList !== 0) out.push(...splitSubMessages(body, header.subList, header.serial));
      out.push({ type: header.type, serial: header.serial, body: header.subList !== 0 ? body.subarray(0, header.subList) : body });
    }
    return out;
  }

  /** The pending message's whole body, or null while more has to come. */
  private takeBody(size: number): Uint8Array | null {
    if (this.gathering === null) {
      if (size < (this.largeBodies.minBytes ?? LARGE_BODY_BYTES) || this.queue.length >= size) return this.queue.take(size);
      this.gathering = this.largeBodies.allocate(size);
      this.gathered = 0;
      if (this.gathering.byteLength !== size) throw new RangeError(`large body storage of ${this.gathering.byteLength} bytes for a ${size}-byte body`);
    }
    const count = Math.min(size - this.gathered, this.queue.length);
    this.queue.takeInto(this.gathering, this.gathered, count);
    this.gathered += count;
    if (this.gathered < size) return null;
    const body = this.gathering;
    this.gathering = null;
    this.gathered = 0;
    return body;
  }

  private readHeader(): boolean {
    const size = this.miniHeader ? MINI_HEADER_SIZE : FULL_HEADER_SIZE;
    const bytes = this.queue.take(size);
    if (bytes === null) return false;
    const reader = new BufferReader(bytes, 0, 'message header');
    let serial: bigint;
    if (this.miniHeader) {
      serial = ++this.serial;
    } else {
      serial = reader.u64('serial');
      this.serial = serial;
    }
    const type = reader.u16('type');
    const bodySize = reader.u32('size');
    const subList = this.miniHeader ? 0 : reader.u32('sub_list');
    if (bodySize > this.maxMessageSize) {
      throw new ProtocolError(`message type ${type} announces ${bodySize} bytes, beyond the ${this.maxMessageSize}-byte limit`);
    }
    if (subList !== 0 && subList >= bodySize) {
      throw new ProtocolError(`message type ${type}: sub-message list offset ${subList} is outside its ${bodySize}-byte body`);
    }
    this.pending = { type, size: bodySize, serial, subList };
    return true;
  }
}

function splitSubMessages(body: Uint8Array, listOffset: number, serial: bigint): SpiceMessage[] {
  const list = new BufferReader(body, listOffset, 'sub-message list');
  const count = list.u16('count');
  const out: SpiceMessage[] = [];
  for (let i = 0; i < count; i++) {
    const sub = list.at(list.u32('sub-message offset'), 'sub-message');
    const type = sub.u16('type');
    const size = sub.u32('size');
    out.push({ type, serial, body: sub.bytesView(size, 'sub-message body') });
  }
  return out;
}

/** Serialises one outgoing message. `serial` is only written with the full header. */
export function encodeMessage(type: number, body: Uint8Array, miniHeader: boolean, serial: bigint): Uint8Array {
  const writer = new BufferWriter((miniHeader ? MINI_HEADER_SIZE : FULL_HEADER_SIZE) + body.byteLength);
  if (!miniHeader) writer.u64(serial);
  writer.u16(type).u32(body.byteLength);
  if (!miniHeader) writer.u32(0);
  return writer.bytes(body).finish();
}
