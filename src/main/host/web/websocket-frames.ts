/**
 * RFC 6455 framing, server side: parsing the (masked) frames a client sends and encoding the
 * (unmasked) frames a server sends. No extensions are negotiated, so RSV bits must be zero.
 *
 *   byte 0: FIN(1) RSV1-3(3) opcode(4)
 *   byte 1: MASK(1) payload length(7): 0-125, 126 → uint16 follows, 127 → uint64 follows
 *   then the 4-byte masking key (client frames), then the payload XORed with the key.
 */

export const Opcode = {
  CONTINUATION: 0x0,
  TEXT: 0x1,
  BINARY: 0x2,
  CLOSE: 0x8,
  PING: 0x9,
  PONG: 0xa,
} as const;

/** Close codes we send (RFC 6455 section 7.4.1). */
export const CloseCode = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  PROTOCOL_ERROR: 1002,
  UNSUPPORTED_DATA: 1003,
  NO_STATUS: 1005,
  ABNORMAL: 1006,
  INVALID_DATA: 1007,
  POLICY_VIOLATION: 1008,
  TOO_BIG: 1009,
  INTERNAL_ERROR: 1011,
} as const;

export interface Frame {
  readonly fin: boolean;
  readonly opcode: number;
  readonly payload: Buffer;
}

/** The peer broke the protocol; `closeCode` is what the close frame should say. */
export class WebSocketProtocolError extends Error {
  override readonly name = 'WebSocketProtocolError';
  constructor(readonly closeCode: number, message: string) {
    super(message);
  }
}

const KNOWN_OPCODES: ReadonlySet<number> = new Set(Object.values(Opcode));
const MAX_CONTROL_PAYLOAD = 125;

/**
 * Turns a byte stream into frames. Bytes may arrive split anywhere; a partial frame waits for
 * the rest. A frame longer than maxPayloadBytes is refused from its header alone, before its
 * payload is buffered.
 */
export class FrameParser {
  private pending: Buffer = Buffer.alloc(0);

  constructor(
    private readonly maxPayloadBytes: number,
    private readonly requireMask = true,
  ) {}

  /** Feeds bytes; returns the frames now complete. Throws WebSocketProtocolError. */
  push(chunk: Buffer): Frame[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Frame[] = [];
    for (;;) {
      const frame = this.next();
      if (!frame) break;
      frames.push(frame);
    }
    return frames;
  }

  private next(): Frame | null {
    const buf = this.pending;
    if (buf.length < 2) return null;
    const fin = (buf[0] & 0x80) !== 0;
    if ((buf[0] & 0x70) !== 0) throw new WebSocketProtocolError(CloseCode.PROTOCOL_ERROR, 'reserved bits set without an extension');
    const opcode = buf[0] & 0x0f;
    if (!KNOWN_OPCODES.has(opcode)) throw new WebSocketProtocolError(CloseCode.PROTOCOL_ERROR, `unknown opcode ${opcode}`);
    const masked = (buf[1] & 0x80) !== 0;
    if (this.requireMask && !masked) throw new WebSocketProtocolError(CloseCode.PROTOCOL_ERROR, 'client frames must be masked');
    let length = buf[1] & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (buf.length < 4) return null;
      length = buf.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (buf.length < 10) return null;
      const high = buf.readUInt32BE(2);
      if (high & 0x80000000) throw new WebSocketProtocolError(CloseCode.PROTOCOL_ERROR, 'frame length has its top bit set');
      if (high !== 0) throw new WebSocketProtocolError(CloseCode.TOO_BIG, 'frame larger than 4 GiB');
      length = buf.readUInt32BE(6);
      offset = 10;
    }
    const control = opcode >= 0x8;
    if (control && length > MAX_CONTROL_PAYLOAD) throw new WebSocketProtocolError(CloseCode.PROTOCOL_ERROR, 'control frame longer than 125 bytes');
    if (control && !fin) throw new WebSocketProtocolError(CloseCode.PROTOCOL_ERROR, 'fragmented control frame');
    if (length > this.maxPayloadBytes) {
      throw new WebSocketProtocolError(CloseCode.TOO_BIG, `frame of ${length} bytes exceeds the limit of ${this.maxPayloadBytes}`);
    }
    const maskOffset = offset;
    if (masked) offset += 4;
    if (buf.length < offset + length) return null;
    const payload = Buffer.from(buf.subarray(offset, offset + length)); // own copy: pending is reused
    if (masked) {
      for (let i = 0; i < length; i++) payload[i] ^= buf[maskOffset + (i & 3)];
    }
    this.pending = buf.subarray(offset + length);
    return { fin, opcode, payload };
  }
}

/** The header of an unmasked server frame with FIN set. */
export function encodeFrameHeader(opcode: number, payloadLength: number, fin = true): Buffer {
  const first = (fin ? 0x80 : 0) | opcode;
  if (payloadLength < 126) return Buffer.from([first, payloadLength]);
  if (payloadLength < 0x10000) {
    const header = Buffer.alloc(4);
    header[0] = first;
    header[1] = 126;
    header.writeUInt16BE(payloadLength, 2);
    return header;
  }
  const header = Buffer.alloc(10);
  header[0] = first;
  header[1] = 127;
  header.writeUInt32BE(Math.floor(payloadLength / 0x1_0000_0000), 2);
  header.writeUInt32BE(payloadLength >>> 0, 6);
  return header;
}

/** A whole unmasked server frame (header and payload in one buffer; for small frames and tests). */
export function encodeFrame(opcode: number, payload: Uint8Array, fin = true): Buffer {
  return Buffer.concat([encodeFrameHeader(opcode, payload.length, fin), payload]);
}

/** A masked client frame, as a browser sends it (for tests and tools). */
export function encodeClientFrame(opcode: number, payload: Uint8Array, mask: Uint8Array, fin = true): Buffer {
  const header = encodeFrameHeader(opcode, payload.length, fin);
  header[1] |= 0x80;
  const body = Buffer.alloc(4 + payload.length);
  body.set(mask.subarray(0, 4), 0);
  for (let i = 0; i < payload.length; i++) body[4 + i] = payload[i] ^ mask[i & 3];
  return Buffer.concat([header, body]);
}

/** Whether a close code may appear in a close frame on the wire (RFC 6455 section 7.4). */
export function isSendableCloseCode(code: number): boolean {
  if (code >= 3000 && code <= 4999) return true;
  return code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006;
}

/** The payload of a close frame: uint16 code and a UTF-8 reason of at most 123 bytes. */
export function encodeClosePayload(code: number, reason: string): Buffer {
  let text = Buffer.from(reason, 'utf8');
  if (text.length > 123) text = Buffer.from(new TextDecoder().decode(text.subarray(0, 120)).replace(/\uFFFD$/, ''), 'utf8');
  const payload = Buffer.alloc(2 + text.length);
  payload.writeUInt16BE(code, 0);
  text.copy(payload, 2);
  return payload;
}

/** Reads a received close payload; throws WebSocketProtocolError when it is malformed. */
export function parseClosePayload(payload: Buffer): { code: number; reason: string } {
  if (payload.length === 0) return { code: CloseCode.NO_STATUS, reason: '' };
  if (payload.length === 1) throw new WebSocketProtocolError(CloseCode.PROTOCOL_ERROR, 'close frame with a 1-byte payload');
  const code = payload.readUInt16BE(0);
  if (!isSendableCloseCode(code)) throw new WebSocketProtocolError(CloseCode.PROTOCOL_ERROR, `invalid close code ${code}`);
  const reason = decodeUtf8(payload.subarray(2));
  if (reason === null) throw new WebSocketProtocolError(CloseCode.INVALID_DATA, 'close reason is not UTF-8');
  return { code, reason };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes strict UTF-8; null when the bytes are not UTF-8 (text frames must be). */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}
