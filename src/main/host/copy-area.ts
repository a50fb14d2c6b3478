import type { Rect } from '../../core/protocol/display-types';
import type { CopyAreaEvent, PixelRect } from '../../shared/copy-area-ipc';
import type { SurfaceMove } from '../surfaces/copy-bits-move';

function pixelRect(rect: Rect): PixelRect {
  return { x: rect.left, y: rect.top, width: rect.right - rect.left, height: rect.bottom - rect.top };
}

/** The event that has the renderer redo a COPY_BITS on its copy of a primary surface. */
export function copyAreaEvent(displayId: number, surfaceId: number, move: SurfaceMove): CopyAreaEvent {
  return {
    type: 'copyArea',
    displayId,
    surfaceId,
    source: pixelRect(move.source),
    destX: move.destX,
    destY: move.destY,
    clip: move.clip ? move.clip.map(pixelRect) : null,
  };
}
