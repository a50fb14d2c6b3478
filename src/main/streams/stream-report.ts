import type { StreamReport } from '../../core/protocol/display-client-messages';

/**
 * Adaptive streaming, the client's half: after STREAM_ACTIVATE_REPORT the server wants to hear,
 * every so many frames, how many arrived and how many came too late, so its encoder can lower
 * or raise the bit rate. Semantics of spice-gtk's display_update_stream_report:
 *
 * - a frame is a drop when its margin (its multimedia time minus the client's clock) is
 *   negative on arrival;
 * - a report goes out when the window holds max_window_size frames, when timeout_ms have passed
 *   since the window's first frame, or after 3 drops in a row; then the window starts afresh.
 *
 * Pure logic: the clock is passed in, so tests drive it.
 */
export interface ReportActivation {
  readonly uniqueId: number;
  readonly maxWindowSize: number;
  readonly timeoutMs: number;
}

/** After this many late frames in a row a report goes out at once, whatever the window. */
export const DROP_SEQUENCE_LIMIT = 3;

/** No audio playback in this engine yet: spice.proto's value for "no audio". */
export const NO_AUDIO_DELAY = 0xffffffff;

export class StreamReportWindow {
  private frames = 0;
  private drops = 0;
  private dropsInARow = 0;
  private startFrameMmTime = 0;
  private startedAt = 0;

  constructor(
    private readonly streamId: number,
    private readonly activation: ReportActivation,
  ) {}

  /**
   * Counts one frame that arrived at `now` (ms, any monotonic clock) with multimedia time
   * `mmTime` and margin `marginMs`; returns the report to send, if one is due.
   */
  frameArrived(mmTime: number, marginMs: number, now: number): StreamReport | null {
    if (this.frames === 0) {
      this.startFrameMmTime = mmTime;
      this.startedAt = now;
    }
    this.frames++;
    if (marginMs < 0) {
      this.drops++;
      this.dropsInARow++;
    } else {
      this.dropsInARow = 0;
    }
    const { maxWindowSize, timeoutMs, uniqueId } = this.activation;
    if (this.frames < maxWindowSize && now - this.startedAt < timeoutMs && this.dropsInARow < DROP_SEQUENCE_LIMIT) return null;
    const report: StreamReport = {
      streamId: this.streamId,
      uniqueId,
      startFrameMmTime: this.startFrameMmTime,
      endFrameMmTime: mmTime,
      frames: this.frames,
      drops: this.drops,
      lastFrameDelay: Math.max(-0x80000000, Math.min(0x7fffffff, Math.round(marginMs))),
      audioDelay: NO_AUDIO_DELAY,
    };
    this.frames = 0;
    this.drops = 0;
    this.dropsInARow = 0;
    this.startFrameMmTime = 0;
    this.startedAt = 0;
    return report;
  }
}
