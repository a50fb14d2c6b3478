/**
 * Where each playback packet goes on the audio clock (seconds). A packet is due at its stamp's
 * local time plus the buffering the server asked for. Stamps are whole milliseconds and come in
 * bursts, so a packet due within `toleranceS` of where the previous one ended continues it
 * without a seam, and one due later starts after a gap, which stays silent (the same rule as
 * the command line's PcmTimeline). Packets never overlap. A packet whose time has passed is
 * dropped, or played at once from the part still to come; when the stream runs behind its
 * stamps by more than `maxLagS` (the page stalled), packets are dropped until it catches up, so
 * sound stays in step with the video, which carries the same clock.
 */

export interface Placement {
  /** Audio clock time (s) at which to start. */
  readonly start: number;
  /** Seconds into the packet to start from (its late part is skipped). */
  readonly offset: number;
}

/** Output latency beyond this is not compensated (a broken report). */
const MAX_OUTPUT_LATENCY_S = 0.5;

/**
 * When a packet should start on the audio clock (s): at its stamp's local time (ms), plus the
 * buffering the server asked for (PLAYBACK_LATENCY), less the output's own latency, so it is
 * heard, not merely rendered, on time.
 */
export function dueTime(localMs: number, serverLatencyS: number, outputLatencyS: number): number {
  const output = Number.isFinite(outputLatencyS) ? Math.min(MAX_OUTPUT_LATENCY_S, Math.max(0, outputLatencyS)) : 0;
  return localMs / 1000 + serverLatencyS - output;
}

export const DEFAULT_TOLERANCE_S = 0.03;
export const DEFAULT_MAX_LAG_S = 0.15;

export class PlaybackScheduler {
  /** Where the previous packet ends; null at the start and after a stop. */
  private cursor: number | null = null;
  /** Packets dropped because they were late or the stream lagged (for the log and tests). */
  dropped = 0;

  constructor(
    private readonly toleranceS = DEFAULT_TOLERANCE_S,
    private readonly maxLagS = DEFAULT_MAX_LAG_S,
  ) {}

  /**
   * Places a packet due at `due` lasting `duration` (s), `now` being the earliest time that can
   * still be scheduled. Returns null when the packet is dropped.
   */
  place(due: number, duration: number, now: number): Placement | null {
    const cursor = this.cursor;
    if (cursor !== null && cursor - due > this.maxLagS) {
      this.dropped++;
      return null;
    }
    const at = cursor === null || due - cursor > this.toleranceS ? due : cursor;
    this.cursor = at + duration;
    if (at + duration <= now) {
      this.dropped++;
      return null;
    }
    return at < now ? { start: now, offset: now - at } : { start: at, offset: 0 };
  }

  /** The stream stopped (or the clock was reset): the next packet is placed by its stamp alone. */
  reset(): void {
    this.cursor = null;
  }
}
