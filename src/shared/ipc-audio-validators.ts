/**
 * Validators for the sound messages of ipc-audio.ts, in the style of ipc-validators.ts (which
 * merges them into its tables): nothing beyond the described fields, every number in range, a
 * reason that names the field and never repeats a value.
 */
import {
  AUDIO_MODES,
  MAX_AUDIO_CHANNELS,
  MAX_AUDIO_FREQUENCY,
  MAX_AUDIO_PACKET_BYTES,
  MAX_PLAYBACK_LATENCY_MS,
  MIN_AUDIO_FREQUENCY,
  type AudioHostEvent,
  type AudioHostRequest,
  type AudioMode,
} from './ipc-audio';
import { isArrayBuffer, isInteger, only, type Fields } from './validation';

type Check<T> = (fields: Fields) => T | string;

const UINT32_MAX = 0xffff_ffff;
const VOLUME_MAX = 0xffff;

function isMode(value: unknown): value is AudioMode {
  return typeof value === 'string' && (AUDIO_MODES as readonly string[]).includes(value);
}

function checkFormat(f: Fields): string | null {
  if (!isMode(f.mode)) return 'mode must be "raw" or "opus"';
  if (!isInteger(f.channels, 1, MAX_AUDIO_CHANNELS)) return `channels must be 1 to ${MAX_AUDIO_CHANNELS}`;
  if (!isInteger(f.frequency, MIN_AUDIO_FREQUENCY, MAX_AUDIO_FREQUENCY)) return `frequency must be ${MIN_AUDIO_FREQUENCY} to ${MAX_AUDIO_FREQUENCY} Hz`;
  return null;
}

function checkPacket(data: unknown): string | null {
  if (!isArrayBuffer(data)) return 'data must be an ArrayBuffer';
  if (data.byteLength === 0 || data.byteLength > MAX_AUDIO_PACKET_BYTES) return `data must hold 1 to ${MAX_AUDIO_PACKET_BYTES} bytes`;
  return null;
}

export const AUDIO_EVENT_VALIDATORS: { readonly [K in AudioHostEvent['type']]: Check<AudioHostEvent> } = {
  playbackStart: (f) => {
    const problem = only(f, ['mode', 'channels', 'frequency', 'time', 'mmTime']) ?? checkFormat(f);
    if (problem) return problem;
    if (!isInteger(f.time, 0, UINT32_MAX) || !isInteger(f.mmTime, 0, UINT32_MAX)) return 'time and mmTime must be uint32 milliseconds';
    return { type: 'playbackStart', mode: f.mode as AudioMode, channels: f.channels as number, frequency: f.frequency as number, time: f.time, mmTime: f.mmTime };
  },
  playbackData: (f) => {
    const problem = only(f, ['mode', 'time', 'mmTime', 'data']) ?? (isMode(f.mode) ? null : 'mode must be "raw" or "opus"') ?? checkPacket(f.data);
    if (problem) return problem;
    if (!isInteger(f.time, 0, UINT32_MAX) || !isInteger(f.mmTime, 0, UINT32_MAX)) return 'time and mmTime must be uint32 milliseconds';
    return { type: 'playbackData', mode: f.mode as AudioMode, time: f.time, mmTime: f.mmTime, data: f.data as ArrayBuffer };
  },
  playbackStop: (f) => only(f, []) ?? { type: 'playbackStop' },
  playbackVolume: (f) => {
    const problem = only(f, ['volumes']);
    if (problem) return problem;
    const volumes = f.volumes;
    if (!Array.isArray(volumes) || volumes.length < 1 || volumes.length > MAX_AUDIO_CHANNELS || !volumes.every((v) => isInteger(v, 0, VOLUME_MAX))) {
      return `volumes must be 1 to ${MAX_AUDIO_CHANNELS} levels of 0 to ${VOLUME_MAX}`;
    }
    return { type: 'playbackVolume', volumes: [...(volumes as number[])] };
  },
  playbackMute: (f) => only(f, ['muted']) ?? (typeof f.muted === 'boolean' ? { type: 'playbackMute', muted: f.muted } : 'muted must be a boolean'),
  playbackLatency: (f) =>
    only(f, ['latencyMs']) ??
    (isInteger(f.latencyMs, 0, MAX_PLAYBACK_LATENCY_MS) ? { type: 'playbackLatency', latencyMs: f.latencyMs } : `latencyMs must be 0 to ${MAX_PLAYBACK_LATENCY_MS}`),
  recordStart: (f) => {
    const problem = only(f, ['mode', 'channels', 'frequency']) ?? checkFormat(f);
    if (problem) return problem;
    return { type: 'recordStart', mode: f.mode as AudioMode, channels: f.channels as number, frequency: f.frequency as number };
  },
  recordStop: (f) => only(f, []) ?? { type: 'recordStop' },
};

export const AUDIO_REQUEST_VALIDATORS: { readonly [K in AudioHostRequest['type']]: Check<AudioHostRequest> } = {
  audioSupport: (f) => {
    const problem = only(f, ['playbackOpus', 'recordOpus']);
    if (problem) return problem;
    if (typeof f.playbackOpus !== 'boolean' || typeof f.recordOpus !== 'boolean') return 'playbackOpus and recordOpus must be booleans';
    return { type: 'audioSupport', playbackOpus: f.playbackOpus, recordOpus: f.recordOpus };
  },
  recordSamples: (f) => only(f, ['data']) ?? checkPacket(f.data) ?? { type: 'recordSamples', data: f.data as ArrayBuffer },
};
