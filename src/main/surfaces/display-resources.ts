import { GlzDictionary } from '../../core/codecs/glz';
import { ImageCache } from './image-cache';
import { PaletteCache } from './palette-cache';

/**
 * What the display channels of one session share: the server manages one pixmap cache and one
 * GLZ dictionary per client (cache id 1, dictionary id 1), whichever channel an image came on.
 */
export class DisplayResources {
  readonly images = new ImageCache();
  readonly palettes = new PaletteCache();
  readonly glz: GlzDictionary;

  constructor(readonly glzWindowPixels: number) {
    // The image resolver copies what it caches, so evicted images' storage can be reused.
    this.glz = new GlzDictionary(glzWindowPixels, { reuseEvicted: true });
  }
}
