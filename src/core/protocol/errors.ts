/**
 * Every way bytes from a peer can be wrong ends as a ProtocolError: a value with a short,
 * human-readable message, never an out-of-range read or a crash deep in a decoder.
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(message: string) {
    super(message);
  }
}

/** Largest single message we accept; QXL images beyond this are not sane (a 4K RGBA frame is 33 MB). */
export const MAX_MESSAGE_SIZE = 64 * 1024 * 1024;

/** Largest image or surface side we agree to allocate (SPICE servers cap at 8192 in practice). */
export const MAX_IMAGE_SIDE = 16384;

/** Largest pixel count of one image or surface we allocate (64 Mpx = 256 MB at 32 bpp). */
export const MAX_IMAGE_PIXELS = 64 * 1024 * 1024;

/** Throws unless width×height is a size we are willing to allocate. */
export function checkImageSize(what: string, width: number, height: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    throw new ProtocolError(`${what}: invalid size ${width}x${height}`);
  }
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS) {
    throw new ProtocolError(`${what}: size ${width}x${height} is beyond the limit of ${MAX_IMAGE_SIDE} px per side`);
  }
}
