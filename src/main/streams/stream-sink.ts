import type { Clip, Rect } from '../../core/protocol/display-types';
import type { Logger } from '../session/logger';
import type { Surface } from '../surfaces/surface';

/**
 * The boundary between the engine's video-stream protocol handling (video-streams.ts: stream
 * table, validation, timing, adaptive-bit-rate reports) and whoever turns encoded frames into
 * pixels. The engine never decodes video itself: it hands each frame, with where it goes, to a
 * sink.
 *
 * - The command line's sink (mjpeg-surface-sink.ts) decodes MJPEG in the engine and draws the
 *   frames into the engine's surface, as spice-gtk does.
 * - The app's sink (renderer-video-sink.ts) forwards the frames encoded to the renderer, where
 *   WebCodecs' VideoDecoder (VP8, VP9, H.264) or createImageBitmap (MJPEG) decodes and paints
 *   them.
 *
 * Which codecs a sink lists in `codecs` is exactly what the display channel advertises
 * (CODEC_* capabilities), so the server never starts a stream no sink can play.
 */
export interface VideoStreamSink {
  /** Video codecs (VideoCodecType values) this sink can play, in order of preference. */
  readonly codecs: readonly number[];
  /**
   * A stream starts. Return false if it cannot be played after all: the server is told (a
   * STREAM_REPORT saying "not supported") and sends that screen area as ordinary images.
   */
  create(stream: VideoStreamInfo): boolean;
  /**
   * One encoded frame of a stream create() accepted. `frame.data` is a view into the received
   * message: copy it if it is kept after the call returns (or transferred elsewhere). Throwing
   * (a ProtocolError for a corrupt frame) makes the engine drop the stream and tell the server,
   * which then falls back to images for that area.
   */
  frame(frame: EncodedVideoFrame): void;
  /** The visible part of a stream changed (a window moved over it): paint only inside `clip`. */
  clip(streamId: number, clip: Clip): void;
  /** The stream ended (STREAM_DESTROY, STREAM_DESTROY_ALL, the channel closing, or a failure). */
  destroy(streamId: number): void;
}

/** A video stream as STREAM_CREATE announced it. */
export interface VideoStreamInfo {
  /** The stream id, unique among the live streams of one display channel. */
  readonly id: number;
  /** The surface the frames are drawn on (the primary surface in practice). */
  readonly surfaceId: number;
  /** VideoCodecType. */
  readonly codec: number;
  /**
   * Whether a decoded frame's first row is its top row. When false (SPICE's default, no
   * TOP_DOWN flag), the decoded picture is upside down and must be flipped vertically.
   */
  readonly topDown: boolean;
  /** Size of the encoded frames (src_width × src_height). */
  readonly frameWidth: number;
  readonly frameHeight: number;
  /** Where on the surface frames go, scaled to fill it (nearest neighbour, as spice-gtk). */
  readonly dest: Rect;
  /** Paint only inside these rectangles of the surface ('none': all of dest). */
  readonly clip: Clip;
}

/** One encoded frame (STREAM_DATA or STREAM_DATA_SIZED). */
export interface EncodedVideoFrame {
  readonly streamId: number;
  /** One complete frame: a JPEG for MJPEG, one access unit / frame for VP8, VP9, H.264. */
  readonly data: Uint8Array;
  /** The server's multimedia time (ms) at which the frame should be shown. */
  readonly mmTime: number;
  /**
   * mmTime minus the client's estimate of the server's multimedia clock when the frame arrived
   * (ms): how long the sink may wait before showing it. Negative: the frame is already late.
   */
  readonly marginMs: number;
  /** Encoded size of this frame (a sized frame may differ from the stream's). */
  readonly width: number;
  readonly height: number;
  /** Where this frame goes (a sized frame carries its own destination). */
  readonly dest: Rect;
}

/** What a sink that draws in the engine may use: the channel's surfaces and its damage report. */
export interface StreamSinkContext {
  /** The display channel's id (spice-gtk's display id): which of the session's displays this is. */
  readonly displayId: number;
  surface(surfaceId: number): Surface | undefined;
  /** Pixels of `surface` changed inside `rect` (already clipped to the surface). */
  damage(surface: Surface, rect: Rect): void;
  readonly log: Logger;
}

/** Makes one sink per display channel. */
export type VideoStreamSinkFactory = (context: StreamSinkContext) => VideoStreamSink;
