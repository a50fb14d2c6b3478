/** Capability sets travel as arrays of little-endian uint32 words, bit N of the set = word N/32, bit N%32. */

export function capsToWords(bits: readonly number[]): number[] {
  const words: number[] = [];
  for (const bit of bits) {
    const index = bit >> 5;
    while (words.length <= index) words.push(0);
    words[index] = (words[index] | (1 << (bit & 31))) >>> 0;
  }
  return words;
}

export function hasCap(words: readonly number[], bit: number): boolean {
  const index = bit >> 5;
  return index < words.length && (words[index] & (1 << (bit & 31))) !== 0;
}
