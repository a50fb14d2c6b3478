/**
 * Plays the guest's sound with WebAudio: each packet (raw PCM converted to float, or Opus
 * decoded by WebCodecs' AudioDecoder) becomes an AudioBuffer scheduled on the AudioContext's
 * clock at its multimedia time (mm-clock.ts, playback-scheduler.ts), plus the buffering the
 * server asked for (PLAYBACK_LATENCY), less the output's own latency. Two gains in a row: the
 * guest mixer's volume and mute, then the local Sound switch.
 */
import type { AudioMode, PlaybackDataEvent, PlaybackStartEvent } from '../../shared/ipc';
import { MmClock } from './mm-clock';
import { remix, s16leToPlanes, serverGain } from './pcm';
import { dueTime, PlaybackScheduler } from './playback-scheduler';

/** Never schedule closer to the audio thread's position than this (s). */
const SCHEDULE_MARGIN_S = 0.01;
/** Packets kept while the context is not running yet (2 s of 10 ms packets); older ones go. */
const MAX_WAITING_PACKETS = 200;

export interface PlayerState {
  /** Packets are arriving and being played. */
  readonly playing: boolean;
  readonly mode: AudioMode | null;
  readonly frequency: number | null;
  readonly channels: number | null;
  /** The browser holds the sound until the person interacts with the page. */
  readonly blocked: boolean;
}

interface Format {
  readonly mode: AudioMode;
  readonly channels: number;
  readonly frequency: number;
}

export class AudioPlayer {
  private context: AudioContext | null = null;
  private serverGainNode: GainNode | null = null;
  private localGainNode: GainNode | null = null;
  private format: Format | null = null;
  private decoder: AudioDecoder | null = null;
  private readonly clock = new MmClock();
  private readonly scheduler = new PlaybackScheduler();
  /**
   * Packets that arrived while the context was not running (it starts a moment after it is
   * made, or waits for a click): its clock stands still meanwhile, so they wait, with when they
   * arrived, and are placed once it runs.
   */
  private waiting: { readonly event: PlaybackDataEvent; readonly arrivedAt: number }[] = [];
  private latencyS = 0;
  private volumes: number[] | null = null;
  private serverMuted = false;
  private localMuted = false;
  private warned = new Set<string>();

  constructor(
    private readonly onChange: () => void,
    private readonly warn: (message: string) => void,
  ) {}

  get state(): PlayerState {
    return {
      playing: this.format !== null,
      mode: this.format?.mode ?? null,
      frequency: this.format?.frequency ?? null,
      channels: this.format?.channels ?? null,
      blocked: this.context?.state === 'suspended',
    };
  }

  /** Packets dropped as late so far. */
  get dropped(): number {
    return this.scheduler.dropped;
  }

  start(event: PlaybackStartEvent): void {
    this.scheduler.reset();
    this.closeDecoder();
    this.waiting = [];
    this.format = { mode: event.mode, channels: event.channels, frequency: event.frequency };
    this.ensureContext(event.frequency);
    if (event.mode === 'opus') this.openDecoder(event);
    this.onChange();
  }

  data(event: PlaybackDataEvent): void {
    const format = this.format;
    const context = this.context;
    if (!format || !context || event.mode !== format.mode) return;
    // A context may say 'running' a moment before its clock moves: its time would mislead the clock estimate.
    if (context.state !== 'running' || context.currentTime === 0) {
      this.waiting.push({ event, arrivedAt: performance.now() });
      if (this.waiting.length > MAX_WAITING_PACKETS) this.waiting.shift();
      return;
    }
    const waiting = this.waiting;
    this.waiting = [];
    for (const early of waiting) this.play(early.event, format, context, early.arrivedAt);
    this.play(event, format, context, performance.now());
  }

  private play(event: PlaybackDataEvent, format: Format, context: AudioContext, arrivedAt: number): void {
    // The host's clock read mmTime when it sent the packet; carried forward to now by how long it waited here.
    this.clock.observe(Math.round(event.mmTime + performance.now() - arrivedAt) >>> 0, context.currentTime * 1000);
    if (format.mode === 'raw') {
      const planes = s16leToPlanes(new Uint8Array(event.data), format.channels);
      this.schedule(planes, format.frequency, event.time);
      return;
    }
    const decoder = this.decoder;
    if (!decoder || decoder.state !== 'configured') return;
    try {
      // The stamp rides along as the chunk's timestamp (µs), which the decoded AudioData carries.
      decoder.decode(new EncodedAudioChunk({ type: 'key', timestamp: event.time * 1000, data: event.data }));
    } catch (error) {
      this.warnOnce('decode', `Opus packet refused by the decoder: ${describe(error)}`);
    }
  }

  stop(): void {
    this.format = null;
    this.waiting = [];
    this.scheduler.reset();
    this.closeDecoder();
    this.onChange();
  }

  setVolume(volumes: readonly number[]): void {
    this.volumes = [...volumes];
    this.applyGains();
  }

  setServerMuted(muted: boolean): void {
    this.serverMuted = muted;
    this.applyGains();
  }

  setLocalMuted(muted: boolean): void {
    this.localMuted = muted;
    this.applyGains();
  }

  setLatency(latencyMs: number): void {
    this.latencyS = latencyMs / 1000;
  }

  /** Lets sound out after a click when the browser held it (autoplay policy). */
  resume(): void {
    const context = this.context;
    if (context?.state === 'suspended') void context.resume().then(this.onChange, () => {});
  }

  /** The session ended: silence now, everything released. */
  close(): void {
    this.format = null;
    this.waiting = [];
    this.closeDecoder();
    this.scheduler.reset();
    this.clock.reset();
    this.volumes = null;
    this.serverMuted = false;
    this.latencyS = 0;
    const context = this.context;
    this.context = null;
    this.serverGainNode = null;
    this.localGainNode = null;
    if (context) void context.close().catch(() => {});
    this.onChange();
  }

  private ensureContext(frequency: number): AudioContext {
    const existing = this.context;
    if (existing && existing.sampleRate === frequency) return existing;
    if (existing) void existing.close().catch(() => {});
    let context: AudioContext;
    try {
      // At the server's rate, so buffers play without per-packet resampling (the browser converts the mix once).
      // 'playback': larger output buffers, so a busy machine does not make the sound crackle; the
      // packets are due at stamp + the server's latency − the output latency, so it stays in step.
      context = new AudioContext({ sampleRate: frequency, latencyHint: 'playback' });
    } catch {
      context = new AudioContext({ latencyHint: 'playback' });
    }
    const serverGainNode = context.createGain();
    const localGainNode = context.createGain();
    serverGainNode.connect(localGainNode);
    localGainNode.connect(context.destination);
    context.onstatechange = () => {
      // The clock runs again (after the browser held it): estimate afresh from what arrives next.
      if (context === this.context && context.state === 'running') {
        this.clock.reset();
        this.scheduler.reset();
      }
      this.onChange();
    };
    this.context = context;
    this.serverGainNode = serverGainNode;
    this.localGainNode = localGainNode;
    this.applyGains();
    return context;
  }

  private applyGains(): void {
    if (this.serverGainNode) this.serverGainNode.gain.value = serverGain(this.volumes, this.serverMuted);
    if (this.localGainNode) this.localGainNode.gain.value = this.localMuted ? 0 : 1;
  }

  private openDecoder(event: PlaybackStartEvent): void {
    if (typeof AudioDecoder !== 'function') {
      this.warnOnce('no-decoder', 'this browser cannot decode Opus: no sound');
      return;
    }
    const decoder = new AudioDecoder({
      output: (data) => this.decoded(decoder, data),
      error: (error) => this.warnOnce('decoder', `the Opus decoder failed: ${describe(error)}`),
    });
    try {
      decoder.configure({ codec: 'opus', sampleRate: event.frequency, numberOfChannels: event.channels });
    } catch (error) {
      this.warnOnce('configure', `the Opus decoder refused ${event.channels} channels at ${event.frequency} Hz: ${describe(error)}`);
      return;
    }
    this.decoder = decoder;
  }

  private decoded(decoder: AudioDecoder, data: AudioData): void {
    try {
      const time = Math.round(data.timestamp / 1000) >>> 0;
      const format = this.format;
      if (decoder !== this.decoder || !format) return;
      const planes: Float32Array[] = [];
      for (let channel = 0; channel < data.numberOfChannels; channel++) {
        const plane = new Float32Array(data.numberOfFrames);
        data.copyTo(plane, { planeIndex: channel, format: 'f32-planar' });
        planes.push(plane);
      }
      this.schedule(remix(planes, format.channels), data.sampleRate, time);
    } finally {
      data.close();
    }
  }

  private schedule(planes: Float32Array[], rate: number, time: number): void {
    const context = this.context;
    const input = this.serverGainNode;
    const frames = planes[0]?.length ?? 0;
    if (!context || !input || frames === 0) return;
    const localMs = this.clock.localTimeOf(time);
    if (localMs === null) return;
    const due = dueTime(localMs, this.latencyS, context.outputLatency);
    const duration = frames / rate;
    const placement = this.scheduler.place(due, duration, context.currentTime + SCHEDULE_MARGIN_S);
    if (!placement) return;
    const buffer = context.createBuffer(planes.length, frames, rate);
    planes.forEach((plane, channel) => buffer.copyToChannel(plane as Float32Array<ArrayBuffer>, channel));
    const source = context.createBufferSource();
    source.buffer = buffer;
    source.connect(input);
    source.start(placement.start, placement.offset);
  }

  private closeDecoder(): void {
    const decoder = this.decoder;
    this.decoder = null;
    if (decoder && decoder.state !== 'closed') decoder.close();
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warn(message);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
