import { DisplayCap, ImageCompression, VideoCodecType } from '../../core/protocol/constants';
import type { ImageCodecs } from '../codecs/image-codecs';
import type { OffThreadDecoder } from '../codecs/off-thread-decoder';
import type { VideoStreamSinkFactory } from '../streams/stream-sink';

/** Image compressions a client may ask for (SPICE_MSGC_DISPLAY_PREFERRED_COMPRESSION), by their spice-gtk names. */
export const IMAGE_COMPRESSION_NAMES = ['off', 'auto-glz', 'auto-lz', 'quic', 'glz', 'lz', 'lz4'] as const;
export type ImageCompressionName = (typeof IMAGE_COMPRESSION_NAMES)[number];

export const IMAGE_COMPRESSION_VALUES: Readonly<Record<ImageCompressionName, number>> = {
  off: ImageCompression.OFF,
  'auto-glz': ImageCompression.AUTO_GLZ,
  'auto-lz': ImageCompression.AUTO_LZ,
  quic: ImageCompression.QUIC,
  glz: ImageCompression.GLZ,
  lz: ImageCompression.LZ,
  lz4: ImageCompression.LZ4,
};

export function isImageCompressionName(name: string): name is ImageCompressionName {
  return (IMAGE_COMPRESSION_NAMES as readonly string[]).includes(name);
}

/** How a session's display channels decode and what they ask the server for. */
export interface DisplayOptions {
  /**
   * The image compression to ask the server for; absent: the server's own setting (what
   * remote-viewer does unless told). The server honours it for images it compresses from then
   * on (lz4 needs a server built with LZ4, as Debian's is).
   */
  readonly imageCompression?: ImageCompressionName;
  /**
   * Who plays video streams. Default: MJPEG decoded in the engine into the surface (when a JPEG
   * decoder is installed), nothing else; the app may pass a sink that decodes in the renderer.
   */
  readonly videoSink?: VideoStreamSinkFactory;
  /** Runtime-dependent decoders (zlib, JPEG). Default: the engine's (engineImageCodecs()). */
  readonly codecs?: ImageCodecs;
  /** Decodes large QUIC images on another thread (the front ends' engine); absent: all in line. */
  readonly offThreadDecoder?: OffThreadDecoder;
}

/** What the session adds for each display channel. */
export interface DisplayChannelOptions extends DisplayOptions {
  /** The client's estimate of the server's multimedia clock (ms, uint32), for stream timing. */
  readonly multimediaTime?: () => number;
}

/** The display capability that announces each video codec (spice-protocol's enums.h). */
export const VIDEO_CODEC_CAPS: Readonly<Record<number, number>> = {
  [VideoCodecType.MJPEG]: DisplayCap.CODEC_MJPEG,
  [VideoCodecType.VP8]: DisplayCap.CODEC_VP8,
  [VideoCodecType.H264]: DisplayCap.CODEC_H264,
  [VideoCodecType.VP9]: DisplayCap.CODEC_VP9,
  [VideoCodecType.H265]: DisplayCap.CODEC_H265,
};

/**
 * The capabilities for what this client decodes: LZ4 images, sized streams, stream reports, and
 * the video codecs the sink plays. MULTI_CODEC is always sent: without it the server assumes
 * MJPEG, which a sink without codecs cannot play. (PREF_COMPRESSION is the server's capability:
 * it says the server accepts PREFERRED_COMPRESSION; spice-gtk checks it and never sends it.)
 */
export function decodingCaps(videoCodecs: readonly number[]): number[] {
  const caps: number[] = [
    DisplayCap.LZ4_COMPRESSION,
    DisplayCap.SIZED_STREAM,
    DisplayCap.STREAM_REPORT,
    DisplayCap.MULTI_CODEC,
  ];
  for (const codec of videoCodecs) {
    const cap = VIDEO_CODEC_CAPS[codec];
    if (cap !== undefined && !caps.includes(cap)) caps.push(cap);
  }
  return caps;
}
