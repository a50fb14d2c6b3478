/**
 * Validators for the video part of the IPC contract (video-ipc.ts), registered with the others in
 * ipc-validators.ts. Same rules: nothing the types do not describe, extra fields refused, errors
 * name the field and never echo a value.
 */
import { VIDEO_CODEC_NAMES, type VideoCodecName, type VideoEvent, type VideoRect, type VideoRequest } from './video-ipc';
import { isArrayBuffer, isInteger, MAX_SURFACE_SIDE, only, validateSurfaceRect as validateRect, type Fields } from './validation';

type MessageValidator<T> = (fields: Fields) => T | string;

/** spice-server has 50 stream slots; the engine refuses more than 256 live streams. */
const MAX_STREAM_ID = 0xffff_ffff;
const MAX_CLIP_RECTS = 1024;
/** One encoded frame: far above any real one (a 4K intra frame is a few MB). */
export const MAX_VIDEO_FRAME_BYTES = 32 * 1024 * 1024;

function isCodecName(value: unknown): value is VideoCodecName {
  return typeof value === 'string' && (VIDEO_CODEC_NAMES as readonly string[]).includes(value);
}

function validateClip(value: unknown): readonly VideoRect[] | null | string {
  if (value === null) return null;
  if (!Array.isArray(value) || value.length > MAX_CLIP_RECTS) return `clip must be null or a list of at most ${MAX_CLIP_RECTS} rectangles`;
  const rects: VideoRect[] = [];
  for (const item of value as unknown[]) {
    const rect = validateRect(item, 'a clip rectangle');
    if (typeof rect === 'string') return rect;
    rects.push(rect);
  }
  return rects;
}

function ids(f: Fields): { displayId: number; streamId: number } | string {
  if (!isInteger(f.displayId, 0, 255)) return 'displayId must be 0-255';
  if (!isInteger(f.streamId, 0, MAX_STREAM_ID)) return 'streamId out of range';
  return { displayId: f.displayId, streamId: f.streamId };
}

export const VIDEO_REQUEST_VALIDATORS: { readonly [K in VideoRequest['type']]: MessageValidator<VideoRequest> } = {
  videoCodecs: (f) => {
    const extra = only(f, ['codecs']);
    if (extra) return extra;
    if (!Array.isArray(f.codecs) || f.codecs.length > VIDEO_CODEC_NAMES.length) return 'codecs must be a list of codec names';
    const codecs: VideoCodecName[] = [];
    for (const codec of f.codecs as unknown[]) {
      if (!isCodecName(codec)) return `codecs may hold only ${VIDEO_CODEC_NAMES.join(', ')}`;
      if (codecs.includes(codec)) return 'codecs lists a codec twice';
      codecs.push(codec);
    }
    return { type: 'videoCodecs', codecs };
  },
  videoStreamFailed: (f) => {
    const extra = only(f, ['displayId', 'streamId']);
    if (extra) return extra;
    const checked = ids(f);
    return typeof checked === 'string' ? checked : { type: 'videoStreamFailed', ...checked };
  },
};

export const VIDEO_EVENT_VALIDATORS: { readonly [K in VideoEvent['type']]: MessageValidator<VideoEvent> } = {
  videoStreamCreated: (f) => {
    const extra = only(f, ['displayId', 'surfaceId', 'streamId', 'codec', 'topDown', 'frameWidth', 'frameHeight', 'dest', 'clip']);
    if (extra) return extra;
    const checked = ids(f);
    if (typeof checked === 'string') return checked;
    if (!isInteger(f.surfaceId, 0, 0xffff_ffff)) return 'surfaceId out of range';
    if (!isCodecName(f.codec)) return 'codec is unknown';
    if (typeof f.topDown !== 'boolean') return 'topDown must be a boolean';
    if (!isInteger(f.frameWidth, 1, MAX_SURFACE_SIDE) || !isInteger(f.frameHeight, 1, MAX_SURFACE_SIDE)) return 'frame size out of range';
    const dest = validateRect(f.dest, 'dest');
    if (typeof dest === 'string') return dest;
    const clip = validateClip(f.clip);
    if (typeof clip === 'string') return clip;
    return {
      type: 'videoStreamCreated',
      ...checked,
      surfaceId: f.surfaceId,
      codec: f.codec,
      topDown: f.topDown,
      frameWidth: f.frameWidth,
      frameHeight: f.frameHeight,
      dest,
      clip,
    };
  },
  videoFrame: (f) => {
    const extra = only(f, ['displayId', 'streamId', 'width', 'height', 'dest', 'data']);
    if (extra) return extra;
    const checked = ids(f);
    if (typeof checked === 'string') return checked;
    if (!isInteger(f.width, 1, MAX_SURFACE_SIDE) || !isInteger(f.height, 1, MAX_SURFACE_SIDE)) return 'frame size out of range';
    const dest = validateRect(f.dest, 'dest');
    if (typeof dest === 'string') return dest;
    if (!isArrayBuffer(f.data)) return 'data must be an ArrayBuffer';
    if (f.data.byteLength === 0 || f.data.byteLength > MAX_VIDEO_FRAME_BYTES) return `data must hold 1 to ${MAX_VIDEO_FRAME_BYTES} bytes`;
    return { type: 'videoFrame', ...checked, width: f.width, height: f.height, dest, data: f.data };
  },
  videoStreamClip: (f) => {
    const extra = only(f, ['displayId', 'streamId', 'clip']);
    if (extra) return extra;
    const checked = ids(f);
    if (typeof checked === 'string') return checked;
    const clip = validateClip(f.clip);
    return typeof clip === 'string' ? clip : { type: 'videoStreamClip', ...checked, clip };
  },
  videoStreamDestroyed: (f) => {
    const extra = only(f, ['displayId', 'streamId']);
    if (extra) return extra;
    const checked = ids(f);
    return typeof checked === 'string' ? checked : { type: 'videoStreamDestroyed', ...checked };
  },
};
