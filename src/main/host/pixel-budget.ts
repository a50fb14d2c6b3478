/**
 * A token bucket on the pixel bytes the host hands to the front end. Every byte costs the front
 * end CPU to take in and paint (about 3 ms per MB in Chromium, docs/architecture.md), so when a
 * guest redraws the screen faster than anyone can watch (a terminal scrolling at full speed),
 * the host sends fewer, merged frames instead of every intermediate one. A burst (three full
 * 1080p frames) always goes at once, so single updates never wait for the budget.
 */
export class PixelBudget {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly bytesPerSecond: number,
    private readonly burstBytes: number,
    now: number = performance.now(),
  ) {
    this.tokens = burstBytes;
    this.refilledAt = now;
  }

  /** Milliseconds until `bytes` may be sent (0: now). More than a burst waits for a full bucket. */
  waitMs(bytes: number, now: number = performance.now()): number {
    this.refill(now);
    const needed = Math.min(bytes, this.burstBytes);
    return this.tokens >= needed ? 0 : ((needed - this.tokens) / this.bytesPerSecond) * 1000;
  }

  spend(bytes: number, now: number = performance.now()): void {
    this.refill(now);
    this.tokens -= bytes;
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.burstBytes, this.tokens + ((now - this.refilledAt) / 1000) * this.bytesPerSecond);
    this.refilledAt = now;
  }
}
