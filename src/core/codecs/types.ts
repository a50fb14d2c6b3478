/**
 * What every image decoder returns. Pixels are 32-bit words 0xAARRGGBB (little-endian bytes
 * B, G, R, A — SPICE's own 32-bit layout), top-down, row-major, `width` words per row. For
 * formats without alpha the alpha byte is 0xFF.
 */
export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint32Array;
  /** Whether the alpha byte carries real alpha (RGBA sources) rather than 0xFF filler. */
  readonly hasAlpha: boolean;
}

/** A palette as sent on the wire: entries are 0x00RRGGBB. */
export interface Palette {
  readonly unique: bigint;
  readonly entries: Uint32Array;
}
