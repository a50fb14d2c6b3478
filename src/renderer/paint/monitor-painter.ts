import type { MonitorLayout } from '../view/layout';
import type { MonitorSink } from './display-model';
import type { VideoRect } from '../../shared/video-ipc';

/**
 * Paints one monitor into its canvas, 1:1: the canvas has the monitor's size in guest pixels
 * (CSS decides how big it looks), and patches go in with putImageData, clipped to the monitor.
 */
export class MonitorPainter implements MonitorSink {
  private readonly context: CanvasRenderingContext2D;

  constructor(canvas: HTMLCanvasElement, readonly layout: MonitorLayout) {
    // Desynchronized: patches reach the screen without waiting for the compositor's next frame,
    // which cost the renderer a quarter of its CPU on scrolling text (docs/architecture.md).
    // A patch may show while the screen is scanned out (tearing), as a remote display's bands
    // arrive anyway; where the browser cannot, the canvas stays synchronized.
    const context = canvas.getContext('2d', { alpha: false, desynchronized: true });
    if (!context) throw new Error('this browser gives no 2D canvas');
    this.context = context;
    if (canvas.width !== layout.width || canvas.height !== layout.height) {
      canvas.width = layout.width;
      canvas.height = layout.height;
    }
  }

  copy(source: VideoRect, destX: number, destY: number): boolean {
    const m = this.layout;
    if (source.x < m.x || source.y < m.y || source.x + source.width > m.x + m.width || source.y + source.height > m.y + m.height) return false;
    // A canvas drawn onto itself is copied first (HTML's drawing model): overlap is safe. What
    // falls outside this monitor is clipped by the canvas, and another monitor paints its part.
    this.context.drawImage(this.context.canvas, source.x - m.x, source.y - m.y, source.width, source.height, destX - m.x, destY - m.y, source.width, source.height);
    return true;
  }

  paint(image: ImageData, x: number, y: number): void {
    const m = this.layout;
    const left = Math.max(x, m.x);
    const top = Math.max(y, m.y);
    const right = Math.min(x + image.width, m.x + m.width);
    const bottom = Math.min(y + image.height, m.y + m.height);
    if (right <= left || bottom <= top) return;
    // The dirty rectangle is in the image's own coordinates; the image goes where the guest put it.
    this.context.putImageData(image, x - m.x, y - m.y, left - x, top - y, right - left, bottom - top);
  }
}
