/**
 * Storage for many small images that are freed roughly in the order they were made: the GLZ
 * dictionary's window. Images are cut, one after another, out of large slabs; a slab becomes
 * reusable once every image cut from it has been freed.
 *
 * Why: a scrolling terminal decodes about 6,000 GLZ glyph strips a second. With an array of its
 * own for each, V8 counted every one as new external memory and answered with a full
 * mark-compact of the heap every 50-70 ms (207 in one 16-second scrolling-text run, about a
 * quarter of the engine's CPU), and zero-filled each one on allocation. Pieces of a few slabs
 * are not memory of their own.
 *
 * A piece is named by the array it lies in and its offset there, not by a view of its own: the
 * dictionary keeps its images for a second or so, long enough for the collector to move each
 * into the old generation, and a view per image (two for an RGBA image's alpha) made that about
 * 300 bytes per glyph strip, 25 MB a scrolling-text run, every byte of it to be marked and swept
 * again by a full collection (docs/architecture.md).
 *
 * A piece stays valid until it is freed; freeing the same piece twice, or storage that did not
 * come from here, is the caller's bug.
 */

interface Slab {
  readonly words: Uint32Array;
  /** The same memory as bytes (an alpha plane is stored as bytes). */
  readonly bytes: Uint8Array;
  /** Next free word. */
  used: number;
  /** Pieces handed out and not yet freed. */
  live: number;
}

export class PixelSlabs {
  /** Slabs by their words, so free() finds a piece's slab. */
  private readonly slabs = new Map<Uint32Array, Slab>();
  private current: Slab | null = null;
  /** Emptied slabs kept for reuse (at most `spareSlabs`). */
  private readonly spare: Slab[] = [];
  /** Where the last take() cut its piece in the array it returned. */
  takenAt = 0;

  /**
   * @param slabWords words per slab.
   * @param spareSlabs emptied slabs kept for reuse; more are left to the collector, so a burst
   *   does not pin its peak for the rest of the session.
   */
  constructor(
    private readonly slabWords = 1 << 20,
    private readonly spareSlabs = 2,
  ) {}

  /**
   * Storage for `words` pixels: returns the array holding them, from word `takenAt` (read it
   * before the next take: a piece is two numbers, and an object for them is what this avoids).
   * Not zero-filled (the decoders write every pixel). Images larger than a quarter of a slab
   * get an array of their own (takenAt 0).
   */
  take(words: number): Uint32Array {
    if (words > this.slabWords >>> 2) {
      this.takenAt = 0;
      return new Uint32Array(words);
    }
    let slab = this.current;
    if (!slab || slab.used + words > slab.words.length) {
      slab = this.freshSlab();
      this.current = slab;
    }
    this.takenAt = slab.used;
    slab.used += words;
    slab.live++;
    return slab.words;
  }

  /** The bytes of `store`: a slab's one byte view, else (an array of its own) a new view of it. */
  bytesOf(store: Uint32Array): Uint8Array {
    return this.slabs.get(store)?.bytes ?? new Uint8Array(store.buffer, store.byteOffset, store.byteLength);
  }

  /** Gives back a piece, named by the array take() returned; arrays of their own are simply dropped. */
  free(store: Uint32Array): void {
    const slab = this.slabs.get(store);
    if (!slab || slab.live === 0) return;
    slab.live--;
    if (slab.live > 0) return;
    if (slab === this.current) {
      // Nothing lives in it any more: start again from its beginning.
      slab.used = 0;
      return;
    }
    this.slabs.delete(slab.words);
    if (this.spare.length < this.spareSlabs) {
      slab.used = 0;
      this.spare.push(slab);
    }
  }

  /** Forgets everything (pieces already handed out stay readable but are never reused). */
  clear(): void {
    this.slabs.clear();
    this.spare.length = 0;
    this.current = null;
  }

  /** Words held in slabs, in use or not (for tests and memory accounting). */
  get slabWordsHeld(): number {
    return (this.slabs.size + this.spare.length) * this.slabWords;
  }

  private freshSlab(): Slab {
    let slab = this.spare.pop();
    if (!slab) {
      const words = new Uint32Array(this.slabWords);
      slab = { words, bytes: new Uint8Array(words.buffer), used: 0, live: 0 };
    }
    this.slabs.set(slab.words, slab);
    return slab;
  }
}
