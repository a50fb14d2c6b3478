/**
 * Reused output storage for images that are drawn as soon as they are decoded. A text-heavy
 * screen arrives as hundreds of thousands of small LZ images (glyph strips of 512x13); a new
 * array for each made a quarter of the decoding time garbage collection. The slots are handed
 * out in turn, so an image stays valid until `slots` more have been taken: enough for one
 * drawing operation, which resolves at most a source, a mask and a pattern. A caller that keeps
 * an image longer (the image cache) must copy it.
 */
export class ScratchPixels {
  private readonly storage: Uint32Array[];
  private next = 0;

  /**
   * @param slots images alive at once.
   * @param maxWords larger images get storage of their own, so a few full-screen images do not
   *   pin megabytes for the rest of the session.
   */
  constructor(
    slots = 4,
    private readonly maxWords = 1 << 18,
  ) {
    this.storage = Array.from({ length: slots }, () => new Uint32Array(0));
  }

  /** Storage for `words` pixels (not zero-filled: the decoders write every pixel). */
  readonly take = (words: number): Uint32Array => {
    if (words > this.maxWords) return new Uint32Array(words);
    const slot = this.next;
    this.next = (slot + 1) % this.storage.length;
    let buffer = this.storage[slot];
    if (buffer.length < words) {
      // Grow by at least half, so a run of slowly growing sizes does not reallocate each time.
      buffer = new Uint32Array(Math.min(this.maxWords, Math.max(words, Math.ceil(buffer.length * 1.5))));
      this.storage[slot] = buffer;
    }
    return buffer.subarray(0, words);
  };
}
