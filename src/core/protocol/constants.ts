/**
 * Protocol numbers of SPICE 2.2 (spice-protocol's enums.h and protocol.h).
 * Plain const objects so that both the engine and the renderer can import them without runtime cost.
 */

export const SPICE_MAGIC = 0x51444552; // "REDQ" read as a little-endian uint32
export const SPICE_VERSION_MAJOR = 2;
export const SPICE_VERSION_MINOR = 2;
export const SPICE_TICKET_PUBKEY_BYTES = 162; // DER SubjectPublicKeyInfo of a 1024-bit RSA key
export const SPICE_TICKET_ENCRYPTED_BYTES = 128;
export const SPICE_MAX_PASSWORD_LENGTH = 60;

export const ChannelType = {
  MAIN: 1,
  DISPLAY: 2,
  INPUTS: 3,
  CURSOR: 4,
  PLAYBACK: 5,
  RECORD: 6,
  TUNNEL: 7,
  SMARTCARD: 8,
  USBREDIR: 9,
  PORT: 10,
  WEBDAV: 11,
} as const;
export type ChannelTypeValue = (typeof ChannelType)[keyof typeof ChannelType];

export const CHANNEL_NAMES: Readonly<Record<number, string>> = {
  1: 'main',
  2: 'display',
  3: 'inputs',
  4: 'cursor',
  5: 'playback',
  6: 'record',
  7: 'tunnel',
  8: 'smartcard',
  9: 'usbredir',
  10: 'port',
  11: 'webdav',
};

export const LinkError = {
  OK: 0,
  ERROR: 1,
  INVALID_MAGIC: 2,
  INVALID_DATA: 3,
  VERSION_MISMATCH: 4,
  NEED_SECURED: 5,
  NEED_UNSECURED: 6,
  PERMISSION_DENIED: 7,
  BAD_CONNECTION_ID: 8,
  CHANNEL_NOT_AVAILABLE: 9,
} as const;

export const LINK_ERROR_TEXT: Readonly<Record<number, string>> = {
  0: 'ok',
  1: 'the server reported an error',
  2: 'invalid magic (the peer does not speak SPICE)',
  3: 'the server rejected the link data',
  4: 'protocol version mismatch',
  5: 'the server requires a TLS connection for this channel',
  6: 'the server requires a plain (non-TLS) connection for this channel',
  7: 'permission denied (wrong password or ticket expired)',
  8: 'bad connection id',
  9: 'channel not available',
};

/** Capability bit numbers shared by all channels. */
export const CommonCap = {
  PROTOCOL_AUTH_SELECTION: 0,
  AUTH_SPICE: 1,
  AUTH_SASL: 2,
  MINI_HEADER: 3,
} as const;

export const AuthMechanism = {
  SPICE: 1,
  SASL: 2,
} as const;

export const MainCap = {
  SEMI_SEAMLESS_MIGRATE: 0,
  NAME_AND_UUID: 1,
  AGENT_CONNECTED_TOKENS: 2,
  SEAMLESS_MIGRATE: 3,
} as const;

export const DisplayCap = {
  SIZED_STREAM: 0,
  MONITORS_CONFIG: 1,
  COMPOSITE: 2,
  A8_SURFACE: 3,
  STREAM_REPORT: 4,
  LZ4_COMPRESSION: 5,
  PREF_COMPRESSION: 6,
  GL_SCANOUT: 7,
  MULTI_CODEC: 8,
  CODEC_MJPEG: 9,
  CODEC_VP8: 10,
  CODEC_H264: 11,
  PREF_VIDEO_CODEC_TYPE: 12,
  CODEC_VP9: 13,
  CODEC_H265: 14,
} as const;

export const InputsCap = {
  KEY_SCANCODE: 0,
} as const;

/** Messages every channel may receive (server → client). */
export const BaseMsg = {
  MIGRATE: 1,
  MIGRATE_DATA: 2,
  SET_ACK: 3,
  PING: 4,
  WAIT_FOR_CHANNELS: 5,
  DISCONNECTING: 6,
  NOTIFY: 7,
  LIST: 8,
} as const;

/** Messages every channel may send (client → server). */
export const BaseMsgc = {
  ACK_SYNC: 1,
  ACK: 2,
  PONG: 3,
  MIGRATE_FLUSH_MARK: 4,
  MIGRATE_DATA: 5,
  DISCONNECTING: 6,
} as const;

export const MainMsg = {
  MIGRATE_BEGIN: 101,
  MIGRATE_CANCEL: 102,
  INIT: 103,
  CHANNELS_LIST: 104,
  MOUSE_MODE: 105,
  MULTI_MEDIA_TIME: 106,
  AGENT_CONNECTED: 107,
  AGENT_DISCONNECTED: 108,
  AGENT_DATA: 109,
  AGENT_TOKEN: 110,
  MIGRATE_SWITCH_HOST: 111,
  MIGRATE_END: 112,
  NAME: 113,
  UUID: 114,
  AGENT_CONNECTED_TOKENS: 115,
  MIGRATE_BEGIN_SEAMLESS: 116,
  MIGRATE_DST_SEAMLESS_ACK: 117,
  MIGRATE_DST_SEAMLESS_NACK: 118,
} as const;

export const MainMsgc = {
  CLIENT_INFO: 101,
  MIGRATE_CONNECTED: 102,
  MIGRATE_CONNECT_ERROR: 103,
  ATTACH_CHANNELS: 104,
  MOUSE_MODE_REQUEST: 105,
  AGENT_START: 106,
  AGENT_DATA: 107,
  AGENT_TOKEN: 108,
  MIGRATE_END: 109,
  MIGRATE_DST_DO_SEAMLESS: 110,
  MIGRATE_CONNECTED_SEAMLESS: 111,
  QUALITY_INDICATOR: 112,
} as const;

export const MouseMode = {
  SERVER: 1,
  CLIENT: 2,
} as const;

export const DisplayMsg = {
  MODE: 101,
  MARK: 102,
  RESET: 103,
  COPY_BITS: 104,
  INVAL_LIST: 105,
  INVAL_ALL_PIXMAPS: 106,
  INVAL_PALETTE: 107,
  INVAL_ALL_PALETTES: 108,
  STREAM_CREATE: 122,
  STREAM_DATA: 123,
  STREAM_CLIP: 124,
  STREAM_DESTROY: 125,
  STREAM_DESTROY_ALL: 126,
  DRAW_FILL: 302,
  DRAW_OPAQUE: 303,
  DRAW_COPY: 304,
  DRAW_BLEND: 305,
  DRAW_BLACKNESS: 306,
  DRAW_WHITENESS: 307,
  DRAW_INVERS: 308,
  DRAW_ROP3: 309,
  DRAW_STROKE: 310,
  DRAW_TEXT: 311,
  DRAW_TRANSPARENT: 312,
  DRAW_ALPHA_BLEND: 313,
  SURFACE_CREATE: 314,
  SURFACE_DESTROY: 315,
  STREAM_DATA_SIZED: 316,
  MONITORS_CONFIG: 317,
  DRAW_COMPOSITE: 318,
  STREAM_ACTIVATE_REPORT: 319,
  GL_SCANOUT_UNIX: 320,
  GL_DRAW: 321,
  QUALITY_INDICATOR: 322,
} as const;

export const DisplayMsgc = {
  INIT: 101,
  STREAM_REPORT: 102,
  PREFERRED_COMPRESSION: 103,
  GL_DRAW_DONE: 104,
  PREFERRED_VIDEO_CODEC_TYPE: 105,
} as const;

export const InputsMsg = {
  INIT: 101,
  KEY_MODIFIERS: 102,
  MOUSE_MOTION_ACK: 111,
} as const;

export const InputsMsgc = {
  KEY_DOWN: 101,
  KEY_UP: 102,
  KEY_MODIFIERS: 103,
  KEY_SCANCODE: 104,
  MOUSE_MOTION: 111,
  MOUSE_POSITION: 112,
  MOUSE_PRESS: 113,
  MOUSE_RELEASE: 114,
} as const;

/** The server acknowledges motion every this many motion messages; the client keeps at most 2× in flight. */
export const MOUSE_MOTION_ACK_BUNCH = 4;

export const CursorMsg = {
  INIT: 101,
  RESET: 102,
  SET: 103,
  MOVE: 104,
  HIDE: 105,
  TRAIL: 106,
  INVAL_ONE: 107,
  INVAL_ALL: 108,
} as const;

export const ImageType = {
  BITMAP: 0,
  QUIC: 1,
  RESERVED: 2,
  LZ_PLT: 100,
  LZ_RGB: 101,
  GLZ_RGB: 102,
  FROM_CACHE: 103,
  SURFACE: 104,
  JPEG: 105,
  FROM_CACHE_LOSSLESS: 106,
  ZLIB_GLZ_RGB: 107,
  JPEG_ALPHA: 108,
  LZ4: 109,
} as const;

export const ImageFlags = {
  CACHE_ME: 1 << 0,
  HIGH_BITS_SET: 1 << 1,
  CACHE_REPLACE_ME: 1 << 2,
} as const;

export const BitmapFormat = {
  INVALID: 0,
  BIT1_LE: 1,
  BIT1_BE: 2,
  BIT4_LE: 3,
  BIT4_BE: 4,
  BIT8: 5,
  BIT16: 6,
  BIT24: 7,
  BIT32: 8,
  RGBA: 9,
  BIT8_A: 10,
} as const;

export const BitmapFlags = {
  PAL_CACHE_ME: 1 << 0,
  PAL_FROM_CACHE: 1 << 1,
  TOP_DOWN: 1 << 2,
} as const;

export const SurfaceFormat = {
  INVALID: 0,
  A1: 1,
  A8: 8,
  RGB16_555: 16,
  RGB16_565: 80,
  XRGB32: 32,
  ARGB32: 96,
} as const;

export const SurfaceFlags = {
  PRIMARY: 1 << 0,
  STREAMING_MODE: 1 << 1,
} as const;

export const ClipType = {
  NONE: 0,
  RECTS: 1,
} as const;

export const BrushType = {
  NONE: 0,
  SOLID: 1,
  PATTERN: 2,
} as const;

export const MaskFlags = {
  INVERS: 1 << 0,
} as const;

/** ROP descriptor bits of draw_fill/copy/opaque/blend (spice.proto `ropd`). */
export const Ropd = {
  INVERS_SRC: 1 << 0,
  INVERS_BRUSH: 1 << 1,
  INVERS_DEST: 1 << 2,
  OP_PUT: 1 << 3,
  OP_OR: 1 << 4,
  OP_AND: 1 << 5,
  OP_XOR: 1 << 6,
  OP_BLACKNESS: 1 << 7,
  OP_WHITENESS: 1 << 8,
  OP_INVERS: 1 << 9,
  INVERS_RES: 1 << 10,
} as const;

export const ImageScaleMode = {
  INTERPOLATE: 0,
  NEAREST: 1,
} as const;

/** Image compression the client may ask for (SPICE_MSGC_DISPLAY_PREFERRED_COMPRESSION). */
export const ImageCompression = {
  INVALID: 0,
  OFF: 1,
  AUTO_GLZ: 2,
  AUTO_LZ: 3,
  QUIC: 4,
  GLZ: 5,
  LZ: 6,
  LZ4: 7,
} as const;

export const VideoCodecType = {
  MJPEG: 1,
  VP8: 2,
  H264: 3,
  VP9: 4,
  H265: 5,
} as const;

export const NotifySeverity = {
  INFO: 0,
  WARN: 1,
  ERROR: 2,
} as const;

export const ResourceType = {
  INVALID: 0,
  PIXMAP: 1,
} as const;

/** String (DRAW_TEXT glyph run) flags: the glyphs' raster depth, and row order. */
export const StringFlags = {
  RASTER_A1: 1 << 0,
  RASTER_A4: 1 << 1,
  RASTER_A8: 1 << 2,
  RASTER_TOP_DOWN: 1 << 3,
} as const;

/** LineAttr flags of DRAW_STROKE (the values of Windows' LA_* flags). */
export const LineFlags = {
  START_WITH_GAP: 1 << 2,
  STYLED: 1 << 3,
} as const;

/** PathSegment flags of DRAW_STROKE. */
export const PathFlags = {
  BEGIN: 1 << 0,
  END: 1 << 1,
  CLOSE: 1 << 3,
  BEZIER: 1 << 4,
} as const;

/** DRAW_ALPHA_BLEND flags. */
export const AlphaFlags = {
  DEST_HAS_ALPHA: 1 << 0,
  SRC_SURFACE_HAS_ALPHA: 1 << 1,
} as const;

/**
 * DRAW_COMPOSITE flags: bits 0-7 the operator (pixman's / X Render's), 8-10 the source filter,
 * 11-13 the mask filter, 14-15 the source repeat, 16-17 the mask repeat, then single bits.
 */
export const CompositeFlags = {
  OP_MASK: 0xff,
  SRC_FILTER_SHIFT: 8,
  MASK_FILTER_SHIFT: 11,
  FILTER_MASK: 0x7,
  SRC_REPEAT_SHIFT: 14,
  MASK_REPEAT_SHIFT: 16,
  REPEAT_MASK: 0x3,
  COMPONENT_ALPHA: 1 << 18,
  HAS_MASK: 1 << 19,
  HAS_SRC_TRANSFORM: 1 << 20,
  HAS_MASK_TRANSFORM: 1 << 21,
  SOURCE_OPAQUE: 1 << 22,
  MASK_OPAQUE: 1 << 23,
  DEST_OPAQUE: 1 << 24,
} as const;
