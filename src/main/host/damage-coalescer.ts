import type { DamageArea } from './engine-session';

/** Above this many separate rectangles per surface, they collapse into their bounding box. */
const MAX_RECTS = 32;
/** Merging two rectangles may repaint this many extra pixels for free (saves per-patch overhead). */
const MERGE_SLACK_PIXELS = 4096;

function area(r: DamageArea): number {
  return (r.right - r.left) * (r.bottom - r.top);
}

function union(a: DamageArea, b: DamageArea): DamageArea {
  return {
    left: Math.min(a.left, b.left),
    top: Math.min(a.top, b.top),
    right: Math.max(a.right, b.right),
    bottom: Math.max(a.bottom, b.bottom),
  };
}

function overlapArea(a: DamageArea, b: DamageArea): number {
  const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
  const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * Collects the damaged rectangles of one surface between two flushes. Rectangles that overlap
 * or sit close together merge (so a scrolling terminal sends one patch, not fifty), while
 * far-apart ones stay separate (a clock in one corner and a cursor blink in another must not
 * become a full-screen patch). The result never has overlapping rectangles.
 */
export class DamageCoalescer {
  private rects: DamageArea[] = [];

  constructor(private readonly width: number, private readonly height: number) {}

  get isEmpty(): boolean {
    return this.rects.length === 0;
  }

  /** Pixels pending (the rectangles never overlap). */
  get pixels(): number {
    let sum = 0;
    for (const rect of this.rects) sum += area(rect);
    return sum;
  }

  add(damage: DamageArea): void {
    let rect: DamageArea | null = this.clip(damage);
    if (!rect) return;
    // Keep merging until the new rectangle absorbs no more neighbours.
    for (let merged = true; merged; ) {
      merged = false;
      for (let i = 0; i < this.rects.length; i++) {
        const other = this.rects[i];
        // The joined box's area, without making it: most rectangles tried do not merge.
        const joinedArea = (Math.max(rect.right, other.right) - Math.min(rect.left, other.left)) * (Math.max(rect.bottom, other.bottom) - Math.min(rect.top, other.top));
        if (overlapArea(rect, other) > 0 || joinedArea <= area(rect) + area(other) + MERGE_SLACK_PIXELS) {
          rect = union(rect, other);
          this.rects.splice(i, 1);
          merged = true;
          break;
        }
      }
    }
    this.rects.push(rect);
    if (this.rects.length > MAX_RECTS) this.rects = [this.rects.reduce(union)];
  }

  /** Everything damaged since the last take, and a fresh start. */
  take(): DamageArea[] {
    const rects = this.rects;
    this.rects = [];
    return rects;
  }

  private clip(r: DamageArea): DamageArea | null {
    const left = Math.max(0, Math.floor(r.left));
    const top = Math.max(0, Math.floor(r.top));
    const right = Math.min(this.width, Math.ceil(r.right));
    const bottom = Math.min(this.height, Math.ceil(r.bottom));
    return right > left && bottom > top ? { left, top, right, bottom } : null;
  }
}
