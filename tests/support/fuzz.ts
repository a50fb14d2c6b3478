import { ProtocolError } from '../../src/core/protocol/errors';
import { rng } from './lz-encoder';

/** A seeded source of random numbers in [0, 1) and integers, for reproducible fuzzing. */
export class FuzzRandom {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = rng(seed);
  }
  float(): number {
    return this.next() / 2 ** 32;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

/** Values that sit on the edges decoders get wrong: zero, one, sign bits, all ones. */
const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff];
const INTERESTING_WORDS = [0, 1, 2, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

/**
 * One mutation of a real payload: a few flipped bits, bytes set to edge values, a 32-bit field
 * (little- or big-endian) set to an edge value, a truncation, an insertion or a deletion, a
 * copied run — the damage a broken or hostile server, or a bad proxy, does.
 */
export function mutate(random: FuzzRandom, input: Uint8Array): { bytes: Uint8Array; how: string } {
  const bytes = Uint8Array.from(input);
  const at = (): number => random.int(Math.max(1, bytes.length));
  switch (random.int(7)) {
    case 0: {
      const flips = 1 + random.int(8);
      const where: number[] = [];
      for (let i = 0; i < flips && bytes.length > 0; i++) {
        const p = at();
        bytes[p] ^= 1 << random.int(8);
        where.push(p);
      }
      return { bytes, how: `bit flips at ${where.join(',')}` };
    }
    case 1: {
      const p = at();
      if (bytes.length > 0) bytes[p] = random.pick(INTERESTING_BYTES);
      return { bytes, how: `byte ${p} = ${bytes[p]}` };
    }
    case 2: {
      if (bytes.length < 4) return { bytes, how: 'unchanged (short)' };
      const p = random.int(bytes.length - 3);
      const value = random.pick(INTERESTING_WORDS);
      const littleEndian = random.int(2) === 0;
      new DataView(bytes.buffer).setUint32(p, value, littleEndian);
      return { bytes, how: `u32 at ${p} = 0x${value.toString(16)} ${littleEndian ? 'LE' : 'BE'}` };
    }
    case 3: {
      const length = random.int(bytes.length);
      return { bytes: bytes.subarray(0, length), how: `truncated to ${length}` };
    }
    case 4: {
      const p = random.int(bytes.length + 1);
      const extra = Uint8Array.from({ length: 1 + random.int(16) }, () => random.int(256));
      const out = new Uint8Array(bytes.length + extra.length);
      out.set(bytes.subarray(0, p));
      out.set(extra, p);
      out.set(bytes.subarray(p), p + extra.length);
      return { bytes: out, how: `${extra.length} bytes inserted at ${p}` };
    }
    case 5: {
      const p = at();
      const count = Math.min(bytes.length - p, 1 + random.int(16));
      const out = new Uint8Array(bytes.length - count);
      out.set(bytes.subarray(0, p));
      out.set(bytes.subarray(p + count), p);
      return { bytes: out, how: `${count} bytes deleted at ${p}` };
    }
    default: {
      const from = at();
      const to = at();
      const count = Math.min(bytes.length - Math.max(from, to), 1 + random.int(64));
      if (count > 0) bytes.copyWithin(to, from, from + count);
      return { bytes, how: `${Math.max(0, count)} bytes copied from ${from} to ${to}` };
    }
  }
}

export interface FuzzOutcome {
  readonly cases: number;
  readonly accepted: number;
  readonly refused: number;
}

/**
 * Feeds `count` mutations of the seeds to `run`. Every case must end normally or with a
 * ProtocolError; anything else (TypeError, RangeError, a crash inside a decoder) is reported
 * with the seed file and the mutation, so it can be replayed.
 */
export function fuzz(
  name: string,
  seeds: readonly { name: string; bytes: Uint8Array }[],
  count: number,
  seed: number,
  run: (bytes: Uint8Array, seedName: string) => void,
): FuzzOutcome {
  const random = new FuzzRandom(seed);
  let accepted = 0;
  let refused = 0;
  for (let i = 0; i < count; i++) {
    const source = seeds[i % seeds.length];
    const { bytes, how } = mutate(random, source.bytes);
    try {
      run(bytes, source.name);
      accepted++;
    } catch (error) {
      if (!(error instanceof ProtocolError)) {
        throw new Error(`${name}: case ${i} (${source.name}, ${how}) threw ${(error as Error)?.name}: ${(error as Error)?.message}`, { cause: error });
      }
      refused++;
    }
  }
  return { cases: count, accepted, refused };
}
