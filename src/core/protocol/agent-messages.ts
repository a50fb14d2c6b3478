import { BufferReader } from './buffer-reader';
import { BufferWriter } from './buffer-writer';
import { ProtocolError } from './errors';

/**
 * The guest agent protocol (spice-protocol's vd_agent.h), carried inside the main channel's
 * AGENT_DATA messages. Every agent message is a 20-byte VDAgentMessage header and a payload:
 *
 *   uint32 protocol (1), uint32 type, uint64 opaque, uint32 size, uint8 data[size]
 *
 * The header and payload form one byte stream that is cut into AGENT_DATA messages of at most
 * 2048 bytes each, in both directions (the server hangs up on a longer one from the client).
 * All integers are little-endian.
 */

export const AGENT_PROTOCOL = 1;
export const AGENT_HEADER_SIZE = 20;
/** Largest AGENT_DATA body, header included. */
export const AGENT_MAX_DATA_SIZE = 2048;
/** Largest agent message we reassemble (a big clipboard image fits; a lying size does not). */
export const AGENT_MAX_MESSAGE_SIZE = 128 * 1024 * 1024;

export const AgentMsg = {
  MOUSE_STATE: 1,
  MONITORS_CONFIG: 2,
  REPLY: 3,
  CLIPBOARD: 4,
  DISPLAY_CONFIG: 5,
  ANNOUNCE_CAPABILITIES: 6,
  CLIPBOARD_GRAB: 7,
  CLIPBOARD_REQUEST: 8,
  CLIPBOARD_RELEASE: 9,
  FILE_XFER_START: 10,
  FILE_XFER_STATUS: 11,
  FILE_XFER_DATA: 12,
  CLIENT_DISCONNECTED: 13,
  MAX_CLIPBOARD: 14,
  AUDIO_VOLUME_SYNC: 15,
  GRAPHICS_DEVICE_INFO: 16,
} as const;

export const AgentCap = {
  MOUSE_STATE: 0,
  MONITORS_CONFIG: 1,
  REPLY: 2,
  CLIPBOARD: 3,
  DISPLAY_CONFIG: 4,
  CLIPBOARD_BY_DEMAND: 5,
  CLIPBOARD_SELECTION: 6,
  SPARSE_MONITORS_CONFIG: 7,
  GUEST_LINEEND_LF: 8,
  GUEST_LINEEND_CRLF: 9,
  MAX_CLIPBOARD: 10,
  AUDIO_VOLUME_SYNC: 11,
  MONITORS_CONFIG_POSITION: 12,
  FILE_XFER_DISABLED: 13,
  FILE_XFER_DETAILED_ERRORS: 14,
  GRAPHICS_DEVICE_INFO: 15,
  CLIPBOARD_NO_RELEASE_ON_REGRAB: 16,
  CLIPBOARD_GRAB_SERIAL: 17,
} as const;

export const ClipboardType = {
  NONE: 0,
  UTF8_TEXT: 1,
  IMAGE_PNG: 2,
  IMAGE_BMP: 3,
  IMAGE_TIFF: 4,
  IMAGE_JPG: 5,
  FILE_LIST: 6,
} as const;

export const ClipboardSelection = {
  CLIPBOARD: 0,
  PRIMARY: 1,
  SECONDARY: 2,
} as const;

export const FileXferStatus = {
  CAN_SEND_DATA: 0,
  CANCELLED: 1,
  ERROR: 2,
  SUCCESS: 3,
  NOT_ENOUGH_SPACE: 4,
  SESSION_LOCKED: 5,
  VDAGENT_NOT_CONNECTED: 6,
  DISABLED: 7,
} as const;

export const MonitorsConfigFlag = {
  USE_POS: 1 << 0,
  PHYSICAL_SIZE: 1 << 1,
} as const;

export const AgentReplyResult = {
  SUCCESS: 1,
  ERROR: 2,
} as const;

// ---------------------------------------------------------------------------------------------
// Framing: one agent message, cut into AGENT_DATA bodies, and put back together.

export interface AgentMessage {
  readonly type: number;
  readonly opaque: bigint;
  /** The payload (owned: it does not alias a received buffer). */
  readonly data: Uint8Array;
}

/** Header and payload of one agent message, as one byte array. */
export function encodeAgentMessage(type: number, payload: Uint8Array, opaque = 0n): Uint8Array {
  return new BufferWriter(AGENT_HEADER_SIZE + payload.byteLength)
    .u32(AGENT_PROTOCOL)
    .u32(type)
    .u64(opaque)
    .u32(payload.byteLength)
    .bytes(payload)
    .finish();
}

/** Cuts an encoded agent message into AGENT_DATA bodies of at most AGENT_MAX_DATA_SIZE bytes (views). */
export function splitAgentData(message: Uint8Array, maxChunk = AGENT_MAX_DATA_SIZE): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < message.byteLength; at += maxChunk) chunks.push(message.subarray(at, Math.min(message.byteLength, at + maxChunk)));
  return chunks;
}

/**
 * Reassembles the agent's byte stream from AGENT_DATA bodies: a body may hold the end of one
 * message and the start of the next, and a message may span many bodies. Throws a
 * ProtocolError on a header that cannot be right (after which the stream cannot be trusted).
 */
export class AgentMessageAssembler {
  private readonly header = new Uint8Array(AGENT_HEADER_SIZE);
  private headerFill = 0;
  private type = 0;
  private opaque = 0n;
  private payload: Uint8Array | null = null;
  private payloadFill = 0;

  constructor(private readonly maxMessageSize = AGENT_MAX_MESSAGE_SIZE) {}

  /** Bytes of a message started but not complete. */
  get pending(): number {
    return this.headerFill + this.payloadFill;
  }

  reset(): void {
    this.headerFill = 0;
    this.payload = null;
    this.payloadFill = 0;
  }

  feed(body: Uint8Array): AgentMessage[] {
    const out: AgentMessage[] = [];
    let at = 0;
    while (at < body.byteLength) {
      if (this.payload === null) {
        const n = Math.min(AGENT_HEADER_SIZE - this.headerFill, body.byteLength - at);
        this.header.set(body.subarray(at, at + n), this.headerFill);
        this.headerFill += n;
        at += n;
        if (this.headerFill < AGENT_HEADER_SIZE) break;
        this.startPayload();
      }
      const payload = this.payload!;
      const n = Math.min(payload.byteLength - this.payloadFill, body.byteLength - at);
      payload.set(body.subarray(at, at + n), this.payloadFill);
      this.payloadFill += n;
      at += n;
      if (this.payloadFill === payload.byteLength) {
        out.push({ type: this.type, opaque: this.opaque, data: payload });
        this.reset();
      }
    }
    return out;
  }

  private startPayload(): void {
    const r = new BufferReader(this.header, 0, 'agent message header');
    const protocol = r.u32('protocol');
    this.type = r.u32('type');
    this.opaque = r.u64('opaque');
    const size = r.u32('size');
    if (protocol !== AGENT_PROTOCOL) throw new ProtocolError(`agent message: protocol ${protocol}, expected ${AGENT_PROTOCOL}`);
    if (size > this.maxMessageSize) throw new ProtocolError(`agent message type ${this.type}: size ${size} is beyond the limit of ${this.maxMessageSize} bytes`);
    this.payload = new Uint8Array(size);
    this.payloadFill = 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Capabilities

/** ANNOUNCE_CAPABILITIES: uint32 request, uint32 caps[] (bit N = word N/32, bit N%32). */
export interface AnnounceCapabilities {
  readonly request: boolean;
  readonly caps: number[];
}
export function parseAnnounceCapabilities(data: Uint8Array): AnnounceCapabilities {
  const r = new BufferReader(data, 0, 'ANNOUNCE_CAPABILITIES');
  const request = r.u32('request') !== 0;
  const caps: number[] = [];
  while (r.remaining >= 4) caps.push(r.u32('caps'));
  return { request, caps };
}
export function encodeAnnounceCapabilities(request: boolean, capBits: readonly number[]): Uint8Array {
  const words = new Array<number>(Math.ceil((Math.max(...capBits, 0) + 1) / 32)).fill(0);
  for (const bit of capBits) words[bit >> 5] = (words[bit >> 5] | (1 << (bit & 31))) >>> 0;
  const w = new BufferWriter(4 + 4 * words.length).u32(request ? 1 : 0);
  for (const word of words) w.u32(word);
  return w.finish();
}

// ---------------------------------------------------------------------------------------------
// Clipboard. With CLIPBOARD_SELECTION agreed, every clipboard message starts with
// uint8 selection + 3 reserved bytes; with CLIPBOARD_GRAB_SERIAL, GRAB then has a uint32 serial.

export interface ClipboardFraming {
  readonly selection: boolean;
  readonly grabSerial: boolean;
}

function writeSelection(w: BufferWriter, framing: ClipboardFraming, selection: number): void {
  if (framing.selection) w.u8(selection).u8(0).u8(0).u8(0);
  else if (selection !== ClipboardSelection.CLIPBOARD) throw new Error('the agent knows only the CLIPBOARD selection');
}

function readSelection(r: BufferReader, framing: ClipboardFraming): number {
  if (!framing.selection) return ClipboardSelection.CLIPBOARD;
  const selection = r.u8('selection');
  r.skip(3, 'reserved');
  return selection;
}

/** CLIPBOARD_GRAB: [selection], [uint32 serial], uint32 types[]. */
export interface ClipboardGrab {
  readonly selection: number;
  readonly serial: number | null;
  readonly types: number[];
}
export function encodeClipboardGrab(framing: ClipboardFraming, selection: number, serial: number, types: readonly number[]): Uint8Array {
  const w = new BufferWriter(12 + 4 * types.length);
  writeSelection(w, framing, selection);
  if (framing.grabSerial) w.u32(serial);
  for (const type of types) w.u32(type);
  return w.finish();
}
export function parseClipboardGrab(framing: ClipboardFraming, data: Uint8Array): ClipboardGrab {
  const r = new BufferReader(data, 0, 'CLIPBOARD_GRAB');
  const selection = readSelection(r, framing);
  const serial = framing.grabSerial ? r.u32('serial') : null;
  const types: number[] = [];
  while (r.remaining >= 4) types.push(r.u32('types'));
  return { selection, serial, types };
}

/** CLIPBOARD_REQUEST: [selection], uint32 type. */
export function encodeClipboardRequest(framing: ClipboardFraming, selection: number, type: number): Uint8Array {
  const w = new BufferWriter(8);
  writeSelection(w, framing, selection);
  return w.u32(type).finish();
}
export function parseClipboardRequest(framing: ClipboardFraming, data: Uint8Array): { selection: number; type: number } {
  const r = new BufferReader(data, 0, 'CLIPBOARD_REQUEST');
  const selection = readSelection(r, framing);
  return { selection, type: r.u32('type') };
}

/** CLIPBOARD: [selection], uint32 type, uint8 data[] (the rest; type NONE and no data: "nothing"). */
export interface ClipboardContent {
  readonly selection: number;
  readonly type: number;
  readonly data: Uint8Array;
}
export function encodeClipboardData(framing: ClipboardFraming, selection: number, type: number, data: Uint8Array): Uint8Array {
  const w = new BufferWriter(8 + data.byteLength);
  writeSelection(w, framing, selection);
  return w.u32(type).bytes(data).finish();
}
export function parseClipboardData(framing: ClipboardFraming, data: Uint8Array): ClipboardContent {
  const r = new BufferReader(data, 0, 'CLIPBOARD');
  const selection = readSelection(r, framing);
  return { selection, type: r.u32('type'), data: r.rest() };
}

/** CLIPBOARD_RELEASE: [selection]. */
export function encodeClipboardRelease(framing: ClipboardFraming, selection: number): Uint8Array {
  const w = new BufferWriter(4);
  writeSelection(w, framing, selection);
  return w.finish();
}
export function parseClipboardRelease(framing: ClipboardFraming, data: Uint8Array): number {
  return readSelection(new BufferReader(data, 0, 'CLIPBOARD_RELEASE'), framing);
}

// ---------------------------------------------------------------------------------------------
// Monitors

/** One guest monitor as the client wants it; width and height 0 disable it (SPARSE_MONITORS_CONFIG). */
export interface AgentMonitor {
  readonly width: number;
  readonly height: number;
  readonly x: number;
  readonly y: number;
  /** Bits per pixel; 32 unless a guest needs less. */
  readonly depth?: number;
}

/**
 * MONITORS_CONFIG: uint32 num_of_monitors, uint32 flags, then per monitor
 * uint32 height, uint32 width, uint32 depth, int32 x, int32 y (height first).
 */
export function encodeMonitorsConfig(monitors: readonly AgentMonitor[], flags: number): Uint8Array {
  const w = new BufferWriter(8 + 20 * monitors.length).u32(monitors.length).u32(flags);
  for (const m of monitors) w.u32(m.height).u32(m.width).u32(m.depth ?? 32).i32(m.x).i32(m.y);
  return w.finish();
}

/** REPLY: uint32 type (the message answered), uint32 error (SUCCESS 1, ERROR 2). */
export function parseAgentReply(data: Uint8Array): { type: number; error: number } {
  const r = new BufferReader(data, 0, 'REPLY');
  return { type: r.u32('type'), error: r.u32('error') };
}

/** MAX_CLIPBOARD: int32 max (bytes; -1 = no limit). */
export function encodeMaxClipboard(max: number): Uint8Array {
  return new BufferWriter(4).i32(max).finish();
}

// ---------------------------------------------------------------------------------------------
// File transfer

/**
 * FILE_XFER_START: uint32 id, then a NUL-terminated GLib key file:
 *   [vdagent-file-xfer]\nname=NAME\nsize=SIZE\n
 * The name is a bare file name; key-file escapes apply (\\ \n \t \r, \s for a leading space).
 */
export function encodeFileXferStart(id: number, name: string, size: number): Uint8Array {
  const text = `[vdagent-file-xfer]\nname=${escapeKeyFileValue(name)}\nsize=${size}\n`;
  const bytes = new TextEncoder().encode(text);
  return new BufferWriter(4 + bytes.byteLength + 1).u32(id).bytes(bytes).u8(0).finish();
}

export function escapeKeyFileValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\') out += '\\\\';
    else if (c === '\n') out += '\\n';
    else if (c === '\t') out += '\\t';
    else if (c === '\r') out += '\\r';
    else if (c === ' ' && i === 0) out += '\\s';
    else out += c;
  }
  return out;
}

/** FILE_XFER_DATA: uint32 id, uint64 size, uint8 data[size]. */
export const FILE_XFER_DATA_HEADER_SIZE = 12;
export function encodeFileXferData(id: number, data: Uint8Array): Uint8Array {
  return new BufferWriter(FILE_XFER_DATA_HEADER_SIZE + data.byteLength).u32(id).u64(data.byteLength).bytes(data).finish();
}

/**
 * FILE_XFER_STATUS: uint32 id, uint32 result, then (FILE_XFER_DETAILED_ERRORS) a detail:
 * NOT_ENOUGH_SPACE: uint64 disk_free_space; ERROR: uint8 error_type, uint32 error_code (a GIO error).
 */
export interface FileXferStatusMessage {
  readonly id: number;
  readonly result: number;
  readonly freeSpace?: bigint;
  readonly ioErrorCode?: number;
}
export function encodeFileXferStatus(id: number, result: number): Uint8Array {
  return new BufferWriter(8).u32(id).u32(result).finish();
}
export function parseFileXferStatus(data: Uint8Array): FileXferStatusMessage {
  const r = new BufferReader(data, 0, 'FILE_XFER_STATUS');
  const id = r.u32('id');
  const result = r.u32('result');
  if (result === FileXferStatus.NOT_ENOUGH_SPACE && r.remaining >= 8) return { id, result, freeSpace: r.u64('disk_free_space') };
  if (result === FileXferStatus.ERROR && r.remaining >= 5) {
    const errorType = r.u8('error_type');
    const code = r.u32('error_code');
    if (errorType === 0) return { id, result, ioErrorCode: code };
  }
  return { id, result };
}
