/**
 * Storage for many small images that are freed roughly in the order they were made: the GLZ
 * dictionary's window. Images are cut, one after another, out of large slabs; a slab becomes
 * reusable once every image cut from it has been freed.
 *
 * Why: a scrolling terminal decodes about 6,000 GLZ glyph strips a second. With an array of its
 * own for each, V8 counted every one as new external memory and answered with a full
 * mark-compact of the heap every 50-70 ms (207 in one 16-second scrolling-text run, about a
 * quarter of the engine's CPU), and zero-filled each one on allocation. Views into a few slabs
 * are ordinary small heap objects instead.
 *
 * A view stays valid until it is freed; freeing the same view twice, or a view that did not come
 * from here, is the caller's bug (it is ignored, never a wrong reuse).
 */

interface Slab {
  readonly words: Uint32Array;
  /** Next free word. */
  used: number;
  /** Views handed out and not yet freed. */
  live: number;
}

export class PixelSlabs {
  /** Slabs by their buffer, so free() finds a view's slab. */
  private readonly slabs = new Map<ArrayBufferLike, Slab>();
  private current: Slab | null = null;
  /** Emptied slabs kept for reuse (at most `spareSlabs`). */
  private readonly spare: Slab[] = [];

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
   * Storage for `words` pixels: not zero-filled (the decoders write every pixel). Images larger
   * than a quarter of a slab get an array of their own.
   */
  take(words: number): Uint32Array {
    if (words > this.slabWords >>> 2) return new Uint32Array(words);
    let slab = this.current;
    if (!slab || slab.used + words > slab.words.length) {
      slab = this.freshSlab();
      this.current = slab;
    }
    const view = slab.words.subarray(slab.used, slab.used + words);
    slab.used += words;
    slab.live++;
    return view;
  }

  /** Gives back storage from take(); arrays of their own are simply dropped. */
  free(view: Uint32Array): void {
    const slab = this.slabs.get(view.buffer);
    if (!slab || slab.live === 0) return;
    slab.live--;
    if (slab.live > 0) return;
    if (slab === this.current) {
      // Nothing lives in it any more: start again from its beginning.
      slab.used = 0;
      return;
    }
    this.slabs.delete(slab.words.buffer);
    if (this.spare.length < this.spareSlabs) {
      slab.used = 0;
      this.spare.push(slab);
    }
  }

  /** Forgets everything (views already handed out stay readable but are never reused). */
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
    const slab = this.spare.pop() ?? { words: new Uint32Array(this.slabWords), used: 0, live: 0 };
    this.slabs.set(slab.words.buffer, slab);
    return slab;
  }
}
