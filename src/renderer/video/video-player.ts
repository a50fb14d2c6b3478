import type { DamageEvent } from '../../shared/ipc';
import type { CopyAreaEvent } from '../../shared/copy-area-ipc';
import type { VideoCodecName, VideoFrameEvent, VideoRect, VideoStreamClipEvent, VideoStreamCreatedEvent, VideoStreamDestroyedEvent } from '../../shared/video-ipc';
import type { DecodedPicture, StreamDecoder } from './stream-decoder-types';
import { copyVideoPixels } from './video-composite';

/** A decoded frame at the head of the queue waits at most this long before its stream is given up. */
const MAX_HEAD_WAIT_MS = 3000;
const WATCHDOG_INTERVAL_MS = 500;

/** The stream's state as painting sees it: changed in event order, when the queue gets there. */
interface PaintedStream<P extends DecodedPicture> {
  readonly displayId: number;
  readonly surfaceId: number;
  readonly topDown: boolean;
  clip: readonly VideoRect[] | null;
  /** The latest frame painted (RGBA of lastDest's size), for covering stale damage. */
  lastFrame: Uint8ClampedArray<ArrayBuffer> | null;
  lastDest: VideoRect | null;
  readonly render: FrameRender<P>;
}

/** Draws a decoded picture into dest-sized RGBA: scaled, flipped when not top-down (frame-renderer.ts). */
export type FrameRender<P extends DecodedPicture> = (picture: P, dest: VideoRect, topDown: boolean) => Uint8ClampedArray<ArrayBuffer>;

/** What the player paints into: the renderer's copy of the surfaces (DisplayModel). */
export interface VideoSurfaces {
  coverPatch: ((displayId: number, pixels: Uint8ClampedArray, area: VideoRect) => void) | null;
  /** Whether coverPatch may change anything on a display now (set by the player). */
  videoShown?: ((displayId: number) => boolean) | null;
  damage(event: DamageEvent): void;
  /** Pixels moved inside a surface (COPY_BITS), in order with the damage. */
  copyArea(event: CopyAreaEvent): void;
  /** False when the surface is gone. */
  videoFrame(displayId: number, surfaceId: number, frame: Uint8ClampedArray<ArrayBuffer>, dest: VideoRect, clip: readonly VideoRect[] | null): boolean;
}

/** The stream's state as decoding sees it: changed as events arrive. */
interface DecodingStream<P extends DecodedPicture> {
  readonly codec: VideoCodecName;
  readonly decoder: StreamDecoder<P>;
  failed: boolean;
}

/** One step of painting, in the order the host sent it; a frame is ready once decoded. */
interface QueueEntry {
  ready: boolean;
  run: () => void;
  /** Frees what run() would have used, when the entry is dropped instead (reset). */
  discard?: () => void;
  readonly key: string | null;
  readonly since: number;
}

export interface VideoCounts {
  /** Streams started here, by codec. */
  readonly streams: Partial<Record<VideoCodecName, number>>;
  /** Frames decoded and painted here, by codec. */
  readonly frames: Partial<Record<VideoCodecName, number>>;
  /** Streams given up (undecodable) and reported to the server. */
  readonly failed: number;
}

export interface VideoPlayerDeps<P extends DecodedPicture> {
  readonly model: VideoSurfaces;
  /** Makes a stream's decoder (stream-decoder.ts; a fake in tests). */
  createDecoder(codec: VideoCodecName): StreamDecoder<P>;
  /** Makes a stream's frame renderer (frame-renderer.ts; a fake in tests). */
  createRender(): FrameRender<P>;
  /** Tells the host a stream cannot be played here. */
  streamFailed(displayId: number, streamId: number): void;
  readonly log?: (message: string) => void;
  readonly now?: () => number;
}

const streamKey = (displayId: number, streamId: number): string => `${displayId}:${streamId}`;

/**
 * Plays the video streams the engine forwards (renderer-video-sink.ts) and keeps them in order
 * with the damage: every host event becomes a step of one queue, painted strictly in arrival
 * order; a frame's step is ready when its decode finishes, and the steps behind it wait. So a
 * window drawn over a video after a frame is never painted under it, whatever the decoder's
 * latency.
 *
 * A stream that cannot be decoded (decoder error, no key frame to start from, a frame stuck in
 * the decoder) is closed and reported to the host, which drops it: the server then sends that
 * area as ordinary images.
 */
export class VideoPlayer<P extends DecodedPicture> {
  private readonly queue: QueueEntry[] = [];
  private readonly painted = new Map<string, PaintedStream<P>>();
  private readonly decoding = new Map<string, DecodingStream<P>>();
  private readonly reportedUnknown = new Set<string>();
  private readonly streamCounts: Partial<Record<VideoCodecName, number>> = {};
  private readonly frameCounts: Partial<Record<VideoCodecName, number>> = {};
  private failedCount = 0;
  private watchdog: ReturnType<typeof setInterval> | null = null;
  /** Bumped by reset(): decodes that finish after it belong to a session that is gone. */
  private generation = 0;
  private readonly now: () => number;

  constructor(private readonly deps: VideoPlayerDeps<P>) {
    this.now = deps.now ?? (() => performance.now());
    deps.model.coverPatch = (displayId, pixels, area) => this.cover(displayId, pixels, area);
    deps.model.videoShown = (displayId) => {
      for (const stream of this.painted.values()) if (stream.displayId === displayId && stream.lastFrame) return true;
      return false;
    };
  }

  get counts(): VideoCounts {
    return { streams: { ...this.streamCounts }, frames: { ...this.frameCounts }, failed: this.failedCount };
  }

  /**
   * A damage event's pixel buffers belong to the transport again once the event is delivered
   * (the browser shell's event stream reads the next records into them): damage that has to wait
   * behind frames still decoding keeps copies.
   */
  damage(event: DamageEvent): void {
    if (this.queue.length === 0) {
      this.deps.model.damage(event);
      return;
    }
    const kept: DamageEvent = { ...event, patches: event.patches.map((patch) => ({ ...patch, rgba: patch.rgba.slice(0) })) };
    this.enqueue(() => this.deps.model.damage(kept));
  }

  /** A copy waits behind frames still decoding, like damage: they were drawn before it. */
  copyArea(event: CopyAreaEvent): void {
    this.enqueue(() => this.deps.model.copyArea(event));
  }

  created(event: VideoStreamCreatedEvent): void {
    const key = streamKey(event.displayId, event.streamId);
    this.decoding.get(key)?.decoder.close();
    this.reportedUnknown.delete(key);
    let decoder: StreamDecoder<P>;
    try {
      decoder = this.deps.createDecoder(event.codec);
    } catch (error) {
      this.deps.log?.(`video stream ${event.streamId}: no ${event.codec} decoder here (${error instanceof Error ? error.message : String(error)})`);
      this.failedCount++;
      this.deps.streamFailed(event.displayId, event.streamId);
      return;
    }
    this.decoding.set(key, { codec: event.codec, decoder, failed: false });
    this.streamCounts[event.codec] = (this.streamCounts[event.codec] ?? 0) + 1;
    this.enqueue(() => {
      this.painted.set(key, {
        displayId: event.displayId,
        surfaceId: event.surfaceId,
        topDown: event.topDown,
        clip: event.clip,
        lastFrame: null,
        lastDest: null,
        render: this.deps.createRender(),
      });
    });
  }

  frame(event: VideoFrameEvent): void {
    const key = streamKey(event.displayId, event.streamId);
    const stream = this.decoding.get(key);
    if (!stream) {
      // A stream this renderer never saw start (it said ready again midway): it cannot be decoded here.
      if (!this.reportedUnknown.has(key)) {
        this.reportedUnknown.add(key);
        this.deps.streamFailed(event.displayId, event.streamId);
      }
      return;
    }
    if (stream.failed) return;
    const entry: QueueEntry = { ready: false, run: () => {}, key, since: this.now() };
    this.queue.push(entry);
    this.startWatchdog();
    const generation = this.generation;
    stream.decoder.decode(event.data).then(
      (picture) => {
        if (generation !== this.generation) {
          picture?.close();
          return;
        }
        entry.run = () => this.paint(key, stream.codec, picture, event.dest);
        entry.discard = () => picture?.close();
        entry.ready = true;
        this.drain();
      },
      (error: unknown) => {
        if (generation !== this.generation) return;
        this.fail(key, error instanceof Error ? error.message : String(error));
        entry.ready = true;
        this.drain();
      },
    );
  }

  clip(event: VideoStreamClipEvent): void {
    const key = streamKey(event.displayId, event.streamId);
    this.enqueue(() => {
      const stream = this.painted.get(key);
      if (stream) stream.clip = event.clip;
    });
  }

  destroyed(event: VideoStreamDestroyedEvent): void {
    const key = streamKey(event.displayId, event.streamId);
    const stream = this.decoding.get(key);
    this.decoding.delete(key);
    stream?.decoder.close();
    this.enqueue(() => this.painted.delete(key));
  }

  /** The session ended: every stream and step goes. */
  reset(): void {
    for (const stream of this.decoding.values()) stream.decoder.close();
    this.decoding.clear();
    this.painted.clear();
    for (const entry of this.queue.splice(0)) entry.discard?.();
    this.generation++;
    this.reportedUnknown.clear();
    this.stopWatchdog();
  }

  dispose(): void {
    this.reset();
    if (this.deps.model.coverPatch) this.deps.model.coverPatch = null;
    if (this.deps.model.videoShown) this.deps.model.videoShown = null;
  }

  private enqueue(run: () => void): void {
    if (this.queue.length === 0) {
      run();
      return;
    }
    this.queue.push({ ready: true, run, key: null, since: this.now() });
  }

  private drain(): void {
    while (this.queue.length > 0 && this.queue[0].ready) {
      const entry = this.queue.shift()!;
      entry.run();
    }
    if (this.queue.length === 0) this.stopWatchdog();
  }

  private paint(key: string, codec: VideoCodecName, picture: P | null, dest: VideoRect): void {
    if (!picture) return;
    try {
      const stream = this.painted.get(key);
      if (!stream) return; // destroyed meanwhile, or failed
      // The renderer may reuse its buffer for the next frame: what is kept is always the latest.
      const pixels = stream.render(picture, dest, stream.topDown);
      if (!this.deps.model.videoFrame(stream.displayId, stream.surfaceId, pixels, dest, stream.clip)) {
        stream.lastFrame = null;
        stream.lastDest = null;
        return;
      }
      stream.lastFrame = pixels;
      stream.lastDest = dest;
      this.frameCounts[codec] = (this.frameCounts[codec] ?? 0) + 1;
    } finally {
      picture.close();
    }
  }

  /** Damage from the engine over a playing stream: the stream's latest frame stays on top, inside its clip. */
  private cover(displayId: number, pixels: Uint8ClampedArray, area: VideoRect): void {
    for (const stream of this.painted.values()) {
      if (stream.displayId !== displayId || !stream.lastFrame || !stream.lastDest) continue;
      copyVideoPixels(stream.lastFrame, stream.lastDest, stream.clip, pixels, area);
    }
  }

  private fail(key: string, reason: string): void {
    const stream = this.decoding.get(key);
    if (!stream || stream.failed) return;
    stream.failed = true;
    stream.decoder.close();
    this.failedCount++;
    const [displayId, streamId] = key.split(':').map(Number);
    this.deps.log?.(`video stream ${streamId}: ${reason}; the server will send images instead`);
    this.deps.streamFailed(displayId, streamId);
    // Its frames are no longer shown or kept over damage (the server repaints the area).
    this.enqueue(() => this.painted.delete(key));
  }

  private startWatchdog(): void {
    if (this.watchdog !== null) return;
    this.watchdog = setInterval(() => {
      const head = this.queue[0];
      if (!head || head.ready || head.key === null) return;
      if (this.now() - head.since < MAX_HEAD_WAIT_MS) return;
      // The decoder holds this frame back and nothing follows to push it out: give the stream up.
      this.fail(head.key, 'a frame stayed inside the decoder');
      for (const entry of this.queue) if (entry.key === head.key && !entry.ready) entry.ready = true;
      this.drain();
    }, WATCHDOG_INTERVAL_MS);
  }

  private stopWatchdog(): void {
    if (this.watchdog !== null) clearInterval(this.watchdog);
    this.watchdog = null;
  }
}
