/**
 * Reuses the ArrayBuffers that carry damage pixels, on both ends of the browser shell's event
 * stream: the engine takes them back once the socket has taken their bytes, the page once a
 * damage event has been painted. Fresh buffers for every flush (megabytes a second) cost the
 * engine full garbage collections (V8 answers external memory with them, and each one marks the
 * whole heap, GLZ window included) and the page fresh pages to fault in
 * (docs/architecture.md). Buffers are kept by exact size, since a patch's buffer is exactly its
 * pixels: repeated damage of the same shape (full frames, the same terminal area) finds one.
 * What is kept is bounded; the rest is left to the collector.
 */
export class PixelBufferPool {
  private readonly free = new Map<number, ArrayBuffer[]>();
  private keptBytes = 0;
  /** Buffers handed out that came from the pool (for the bench and tests). */
  reused = 0;
  allocated = 0;

  /** The default keeps about two full 1080p frames. */
  constructor(private readonly maxKeptBytes = 20 * 1024 * 1024) {}

  /** A buffer of exactly `bytes` bytes, reused when one is free. Its contents are stale. */
  take(bytes: number): ArrayBuffer {
    const list = this.free.get(bytes);
    const buffer = list?.pop();
    if (buffer) {
      if (list!.length === 0) this.free.delete(bytes);
      this.keptBytes -= bytes;
      this.reused++;
      return buffer;
    }
    this.allocated++;
    return new ArrayBuffer(bytes);
  }

  /** A buffer nobody uses any more. Detached (transferred) buffers are dropped. */
  give(buffer: ArrayBuffer): void {
    const bytes = buffer.byteLength;
    if (bytes === 0 || this.keptBytes + bytes > this.maxKeptBytes) return;
    const list = this.free.get(bytes);
    if (list) list.push(buffer);
    else this.free.set(bytes, [buffer]);
    this.keptBytes += bytes;
  }
}
