import type { VideoCodecName } from '../../shared/video-ipc';
import { WEBCODECS_STRINGS } from './codec-probe';
import { isKeyFrame } from './keyframes';
import { VideoDecodeError, type StreamDecoder } from './stream-decoder-types';

/**
 * A picture the browser decoded, as frame-renderer.ts takes it: RGBA bytes already (a VideoFrame
 * converted with copyTo: a 1080p I420 frame in 1.8 ms here, against 20.9 ms to draw it on a
 * canvas and read it back — medians of 30, docs/architecture.md), or something a canvas draws
 * (an ImageBitmap from a JPEG; a VideoFrame when this browser's copyTo cannot convert to RGBA).
 */
export type DrawablePicture =
  | { readonly kind: 'rgba'; readonly width: number; readonly height: number; readonly rgba: Uint8ClampedArray<ArrayBuffer>; close(): void }
  | { readonly kind: 'image'; readonly source: CanvasImageSource; close(): void };

/** RGBA buffers of one size, reused: a fresh 8 MB array per 1080p frame costs more than the decode. */
class BufferPool {
  private readonly free: Uint8ClampedArray<ArrayBuffer>[] = [];
  private bytes = 0;

  take(bytes: number): Uint8ClampedArray<ArrayBuffer> {
    if (bytes !== this.bytes) {
      this.free.length = 0;
      this.bytes = bytes;
    }
    return this.free.pop() ?? new Uint8ClampedArray(bytes);
  }

  give(buffer: Uint8ClampedArray<ArrayBuffer>): void {
    if (buffer.length === this.bytes && this.free.length < 4) this.free.push(buffer);
  }
}

interface Pending {
  resolve(picture: DrawablePicture | null): void;
  reject(error: Error): void;
}

/**
 * WebCodecs VideoDecoder for VP8, VP9 and H.264 (Annex B: configured without a description).
 * Chunks carry a sequence number as their timestamp; the streams SPICE sends have no frame
 * reordering (x264 runs with zero latency: no B-frames), so an output for number N means the
 * frames before N will never come out and are resolved as skipped.
 */
class WebCodecsStreamDecoder implements StreamDecoder<DrawablePicture> {
  private readonly decoder: VideoDecoder;
  private readonly pending = new Map<number, Pending>();
  private next = 0;
  private broken: Error | null = null;
  private started = false;
  private readonly pool = new BufferPool();
  /** Whether copyTo converts to RGBA here (false once it refused: frames go to a canvas then). */
  private convertsToRgba = true;

  constructor(private readonly codec: Exclude<VideoCodecName, 'mjpeg'>) {
    this.decoder = new VideoDecoder({
      output: (frame) => this.output(frame),
      error: (error) => this.fail(new VideoDecodeError(`the ${codec} decoder failed: ${error.message}`)),
    });
    this.decoder.configure({ codec: WEBCODECS_STRINGS[codec], optimizeForLatency: true });
  }

  decode(data: ArrayBuffer): Promise<DrawablePicture | null> {
    if (this.broken) return Promise.reject(this.broken);
    const bytes = new Uint8Array(data);
    const key = isKeyFrame(this.codec, bytes);
    if (!this.started && !key) {
      // Joined midway (or a corrupt first frame): nothing can be decoded until a key frame.
      this.fail(new VideoDecodeError(`the ${this.codec} stream does not start with a key frame`));
      return Promise.reject(this.broken ?? new VideoDecodeError('decoder closed'));
    }
    this.started = true;
    const timestamp = this.next++;
    const result = new Promise<DrawablePicture | null>((resolve, reject) => this.pending.set(timestamp, { resolve, reject }));
    try {
      this.decoder.decode(new EncodedVideoChunk({ type: key ? 'key' : 'delta', timestamp, data: bytes }));
    } catch (error) {
      this.fail(new VideoDecodeError(`the ${this.codec} decoder refused a frame: ${error instanceof Error ? error.message : String(error)}`));
    }
    return result;
  }

  close(): void {
    if (this.broken || this.decoder.state === 'closed') return;
    // Frames still inside the decoder come out first; then it goes.
    this.decoder
      .flush()
      .catch(() => {})
      .finally(() => this.fail(new VideoDecodeError('the stream ended')));
  }

  private output(frame: VideoFrame): void {
    const timestamp = frame.timestamp;
    const mine = this.pending.get(timestamp);
    if (!mine) {
      frame.close();
      return;
    }
    for (const [earlier, skipped] of this.pending) {
      if (earlier >= timestamp) break;
      skipped.resolve(null);
      this.pending.delete(earlier);
    }
    this.pending.delete(timestamp);
    if (!this.convertsToRgba) {
      mine.resolve({ kind: 'image', source: frame, close: () => frame.close() });
      return;
    }
    const width = frame.displayWidth;
    const height = frame.displayHeight;
    const rgba = this.pool.take(width * height * 4);
    frame.copyTo(rgba, { format: 'RGBA' }).then(
      () => {
        frame.close();
        mine.resolve({ kind: 'rgba', width, height, rgba, close: () => this.pool.give(rgba) });
      },
      () => {
        // This browser's copyTo does not convert: draw the frame on a canvas instead.
        this.convertsToRgba = false;
        mine.resolve({ kind: 'image', source: frame, close: () => frame.close() });
      },
    );
  }

  private fail(error: Error): void {
    if (!this.broken) this.broken = error;
    for (const waiting of this.pending.values()) waiting.reject(this.broken);
    this.pending.clear();
    if (this.decoder.state !== 'closed') this.decoder.close();
  }
}

/** MJPEG: each frame a JPEG, decoded by the browser's image decoder (createImageBitmap). */
class JpegStreamDecoder implements StreamDecoder<DrawablePicture> {
  private closed = false;

  async decode(data: ArrayBuffer): Promise<DrawablePicture | null> {
    if (this.closed) throw new VideoDecodeError('the stream ended');
    try {
      const bitmap = await createImageBitmap(new Blob([data], { type: 'image/jpeg' }));
      return { kind: 'image', source: bitmap, close: () => bitmap.close() };
    } catch (error) {
      throw new VideoDecodeError(`an MJPEG frame did not decode: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  close(): void {
    this.closed = true;
  }
}

export function createStreamDecoder(codec: VideoCodecName): StreamDecoder<DrawablePicture> {
  return codec === 'mjpeg' ? new JpegStreamDecoder() : new WebCodecsStreamDecoder(codec);
}
