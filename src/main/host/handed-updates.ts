import type { DamageArea } from './engine-session';

/** Numbers kept per pending update: left, top, right, bottom of what is left, received, drawn. */
const FIELDS = 6;

/**
 * For the latency figures (engine-metrics.ts): which updates of one surface have had all their
 * pixels handed to the front end. An update is handed when the bands sent after it was drawn
 * have covered its whole area, whether or not other damage is still pending: under damage that
 * never stops, waiting for nothing to be pending would time the longest stretch of damage instead.
 *
 * What is left of an update is kept as one rectangle: when a band cuts a part out of its middle,
 * the rest counts as the whole (the figure can only come out late, never early). Numbers live in
 * one growing Float64Array, since this runs for each of a scrolling terminal's 8,000 updates a
 * second while the bench measures the engine's CPU. Only kept while metrics are asked for.
 */
export class HandedUpdates {
  private data = new Float64Array(1024 * FIELDS);
  private count = 0;

  constructor(
    private readonly width: number,
    private readonly height: number,
  ) {}

  /** An update drew `area`; it is pending until bands cover it. */
  drawn(area: DamageArea, receivedAt: number, drawnAt: number): void {
    if (this.data.length < (this.count + 1) * FIELDS) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    const o = this.count++ * FIELDS;
    const d = this.data;
    d[o] = Math.max(0, area.left);
    d[o + 1] = Math.max(0, area.top);
    d[o + 2] = Math.min(this.width, area.right);
    d[o + 3] = Math.min(this.height, area.bottom);
    d[o + 4] = receivedAt;
    d[o + 5] = drawnAt;
  }

  /** `band` went to the front end at `now`: reports each update it completes (latency, drawn -> handed). */
  sent(band: readonly DamageArea[], now: number, handed: (latencyMs: number, addedMs: number) => void): void {
    const d = this.data;
    let kept = 0;
    for (let i = 0; i < this.count; i++) {
      const o = i * FIELDS;
      let left = d[o];
      let top = d[o + 1];
      let right = d[o + 2];
      let bottom = d[o + 3];
      for (const cut of band) {
        if (left >= right || top >= bottom) break;
        if (cut.left >= right || cut.right <= left || cut.top >= bottom || cut.bottom <= top) continue;
        if (cut.left <= left && cut.right >= right) {
          // Across its whole width: the rows above or below are left (both: the whole, as said).
          if (cut.top <= top) top = Math.min(bottom, cut.bottom);
          else if (cut.bottom >= bottom) bottom = cut.top;
        } else if (cut.top <= top && cut.bottom >= bottom) {
          if (cut.left <= left) left = Math.min(right, cut.right);
          else if (cut.right >= right) right = cut.left;
        }
      }
      if (left >= right || top >= bottom) {
        handed(now - d[o + 4], now - d[o + 5]);
        continue;
      }
      const k = kept++ * FIELDS;
      d[k] = left;
      d[k + 1] = top;
      d[k + 2] = right;
      d[k + 3] = bottom;
      d[k + 4] = d[o + 4];
      d[k + 5] = d[o + 5];
    }
    this.count = kept;
  }
}
