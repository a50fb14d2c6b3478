import type { DamageArea } from './engine-session';
import { intersectRects } from '../surfaces/rect';

interface PendingUpdate {
  /** When the last byte of the message that drew it arrived, and when it was drawn (performance.now()). */
  readonly receivedAt: number;
  readonly drawnAt: number;
  /** The parts of its area no band has covered since it was drawn. */
  remaining: DamageArea[];
}

/**
 * Updates drawn closer together than this after a timed one are not timed: a scrolling terminal
 * draws 8,000 a second, and following each through every band cost the engine 2 s of CPU a run
 * (the bench measures that CPU too). At most 500 a second are timed, spread evenly over time,
 * which is plenty for a p95; far-apart updates (photo frames) are all timed.
 */
const MIN_GAP_MS = 2;

/**
 * For the latency figures (engine-metrics.ts): which updates of one surface have had all their
 * pixels handed to the front end. An update is handed when the bands sent after it was drawn
 * have covered its whole area, whether or not other damage is still pending: under damage that
 * never stops, waiting for nothing to be pending would time the longest stretch of damage
 * instead. What is left of an update is kept exactly (bands sweep the surface and may cut an
 * update anywhere). Only kept while metrics are asked for.
 */
export class HandedUpdates {
  private pending: PendingUpdate[] = [];
  private lastTimedAt = -Infinity;

  constructor(
    private readonly width: number,
    private readonly height: number,
  ) {}

  /** An update drew `area`; if it is timed (MIN_GAP_MS), it is pending until bands cover it. */
  drawn(area: DamageArea, receivedAt: number, drawnAt: number): void {
    if (drawnAt - this.lastTimedAt < MIN_GAP_MS) return;
    this.lastTimedAt = drawnAt;
    const clipped = intersectRects(area, { left: 0, top: 0, right: this.width, bottom: this.height });
    this.pending.push({ receivedAt, drawnAt, remaining: clipped ? [clipped] : [] });
  }

  /** `band` went to the front end at `now`: reports each update it completes (latency, drawn -> handed). */
  sent(band: readonly DamageArea[], now: number, handed: (latencyMs: number, addedMs: number) => void): void {
    // Runs for every band while metrics are on (the bench measures the engine's CPU meanwhile):
    // nothing is allocated unless a band cuts into an update without covering it.
    let kept = 0;
    for (const update of this.pending) {
      for (const rect of band) {
        const remaining = update.remaining;
        if (remaining.length === 0) break;
        if (remaining.length === 1 && contains(rect, remaining[0])) update.remaining = [];
        else if (remaining.some((part) => intersectRects(part, rect))) update.remaining = remaining.flatMap((part) => subtract(part, rect));
      }
      if (update.remaining.length === 0) handed(now - update.receivedAt, now - update.drawnAt);
      else this.pending[kept++] = update;
    }
    this.pending.length = kept;
  }
}

function contains(outer: DamageArea, inner: DamageArea): boolean {
  return outer.left <= inner.left && outer.top <= inner.top && outer.right >= inner.right && outer.bottom >= inner.bottom;
}

/** `part` without `cut`: up to four rectangles (the rows above and below, then the sides). */
function subtract(part: DamageArea, cut: DamageArea): DamageArea[] {
  const common = intersectRects(part, cut);
  if (!common) return [part];
  const { left, top, right, bottom } = common;
  const pieces: DamageArea[] = [];
  if (part.top < top) pieces.push({ left: part.left, top: part.top, right: part.right, bottom: top });
  if (bottom < part.bottom) pieces.push({ left: part.left, top: bottom, right: part.right, bottom: part.bottom });
  if (part.left < left) pieces.push({ left: part.left, top, right: left, bottom });
  if (right < part.right) pieces.push({ left: right, top, right: part.right, bottom });
  return pieces;
}
