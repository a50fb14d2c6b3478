/**
 * The sound events an engine session hands the host (a subset of the Session's, as plain data),
 * and the codecs a front end can handle. See docs/sound-and-agent.md.
 */
import type { PlaybackData, PlaybackFormat } from '../channels/playback-channel';
import type { RecordFormat } from '../channels/record-channel';

export interface EngineAudioEvents {
  playbackStart: PlaybackFormat;
  playbackData: PlaybackData;
  playbackStop: null;
  playbackVolume: { volumes: number[] };
  playbackMute: { muted: boolean };
  playbackLatency: { latencyMs: number };
  recordStart: RecordFormat;
  recordStop: null;
}

/** Which codecs the front end handles (the Session's `audio` option). */
export interface SessionAudioOptions {
  readonly playback?: { readonly opus?: boolean };
  readonly record?: { readonly opus?: boolean };
}
