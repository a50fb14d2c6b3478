/**
 * The engine host's sound: forwards a session's playback and record events to the front end as
 * small IPC events (shared/ipc-audio.ts), passes microphone samples back, remembers what the
 * front end's WebCodecs can do (so the next session asks the server for Opus only then), and
 * replays the sound state to a front end that reloads.
 */
import type { AudioSupport, HostEvent, PlaybackStartEvent, RecordStartEvent } from '../../shared/ipc';
import type { SessionAudioOptions } from './audio-events';
import type { EngineSession } from './engine-session';

type Send = (event: HostEvent, transfer: readonly ArrayBuffer[]) => void;

export class AudioBridge {
  private support: AudioSupport = { playbackOpus: false, recordOpus: false };
  private playing: Omit<PlaybackStartEvent, 'mmTime'> | null = null;
  private volumes: number[] | null = null;
  private muted: boolean | null = null;
  private latencyMs: number | null = null;
  private recording: RecordStartEvent | null = null;

  constructor(private readonly send: Send) {}

  setSupport(support: AudioSupport): void {
    this.support = { playbackOpus: support.playbackOpus, recordOpus: support.recordOpus };
  }

  /** The Session's `audio` option for the next session; null: raw PCM both ways (the Session's default). */
  sessionOptions(): SessionAudioOptions | null {
    const { playbackOpus, recordOpus } = this.support;
    if (!playbackOpus && !recordOpus) return null;
    return { playback: { opus: playbackOpus }, record: { opus: recordOpus } };
  }

  /** Forwards the session's sound events; returns the unsubscribers. */
  attach(session: EngineSession): (() => void)[] {
    const emit = (event: HostEvent): void => this.send(event, []);
    return [
      session.on('playbackStart', ({ mode, channels, frequency, time }) => {
        this.playing = { type: 'playbackStart', mode, channels, frequency, time };
        emit({ ...this.playing, mmTime: session.multimediaTime() });
      }),
      session.on('playbackData', ({ mode, time, data }) => {
        if (data.byteLength === 0) return;
        // The channel hands over owned bytes: move their buffer (copy only a view into a larger one).
        const buffer = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? (data.buffer as ArrayBuffer) : data.slice().buffer;
        this.send({ type: 'playbackData', mode, time, mmTime: session.multimediaTime(), data: buffer }, [buffer]);
      }),
      session.on('playbackStop', () => {
        this.playing = null;
        emit({ type: 'playbackStop' });
      }),
      session.on('playbackVolume', ({ volumes }) => {
        if (volumes.length === 0) return;
        this.volumes = volumes;
        emit({ type: 'playbackVolume', volumes });
      }),
      session.on('playbackMute', ({ muted }) => {
        this.muted = muted;
        emit({ type: 'playbackMute', muted });
      }),
      session.on('playbackLatency', ({ latencyMs }) => {
        this.latencyMs = latencyMs;
        emit({ type: 'playbackLatency', latencyMs });
      }),
      session.on('recordStart', ({ mode, channels, frequency }) => {
        this.recording = { type: 'recordStart', mode, channels, frequency };
        emit(this.recording);
      }),
      session.on('recordStop', () => {
        this.recording = null;
        emit({ type: 'recordStop' });
      }),
    ];
  }

  /** Microphone samples from the front end. */
  recordSamples(session: EngineSession | null, data: ArrayBuffer): void {
    if (session && this.recording) session.sendRecordSamples(new Uint8Array(data));
  }

  /** Tells a reloaded front end what is going on now. */
  replay(session: EngineSession | null): void {
    if (!session) return;
    if (this.playing) this.send({ ...this.playing, mmTime: session.multimediaTime() }, []);
    if (this.volumes) this.send({ type: 'playbackVolume', volumes: this.volumes }, []);
    if (this.muted !== null) this.send({ type: 'playbackMute', muted: this.muted }, []);
    if (this.latencyMs !== null) this.send({ type: 'playbackLatency', latencyMs: this.latencyMs }, []);
    if (this.recording) this.send(this.recording, []);
  }

  /** The session is gone: sound and microphone stop. */
  reset(): void {
    if (this.playing) this.send({ type: 'playbackStop' }, []);
    if (this.recording) this.send({ type: 'recordStop' }, []);
    this.playing = null;
    this.recording = null;
    this.volumes = null;
    this.muted = null;
    this.latencyMs = null;
  }
}
