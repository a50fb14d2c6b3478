/**
 * The part of the IPC contract that moves pixels the renderer already has (SPICE's COPY_BITS:
 * a terminal or a window scrolling). Instead of sending the moved area again as RGBA, the engine
 * sends its pending damage, then this event; the renderer copies inside its own copy of the
 * surface, in event order.
 */

/** A rectangle of guest pixels. */
export interface PixelRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * Copy `source` of a primary surface to (destX, destY), written only inside `clip` (destination
 * rectangles, disjoint; null: all of it). Source and destination may overlap: every source pixel
 * is read before any is written (memmove), as SPICE's COPY_BITS does.
 */
export interface CopyAreaEvent {
  readonly type: 'copyArea';
  readonly displayId: number;
  readonly surfaceId: number;
  readonly source: PixelRect;
  readonly destX: number;
  readonly destY: number;
  readonly clip: readonly PixelRect[] | null;
}

export const COPY_AREA_EVENT_TYPES = ['copyArea'] as const;
