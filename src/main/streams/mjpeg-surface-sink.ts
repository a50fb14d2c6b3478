import { decodeJpeg, type JpegDecoder } from '../../core/codecs/jpeg';
import { VideoCodecType } from '../../core/protocol/constants';
import type { Clip } from '../../core/protocol/display-types';
import type { ImageCodecs } from '../codecs/image-codecs';
import { putFrame } from './put-frame';
import type { EncodedVideoFrame, StreamSinkContext, VideoStreamInfo, VideoStreamSink, VideoStreamSinkFactory } from './stream-sink';

interface SinkStream {
  readonly surfaceId: number;
  readonly topDown: boolean;
  clip: Clip;
}

/**
 * The engine's own video sink: MJPEG frames (each one a JPEG) decoded here and drawn into the
 * surface at once, with the stream's placement and clip. This is what the command line uses —
 * it has no WebCodecs — so MJPEG is the only codec it offers the server.
 *
 * Frames are drawn as they arrive rather than held until their multimedia time, as spice-gtk
 * does: nothing is shown live from the engine's surface, and what matters to its users (a
 * screenshot, the surface the renderer mirrors) is the latest frame. Late frames are still
 * reported to the server as drops by the stream layer, so its bit rate adapts.
 */
export class MjpegSurfaceSink implements VideoStreamSink {
  readonly codecs = [VideoCodecType.MJPEG] as const;
  private readonly streams = new Map<number, SinkStream>();

  constructor(
    private readonly context: StreamSinkContext,
    private readonly decoder: JpegDecoder,
  ) {}

  create(stream: VideoStreamInfo): boolean {
    if (stream.codec !== VideoCodecType.MJPEG) return false;
    this.streams.set(stream.id, { surfaceId: stream.surfaceId, topDown: stream.topDown, clip: stream.clip });
    return true;
  }

  frame(frame: EncodedVideoFrame): void {
    const stream = this.streams.get(frame.streamId);
    if (!stream) return;
    const surface = this.context.surface(stream.surfaceId);
    if (!surface) return; // the surface went away before the server ended the stream
    const image = decodeJpeg(frame.data, this.decoder, undefined, `MJPEG frame of video stream ${frame.streamId}`);
    const damaged = putFrame(surface, image, stream.topDown, frame.dest, stream.clip);
    if (damaged) this.context.damage(surface, damaged);
  }

  clip(streamId: number, clip: Clip): void {
    const stream = this.streams.get(streamId);
    if (stream) stream.clip = clip;
  }

  destroy(streamId: number): void {
    this.streams.delete(streamId);
  }
}

/** A factory for DisplayChannel options: MJPEG in the engine with `decoder`. */
export function mjpegSurfaceSinkFactory(decoder: JpegDecoder): VideoStreamSinkFactory {
  return (context) => new MjpegSurfaceSink(context, decoder);
}

/** The sink when no JPEG decoder is available: it plays nothing and advertises no codec. */
export const NO_VIDEO_SINK_FACTORY: VideoStreamSinkFactory = () => ({
  codecs: [],
  create: () => false,
  frame: () => {},
  clip: () => {},
  destroy: () => {},
});

/** The engine's default: MJPEG in the engine when it has a JPEG decoder, no video otherwise. */
export function engineVideoSink(codecs: ImageCodecs): VideoStreamSinkFactory {
  return codecs.jpeg ? mjpegSurfaceSinkFactory(codecs.jpeg) : NO_VIDEO_SINK_FACTORY;
}
