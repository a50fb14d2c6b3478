import type { DecodedImage } from '../../core/codecs/types';
import { ProtocolError } from '../../core/protocol/errors';

export interface ImageCacheEntry {
  readonly image: DecodedImage;
  /** The image came lossy (JPEG and the like): FROM_CACHE_LOSSLESS must not use it. */
  readonly lossy: boolean;
}

/**
 * Twice what the server may keep in our cache: it counts the cache in pixels
 * (dcc_pixmap_cache_unlocked_add(dcc, id, width × height, ...)) against the pixmap_cache_size
 * we announce — spice-gtk's 80 MB, i.e. 20 Mpx, which is 80 MB at our 4 bytes per pixel.
 */
export const DEFAULT_IMAGE_CACHE_MAX_BYTES = 2 * 80 * 1024 * 1024;

/**
 * The pixmap cache (cache id 1): images the server told us to keep (CACHE_ME), by descriptor
 * id. The server owns the bookkeeping — it decides what fits the size we announced and evicts
 * with INVAL_LIST / INVAL_ALL_PIXMAPS — so this cache never evicts on its own. It only guards
 * memory: a server that makes us hold more than `maxBytes` is broken or hostile, and put()
 * refuses with a ProtocolError.
 */
export class ImageCache {
  private readonly entries = new Map<bigint, ImageCacheEntry>();
  private totalBytes = 0;

  constructor(readonly maxBytes: number = DEFAULT_IMAGE_CACHE_MAX_BYTES) {}

  /** Number of images held. */
  get size(): number {
    return this.entries.size;
  }

  /** Pixel bytes held. */
  get bytes(): number {
    return this.totalBytes;
  }

  /**
   * Stores an image, replacing any entry with the same id (as spice-gtk's cache does; it is
   * also how CACHE_REPLACE_ME swaps a lossy image for the lossless one).
   */
  put(id: bigint, image: DecodedImage, lossy = false): void {
    const previous = this.entries.get(id);
    const total = this.totalBytes - (previous ? entryBytes(previous.image) : 0) + entryBytes(image);
    if (total > this.maxBytes) {
      throw new ProtocolError(
        `image cache: storing image ${id} (${image.width}x${image.height}) would hold ${total} bytes, beyond the limit of ${this.maxBytes}`,
      );
    }
    this.entries.set(id, { image, lossy });
    this.totalBytes = total;
  }

  get(id: bigint): ImageCacheEntry | undefined {
    return this.entries.get(id);
  }

  has(id: bigint): boolean {
    return this.entries.has(id);
  }

  /** Forgets one image (INVAL_LIST); returns whether it was there. Unknown ids are no error. */
  remove(id: bigint): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    this.entries.delete(id);
    this.totalBytes -= entryBytes(entry.image);
    return true;
  }

  /** Forgets everything (INVAL_ALL_PIXMAPS, RESET). */
  clear(): void {
    this.entries.clear();
    this.totalBytes = 0;
  }
}

function entryBytes(image: DecodedImage): number {
  return image.pixels.byteLength;
}
