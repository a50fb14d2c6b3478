import type { CopyAreaEvent, PixelRect } from '../../shared/copy-area-ipc';

/** Pixels to show after a copy: RGBA of width × height, placed at guest x, y. */
export interface CopiedPiece {
  readonly pixels: Uint8ClampedArray<ArrayBuffer>;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Gives a buffer of exactly `bytes` bytes whose old content does not matter. */
export type ScratchBuffer = (bytes: number) => Uint8ClampedArray<ArrayBuffer>;

const freshBuffer: ScratchBuffer = (bytes) => new Uint8ClampedArray(bytes);

function readRect(rgba: Uint8ClampedArray, surfaceWidth: number, rect: PixelRect, buffer: ScratchBuffer = freshBuffer): Uint8ClampedArray<ArrayBuffer> {
  const rowBytes = rect.width * 4;
  const out = buffer(rowBytes * rect.height);
  for (let row = 0; row < rect.height; row++) {
    const from = ((rect.y + row) * surfaceWidth + rect.x) * 4;
    out.set(rgba.subarray(from, from + rowBytes), row * rowBytes);
  }
  return out;
}

function fits(rect: PixelRect, width: number, height: number): boolean {
  return rect.x >= 0 && rect.y >= 0 && rect.x + rect.width <= width && rect.y + rect.height <= height;
}

/**
 * Redoes a COPY_BITS on a surface's RGBA (width × height): the whole source is read first, so
 * overlapping source and destination behave like memmove (a scroll up or down, left or right),
 * then written to the destination, only inside the clip when there is one. `cover` may change
 * the moved pixels before they land (the video player keeps a playing stream's frame on top, as
 * it does for damage). Returns what to paint, or null when the copy does not fit the surface
 * (an event for a surface of another size: nothing is changed). The moved pixels are read into
 * `scratch` (a scroll moves megabytes, many times a second: a reused buffer spares the garbage
 * collector); the pieces returned are only good until the next call.
 */
export function applyCopyArea(
  rgba: Uint8ClampedArray,
  width: number,
  height: number,
  event: CopyAreaEvent,
  cover: ((pixels: Uint8ClampedArray, area: PixelRect) => void) | null,
  scratch: ScratchBuffer = freshBuffer,
): CopiedPiece[] | null {
  const { source, destX, destY, clip } = event;
  const dest: PixelRect = { x: destX, y: destY, width: source.width, height: source.height };
  if (!fits(source, width, height) || !fits(dest, width, height)) return null;
  if (clip && !clip.every((rect) => fits(rect, width, height))) return null;
  const moved = readRect(rgba, width, source, scratch);
  cover?.(moved, dest);
  const rowBytes = dest.width * 4;
  if (!clip) {
    for (let row = 0; row < dest.height; row++) rgba.set(moved.subarray(row * rowBytes, (row + 1) * rowBytes), ((destY + row) * width + destX) * 4);
    return [{ pixels: moved, ...dest }];
  }
  for (const rect of clip) {
    const spanBytes = rect.width * 4;
    for (let row = 0; row < rect.height; row++) {
      const from = ((rect.y - destY + row) * dest.width + (rect.x - destX)) * 4;
      rgba.set(moved.subarray(from, from + spanBytes), ((rect.y + row) * width + rect.x) * 4);
    }
  }
  return clip.map((rect) => ({ pixels: readRect(rgba, width, rect), ...rect }));
}

/**
 * The plain case, done in place: no clip and nothing to cover, so the destination rows are
 * written straight from the source rows, in the order that reads each row before it is
 * overwritten (bottom first when moving down; copyWithin takes care of overlap inside a row).
 * False when the copy does not fit the surface (nothing is changed).
 */
export function moveArea(rgba: Uint8ClampedArray, width: number, height: number, event: CopyAreaEvent): boolean {
  const { source, destX, destY } = event;
  if (!fits(source, width, height) || !fits({ x: destX, y: destY, width: source.width, height: source.height }, width, height)) return false;
  const rowBytes = source.width * 4;
  const down = destY > source.y;
  for (let k = 0; k < source.height; k++) {
    const row = down ? source.height - 1 - k : k;
    const from = ((source.y + row) * width + source.x) * 4;
    rgba.copyWithin(((destY + row) * width + destX) * 4, from, from + rowBytes);
  }
  return true;
}
