// Test instrumentation for sound in the page (never product code): an init script that taps
// every AudioContext's output with an AnalyserNode, counts what AudioDecoder decodes and keeps
// the microphone tracks getUserMedia hands out; and the analysis of what the tap heard.
import type { Page } from 'playwright-core';
import { upwardCrossingRate } from './signal';

/** The parts of the page's objects the test reads (tests compile without DOM types). */
interface TapAnalyser {
  readonly fftSize: number;
  readonly frequencyBinCount: number;
  readonly context: { readonly sampleRate: number };
  getFloatTimeDomainData(into: Float32Array): void;
  getFloatFrequencyData(into: Float32Array): void;
}
interface AudioProbe {
  readonly analysers: TapAnalyser[];
  readonly decoded: number;
  readonly tracks: { readonly readyState: string }[];
}

/**
 * Runs in the page before its own scripts. Whatever connects to an AudioContext's destination is
 * also connected to one AnalyserNode per context (pulled through a silent gain into the
 * destination, so it runs), the last 32768 samples of which the test reads, and to a recorder
 * that keeps everything while the test asks it to.
 */
export const AUDIO_TAP_SCRIPT = `(() => {
  const probe = { analysers: [], decoded: 0, tracks: [], recording: false, recorded: [] };
  Object.defineProperty(window, '__saffronAudioProbe', { value: probe });
  const connect = AudioNode.prototype.connect;
  const taps = new Map();
  AudioNode.prototype.connect = function (target, ...rest) {
    const result = connect.call(this, target, ...rest);
    if (target instanceof AudioDestinationNode) {
      const context = target.context;
      let analyser = taps.get(context);
      if (!analyser) {
        analyser = context.createAnalyser();
        analyser.fftSize = 32768;
        analyser.smoothingTimeConstant = 0;
        const silent = context.createGain();
        silent.gain.value = 0;
        connect.call(analyser, silent);
        connect.call(silent, target);
        // And a recorder of the first channel, on while probe.recording is set.
        const recorder = context.createScriptProcessor(4096, 1, 1);
        recorder.onaudioprocess = (event) => {
          if (probe.recording) probe.recorded.push(Array.from(event.inputBuffer.getChannelData(0)));
        };
        connect.call(recorder, silent);
        analyser.recorder = recorder;
        taps.set(context, analyser);
        probe.analysers.push(analyser);
      }
      connect.call(this, analyser);
      connect.call(this, analyser.recorder);
    }
    return result;
  };
  if (typeof AudioDecoder === 'function') {
    const decode = AudioDecoder.prototype.decode;
    AudioDecoder.prototype.decode = function (chunk) {
      probe.decoded++;
      return decode.call(this, chunk);
    };
  }
  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = async (constraints) => {
      const stream = await getUserMedia(constraints);
      probe.tracks.push(...stream.getTracks());
      return stream;
    };
  }
})();`;

export interface HeardSound {
  /** The output context's sample rate. */
  readonly rate: number;
  /** The last 32768 output samples (first channel mix as the analyser sees it). */
  readonly samples: Float32Array;
  /** Decibels per FFT bin (bin width rate / 32768). */
  readonly spectrum: Float32Array;
  /** Opus packets handed to AudioDecoder so far. */
  readonly decoded: number;
}

/** What the page's newest AudioContext has been playing; null while there is none. */
export async function hear(page: Page): Promise<HeardSound | null> {
  const raw = await page.evaluate(() => {
    const probe = (globalThis as unknown as { __saffronAudioProbe: AudioProbe }).__saffronAudioProbe;
    const analyser = probe.analysers.at(-1);
    if (!analyser) return null;
    const samples = new Float32Array(analyser.fftSize);
    analyser.getFloatTimeDomainData(samples);
    const spectrum = new Float32Array(analyser.frequencyBinCount);
    analyser.getFloatFrequencyData(spectrum);
    return { rate: analyser.context.sampleRate, samples: Array.from(samples), spectrum: Array.from(spectrum), decoded: probe.decoded };
  });
  return raw && { rate: raw.rate, samples: Float32Array.from(raw.samples), spectrum: Float32Array.from(raw.spectrum), decoded: raw.decoded };
}

/** RMS of the newest AudioContext's last `seconds` of output, computed in the page (cheap to poll). */
export async function outputLevel(page: Page, seconds = 0.1): Promise<number> {
  return page.evaluate((span) => {
    const probe = (globalThis as unknown as { __saffronAudioProbe: AudioProbe }).__saffronAudioProbe;
    const analyser = probe.analysers.at(-1);
    if (!analyser) return 0;
    const samples = new Float32Array(analyser.fftSize);
    analyser.getFloatTimeDomainData(samples);
    const count = Math.min(samples.length, Math.round(span * analyser.context.sampleRate));
    let sum = 0;
    for (let i = samples.length - count; i < samples.length; i++) sum += samples[i] * samples[i];
    return Math.sqrt(sum / count);
  }, seconds);
}

/** Starts recording everything the page's newest AudioContext outputs (first channel). */
export async function startRecordingOutput(page: Page): Promise<void> {
  await page.evaluate(() => {
    const probe = (globalThis as unknown as { __saffronAudioProbe: { recording: boolean; recorded: number[][] } }).__saffronAudioProbe;
    probe.recorded.length = 0;
    probe.recording = true;
  });
}

/** Stops recording; returns what was output meanwhile, as 16-bit samples, and the rate. */
export async function stopRecordingOutput(page: Page): Promise<{ rate: number; samples: Int16Array }> {
  const raw = await page.evaluate(() => {
    const probe = (globalThis as unknown as { __saffronAudioProbe: AudioProbe & { recording: boolean; recorded: number[][] } }).__saffronAudioProbe;
    probe.recording = false;
    return { rate: probe.analysers.at(-1)?.context.sampleRate ?? 0, blocks: probe.recorded.splice(0) };
  });
  const samples = new Int16Array(raw.blocks.reduce((sum, block) => sum + block.length, 0));
  let at = 0;
  for (const block of raw.blocks) for (const x of block) samples[at++] = Math.round(Math.max(-1, Math.min(1, x)) * 32767);
  return { rate: raw.rate, samples };
}

/** Microphone tracks the page opened that are still live. */
export function liveMicrophoneTracks(page: Page): Promise<number> {
  return page.evaluate(() => {
    const probe = (globalThis as unknown as { __saffronAudioProbe: AudioProbe }).__saffronAudioProbe;
    return probe.tracks.filter((track) => track.readyState === 'live').length;
  });
}

export function rms(samples: Float32Array): number {
  let sum = 0;
  for (const x of samples) sum += x * x;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

/** The loudest frequency, refined between bins by a parabola through the peak's neighbours. */
export function peakFrequency(sound: HeardSound): number {
  const { spectrum, rate } = sound;
  let best = 1;
  for (let i = 2; i < spectrum.length - 1; i++) if (spectrum[i] > spectrum[best]) best = i;
  const [a, b, c] = [spectrum[best - 1], spectrum[best], spectrum[best + 1]];
  const shift = a - 2 * b + c !== 0 ? (0.5 * (a - c)) / (a - 2 * b + c) : 0;
  return ((best + shift) * rate) / (2 * spectrum.length);
}

/** Frequency from upward zero crossings, first to last. */
export function zeroCrossingFrequency(sound: HeardSound): number {
  return upwardCrossingRate(sound.samples, sound.rate);
}

/** The longest run of silent 5 ms windows (below 5% of the loudest window), in ms. */
export function longestSilenceMs(sound: HeardSound): number {
  const window = Math.round(sound.rate * 0.005);
  const levels: number[] = [];
  for (let at = 0; at + window <= sound.samples.length; at += window) levels.push(rms(sound.samples.subarray(at, at + window)));
  const loudest = Math.max(...levels);
  let run = 0;
  let longest = 0;
  for (const level of levels) {
    run = level < loudest * 0.05 ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest * 5;
}
