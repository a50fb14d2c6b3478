/**
 * The validator of the copyArea event (copy-area-ipc.ts), registered with the others in
 * ipc-validators.ts. Same rules: nothing the type does not describe, extra fields refused, errors
 * name the field and never echo a value. Whether the rectangles fit the surface is the
 * renderer's check (only it knows the surface's size).
 */
import type { CopyAreaEvent, PixelRect } from './copy-area-ipc';
import { isInteger, MAX_SURFACE_SIDE, only, validateSurfaceRect as validateRect, type Fields } from './validation';


/** A COPY_BITS clip is a server-side region; far more rectangles than any real one. */
const MAX_CLIP_RECTS = 4096;

function inside(rect: PixelRect, x: number, y: number, width: number, height: number): boolean {
  return rect.x >= x && rect.y >= y && rect.x + rect.width <= x + width && rect.y + rect.height <= y + height;
}

export function validateCopyArea(f: Fields): CopyAreaEvent | string {
  const extra = only(f, ['type', 'displayId', 'surfaceId', 'source', 'destX', 'destY', 'clip'], true);
  if (extra) return extra;
  if (!isInteger(f.displayId, 0, 255) || !isInteger(f.surfaceId, 0, 0xffff_ffff)) return 'displayId or surfaceId out of range';
  const source = validateRect(f.source, 'source');
  if (typeof source === 'string') return source;
  if (!isInteger(f.destX, 0, MAX_SURFACE_SIDE - source.width) || !isInteger(f.destY, 0, MAX_SURFACE_SIDE - source.height)) return 'destX and destY must put the copy inside a surface';
  const { destX, destY } = f;
  let clip: PixelRect[] | null = null;
  if (f.clip !== null) {
    if (!Array.isArray(f.clip) || f.clip.length === 0 || f.clip.length > MAX_CLIP_RECTS) return `clip must be null or a list of 1 to ${MAX_CLIP_RECTS} rectangles`;
    clip = [];
    for (const item of f.clip as unknown[]) {
      const rect = validateRect(item, 'a clip rectangle');
      if (typeof rect === 'string') return rect;
      if (!inside(rect, destX, destY, source.width, source.height)) return 'a clip rectangle lies outside the destination';
      clip.push(rect);
    }
  }
  return { type: 'copyArea', displayId: f.displayId, surfaceId: f.surfaceId, source, destX, destY, clip };
}

export const COPY_AREA_EVENT_VALIDATORS = { copyArea: validateCopyArea } as const;
