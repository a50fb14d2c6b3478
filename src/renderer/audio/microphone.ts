/**
 * Captures the microphone for the guest's record channel, in the form the server asked for:
 * getUserMedia, then each block of samples (WebCodecs AudioData from a MediaStreamTrackProcessor)
 * remixed to the guest's channel count and resampled to its rate, then sent either as raw s16le
 * PCM or, when the guest takes Opus, encoded by WebCodecs' AudioEncoder (20 ms packets).
 */
import type { AudioMode } from '../../shared/ipc';
import { planesToS16le, remix } from './pcm';
import { LinearResampler } from './resampler';

export interface RecordTarget {
  readonly mode: AudioMode;
  readonly channels: number;
  readonly frequency: number;
}

/** Chromium's MediaStreamTrackProcessor (not yet in TypeScript's DOM types): a track as a stream of AudioData. */
interface TrackProcessor {
  readonly readable: ReadableStream<AudioData>;
}
type TrackProcessorConstructor = new (init: { track: MediaStreamTrack }) => TrackProcessor;

function trackProcessorClass(): TrackProcessorConstructor | null {
  const candidate = (globalThis as { MediaStreamTrackProcessor?: unknown }).MediaStreamTrackProcessor;
  return typeof candidate === 'function' ? (candidate as TrackProcessorConstructor) : null;
}

const OPUS_BITRATE = 64_000;

export class MicrophoneError extends Error {
  override readonly name = 'MicrophoneError';
}

export class Microphone {
  private stream: MediaStream | null = null;
  private reader: ReadableStreamDefaultReader<AudioData> | null = null;
  private encoder: AudioEncoder | null = null;
  private resampler: LinearResampler | null = null;
  /** Frames sent so far (the encoder's timestamps). */
  private framesOut = 0;
  private stopped = false;

  constructor(
    private readonly target: RecordTarget,
    private readonly send: (data: ArrayBuffer) => void,
    /** Capture ended by itself (the device went away, the browser revoked it), with why. */
    private readonly onEnded: (reason: string) => void,
  ) {}

  /** Asks the browser for the microphone and starts sending; rejects with a MicrophoneError. */
  async start(): Promise<void> {
    const Processor = trackProcessorClass();
    if (!Processor) throw new MicrophoneError('this browser cannot hand over microphone samples (no MediaStreamTrackProcessor)');
    if (!navigator.mediaDevices?.getUserMedia) throw new MicrophoneError('this page has no access to media devices');
    if (this.target.mode === 'opus') this.openEncoder();
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: { channelCount: { ideal: this.target.channels }, sampleRate: { ideal: this.target.frequency }, echoCancellation: true, noiseSuppression: true },
      });
    } catch (error) {
      this.stop();
      const name = error instanceof DOMException ? error.name : '';
      throw new MicrophoneError(name === 'NotAllowedError' ? 'the browser refused the microphone' : name === 'NotFoundError' ? 'no microphone was found' : 'the microphone could not be opened');
    }
    if (this.stopped) {
      for (const track of stream.getTracks()) track.stop();
      return;
    }
    this.stream = stream;
    const track = stream.getAudioTracks()[0];
    if (!track) throw new MicrophoneError('the microphone gave no audio track');
    track.addEventListener('ended', () => {
      if (!this.stopped) {
        this.stop();
        this.onEnded('the microphone was disconnected or access to it was revoked');
      }
    });
    this.reader = new Processor({ track }).readable.getReader();
    void this.pump(this.reader);
  }

  stop(): void {
    this.stopped = true;
    void this.reader?.cancel().catch(() => {});
    this.reader = null;
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    this.stream = null;
    const encoder = this.encoder;
    this.encoder = null;
    if (encoder && encoder.state !== 'closed') encoder.close();
  }

  private async pump(reader: ReadableStreamDefaultReader<AudioData>): Promise<void> {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done || this.stopped) {
          value?.close();
          return;
        }
        try {
          this.block(value);
        } finally {
          value.close();
        }
      }
    } catch {
      // Cancelled by stop(), or the track ended: 'ended' reports the latter.
    }
  }

  /** One captured block: to the guest's channels and rate, then out as PCM or into the encoder. */
  private block(data: AudioData): void {
    const planes: Float32Array[] = [];
    for (let channel = 0; channel < data.numberOfChannels; channel++) {
      const plane = new Float32Array(data.numberOfFrames);
      data.copyTo(plane, { planeIndex: channel, format: 'f32-planar' });
      planes.push(plane);
    }
    const { channels, frequency, mode } = this.target;
    if (!this.resampler || this.resampler.fromRate !== data.sampleRate) this.resampler = new LinearResampler(data.sampleRate, frequency, channels);
    const converted = this.resampler.push(remix(planes, channels));
    const frames = converted[0]?.length ?? 0;
    if (frames === 0) return;
    if (mode === 'raw') {
      this.send(planesToS16le(converted).buffer as ArrayBuffer);
      return;
    }
    const encoder = this.encoder;
    if (!encoder || encoder.state !== 'configured') return;
    const joined = new Float32Array(frames * channels);
    converted.forEach((plane, channel) => joined.set(plane, channel * frames));
    const audio = new AudioData({ format: 'f32-planar', sampleRate: frequency, numberOfFrames: frames, numberOfChannels: channels, timestamp: Math.round((this.framesOut * 1e6) / frequency), data: joined });
    this.framesOut += frames;
    try {
      encoder.encode(audio);
    } finally {
      audio.close();
    }
  }

  private openEncoder(): void {
    if (typeof AudioEncoder !== 'function') throw new MicrophoneError('this browser cannot encode Opus');
    const encoder = new AudioEncoder({
      output: (chunk) => {
        const packet = new Uint8Array(chunk.byteLength);
        chunk.copyTo(packet);
        if (!this.stopped) this.send(packet.buffer);
      },
      error: () => {
        if (this.stopped) return;
        this.stop();
        this.onEnded('the Opus encoder failed');
      },
    });
    encoder.configure({ codec: 'opus', sampleRate: this.target.frequency, numberOfChannels: this.target.channels, bitrate: OPUS_BITRATE });
    this.encoder = encoder;
  }
}
