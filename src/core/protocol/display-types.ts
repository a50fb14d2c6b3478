/**
 * Parsed display-channel drawing messages (spice.proto, DisplayChannel). Produced by
 * display-messages.ts, consumed by the surfaces/ canvas. Rectangles are half-open:
 * [left, right) × [top, bottom), exactly as on the wire.
 */

export interface Rect {
  readonly top: number;
  readonly left: number;
  readonly bottom: number;
  readonly right: number;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

export type Clip = { readonly type: 'none' } | { readonly type: 'rects'; readonly rects: readonly Rect[] };

export interface DisplayBase {
  readonly surfaceId: number;
  readonly box: Rect;
  readonly clip: Clip;
}

export interface ImageDescriptor {
  readonly id: bigint;
  readonly type: number; // ImageType
  readonly flags: number; // ImageFlags
  readonly width: number;
  readonly height: number;
}

/** The payload of an image as it arrived, not yet decoded (decoding needs caches and surfaces). */
export type ImagePayload =
  | { readonly kind: 'bitmap'; readonly bitmap: BitmapData }
  | { readonly kind: 'quic'; readonly data: Uint8Array }
  | { readonly kind: 'lz_rgb'; readonly data: Uint8Array }
  | { readonly kind: 'glz_rgb'; readonly data: Uint8Array }
  | { readonly kind: 'lz_plt'; readonly flags: number; readonly data: Uint8Array; readonly palette: PaletteRef }
  | { readonly kind: 'zlib_glz_rgb'; readonly glzDataSize: number; readonly data: Uint8Array }
  | { readonly kind: 'jpeg'; readonly data: Uint8Array }
  | { readonly kind: 'jpeg_alpha'; readonly flags: number; readonly jpegSize: number; readonly data: Uint8Array }
  | { readonly kind: 'lz4'; readonly data: Uint8Array }
  | { readonly kind: 'from_cache' }
  | { readonly kind: 'from_cache_lossless' }
  | { readonly kind: 'surface'; readonly surfaceId: number };

export interface Image {
  readonly descriptor: ImageDescriptor;
  readonly payload: ImagePayload;
}

/** A palette sent inline, or a reference to one the server told us to cache earlier. */
export type PaletteRef =
  | { readonly kind: 'inline'; readonly unique: bigint; readonly entries: Uint32Array }
  | { readonly kind: 'cached'; readonly id: bigint }
  | { readonly kind: 'none' };

export interface BitmapData {
  readonly format: number; // BitmapFormat
  readonly flags: number; // BitmapFlags
  readonly width: number;
  readonly height: number;
  readonly stride: number;
  readonly palette: PaletteRef;
  /** stride × height bytes, bottom-up unless flags has TOP_DOWN. */
  readonly data: Uint8Array;
}

export type Brush =
  | { readonly type: 'none' }
  | { readonly type: 'solid'; readonly color: number }
  | { readonly type: 'pattern'; readonly image: Image; readonly pos: Point };

export interface QMask {
  readonly flags: number; // MaskFlags
  readonly pos: Point;
  readonly bitmap: Image | null;
}

export interface DrawFill {
  readonly base: DisplayBase;
  readonly brush: Brush;
  readonly ropDescriptor: number;
  readonly mask: QMask;
}

/** draw_copy and draw_blend share this layout. */
export interface DrawCopy {
  readonly base: DisplayBase;
  readonly source: Image | null;
  readonly sourceArea: Rect;
  readonly ropDescriptor: number;
  readonly scaleMode: number;
  readonly mask: QMask;
}

export interface DrawOpaque {
  readonly base: DisplayBase;
  readonly source: Image | null;
  readonly sourceArea: Rect;
  readonly brush: Brush;
  readonly ropDescriptor: number;
  readonly scaleMode: number;
  readonly mask: QMask;
}

export interface CopyBits {
  readonly base: DisplayBase;
  readonly sourcePos: Point;
}

/** draw_blackness, draw_whiteness and draw_invers. */
export interface DrawMaskOnly {
  readonly base: DisplayBase;
  readonly mask: QMask;
}

export interface SurfaceCreate {
  readonly surfaceId: number;
  readonly width: number;
  readonly height: number;
  readonly format: number; // SurfaceFormat
  readonly flags: number; // SurfaceFlags
}

export interface DrawRop3 {
  readonly base: DisplayBase;
  readonly source: Image | null;
  readonly sourceArea: Rect;
  readonly brush: Brush;
  /** A Windows ternary raster operation code (bit (p << 2 | s << 1 | d) is the result). */
  readonly rop3: number;
  readonly scaleMode: number;
  readonly mask: QMask;
}

/** A path point in 28.4 fixed point (1/16 pixel). */
export interface PointFix {
  readonly x: number;
  readonly y: number;
}

export interface PathSegment {
  readonly flags: number; // PathFlags
  readonly points: readonly PointFix[];
}

export interface LineAttr {
  readonly flags: number; // LineFlags
  /** Dash pattern (28.4 fixed point lengths), present when flags has STYLED. */
  readonly style: readonly number[];
}

export interface DrawStroke {
  readonly base: DisplayBase;
  readonly path: readonly PathSegment[];
  readonly attr: LineAttr;
  readonly brush: Brush;
  /** ROP descriptors for the dashes (fore) and the gaps (back). */
  readonly foreMode: number;
  readonly backMode: number;
}

/** One pre-rendered glyph: its box is (renderPos + origin) and width × height pixels. */
export interface RasterGlyph {
  readonly renderPos: Point;
  readonly origin: Point;
  readonly width: number;
  readonly height: number;
  /** Rows of ceil(width · bpp / 8) bytes, bottom-up unless the string is RASTER_TOP_DOWN. */
  readonly data: Uint8Array;
}

export interface GlyphString {
  readonly flags: number; // StringFlags
  /** 1, 4 or 8 bits per glyph pixel (from the flags); 0 when no raster flag is set. */
  readonly bitsPerPixel: number;
  readonly glyphs: readonly RasterGlyph[];
}

export interface DrawText {
  readonly base: DisplayBase;
  readonly text: GlyphString;
  readonly backArea: Rect;
  readonly foreBrush: Brush;
  readonly backBrush: Brush;
  readonly foreMode: number;
  readonly backMode: number;
}

export interface DrawTransparent {
  readonly base: DisplayBase;
  readonly source: Image | null;
  readonly sourceArea: Rect;
  readonly sourceColor: number;
  /** The colour key: source pixels of this colour are not drawn. */
  readonly trueColor: number;
}

export interface DrawAlphaBlend {
  readonly base: DisplayBase;
  readonly alphaFlags: number; // AlphaFlags
  readonly alpha: number;
  readonly source: Image | null;
  readonly sourceArea: Rect;
}

/** An affine transform in 16.16 fixed point: rows (t00 t01 t02) and (t10 t11 t12) of the matrix. */
export type Transform = readonly [number, number, number, number, number, number];

export interface DrawComposite {
  readonly base: DisplayBase;
  readonly flags: number; // CompositeFlags
  readonly source: Image;
  readonly mask: Image | null;
  readonly sourceTransform: Transform | null;
  readonly maskTransform: Transform | null;
  readonly sourceOrigin: Point;
  readonly maskOrigin: Point;
}
