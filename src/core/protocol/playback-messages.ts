import { BufferReader } from './buffer-reader';

/**
 * Playback-channel messages (spice.proto, PlaybackChannel) and the audio types the record
 * channel shares with it. Message and capability numbers from spice-protocol's enums.h and
 * protocol.h.
 */

export const PlaybackMsg = {
  DATA: 101,
  MODE: 102,
  START: 103,
  STOP: 104,
  VOLUME: 105,
  MUTE: 106,
  LATENCY: 107,
} as const;

export const PlaybackCap = {
  CELT_0_5_1: 0,
  VOLUME: 1,
  LATENCY: 2,
  OPUS: 3,
} as const;

/** audio_data_mode: how the samples of DATA travel. CELT is deprecated and never advertised. */
export const AudioDataMode = {
  INVALID: 0,
  RAW: 1,
  CELT_0_5_1: 2,
  OPUS: 3,
} as const;

/** audio_fmt: the only sample format SPICE knows is signed 16-bit little-endian, interleaved. */
export const AudioFormat = {
  INVALID: 0,
  S16: 1,
} as const;

/** The mode names front ends see. */
export type AudioModeName = 'raw' | 'opus';

/** A mode number as a name; null for modes Saffron cannot play (CELT, invalid). */
export function audioModeName(mode: number): AudioModeName | null {
  if (mode === AudioDataMode.RAW) return 'raw';
  if (mode === AudioDataMode.OPUS) return 'opus';
  return null;
}

/** DATA: uint32 time (multimedia time, ms), uint8 data[] (the rest of the message). */
export interface PlaybackPacket {
  readonly time: number;
  /** A view into the received message: copy it to keep it. */
  readonly data: Uint8Array;
}
export function parsePlaybackData(body: Uint8Array): PlaybackPacket {
  const r = new BufferReader(body, 0, 'PLAYBACK_DATA');
  return { time: r.u32('time'), data: r.rest() };
}

/** MODE: uint32 time, uint16 mode (audio_data_mode), uint8 data[] (codec setup; empty for RAW and OPUS). */
export interface PlaybackMode {
  readonly time: number;
  readonly mode: number;
  readonly data: Uint8Array;
}
export function parsePlaybackMode(body: Uint8Array): PlaybackMode {
  const r = new BufferReader(body, 0, 'PLAYBACK_MODE');
  return { time: r.u32('time'), mode: r.u16('mode'), data: r.rest() };
}

/** START: uint32 channels, uint16 format (audio_fmt), uint32 frequency, uint32 time. */
export interface PlaybackStart {
  readonly channels: number;
  readonly format: number;
  readonly frequency: number;
  readonly time: number;
}
export function parsePlaybackStart(body: Uint8Array): PlaybackStart {
  const r = new BufferReader(body, 0, 'PLAYBACK_START');
  return { channels: r.u32('channels'), format: r.u16('format'), frequency: r.u32('frequency'), time: r.u32('time') };
}

/** LATENCY: uint32 latency_ms — how far ahead of its multimedia time the client should buffer. */
export function parsePlaybackLatency(body: Uint8Array): number {
  return new BufferReader(body, 0, 'PLAYBACK_LATENCY').u32('latency_ms');
}

/** AudioVolume (playback and record VOLUME): uint8 nchannels, uint16 volume[nchannels], 0..65535 each. */
export function parseAudioVolume(body: Uint8Array, what = 'VOLUME'): number[] {
  const r = new BufferReader(body, 0, what);
  const count = r.u8('nchannels');
  const volumes: number[] = [];
  for (let i = 0; i < count; i++) volumes.push(r.u16(`volume[${i}]`));
  return volumes;
}

/** AudioMute (playback and record MUTE): uint8 mute. */
export function parseAudioMute(body: Uint8Array, what = 'MUTE'): boolean {
  return new BufferReader(body, 0, what).u8('mute') !== 0;
}
