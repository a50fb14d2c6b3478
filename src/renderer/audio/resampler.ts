/**
 * A streaming sample-rate converter for the microphone: blocks at the capture rate in, blocks
 * at the rate the guest asked for out, with the position carried across blocks so the joins
 * are seamless. Linear interpolation, preceded when shrinking the rate by a moving average over
 * the ratio (a crude low-pass against aliasing): enough for speech, which is what a microphone
 * carries to a guest. Equal rates pass through untouched.
 */
export class LinearResampler {
  private readonly step: number;
  /** Position of the next output sample, in input samples relative to the current block. */
  private position = 0;
  /** The last input sample of the previous block (index -1), per channel. */
  private previous: Float32Array;
  /** Moving-average state per channel when shrinking. */
  private readonly smoothing: number;
  private history: Float32Array[];

  constructor(
    readonly fromRate: number,
    readonly toRate: number,
    readonly channels: number,
  ) {
    if (!(fromRate > 0 && toRate > 0)) throw new RangeError('sample rates must be positive');
    this.step = fromRate / toRate;
    this.previous = new Float32Array(channels);
    this.smoothing = this.step > 1 ? Math.max(1, Math.round(this.step)) : 1;
    this.history = Array.from({ length: channels }, () => new Float32Array(this.smoothing));
  }

  /** Converts one block (one plane per channel, equal lengths). */
  push(planes: readonly Float32Array[]): Float32Array[] {
    if (this.fromRate === this.toRate) return [...planes];
    const inputs = this.smoothing > 1 ? planes.map((plane, c) => this.smooth(plane, c)) : planes;
    const length = inputs[0]?.length ?? 0;
    // Output samples whose position falls in [position, length - 1]: interpolate between i and i + 1,
    // where index -1 is the previous block's last sample.
    const count = length === 0 ? 0 : Math.max(0, Math.floor((length - 1 - this.position) / this.step) + 1);
    const out = inputs.map(() => new Float32Array(count));
    for (let c = 0; c < inputs.length; c++) {
      const input = inputs[c];
      const previous = this.previous[c];
      let position = this.position;
      for (let k = 0; k < count; k++) {
        const i = Math.floor(position);
        const fraction = position - i;
        const a = i < 0 ? previous : input[i];
        const b = input[i + 1 < length ? i + 1 : length - 1];
        out[c][k] = a + (b - a) * fraction;
        position += this.step;
      }
      if (length > 0) this.previous[c] = input[length - 1];
    }
    this.position += count * this.step - length;
    return out;
  }

  private smooth(plane: Float32Array, channel: number): Float32Array {
    const history = this.history[channel];
    const n = this.smoothing;
    const out = new Float32Array(plane.length);
    let sum = history.reduce((total, x) => total + x, 0);
    for (let i = 0; i < plane.length; i++) {
      const slot = i % n;
      sum += plane[i] - history[slot];
      history[slot] = plane[i];
      out[i] = sum / n;
    }
    // Keep the ring aligned for the next block.
    const shift = plane.length % n;
    if (shift !== 0) this.history[channel] = Float32Array.from({ length: n }, (_, k) => history[(k + shift) % n]);
    return out;
  }
}
