/**
 * The server's multimedia clock as seen from the renderer's audio clock. The host stamps each
 * sound event with the session's multimedia time when it sent it (ms, uint32, wrapping); the
 * renderer notes its own clock when the event arrives. The difference is the offset between the
 * two clocks plus the transport's delay, so the largest recent difference is the best estimate
 * (the least delayed sample). It decays slowly, so the two clocks may drift apart, and a jump
 * of the multimedia clock (the server set it anew) is taken at once.
 */

/** How fast the estimate may follow samples that say the offset shrank: 1 ms per second. */
const DECAY_MS_PER_MS = 0.001;
/** A sample this far below the estimate means the multimedia clock was set anew. */
const RESET_BELOW_MS = 250;

export class MmClock {
  /** The last multimedia time seen, raw and unwrapped (a continuous count of ms). */
  private lastRaw = 0;
  private lastUnwrapped = 0;
  /** multimedia ms − local ms, or null before the first sample. */
  private offsetMs: number | null = null;
  private lastLocalMs = 0;

  get ready(): boolean {
    return this.offsetMs !== null;
  }

  /** A multimedia time (raw uint32) as a continuous count, relative to the last one seen. */
  unwrap(raw: number): number {
    return this.lastUnwrapped + ((raw - this.lastRaw) | 0);
  }

  /** The host's multimedia clock read `mmTime` when it sent what arrived at local time `localMs`. */
  observe(mmTime: number, localMs: number): void {
    const unwrapped = this.offsetMs === null ? mmTime >>> 0 : this.unwrap(mmTime);
    this.lastRaw = mmTime >>> 0;
    this.lastUnwrapped = unwrapped;
    const sample = unwrapped - localMs;
    if (this.offsetMs === null || sample > this.offsetMs || sample < this.offsetMs - RESET_BELOW_MS) {
      this.offsetMs = sample;
    } else {
      const decayed = this.offsetMs - DECAY_MS_PER_MS * Math.max(0, localMs - this.lastLocalMs);
      this.offsetMs = Math.max(sample, decayed);
    }
    this.lastLocalMs = localMs;
  }

  /** The local time (ms) at which the multimedia clock reads `mmTime`; null before any sample. */
  localTimeOf(mmTime: number): number | null {
    return this.offsetMs === null ? null : this.unwrap(mmTime) - this.offsetMs;
  }

  reset(): void {
    this.offsetMs = null;
    this.lastRaw = 0;
    this.lastUnwrapped = 0;
  }
}
