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

/** Splits a byte stream into messages; carries partial messages across feed() calls. */
export class MessageFramer {
  private readonly queue = new ByteQueue();
  private serial = 0n;
  private pending: { type: number; size: number; serial: bigint; subList: number } | null = null;

  constructor(
    private readonly miniHeader: boolean,
    private readonly maxMessageSize = MAX_MESSAGE_SIZE,
  ) {}

  /** Bytes received but not yet part of a complete message. */
  get buffered(): number {
    return this.queue.length;
  }

  /** Adds bytes; returns every message now complete, in order. Throws ProtocolError on a bad header. */
  feed(chunk: Uint8Array): SpiceMessage[] {
    this.queue.push(chunk);
    const out: SpiceMessage[] = [];
    for (;;) {
      if (this.pending === null && !this.readHeader()) break;
      const header = this.pending!;
      const body = this.queue.take(header.size);
      if (body === null) break;
      this.pending = null;
      if (header.subList !== 0) out.push(...splitSubMessages(body, header.subList, header.serial));
      out.push({ type: header.type, serial: header.serial, body: header.subList !== 0 ? body.subarray(0, header.subList) : body });
    }
    return out;
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
