import type { DamageCoalescer } from './damage-coalescer';
import type { DamageArea } from './engine-session';

/** What one turn of the loop sends of a surface's pending damage, and where the next one starts. */
export interface Band {
  readonly rects: DamageArea[];
  /** The row the next band starts from (0 after the bottom). */
  readonly nextRow: number;
}

/**
 * Takes from `pending` the damage that fits in `room` bytes of RGBA (at least one row), starting
 * at row `fromRow` and wrapping around past the bottom; a rectangle that does not fit is cut
 * into the rows that do, and the rest goes back. Bands sweep the surface like a raster, so while
 * damage keeps covering the whole screen every row is refreshed as often: bands that always
 * started at the top sent the top seven times as often as the bottom, where a terminal's new
 * lines appear (smooth-scrolling bench). `surfaceHeight` is where the sweep wraps.
 */
export function takeBand(pending: DamageCoalescer, room: number, fromRow: number, surfaceHeight: number): Band {
  if (room <= 0) return { rects: [], nextRow: fromRow };
  const ahead: DamageArea[] = [];
  const behind: DamageArea[] = [];
  for (const rect of pending.take()) {
    if (rect.top >= fromRow) ahead.push(rect);
    else if (rect.bottom <= fromRow) behind.push(rect);
    else {
      behind.push({ ...rect, bottom: fromRow });
      ahead.push({ ...rect, top: fromRow });
    }
  }
  const byTop = (a: DamageArea, b: DamageArea): number => a.top - b.top || a.left - b.left;
  ahead.sort(byTop);
  behind.sort(byTop);
  const rects: DamageArea[] = [];
  let nextRow = fromRow;
  for (const rect of [...ahead, ...behind]) {
    if (room <= 0) {
      pending.add(rect);
      continue;
    }
    const rowBytes = (rect.right - rect.left) * 4;
    const rows = rect.bottom - rect.top;
    const fit = Math.max(1, Math.floor(room / rowBytes));
    if (fit >= rows) {
      rects.push(rect);
      room -= rows * rowBytes;
      nextRow = rect.bottom;
    } else {
      rects.push({ ...rect, bottom: rect.top + fit });
      pending.add({ ...rect, top: rect.top + fit });
      room = 0;
      nextRow = rect.top + fit;
    }
  }
  return { rects, nextRow: nextRow >= surfaceHeight ? 0 : nextRow };
}
