/**
 * The sound events an engine session hands the host (a subset of the Session's, as plain data),
 * and the codecs a front end can handle. See docs/sound-and-agent.md.
 */
import type { SessionEvents } from '../session/session';

export type EngineAudioEvents = Pick<
  SessionEvents,
  'playbackStart' | 'playbackData' | 'playbackStop' | 'playbackVolume' | 'playbackMute' | 'playbackLatency' | 'recordStart' | 'recordStop'
>;

/** Which codecs the front end handles (the Session's `audio` option). */
export interface SessionAudioOptions {
  readonly playback?: { readonly opus?: boolean };
  readonly record?: { readonly opus?: boolean };
}
