/**
 * A fixed stretch of time, as s16le PCM, into which playback packets are placed at their
 * multimedia time: where no packet sounded, silence stays.
 *
 * Stamps are whole milliseconds taken when the server queued the samples, so consecutive
 * packets do not line up exactly: a packet stamped within `toleranceMs` of where the previous
 * one ended continues it seamlessly; one stamped later than that starts after a gap of silence.
 * Stamps earlier than the end of the previous packet (a burst) never overwrite: they continue it.
 */
export class PcmTimeline {
  readonly samples: Uint8Array;
  readonly frames: number;
  private readonly frameBytes: number;
  private readonly toleranceFrames: number;
  /** Frame after the last packet placed; null at the start and after a stop. */
  private cursor: number | null = null;
  packets = 0;
  /** Frames of sound placed inside the stretch. */
  soundFrames = 0;

  constructor(
    readonly frequency: number,
    readonly channels: number,
    /** Multimedia time (ms) of the stretch's first frame. */
    readonly startTime: number,
    durationMs: number,
    toleranceMs = 30,
  ) {
    this.frameBytes = 2 * channels;
    this.frames = Math.round((durationMs * frequency) / 1000);
    this.samples = new Uint8Array(this.frames * this.frameBytes);
    this.toleranceFrames = Math.round((toleranceMs * frequency) / 1000);
  }

  /** Where a multimedia time falls, in frames from the start (uint32 stamps wrap). */
  frameAt(time: number): number {
    const deltaMs = ((time - this.startTime) | 0);
    return Math.round((deltaMs * this.frequency) / 1000);
  }

  /** Places one packet of PCM stamped `time`; the part outside the stretch is dropped. */
  place(time: number, pcm: Uint8Array): void {
    const frames = Math.floor(pcm.byteLength / this.frameBytes);
    if (frames === 0) return;
    const byTime = this.frameAt(time);
    const at = this.cursor === null || byTime - this.cursor > this.toleranceFrames ? byTime : this.cursor;
    this.cursor = at + frames;
    this.packets++;
    const first = Math.max(0, at);
    const last = Math.min(this.frames, at + frames);
    if (last <= first) return;
    this.samples.set(pcm.subarray((first - at) * this.frameBytes, (last - at) * this.frameBytes), first * this.frameBytes);
    this.soundFrames += last - first;
  }

  /** The stream stopped: the next packet is placed by its stamp alone. */
  stop(): void {
    this.cursor = null;
  }
}
