import { BufferReader } from './buffer-reader';
import { BitmapFlags, BrushType, ClipType, CompositeFlags, ImageType, LineFlags, StringFlags } from './constants';
import type {
  BitmapData,
  Brush,
  Clip,
  CopyBits,
  DisplayBase,
  DrawAlphaBlend,
  DrawComposite,
  DrawCopy,
  DrawFill,
  DrawMaskOnly,
  DrawOpaque,
  DrawRop3,
  DrawStroke,
  DrawText,
  DrawTransparent,
  GlyphString,
  LineAttr,
  PathSegment,
  PointFix,
  RasterGlyph,
  Transform,
  Image,
  ImageDescriptor,
  ImagePayload,
  PaletteRef,
  Point,
  QMask,
  Rect,
  SurfaceCreate,
} from './display-types';
import { ProtocolError } from './errors';

/**
 * Display-channel messages (spice.proto, DisplayChannel). In the wire format every `T *field`
 * is a uint32 offset from the start of the message body (0 = null); structures without `*` are
 * inline. Nested pointers (an image's palette) are offsets from the same message start.
 */

/** Clip rectangles beyond this many are not a sane server. */
const MAX_CLIP_RECTS = 65536;
/** Palettes have at most 256 entries (8-bit indexed). */
const MAX_PALETTE_ENTRIES = 256;

/** Rect: int32 top, int32 left, int32 bottom, int32 right. */
export function readRect(r: BufferReader, what = 'rect'): Rect {
  const top = r.i32(`${what}.top`);
  const left = r.i32(`${what}.left`);
  const bottom = r.i32(`${what}.bottom`);
  const right = r.i32(`${what}.right`);
  return { top, left, bottom, right };
}

/** Point: int32 x, int32 y. */
export function readPoint(r: BufferReader, what = 'point'): Point {
  return { x: r.i32(`${what}.x`), y: r.i32(`${what}.y`) };
}

/** Clip: uint8 type; if RECTS: uint32 num_rects, Rect rects[num_rects] (inline). */
export function readClip(r: BufferReader): Clip {
  const type = r.u8('clip type');
  if (type === ClipType.NONE) return { type: 'none' };
  if (type !== ClipType.RECTS) throw new ProtocolError(`unknown clip type ${type}`);
  const count = r.u32('num_rects');
  if (count > MAX_CLIP_RECTS || count * 16 > r.remaining) {
    throw new ProtocolError(`clip announces ${count} rectangles, more than the message holds`);
  }
  const rects: Rect[] = [];
  for (let i = 0; i < count; i++) rects.push(readRect(r, 'clip rect'));
  return { type: 'rects', rects };
}

/** DisplayBase: uint32 surface_id, Rect box, Clip clip. */
export function readDisplayBase(r: BufferReader): DisplayBase {
  const surfaceId = r.u32('surface_id');
  const box = readRect(r, 'box');
  const clip = readClip(r);
  return { surfaceId, box, clip };
}

/** Palette (behind a pointer): uint64 unique, uint16 num_ents, uint32 ents[num_ents] (0x00RRGGBB). */
function readPaletteAt(message: BufferReader, offset: number): PaletteRef {
  if (offset === 0) return { kind: 'none' };
  const r = message.at(offset, 'palette');
  const unique = r.u64('palette unique');
  const count = r.u16('num_ents');
  if (count > MAX_PALETTE_ENTRIES) throw new ProtocolError(`palette with ${count} entries`);
  const entries = new Uint32Array(count);
  for (let i = 0; i < count; i++) entries[i] = r.u32('palette entry');
  return { kind: 'inline', unique, entries };
}

/** Either uint64 palette_id (PAL_FROM_CACHE) or a uint32 pointer to a Palette. */
function readPaletteField(r: BufferReader, message: BufferReader, flags: number): PaletteRef {
  if (flags & BitmapFlags.PAL_FROM_CACHE) return { kind: 'cached', id: r.u64('palette_id') };
  return readPaletteAt(message, r.u32('palette pointer'));
}

/**
 * BitmapData: uint8 format, uint8 flags, uint32 x (width), uint32 y (height), uint32 stride,
 * palette field (see readPaletteField), then uint8 data[stride * y] inline.
 */
function readBitmap(r: BufferReader, message: BufferReader): BitmapData {
  const format = r.u8('bitmap format');
  const flags = r.u8('bitmap flags');
  const width = r.u32('bitmap width');
  const height = r.u32('bitmap height');
  const stride = r.u32('bitmap stride');
  const palette = readPaletteField(r, message, flags);
  const size = stride * height;
  if (size > r.remaining) throw new ProtocolError(`bitmap of ${stride}x${height} bytes is larger than its message`);
  return { format, flags, width, height, stride, palette, data: r.bytesView(size, 'bitmap data') };
}

/** BinaryData: uint32 data_size, uint8 data[data_size]. */
function readBinary(r: BufferReader, what: string): Uint8Array {
  const size = r.u32(`${what} data_size`);
  return r.bytesView(size, `${what} data`);
}

/**
 * Image (behind a pointer): ImageDescriptor { uint64 id, uint8 type, uint8 flags, uint32 width,
 * uint32 height } then a payload that depends on the type (spice.proto `struct Image`).
 */
export function readImageAt(message: BufferReader, offset: number): Image | null {
  if (offset === 0) return null;
  const r = message.at(offset, 'image');
  const descriptor: ImageDescriptor = {
    id: r.u64('image id'),
    type: r.u8('image type'),
    flags: r.u8('image flags'),
    width: r.u32('image width'),
    height: r.u32('image height'),
  };
  return { descriptor, payload: readImagePayload(r, message, descriptor.type) };
}

function readImagePayload(r: BufferReader, message: BufferReader, type: number): ImagePayload {
  switch (type) {
    case ImageType.BITMAP:
      return { kind: 'bitmap', bitmap: readBitmap(r, message) };
    case ImageType.QUIC:
      return { kind: 'quic', data: readBinary(r, 'QUIC') };
    case ImageType.LZ_RGB:
      return { kind: 'lz_rgb', data: readBinary(r, 'LZ_RGB') };
    case ImageType.GLZ_RGB:
      return { kind: 'glz_rgb', data: readBinary(r, 'GLZ_RGB') };
    case ImageType.JPEG:
      return { kind: 'jpeg', data: readBinary(r, 'JPEG') };
    case ImageType.LZ4:
      return { kind: 'lz4', data: readBinary(r, 'LZ4') };
    case ImageType.LZ_PLT: {
      // LZPLTData: uint8 flags, uint32 data_size, palette field, uint8 data[data_size].
      const flags = r.u8('LZ_PLT flags');
      const size = r.u32('LZ_PLT data_size');
      const palette = readPaletteField(r, message, flags);
      return { kind: 'lz_plt', flags, palette, data: r.bytesView(size, 'LZ_PLT data') };
    }
    case ImageType.ZLIB_GLZ_RGB: {
      // ZlibGlzRGBData: uint32 glz_data_size, uint32 data_size, uint8 data[data_size].
      const glzDataSize = r.u32('glz_data_size');
      return { kind: 'zlib_glz_rgb', glzDataSize, data: readBinary(r, 'ZLIB_GLZ') };
    }
    case ImageType.JPEG_ALPHA: {
      // JPEGAlphaData: uint8 flags, uint32 jpeg_size, uint32 data_size, uint8 data[data_size].
      const flags = r.u8('JPEG_ALPHA flags');
      const jpegSize = r.u32('jpeg_size');
      return { kind: 'jpeg_alpha', flags, jpegSize, data: readBinary(r, 'JPEG_ALPHA') };
    }
    case ImageType.SURFACE:
      return { kind: 'surface', surfaceId: r.u32('surface_id') };
    case ImageType.FROM_CACHE:
      return { kind: 'from_cache' };
    case ImageType.FROM_CACHE_LOSSLESS:
      return { kind: 'from_cache_lossless' };
    default:
      throw new ProtocolError(`unknown image type ${type}`);
  }
}

/** Brush: uint8 type; SOLID: uint32 color; PATTERN: Image *pat, Point pos. */
function readBrush(r: BufferReader, message: BufferReader): Brush {
  const type = r.u8('brush type');
  switch (type) {
    case BrushType.NONE:
      return { type: 'none' };
    case BrushType.SOLID:
      return { type: 'solid', color: r.u32('brush color') };
    case BrushType.PATTERN: {
      const image = readImageAt(message, r.u32('pattern pointer'));
      const pos = readPoint(r, 'pattern pos');
      if (image === null) throw new ProtocolError('pattern brush without an image');
      return { type: 'pattern', image, pos };
    }
    default:
      throw new ProtocolError(`unknown brush type ${type}`);
  }
}

/** QMask: uint8 flags, Point pos, Image *bitmap. */
function readMask(r: BufferReader, message: BufferReader): QMask {
  const flags = r.u8('mask flags');
  const pos = readPoint(r, 'mask pos');
  const bitmap = readImageAt(message, r.u32('mask pointer'));
  return { flags, pos, bitmap };
}

function open(body: Uint8Array, what: string): BufferReader {
  return new BufferReader(body, 0, what);
}

/** DRAW_FILL: DisplayBase, Brush, uint16 rop_descriptor, QMask. */
export function parseDrawFill(body: Uint8Array): DrawFill {
  const r = open(body, 'DRAW_FILL');
  const base = readDisplayBase(r);
  const brush = readBrush(r, r);
  const ropDescriptor = r.u16('rop_descriptor');
  return { base, brush, ropDescriptor, mask: readMask(r, r) };
}

/** DRAW_COPY and DRAW_BLEND: DisplayBase, Image *src, Rect src_area, uint16 ropd, uint8 scale_mode, QMask. */
export function parseDrawCopy(body: Uint8Array, what = 'DRAW_COPY'): DrawCopy {
  const r = open(body, what);
  const base = readDisplayBase(r);
  const source = readImageAt(r, r.u32('src_bitmap pointer'));
  const sourceArea = readRect(r, 'src_area');
  const ropDescriptor = r.u16('rop_descriptor');
  const scaleMode = r.u8('scale_mode');
  return { base, source, sourceArea, ropDescriptor, scaleMode, mask: readMask(r, r) };
}

/** DRAW_OPAQUE: DisplayBase, Image *src, Rect src_area, Brush, uint16 ropd, uint8 scale_mode, QMask. */
export function parseDrawOpaque(body: Uint8Array): DrawOpaque {
  const r = open(body, 'DRAW_OPAQUE');
  const base = readDisplayBase(r);
  const source = readImageAt(r, r.u32('src_bitmap pointer'));
  const sourceArea = readRect(r, 'src_area');
  const brush = readBrush(r, r);
  const ropDescriptor = r.u16('rop_descriptor');
  const scaleMode = r.u8('scale_mode');
  return { base, source, sourceArea, brush, ropDescriptor, scaleMode, mask: readMask(r, r) };
}

/** DRAW_BLACKNESS, DRAW_WHITENESS, DRAW_INVERS: DisplayBase, QMask. */
export function parseDrawMaskOnly(body: Uint8Array, what: string): DrawMaskOnly {
  const r = open(body, what);
  const base = readDisplayBase(r);
  return { base, mask: readMask(r, r) };
}

/** COPY_BITS: DisplayBase, Point src_pos. */
export function parseCopyBits(body: Uint8Array): CopyBits {
  const r = open(body, 'COPY_BITS');
  const base = readDisplayBase(r);
  return { base, sourcePos: readPoint(r, 'src_pos') };
}

/** DRAW_ROP3: DisplayBase, Image *src, Rect src_area, Brush, uint8 rop3, uint8 scale_mode, QMask. */
export function parseDrawRop3(body: Uint8Array): DrawRop3 {
  const r = open(body, 'DRAW_ROP3');
  const base = readDisplayBase(r);
  const source = readImageAt(r, r.u32('src_bitmap pointer'));
  const sourceArea = readRect(r, 'src_area');
  const brush = readBrush(r, r);
  const rop3 = r.u8('rop3');
  const scaleMode = r.u8('scale_mode');
  return { base, source, sourceArea, brush, rop3, scaleMode, mask: readMask(r, r) };
}

/** A path has at most this many segments / a segment this many points (a sane bound, not the protocol's). */
const MAX_PATH_ITEMS = 1 << 20;

/**
 * Path (behind a pointer): uint32 num_segments, then num_segments PathSegments inline, each
 * uint8 flags, uint32 count, PointFix points[count] (int32 x, int32 y in 28.4 fixed point).
 */
function readPathAt(message: BufferReader, offset: number): PathSegment[] {
  if (offset === 0) throw new ProtocolError('DRAW_STROKE without a path');
  const r = message.at(offset, 'path');
  const count = r.u32('num_segments');
  if (count > MAX_PATH_ITEMS || count * 5 > r.remaining) throw new ProtocolError(`path announces ${count} segments, more than the message holds`);
  const segments: PathSegment[] = [];
  for (let i = 0; i < count; i++) {
    const flags = r.u8('path segment flags');
    const n = r.u32('path segment count');
    if (n > MAX_PATH_ITEMS || n * 8 > r.remaining) throw new ProtocolError(`path segment announces ${n} points, more than the message holds`);
    const points: PointFix[] = [];
    for (let k = 0; k < n; k++) points.push({ x: r.i32('path point x'), y: r.i32('path point y') });
    segments.push({ flags, points });
  }
  return segments;
}

/**
 * LineAttr: uint8 flags; when flags has STYLED: uint8 style_nseg, then a uint32 pointer to
 * style_nseg fixed28_4 (int32) dash lengths.
 */
function readLineAttr(r: BufferReader, message: BufferReader): LineAttr {
  const flags = r.u8('line flags');
  if (!(flags & LineFlags.STYLED)) return { flags, style: [] };
  const count = r.u8('style_nseg');
  const offset = r.u32('style pointer');
  const style: number[] = [];
  if (count > 0) {
    if (offset === 0) throw new ProtocolError('styled line without its style');
    const s = message.at(offset, 'line style');
    for (let i = 0; i < count; i++) style.push(s.i32('line style'));
  }
  return { flags, style };
}

/** DRAW_STROKE: DisplayBase, Path *path, LineAttr attr, Brush brush, uint16 fore_mode, uint16 back_mode. */
export function parseDrawStroke(body: Uint8Array): DrawStroke {
  const r = open(body, 'DRAW_STROKE');
  const base = readDisplayBase(r);
  const path = readPathAt(r, r.u32('path pointer'));
  const attr = readLineAttr(r, r);
  const brush = readBrush(r, r);
  const foreMode = r.u16('fore_mode');
  return { base, path, attr, brush, foreMode, backMode: r.u16('back_mode') };
}

/** Glyph raster depth for String flags: A1 wins over A4 over A8, as spice-common tests them. */
function glyphBits(flags: number): number {
  if (flags & StringFlags.RASTER_A1) return 1;
  if (flags & StringFlags.RASTER_A4) return 4;
  if (flags & StringFlags.RASTER_A8) return 8;
  return 0;
}

/**
 * String (behind a pointer): uint16 length, uint8 flags, then (for a raster flag) `length`
 * RasterGlyphs inline, each Point render_pos, Point glyph_origin, uint16 width, uint16 height,
 * uint8 data[ceil(width · bpp / 8) · height].
 */
function readGlyphStringAt(message: BufferReader, offset: number): GlyphString {
  if (offset === 0) throw new ProtocolError('DRAW_TEXT without a string');
  const r = message.at(offset, 'string');
  const length = r.u16('string length');
  const flags = r.u8('string flags');
  const bitsPerPixel = glyphBits(flags);
  const glyphs: RasterGlyph[] = [];
  if (bitsPerPixel !== 0) {
    for (let i = 0; i < length; i++) {
      const renderPos = readPoint(r, 'glyph render_pos');
      const origin = readPoint(r, 'glyph origin');
      const width = r.u16('glyph width');
      const height = r.u16('glyph height');
      const data = r.bytesView(Math.ceil((width * bitsPerPixel) / 8) * height, 'glyph data');
      glyphs.push({ renderPos, origin, width, height, data });
    }
  }
  return { flags, bitsPerPixel, glyphs };
}

/**
 * DRAW_TEXT: DisplayBase, String *str, Rect back_area, Brush fore_brush, Brush back_brush,
 * uint16 fore_mode, uint16 back_mode.
 */
export function parseDrawText(body: Uint8Array): DrawText {
  const r = open(body, 'DRAW_TEXT');
  const base = readDisplayBase(r);
  const text = readGlyphStringAt(r, r.u32('str pointer'));
  const backArea = readRect(r, 'back_area');
  const foreBrush = readBrush(r, r);
  const backBrush = readBrush(r, r);
  const foreMode = r.u16('fore_mode');
  return { base, text, backArea, foreBrush, backBrush, foreMode, backMode: r.u16('back_mode') };
}

/** DRAW_TRANSPARENT: DisplayBase, Image *src, Rect src_area, uint32 src_color, uint32 true_color. */
export function parseDrawTransparent(body: Uint8Array): DrawTransparent {
  const r = open(body, 'DRAW_TRANSPARENT');
  const base = readDisplayBase(r);
  const source = readImageAt(r, r.u32('src_bitmap pointer'));
  const sourceArea = readRect(r, 'src_area');
  const sourceColor = r.u32('src_color');
  return { base, source, sourceArea, sourceColor, trueColor: r.u32('true_color') };
}

/** DRAW_ALPHA_BLEND: DisplayBase, uint8 alpha_flags, uint8 alpha, Image *src, Rect src_area. */
export function parseDrawAlphaBlend(body: Uint8Array): DrawAlphaBlend {
  const r = open(body, 'DRAW_ALPHA_BLEND');
  const base = readDisplayBase(r);
  const alphaFlags = r.u8('alpha_flags');
  const alpha = r.u8('alpha');
  const source = readImageAt(r, r.u32('src_bitmap pointer'));
  return { base, alphaFlags, alpha, source, sourceArea: readRect(r, 'src_area') };
}

/** Transform: int32 t00, t01, t02, t10, t11, t12 (16.16 fixed point; uint32 on the wire, signed in pixman). */
function readTransform(r: BufferReader, what: string): Transform {
  return [r.i32(`${what}.t00`), r.i32(`${what}.t01`), r.i32(`${what}.t02`), r.i32(`${what}.t10`), r.i32(`${what}.t11`), r.i32(`${what}.t12`)];
}

/**
 * DRAW_COMPOSITE: DisplayBase, uint32 flags, Image *src, [Image *mask if HAS_MASK],
 * [Transform src_transform if HAS_SRC_TRANSFORM], [Transform mask_transform if
 * HAS_MASK_TRANSFORM], Point16 src_origin (int16 x, y), Point16 mask_origin.
 */
export function parseDrawComposite(body: Uint8Array): DrawComposite {
  const r = open(body, 'DRAW_COMPOSITE');
  const base = readDisplayBase(r);
  const flags = r.u32('composite flags');
  const source = readImageAt(r, r.u32('src_bitmap pointer'));
  if (!source) throw new ProtocolError('DRAW_COMPOSITE without a source image');
  let mask: DrawComposite['mask'] = null;
  if (flags & CompositeFlags.HAS_MASK) {
    mask = readImageAt(r, r.u32('mask_bitmap pointer'));
    if (!mask) throw new ProtocolError('DRAW_COMPOSITE with HAS_MASK but no mask image');
  }
  const sourceTransform = flags & CompositeFlags.HAS_SRC_TRANSFORM ? readTransform(r, 'src_transform') : null;
  const maskTransform = flags & CompositeFlags.HAS_MASK_TRANSFORM ? readTransform(r, 'mask_transform') : null;
  const sourceOrigin = { x: r.i16('src_origin.x'), y: r.i16('src_origin.y') };
  const maskOrigin = { x: r.i16('mask_origin.x'), y: r.i16('mask_origin.y') };
  return { base, flags, source, mask, sourceTransform, maskTransform, sourceOrigin, maskOrigin };
}

/** SURFACE_CREATE: uint32 surface_id, uint32 width, uint32 height, uint32 format, uint32 flags. */
export function parseSurfaceCreate(body: Uint8Array): SurfaceCreate {
  const r = open(body, 'SURFACE_CREATE');
  return {
    surfaceId: r.u32('surface_id'),
    width: r.u32('width'),
    height: r.u32('height'),
    format: r.u32('format'),
    flags: r.u32('flags'),
  };
}

/** SURFACE_DESTROY: uint32 surface_id. */
export function parseSurfaceDestroy(body: Uint8Array): number {
  return open(body, 'SURFACE_DESTROY').u32('surface_id');
}

/** INVAL_LIST: uint16 count, then {uint8 type, uint64 id}[count]. */
export function parseInvalList(body: Uint8Array): { type: number; id: bigint }[] {
  const r = open(body, 'INVAL_LIST');
  const count = r.u16('count');
  const out: { type: number; id: bigint }[] = [];
  for (let i = 0; i < count; i++) out.push({ type: r.u8('resource type'), id: r.u64('resource id') });
  return out;
}

/** INVAL_PALETTE: uint64 id. */
export function parseInvalPalette(body: Uint8Array): bigint {
  return open(body, 'INVAL_PALETTE').u64('id');
}

/** MODE (legacy): uint32 x_res, uint32 y_res, uint32 bits. */
export function parseDisplayMode(body: Uint8Array): { width: number; height: number; bits: number } {
  const r = open(body, 'DISPLAY_MODE');
  return { width: r.u32('x_res'), height: r.u32('y_res'), bits: r.u32('bits') };
}

/** A monitor (head) of MONITORS_CONFIG. */
export interface Head {
  readonly monitorId: number;
  readonly surfaceId: number;
  readonly width: number;
  readonly height: number;
  readonly x: number;
  readonly y: number;
  readonly flags: number;
}

/** MONITORS_CONFIG: uint16 count, uint16 max_allowed, Head heads[count] (7 × uint32 each). */
export function parseMonitorsConfig(body: Uint8Array): { maxAllowed: number; heads: Head[] } {
  const r = open(body, 'MONITORS_CONFIG');
  const count = r.u16('count');
  const maxAllowed = r.u16('max_allowed');
  const heads: Head[] = [];
  for (let i = 0; i < count; i++) {
    heads.push({
      monitorId: r.u32('monitor_id'),
      surfaceId: r.u32('surface_id'),
      width: r.u32('width'),
      height: r.u32('height'),
      x: r.u32('x'),
      y: r.u32('y'),
      flags: r.u32('flags'),
    });
  }
  return { maxAllowed, heads };
}

export interface StreamCreate {
  readonly surfaceId: number;
  readonly id: number;
  readonly flags: number;
  readonly codecType: number;
  readonly streamWidth: number;
  readonly streamHeight: number;
  readonly srcWidth: number;
  readonly srcHeight: number;
  readonly dest: Rect;
  readonly clip: Clip;
}

/**
 * STREAM_CREATE: uint32 surface_id, uint32 id, uint8 flags, uint8 codec_type, uint64 stamp,
 * uint32 stream_width, uint32 stream_height, uint32 src_width, uint32 src_height, Rect dest, Clip clip.
 */
export function parseStreamCreate(body: Uint8Array): StreamCreate {
  const r = open(body, 'STREAM_CREATE');
  const surfaceId = r.u32('surface_id');
  const id = r.u32('id');
  const flags = r.u8('flags');
  const codecType = r.u8('codec_type');
  r.u64('stamp');
  return {
    surfaceId,
    id,
    flags,
    codecType,
    streamWidth: r.u32('stream_width'),
    streamHeight: r.u32('stream_height'),
    srcWidth: r.u32('src_width'),
    srcHeight: r.u32('src_height'),
    dest: readRect(r, 'dest'),
    clip: readClip(r),
  };
}

export interface StreamData {
  readonly id: number;
  readonly multiMediaTime: number;
  /** Present for STREAM_DATA_SIZED only. */
  readonly size?: { readonly width: number; readonly height: number; readonly dest: Rect };
  readonly data: Uint8Array;
}

/** STREAM_DATA: uint32 id, uint32 multi_media_time, uint32 data_size, uint8 data[]. */
export function parseStreamData(body: Uint8Array): StreamData {
  const r = open(body, 'STREAM_DATA');
  const id = r.u32('id');
  const multiMediaTime = r.u32('multi_media_time');
  return { id, multiMediaTime, data: readBinary(r, 'stream') };
}

/** STREAM_DATA_SIZED: uint32 id, uint32 mm_time, uint32 width, uint32 height, Rect dest, uint32 data_size, data. */
export function parseStreamDataSized(body: Uint8Array): StreamData {
  const r = open(body, 'STREAM_DATA_SIZED');
  const id = r.u32('id');
  const multiMediaTime = r.u32('multi_media_time');
  const width = r.u32('width');
  const height = r.u32('height');
  const dest = readRect(r, 'dest');
  return { id, multiMediaTime, size: { width, height, dest }, data: readBinary(r, 'stream') };
}

/** STREAM_CLIP: uint32 id, Clip clip. */
export function parseStreamClip(body: Uint8Array): { id: number; clip: Clip } {
  const r = open(body, 'STREAM_CLIP');
  return { id: r.u32('id'), clip: readClip(r) };
}

/** STREAM_DESTROY: uint32 id. */
export function parseStreamDestroy(body: Uint8Array): number {
  return open(body, 'STREAM_DESTROY').u32('id');
}

/** STREAM_ACTIVATE_REPORT: uint32 stream_id, uint32 unique_id, uint32 max_window_size, uint32 timeout_ms. */
export function parseStreamActivateReport(body: Uint8Array): {
  streamId: number;
  uniqueId: number;
  maxWindowSize: number;
  timeoutMs: number;
} {
  const r = open(body, 'STREAM_ACTIVATE_REPORT');
  return { streamId: r.u32('stream_id'), uniqueId: r.u32('unique_id'), maxWindowSize: r.u32('max_window_size'), timeoutMs: r.u32('timeout_ms') };
}
