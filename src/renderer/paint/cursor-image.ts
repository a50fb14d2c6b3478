import type { CursorImage } from '../../shared/ipc';

/** Chromium ignores CSS cursor images larger than this; larger guest cursors fall back to the default. */
const MAX_CSS_CURSOR = 128;

/** The guest's pointer image as a canvas (for the overlay) and a CSS cursor value (for client mode). */
export interface PreparedCursor {
  readonly image: CursorImage;
  readonly canvas: HTMLCanvasElement;
  readonly css: string;
}

export function prepareCursor(image: CursorImage): PreparedCursor {
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext('2d');
  if (context) context.putImageData(new ImageData(new Uint8ClampedArray(image.rgba), image.width, image.height), 0, 0);
  const css = image.width <= MAX_CSS_CURSOR && image.height <= MAX_CSS_CURSOR ? `url(${canvas.toDataURL('image/png')}) ${image.hotX} ${image.hotY}, default` : 'default';
  return { image, canvas, css };
}
