import { BufferReader } from './buffer-reader';
import { BufferWriter } from './buffer-writer';

/** Messages every channel shares (spice.proto, BaseChannel). */

/** SET_ACK: uint32 generation, uint32 window — ack every `window` messages, answering ACK_SYNC(generation) at once. */
export interface SetAck {
  readonly generation: number;
  readonly window: number;
}
export function parseSetAck(body: Uint8Array): SetAck {
  const r = new BufferReader(body, 0, 'SET_ACK');
  return { generation: r.u32('generation'), window: r.u32('window') };
}

/** PING: uint32 id, uint64 timestamp, then optional padding data (the server measures bandwidth with it). */
export interface Ping {
  readonly id: number;
  readonly timestamp: bigint;
}
export function parsePing(body: Uint8Array): Ping {
  const r = new BufferReader(body, 0, 'PING');
  return { id: r.u32('id'), timestamp: r.u64('timestamp') };
}

/** PONG: uint32 id, uint64 timestamp (echoed). */
export function encodePong(ping: Ping): Uint8Array {
  return new BufferWriter(12).u32(ping.id).u64(ping.timestamp).finish();
}

/** ACK_SYNC: uint32 generation. */
export function encodeAckSync(generation: number): Uint8Array {
  return new BufferWriter(4).u32(generation).finish();
}

/** NOTIFY: uint64 time_stamp, uint32 severity, uint32 visibility, uint32 what, uint32 message_len, uint8 message[]. */
export interface Notify {
  readonly severity: number;
  readonly visibility: number;
  readonly what: number;
  readonly message: string;
}
export function parseNotify(body: Uint8Array): Notify {
  const r = new BufferReader(body, 0, 'NOTIFY');
  r.u64('time_stamp');
  const severity = r.u32('severity');
  const visibility = r.u32('visibility');
  const what = r.u32('what');
  const length = r.u32('message_len');
  const text = r.bytesView(Math.min(length, r.remaining), 'message');
  // The server counts the terminating NUL; drop it and anything after.
  const nul = text.indexOf(0);
  const message = new TextDecoder('utf-8', { fatal: false }).decode(nul >= 0 ? text.subarray(0, nul) : text);
  return { severity, visibility, what, message };
}

/** DISCONNECTING: uint64 time_stamp, uint32 reason (a link_err). */
export function parseDisconnecting(body: Uint8Array): { reason: number } {
  const r = new BufferReader(body, 0, 'DISCONNECTING');
  r.u64('time_stamp');
  return { reason: r.u32('reason') };
}

/** WAIT_FOR_CHANNELS (and display INVAL_ALL_PIXMAPS): uint8 count, then {uint8 type, uint8 id, uint64 serial}[count]. */
export interface ChannelWait {
  readonly channelType: number;
  readonly channelId: number;
  readonly serial: bigint;
}
export function parseWaitForChannels(body: Uint8Array, what = 'WAIT_FOR_CHANNELS'): ChannelWait[] {
  const r = new BufferReader(body, 0, what);
  const count = r.u8('wait_count');
  const out: ChannelWait[] = [];
  for (let i = 0; i < count; i++) {
    out.push({ channelType: r.u8('channel_type'), channelId: r.u8('channel_id'), serial: r.u64('message_serial') });
  }
  return out;
}

/** MIGRATE: uint32 flags (NEED_FLUSH = 1, NEED_DATA_TRANSFER = 2). */
export function parseMigrate(body: Uint8Array): { flags: number } {
  return { flags: new BufferReader(body, 0, 'MIGRATE').u32('flags') };
}
