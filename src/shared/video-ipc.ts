/**
 * The part of the IPC contract that carries video streams to a renderer that decodes them itself
 * (WebCodecs VideoDecoder for VP8, VP9 and H.264; ImageDecoder / createImageBitmap for MJPEG).
 *
 * Before it connects, the renderer says which codecs it can decode (`videoCodecs`); the engine
 * then advertises exactly those to the server, and forwards each stream's life (created, encoded
 * frames, clip changes, destroyed) as events, in order with the damage events. A stream the
 * renderer cannot decode is reported back (`videoStreamFailed`): the engine drops it and the
 * server sends that area as ordinary images from then on.
 */

/** Codec names as the renderer reports them (SPICE's VideoCodecType 1 MJPEG, 2 VP8, 3 H.264, 4 VP9). */
export type VideoCodecName = 'mjpeg' | 'vp8' | 'h264' | 'vp9';
export const VIDEO_CODEC_NAMES: readonly VideoCodecName[] = ['mjpeg', 'vp8', 'h264', 'vp9'];

/** A rectangle of guest pixels. */
export interface VideoRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Requests renderer → host. */
export type VideoRequest =
  /** What this renderer decodes, best first; sent before connecting (empty: nothing). */
  | { readonly type: 'videoCodecs'; readonly codecs: readonly VideoCodecName[] }
  /** A stream could not be decoded here: the engine drops it and the server falls back to images. */
  | { readonly type: 'videoStreamFailed'; readonly displayId: number; readonly streamId: number };

/** A stream starts on a display channel's surface. */
export interface VideoStreamCreatedEvent {
  readonly type: 'videoStreamCreated';
  readonly displayId: number;
  readonly surfaceId: number;
  readonly streamId: number;
  readonly codec: VideoCodecName;
  /** False (SPICE's default): a decoded picture's first row is the bottom row; flip it. */
  readonly topDown: boolean;
  /** Size of the encoded frames. */
  readonly frameWidth: number;
  readonly frameHeight: number;
  /** Where frames go on the surface, scaled to fill it. */
  readonly dest: VideoRect;
  /** Paint only inside these rectangles; null: all of dest. */
  readonly clip: readonly VideoRect[] | null;
}

/** One encoded frame: a JPEG (tables restored) for MJPEG, one frame / access unit (Annex B for H.264) otherwise. */
export interface VideoFrameEvent {
  readonly type: 'videoFrame';
  readonly displayId: number;
  readonly streamId: number;
  readonly width: number;
  readonly height: number;
  /** Where this frame goes (sized frames carry their own). */
  readonly dest: VideoRect;
  readonly data: ArrayBuffer;
}

export interface VideoStreamClipEvent {
  readonly type: 'videoStreamClip';
  readonly displayId: number;
  readonly streamId: number;
  readonly clip: readonly VideoRect[] | null;
}

export interface VideoStreamDestroyedEvent {
  readonly type: 'videoStreamDestroyed';
  readonly displayId: number;
  readonly streamId: number;
}

export type VideoEvent = VideoStreamCreatedEvent | VideoFrameEvent | VideoStreamClipEvent | VideoStreamDestroyedEvent;
export const VIDEO_EVENT_TYPES = ['videoStreamCreated', 'videoFrame', 'videoStreamClip', 'videoStreamDestroyed'] as const satisfies readonly VideoEvent['type'][];
