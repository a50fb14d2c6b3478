/**
 * The sound part of the IPC contract (ipc.ts re-exports it): the guest's playback forwarded to
 * the renderer, which plays it with WebAudio, and the microphone the renderer captures for the
 * guest's record channel. Plain data; the validators are in ipc-audio-validators.ts.
 */

/** How samples travel: raw signed 16-bit little-endian interleaved PCM, or one Opus packet each. */
export type AudioMode = 'raw' | 'opus';
export const AUDIO_MODES: readonly AudioMode[] = ['raw', 'opus'];

/** What the renderer can do with WebCodecs; told to the host before it connects. */
export interface AudioSupport {
  /** AudioDecoder decodes Opus: the host may ask the server for Opus playback. */
  readonly playbackOpus: boolean;
  /** AudioEncoder encodes Opus at 48 kHz: the host may offer Opus recording. */
  readonly recordOpus: boolean;
}

/** The guest started playing: the format of the packets that follow. */
export interface PlaybackStartEvent {
  readonly type: 'playbackStart';
  readonly mode: AudioMode;
  readonly channels: number;
  /** Samples per second per channel. */
  readonly frequency: number;
  /** The stream's start in the server's multimedia time (ms, uint32). */
  readonly time: number;
  /** The session's multimedia clock when the host sent this (ms, uint32). */
  readonly mmTime: number;
}

/**
 * One packet, due when the multimedia clock reaches `time` (plus the latency the server asked
 * for). `mmTime` is the clock when the host sent it, so the renderer can map stamps to its own
 * audio clock.
 */
export interface PlaybackDataEvent {
  readonly type: 'playbackData';
  readonly mode: AudioMode;
  readonly time: number;
  readonly mmTime: number;
  /** Raw: s16le interleaved PCM; Opus: one packet. */
  readonly data: ArrayBuffer;
}

export interface PlaybackStopEvent {
  readonly type: 'playbackStop';
}

/** The guest mixer's volume per channel, 0..65535. */
export interface PlaybackVolumeEvent {
  readonly type: 'playbackVolume';
  readonly volumes: readonly number[];
}

export interface PlaybackMuteEvent {
  readonly type: 'playbackMute';
  readonly muted: boolean;
}

/** How much the server wants the client to buffer (PLAYBACK_LATENCY, ms). */
export interface PlaybackLatencyEvent {
  readonly type: 'playbackLatency';
  readonly latencyMs: number;
}

/** The guest opened its microphone: what it wants (raw s16le at `frequency`, or Opus packets). */
export interface RecordStartEvent {
  readonly type: 'recordStart';
  readonly mode: AudioMode;
  readonly channels: number;
  readonly frequency: number;
}

export interface RecordStopEvent {
  readonly type: 'recordStop';
}

export type AudioHostEvent =
  | PlaybackStartEvent
  | PlaybackDataEvent
  | PlaybackStopEvent
  | PlaybackVolumeEvent
  | PlaybackMuteEvent
  | PlaybackLatencyEvent
  | RecordStartEvent
  | RecordStopEvent;

export const AUDIO_HOST_EVENT_TYPES: readonly AudioHostEvent['type'][] = [
  'playbackStart',
  'playbackData',
  'playbackStop',
  'playbackVolume',
  'playbackMute',
  'playbackLatency',
  'recordStart',
  'recordStop',
];

export type AudioHostRequest =
  /** What the renderer's WebCodecs can do; applies to the sessions started after it. */
  | ({ readonly type: 'audioSupport' } & AudioSupport)
  /** Microphone samples for the guest, in the mode recordStart said (raw PCM of any length, or one Opus packet). */
  | { readonly type: 'recordSamples'; readonly data: ArrayBuffer };

/** Bounds the validators enforce. */
export const MAX_AUDIO_CHANNELS = 8;
export const MIN_AUDIO_FREQUENCY = 8000;
export const MAX_AUDIO_FREQUENCY = 192_000;
/** Largest packet either way: 100 ms of 8 channels at 192 kHz, far above what SPICE sends. */
export const MAX_AUDIO_PACKET_BYTES = 2 * MAX_AUDIO_CHANNELS * (MAX_AUDIO_FREQUENCY / 10);
export const MAX_PLAYBACK_LATENCY_MS = 10_000;
