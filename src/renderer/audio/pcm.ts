/**
 * Sample format conversions between SPICE's PCM (signed 16-bit little-endian, channels
 * interleaved) and WebAudio's (one Float32Array per channel, -1..1).
 */

/** Raw PCM bytes as one float plane per channel; a trailing partial frame is ignored. */
export function s16leToPlanes(bytes: Uint8Array, channels: number): Float32Array[] {
  const frames = Math.floor(bytes.byteLength / (2 * channels));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const planes = Array.from({ length: channels }, () => new Float32Array(frames));
  for (let frame = 0; frame < frames; frame++) {
    for (let channel = 0; channel < channels; channel++) {
      planes[channel][frame] = view.getInt16(2 * (frame * channels + channel), true) / 32768;
    }
  }
  return planes;
}

/** Float planes (equal lengths) as raw PCM: interleaved s16le, clamped, rounded to nearest. */
export function planesToS16le(planes: readonly Float32Array[]): Uint8Array {
  const channels = planes.length;
  const frames = channels > 0 ? planes[0].length : 0;
  const out = new Uint8Array(frames * channels * 2);
  const view = new DataView(out.buffer);
  for (let frame = 0; frame < frames; frame++) {
    for (let channel = 0; channel < channels; channel++) {
      const x = planes[channel][frame];
      const scaled = Math.round((x < -1 ? -1 : x > 1 ? 1 : x) * 32767);
      view.setInt16(2 * (frame * channels + channel), scaled, true);
    }
  }
  return out;
}

/**
 * Planes remixed to `channels`: the same count passes through; mono is copied to every
 * channel; more channels than wanted are averaged into mono, or keep the first ones.
 */
export function remix(planes: readonly Float32Array[], channels: number): Float32Array[] {
  if (planes.length === channels) return [...planes];
  if (planes.length === 0) return [];
  if (planes.length === 1) return Array.from({ length: channels }, () => planes[0]);
  if (channels === 1) {
    const mono = new Float32Array(planes[0].length);
    for (const plane of planes) for (let i = 0; i < mono.length; i++) mono[i] += plane[i] / planes.length;
    return [mono];
  }
  return Array.from({ length: channels }, (_, channel) => planes[Math.min(channel, planes.length - 1)]);
}

/**
 * The gain for the guest mixer's state: SPICE levels are 0..65535 per channel, which spice-gtk
 * treats as a cubic volume (gain = level³); muted is silence. Channels are averaged.
 */
export function serverGain(volumes: readonly number[] | null, muted: boolean): number {
  if (muted) return 0;
  if (!volumes || volumes.length === 0) return 1;
  const level = volumes.reduce((sum, v) => sum + v, 0) / volumes.length / 65535;
  return level * level * level;
}
