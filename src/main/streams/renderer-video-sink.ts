import { VideoCodecType } from '../../core/protocol/constants';
import type { Clip, Rect } from '../../core/protocol/display-types';
import { ProtocolError } from '../../core/protocol/errors';
import type { VideoCodecName, VideoEvent, VideoRect } from '../../shared/video-ipc';
import { MAX_SURFACE_SIDE } from '../../shared/validation';
import type { EncodedVideoFrame, StreamSinkContext, VideoStreamInfo, VideoStreamSink, VideoStreamSinkFactory } from './stream-sink';

/** Receives each stream event for the renderer, with the buffers it may transfer instead of copy. */
export type VideoForwarder = (event: VideoEvent, transfer: ArrayBuffer[]) => void;

/** SPICE's codec numbers for the names the renderer reports. */
export const VIDEO_CODEC_TYPES: Readonly<Record<VideoCodecName, number>> = {
  mjpeg: VideoCodecType.MJPEG,
  vp8: VideoCodecType.VP8,
  h264: VideoCodecType.H264,
  vp9: VideoCodecType.VP9,
};

function codecName(codec: number): VideoCodecName | null {
  for (const [name, type] of Object.entries(VIDEO_CODEC_TYPES) as [VideoCodecName, number][]) if (type === codec) return name;
  return null;
}

/** A surface rectangle as the IPC carries it; null when it is empty or leaves the surface range. */
export function toVideoRect(rect: Rect): VideoRect | null {
  const left = Math.max(0, rect.left);
  const top = Math.max(0, rect.top);
  const right = Math.min(MAX_SURFACE_SIDE, rect.right);
  const bottom = Math.min(MAX_SURFACE_SIDE, rect.bottom);
  if (right <= left || bottom <= top || left >= MAX_SURFACE_SIDE || top >= MAX_SURFACE_SIDE) return null;
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/** A clip as the IPC carries it: null for 'none' (all of dest), else its non-empty rectangles. */
export function toVideoClip(clip: Clip): VideoRect[] | null {
  if (clip.type === 'none') return null;
  const rects: VideoRect[] = [];
  for (const rect of clip.rects) {
    const converted = toVideoRect(rect);
    if (converted) rects.push(converted);
  }
  return rects;
}

/**
 * The app's video sink: it decodes nothing. Each stream's life goes to the renderer as IPC events
 * (video-ipc.ts), the encoded frames copied out of the received message into buffers of their
 * own, which the transport may transfer. `codecs` is exactly what the renderer said it decodes,
 * so the server never starts a stream the renderer cannot play.
 *
 * The renderer decodes asynchronously, so a frame it cannot decode is known only later: it
 * reports the stream (`failed`), and the next frame of that stream throws here — the sink's
 * contract for a corrupt frame — so VideoStreams drops the stream and tells the server, which
 * then sends that area as ordinary images.
 */
export class RendererVideoSink implements VideoStreamSink {
  readonly codecs: readonly number[];
  private readonly live = new Set<number>();
  private readonly failed = new Set<number>();

  constructor(
    private readonly displayId: number,
    codecs: readonly VideoCodecName[],
    private readonly forward: VideoForwarder,
  ) {
    this.codecs = codecs.map((name) => VIDEO_CODEC_TYPES[name]);
  }

  create(stream: VideoStreamInfo): boolean {
    const codec = codecName(stream.codec);
    const dest = toVideoRect(stream.dest);
    if (codec === null || !this.codecs.includes(stream.codec) || dest === null) return false;
    this.live.add(stream.id);
    this.failed.delete(stream.id);
    this.forward(
      {
        type: 'videoStreamCreated',
        displayId: this.displayId,
        surfaceId: stream.surfaceId,
        streamId: stream.id,
        codec,
        topDown: stream.topDown,
        frameWidth: stream.frameWidth,
        frameHeight: stream.frameHeight,
        dest,
        clip: toVideoClip(stream.clip),
      },
      [],
    );
    return true;
  }

  frame(frame: EncodedVideoFrame): void {
    if (this.failed.delete(frame.streamId)) throw new ProtocolError(`the renderer could not decode video stream ${frame.streamId}`);
    if (!this.live.has(frame.streamId)) return;
    const dest = toVideoRect(frame.dest);
    if (dest === null) throw new ProtocolError(`a frame of video stream ${frame.streamId} goes to an empty or impossible place`);
    if (frame.data.length === 0) throw new ProtocolError(`an empty frame in video stream ${frame.streamId}`);
    // A copy: frame.data is a view into the received message, which the engine reuses.
    const data = frame.data.slice().buffer;
    this.forward({ type: 'videoFrame', displayId: this.displayId, streamId: frame.streamId, width: frame.width, height: frame.height, dest, data }, [data]);
  }

  clip(streamId: number, clip: Clip): void {
    if (!this.live.has(streamId)) return;
    this.forward({ type: 'videoStreamClip', displayId: this.displayId, streamId, clip: toVideoClip(clip) }, []);
  }

  destroy(streamId: number): void {
    this.failed.delete(streamId);
    if (!this.live.delete(streamId)) return;
    this.forward({ type: 'videoStreamDestroyed', displayId: this.displayId, streamId }, []);
  }

  /** The renderer could not decode this stream: its next frame ends it (see the class comment). */
  fail(streamId: number): void {
    if (this.live.has(streamId)) this.failed.add(streamId);
  }
}

/**
 * A factory for DisplayOptions.videoSink: one RendererVideoSink per display channel, all
 * forwarding to `forward`; `sinks` lets the host reach them to report failures.
 */
export function rendererVideoSinks(codecs: readonly VideoCodecName[], forward: VideoForwarder): { factory: VideoStreamSinkFactory; fail(displayId: number, streamId: number): void } {
  const sinks = new Map<number, RendererVideoSink>();
  return {
    factory: (context: StreamSinkContext) => {
      const sink = new RendererVideoSink(context.displayId, codecs, forward);
      sinks.set(context.displayId, sink);
      return sink;
    },
    fail: (displayId, streamId) => sinks.get(displayId)?.fail(streamId),
  };
}
