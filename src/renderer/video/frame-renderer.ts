import type { VideoRect } from '../../shared/video-ipc';
import type { DrawablePicture } from './stream-decoder';

/**
 * Turns a decoded picture into the RGBA pixels of its destination on the surface, as
 * spice-gtk's put_image does: scaled to fill `dest` with nearest-neighbour sampling (no
 * smoothing) and flipped vertically when the stream is not top-down. One canvas per stream,
 * reused while the destination's size stays the same.
 */
export class FrameRenderer {
  private canvas: OffscreenCanvas | null = null;
  private context: OffscreenCanvasRenderingContext2D | null = null;

  render(picture: DrawablePicture, dest: VideoRect, topDown: boolean): Uint8ClampedArray {
    const { width, height } = dest;
    if (!this.canvas || !this.context || this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas = new OffscreenCanvas(width, height);
      this.context = this.canvas.getContext('2d', { alpha: false, willReadFrequently: true });
      if (!this.context) throw new Error('this browser gives no 2D canvas for video');
    }
    const context = this.context;
    context.imageSmoothingEnabled = false;
    if (topDown) context.setTransform(1, 0, 0, 1, 0, 0);
    else context.setTransform(1, 0, 0, -1, 0, height);
    context.drawImage(picture.source, 0, 0, width, height);
    return context.getImageData(0, 0, width, height).data;
  }
}
