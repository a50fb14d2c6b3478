import { BufferReader } from './buffer-reader';
import { ProtocolError } from './errors';

/** Cursor-channel messages (spice.proto, CursorChannel) and the Cursor structure they carry. */

/** cursor_type (enum8). */
export const CursorType = {
  ALPHA: 0,
  MONO: 1,
  COLOR4: 2,
  COLOR8: 3,
  COLOR16: 4,
  COLOR24: 5,
  COLOR32: 6,
} as const;

/** cursor_flags (flags16). */
export const CursorFlags = {
  /** There is no cursor (the pointer is hidden); no header follows. */
  NONE: 1 << 0,
  CACHE_ME: 1 << 1,
  FROM_CACHE: 1 << 2,
} as const;

/** Guests draw pointers of at most 256×256 (Windows' largest accessibility size is 256). */
export const MAX_CURSOR_SIDE = 512;

export interface CursorHeader {
  /** The cache key: uint64 on the wire, kept as a bigint. */
  readonly unique: bigint;
  readonly type: number;
  readonly width: number;
  readonly height: number;
  readonly hotX: number;
  readonly hotY: number;
}

export interface WireCursor {
  readonly flags: number;
  /** Absent when flags has NONE. */
  readonly header: CursorHeader | null;
  /** The shape's bytes (empty for FROM_CACHE); a view into the message. */
  readonly data: Uint8Array;
}

export interface CursorPosition {
  readonly x: number;
  readonly y: number;
}

export interface CursorInit {
  readonly position: CursorPosition;
  readonly trailLength: number;
  readonly trailFrequency: number;
  readonly visible: boolean;
  readonly cursor: WireCursor;
}

export interface CursorSet {
  readonly position: CursorPosition;
  readonly visible: boolean;
  readonly cursor: WireCursor;
}

/** Point16: int16 x, int16 y. */
function readPosition(r: BufferReader): CursorPosition {
  return { x: r.i16('position.x'), y: r.i16('position.y') };
}

/**
 * Cursor: uint16 flags; unless NONE, CursorHeader (uint64 unique, uint8 type, uint16 width,
 * uint16 height, uint16 hot_spot_x, uint16 hot_spot_y); then the shape's bytes to the end.
 */
function readCursor(r: BufferReader): WireCursor {
  const flags = r.u16('cursor.flags');
  if (flags & CursorFlags.NONE) return { flags, header: null, data: r.rest() };
  const header: CursorHeader = {
    unique: r.u64('cursor.unique'),
    type: r.u8('cursor.type'),
    width: r.u16('cursor.width'),
    height: r.u16('cursor.height'),
    hotX: r.u16('cursor.hot_spot_x'),
    hotY: r.u16('cursor.hot_spot_y'),
  };
  if (!(flags & CursorFlags.FROM_CACHE)) {
    if (header.width === 0 || header.height === 0 || header.width > MAX_CURSOR_SIDE || header.height > MAX_CURSOR_SIDE) {
      throw new ProtocolError(`cursor: a ${header.width}x${header.height} shape is outside 1-${MAX_CURSOR_SIDE} pixels a side`);
    }
  }
  return { flags, header, data: r.rest() };
}

/** INIT: Point16 position, uint16 trail_length, uint16 trail_frequency, uint8 visible, Cursor. */
export function parseCursorInit(body: Uint8Array): CursorInit {
  const r = new BufferReader(body, 0, 'CURSOR_INIT');
  const position = readPosition(r);
  const trailLength = r.u16('trail_length');
  const trailFrequency = r.u16('trail_frequency');
  const visible = r.u8('visible') !== 0;
  return { position, trailLength, trailFrequency, visible, cursor: readCursor(r) };
}

/** SET: Point16 position, uint8 visible, Cursor. */
export function parseCursorSet(body: Uint8Array): CursorSet {
  const r = new BufferReader(body, 0, 'CURSOR_SET');
  const position = readPosition(r);
  const visible = r.u8('visible') !== 0;
  return { position, visible, cursor: readCursor(r) };
}

/** MOVE: Point16 position. */
export function parseCursorMove(body: Uint8Array): CursorPosition {
  return readPosition(new BufferReader(body, 0, 'CURSOR_MOVE'));
}

/** TRAIL: uint16 length, uint16 frequency. */
export function parseCursorTrail(body: Uint8Array): { length: number; frequency: number } {
  const r = new BufferReader(body, 0, 'CURSOR_TRAIL');
  return { length: r.u16('length'), frequency: r.u16('frequency') };
}

/** INVAL_ONE: uint64 id (the unique of a cached cursor). */
export function parseCursorInvalOne(body: Uint8Array): bigint {
  return new BufferReader(body, 0, 'CURSOR_INVAL_ONE').u64('id');
}
