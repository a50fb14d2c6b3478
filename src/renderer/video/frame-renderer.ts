import type { VideoRect } from '../../shared/video-ipc';
import { scaleRgba } from './rgba-scale';
import type { DrawablePicture } from './stream-decoder';

/**
 * Turns a decoded picture into the RGBA pixels of its destination on the surface, as
 * spice-gtk's put_image does: scaled to fill `dest` with nearest-neighbour sampling (no
 * smoothing) and flipped vertically when the stream is not top-down. RGBA pictures are placed
 * in JavaScript (rgba-scale.ts); others are drawn on a canvas of dest's size and read back. The
 * result lives in a buffer the next frame of the stream reuses.
 */
export class FrameRenderer {
  private canvas: OffscreenCanvas | null = null;
  private context: OffscreenCanvasRenderingContext2D | null = null;
  private output: Uint8ClampedArray<ArrayBuffer> | null = null;

  render(picture: DrawablePicture, dest: VideoRect, topDown: boolean): Uint8ClampedArray<ArrayBuffer> {
    const { width, height } = dest;
    if (picture.kind === 'rgba') {
      // One buffer per stream: the player keeps only the latest frame, which this one replaces.
      if (!this.output || this.output.length !== width * height * 4) this.output = new Uint8ClampedArray(width * height * 4);
      scaleRgba(picture.rgba, picture.width, picture.height, this.output, width, height, topDown);
      return this.output;
    }
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
