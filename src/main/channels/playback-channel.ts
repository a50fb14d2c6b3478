import { ChannelType } from '../../core/protocol/constants';
import type { SpiceMessage } from '../../core/protocol/framing';
import {
  AudioDataMode,
  AudioFormat,
  audioModeName,
  parseAudioMute,
  parseAudioVolume,
  parsePlaybackData,
  parsePlaybackLatency,
  parsePlaybackMode,
  parsePlaybackStart,
  PlaybackCap,
  PlaybackMsg,
  type AudioModeName,
} from '../../core/protocol/playback-messages';
import { Channel, type ChannelContext, type ChannelObserver } from './channel';

/** What the guest is about to play: signed 16-bit interleaved samples (decoded, for Opus). */
export interface PlaybackFormat {
  readonly mode: AudioModeName;
  readonly channels: number;
  /** Samples per second per channel (48000 with current servers). */
  readonly frequency: number;
  /** Multimedia time (ms) of the stream's start. */
  readonly time: number;
}

/** One packet: raw PCM (s16le, interleaved) or one Opus packet, to be played at `time`. */
export interface PlaybackData {
  readonly mode: AudioModeName;
  /** Multimedia time (ms) at which the packet's first sample should sound. */
  readonly time: number;
  /** Owned bytes (safe to keep and to transfer). */
  readonly data: Uint8Array;
}

export interface PlaybackChannelEvents {
  /** The channel is linked: the multimedia time at that moment (the audio command counts from it). */
  linked?(time: number): void;
  start(format: PlaybackFormat): void;
  data(packet: PlaybackData): void;
  stop(): void;
  /** Per-channel volume, 0..65535 (the guest mixer's level). */
  volume(volumes: number[]): void;
  mute(muted: boolean): void;
  /** The buffering (ms) the server asks the client to keep (PLAYBACK_LATENCY). */
  latency(latencyMs: number): void;
}

export interface PlaybackOptions {
  /**
   * Advertise Opus: only for a front end that decodes it (the renderer, with WebCodecs). The
   * command line decodes nothing, so it asks for raw PCM.
   */
  readonly opus?: boolean;
}

/**
 * The playback channel: the guest's sound. The server picks the mode (MODE: raw PCM, or Opus
 * when we advertise it), starts and stops the stream (START/STOP), and sends packets stamped
 * with multimedia time (DATA), which a front end plays when the session's multimedia clock
 * reaches the stamp — that keeps sound in step with video. VOLUME/MUTE mirror the guest's mixer.
 */
export class PlaybackChannel extends Channel {
  mode: AudioModeName = 'raw';
  format: PlaybackFormat | null = null;
  volumes: number[] = [];
  muted = false;
  /** The latency the server asked for; 0 until it does (the front end chooses its own then). */
  latencyMs = 0;
  /** Multimedia time when the channel was linked; null before. */
  linkTime: number | null = null;
  private unplayableMode: number | null = null;

  constructor(
    id: number,
    context: ChannelContext,
    observer: ChannelObserver,
    private readonly events: PlaybackChannelEvents,
    /** The session's multimedia clock (ms) now. */
    private readonly multimediaTime: () => number,
    private readonly options: PlaybackOptions = {},
  ) {
    super(ChannelType.PLAYBACK, id, context, observer);
  }

  protected override onReady(): void {
    this.linkTime = this.multimediaTime();
    this.events.linked?.(this.linkTime);
  }

  protected channelCaps(): number[] {
    const caps: number[] = [PlaybackCap.VOLUME, PlaybackCap.LATENCY];
    if (this.options.opus) caps.push(PlaybackCap.OPUS);
    return caps;
  }

  protected handleMessage(message: SpiceMessage): void {
    switch (message.type) {
      case PlaybackMsg.MODE: {
        const { mode } = parsePlaybackMode(message.body);
        const name = audioModeName(mode);
        if (name === null || (name === 'opus' && !this.options.opus)) {
          // A mode we did not ask for: say so once and play nothing, but keep the session.
          if (this.unplayableMode !== mode) this.context.log.warn(`playback: the server chose audio mode ${mode}, which Saffron cannot play; no sound`);
          this.unplayableMode = mode;
          return;
        }
        this.unplayableMode = null;
        this.mode = name;
        return;
      }
      case PlaybackMsg.START: {
        const start = parsePlaybackStart(message.body);
        if (start.format !== AudioFormat.S16) {
          this.context.log.warn(`playback: sample format ${start.format} is not signed 16-bit; no sound`);
          this.format = null;
          return;
        }
        this.format = { mode: this.mode, channels: start.channels, frequency: start.frequency, time: start.time };
        this.events.start(this.format);
        return;
      }
      case PlaybackMsg.DATA: {
        if (this.format === null || this.unplayableMode !== null) return;
        const packet = parsePlaybackData(message.body);
        this.events.data({ mode: this.mode, time: packet.time, data: packet.data.slice() });
        return;
      }
      case PlaybackMsg.STOP:
        if (this.format === null) return;
        this.format = null;
        this.events.stop();
        return;
      case PlaybackMsg.VOLUME:
        this.volumes = parseAudioVolume(message.body, 'PLAYBACK_VOLUME');
        this.events.volume(this.volumes);
        return;
      case PlaybackMsg.MUTE:
        this.muted = parseAudioMute(message.body, 'PLAYBACK_MUTE');
        this.events.mute(this.muted);
        return;
      case PlaybackMsg.LATENCY:
        this.latencyMs = parsePlaybackLatency(message.body);
        this.events.latency(this.latencyMs);
        return;
      default:
        this.context.log.debug(`playback channel: ignoring message type ${message.type}`);
    }
  }
}

/** The raw mode number of a name (for tests and the record channel). */
export function audioModeNumber(mode: AudioModeName): number {
  return mode === 'opus' ? AudioDataMode.OPUS : AudioDataMode.RAW;
}
