// Signal measurements the sound tests share (pure: no Node or page APIs).

/**
 * Upward zero crossings per second, from the first to the last one (whole periods only): the
 * frequency of a tone. 0 when there are fewer than two crossings.
 */
export function upwardCrossingRate(samples: ArrayLike<number>, sampleRate: number): number {
  let firstCrossing = -1;
  let lastCrossing = -1;
  let crossings = 0;
  for (let i = 1; i < samples.length; i++) {
    if (samples[i - 1] < 0 && samples[i] >= 0) {
      if (firstCrossing < 0) firstCrossing = i;
      lastCrossing = i;
      crossings++;
    }
  }
  return crossings > 1 ? ((crossings - 1) * sampleRate) / (lastCrossing - firstCrossing) : 0;
}
