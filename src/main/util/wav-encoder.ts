/**
 * A plain PCM WAV file: the 44-byte RIFF header (format tag 1, PCM) and the samples as given,
 * signed 16-bit little-endian, channels interleaved.
 *
 *   "RIFF" uint32 riffSize "WAVE"
 *   "fmt " uint32 16, uint16 format (1), uint16 channels, uint32 sampleRate, uint32 byteRate,
 *          uint16 blockAlign, uint16 bitsPerSample (16)
 *   "data" uint32 dataSize, samples
 */
export const WAV_HEADER_SIZE = 44;

export function encodeWav(sampleRate: number, channels: number, samples: Uint8Array): Uint8Array {
  if (!Number.isInteger(channels) || channels < 1 || channels > 255) throw new Error(`WAV: ${channels} channels is not a channel count`);
  if (!Number.isInteger(sampleRate) || sampleRate < 1 || sampleRate > 1_000_000) throw new Error(`WAV: ${sampleRate} Hz is not a sample rate`);
  const blockAlign = channels * 2;
  if (samples.byteLength % blockAlign !== 0) throw new Error(`WAV: ${samples.byteLength} bytes is not a whole number of ${channels}-channel frames`);
  const out = new Uint8Array(WAV_HEADER_SIZE + samples.byteLength);
  const view = new DataView(out.buffer);
  const ascii = (at: number, text: string): void => {
    for (let i = 0; i < text.length; i++) out[at + i] = text.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + samples.byteLength, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, samples.byteLength, true);
  out.set(samples, WAV_HEADER_SIZE);
  return out;
}
