import type { VideoCodecName } from '../../shared/video-ipc';
import { WEBCODECS_STRINGS } from './codec-probe';
import { isKeyFrame } from './keyframes';
import { VideoDecodeError, type DecodedPicture, type StreamDecoder } from './stream-decoder-types';

/** A picture the browser decoded (a VideoFrame or an ImageBitmap): what frame-renderer.ts draws. */
export interface DrawablePicture extends DecodedPicture {
  readonly source: CanvasImageSource;
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
    mine.resolve({ source: frame, close: () => frame.close() });
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
      return { source: bitmap, close: () => bitmap.close() };
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
