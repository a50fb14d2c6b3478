// Sound for tests: a tone played into Xspice's playback FIFO, and the analysis of a WAV file
// (frequency by zero crossings and by a Goertzel filter, silent gaps inside the tone).
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runProgram } from './servers';
import { upwardCrossingRate } from './signal';

export interface Wav {
  formatTag: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  /** Interleaved 16-bit samples. */
  samples: Int16Array;
}

/** Reads a RIFF WAV: the fmt chunk and the data chunk, wherever they are. */
export function parseWav(bytes: Uint8Array): Wav {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number): string => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.byteLength < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('not a RIFF WAVE file');
  let at = 12;
  let fmt: Omit<Wav, 'samples'> | null = null;
  while (at + 8 <= bytes.byteLength) {
    const id = tag(at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (body + size > bytes.byteLength) throw new Error(`WAV chunk ${id} of ${size} bytes runs past the end`);
    if (id === 'fmt ') {
      fmt = {
        formatTag: view.getUint16(body, true),
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bitsPerSample: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!fmt) throw new Error('WAV data chunk before its fmt chunk');
      const copy = bytes.slice(body, body + size);
      return { ...fmt, samples: new Int16Array(copy.buffer, 0, Math.floor(size / 2)) };
    }
    at = body + size + (size & 1);
  }
  throw new Error('WAV without a data chunk');
}

/** Signed 16-bit stereo PCM of a sine, both channels equal. */
export function sinePcm(frequency: number, seconds: number, sampleRate = 48_000, amplitude = 12_000): Uint8Array {
  const frames = Math.round(seconds * sampleRate);
  const pcm = new Int16Array(frames * 2);
  for (let i = 0; i < frames; i++) {
    const value = Math.round(Math.sin((2 * Math.PI * frequency * i) / sampleRate) * amplitude);
    pcm[2 * i] = value;
    pcm[2 * i + 1] = value;
  }
  return new Uint8Array(pcm.buffer);
}

/**
 * Plays PCM through Xspice's FIFO directory: makes a new FIFO there (the server opens only
 * FIFOs created after it started, one per stream), writes the samples and closes it. The server
 * reads at the sound's own pace, so this resolves about when the sound has been played.
 */
export async function playIntoFifo(fifoDir: string, name: string, pcm: Uint8Array): Promise<void> {
  const path = join(fifoDir, name);
  await runProgram('mkfifo', [path]);
  // Opening for writing waits until the server has opened the FIFO for reading.
  const handle = await open(path, 'w');
  try {
    await handle.write(pcm);
  } finally {
    await handle.close();
  }
}

export interface ToneAnalysis {
  /** Where sound starts and ends in the file (ms). */
  startMs: number;
  endMs: number;
  /** Frequency from zero crossings of the first channel, over the longest stretch without a gap. */
  zeroCrossingHz: number;
  /** That stretch's length (ms). */
  longestSoundMs: number;
  /** Share of the span's energy at `expectedHz` (Goertzel), 0..1. */
  energyAtExpected: number;
  /** The longest silence inside the span (ms, in steps of the analysis window). */
  largestGapMs: number;
  /** Where it starts (ms). */
  largestGapAtMs: number;
  windowMs: number;
}

function goertzelPower(samples: Float64Array, frequency: number, sampleRate: number): number {
  const coefficient = 2 * Math.cos((2 * Math.PI * frequency) / sampleRate);
  let s1 = 0;
  let s2 = 0;
  for (const x of samples) {
    const s0 = x + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - coefficient * s1 * s2;
}

/** Analyses the first channel of a WAV holding one tone (possibly with pauses). */
export function analyseTone(wav: Wav, expectedHz: number, windowMs = 5): ToneAnalysis {
  const frames = Math.floor(wav.samples.length / wav.channels);
  const channel = new Float64Array(frames);
  for (let i = 0; i < frames; i++) channel[i] = wav.samples[i * wav.channels];
  const windowFrames = Math.max(1, Math.round((windowMs * wav.sampleRate) / 1000));
  const windows = Math.floor(frames / windowFrames);
  const rms: number[] = [];
  for (let w = 0; w < windows; w++) {
    let sum = 0;
    for (let i = w * windowFrames; i < (w + 1) * windowFrames; i++) sum += channel[i] * channel[i];
    rms.push(Math.sqrt(sum / windowFrames));
  }
  const loudest = Math.max(0, ...rms);
  if (loudest < 100) throw new Error('the WAV is silent');
  const silent = (w: number): boolean => rms[w] < loudest * 0.05;
  const first = rms.findIndex((_, w) => !silent(w));
  let last = windows - 1;
  while (last > first && silent(last)) last--;
  let largestGap = 0;
  let largestGapAt = 0;
  let run = 0;
  for (let w = first; w <= last; w++) {
    run = silent(w) ? run + 1 : 0;
    if (run > largestGap) {
      largestGap = run;
      largestGapAt = w - run + 1;
    }
  }
  const span = channel.subarray(first * windowFrames, (last + 1) * windowFrames);
  // The longest stretch without a silent window: the frequency is measured there, so a gap
  // (which has no zero crossings) does not bias it.
  let bestStart = first;
  let bestLength = 0;
  let runStart = first;
  for (let w = first; w <= last + 1; w++) {
    if (w <= last && !silent(w)) continue;
    if (w - runStart > bestLength) {
      bestLength = w - runStart;
      bestStart = runStart;
    }
    runStart = w + 1;
  }
  const stretch = channel.subarray(bestStart * windowFrames, (bestStart + bestLength) * windowFrames);
  const zeroCrossingHz = upwardCrossingRate(stretch, wav.sampleRate);
  let energy = 0;
  for (const x of span) energy += x * x;
  // Goertzel's power for a bin is N²/4 × amplitude²; the signal's energy is N/2 × amplitude².
  const atExpected = (2 * goertzelPower(span, expectedHz, wav.sampleRate)) / span.length;
  return {
    startMs: first * windowMs,
    endMs: (last + 1) * windowMs,
    zeroCrossingHz,
    longestSoundMs: bestLength * windowMs,
    energyAtExpected: energy > 0 ? atExpected / energy : 0,
    largestGapMs: largestGap * windowMs,
    largestGapAtMs: largestGapAt * windowMs,
    windowMs,
  };
}

export async function readWav(path: string): Promise<Wav> {
  return parseWav(new Uint8Array(await readFile(path)));
}
