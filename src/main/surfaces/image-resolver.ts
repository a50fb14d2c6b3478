import { decodeBitmap } from '../../core/codecs/bitmap';
import { decodeJpeg } from '../../core/codecs/jpeg';
import { decodeJpegAlpha } from '../../core/codecs/jpeg-alpha';
import { decodeLz4Image } from '../../core/codecs/lz4-image';
import { decodeLzPlt, decodeLzRgb } from '../../core/codecs/lz';
import { decodeQuic } from '../../core/codecs/quic';
import { ScratchPixels } from '../../core/codecs/scratch-pixels';
import type { DecodedImage } from '../../core/codecs/types';
import { decodeZlibGlz } from '../../core/codecs/zlib-glz';
import { ImageFlags, BitmapFlags } from '../../core/protocol/constants';
import type { Image, PaletteRef } from '../../core/protocol/display-types';
import { ProtocolError } from '../../core/protocol/errors';
import { engineImageCodecs, type ImageCodecs } from '../codecs/image-codecs';
import { JPEG_DECODER_PACKAGE } from '../codecs/jpeg-js-decoder';
import { silentLogger, type Logger } from '../session/logger';
import { SessionError } from '../session/session-error';
import type { DisplayResources } from './display-resources';
import type { Surface } from './surface';

/**
 * Turns an Image from a drawing message into pixels: decodes it with the right codec, resolves
 * cached images and palettes, reads other surfaces, and stores images the server asked us to
 * cache (CACHE_ME) so later FROM_CACHE references find them.
 */
export class ImageResolver {
  constructor(
    private readonly resources: DisplayResources,
    private readonly surfaces: ReadonlyMap<number, Surface>,
    private readonly codecs: ImageCodecs = engineImageCodecs(),
    private readonly log: Logger = silentLogger,
  ) {}

  /** Output storage for LZ images, which are drawn as soon as they are decoded. */
  private readonly scratch = new ScratchPixels();

  /** An image already decoded elsewhere (off-thread-decoder.ts) for the draw being made. */
  private provided: { readonly data: Uint8Array; readonly image: DecodedImage } | null = null;

  /** The QUIC payload `data` decodes to `image` (null: decode in line); null, null forgets it. */
  provide(data: Uint8Array | null, image: DecodedImage | null): void {
    this.provided = data && image ? { data, image } : null;
  }

  /** Image kinds decoded so far (the first of each is logged: tests and users see what the server sends). */
  private readonly kindsSeen = new Set<string>();

  /** Bound so it can be handed to the canvas as a plain function. */
  readonly resolve = (image: Image, alphaUsed = true): DecodedImage => {
    const { descriptor, payload } = image;
    // The cache keeps an image for any later use, alpha included.
    const cached = (descriptor.flags & (ImageFlags.CACHE_ME | ImageFlags.CACHE_REPLACE_ME)) !== 0;
    let decoded: DecodedImage;
    switch (payload.kind) {
      case 'bitmap': {
        const palette = this.palette(payload.bitmap.palette, payload.bitmap.flags);
        decoded = decodeBitmap(payload.bitmap, palette);
        break;
      }
      case 'quic':
        decoded = this.provided && this.provided.data === payload.data ? this.provided.image : decodeQuic(payload.data);
        break;
      case 'lz_rgb':
        // Drawn at once: into reused storage (copied below if the cache keeps it).
        decoded = decodeLzRgb(payload.data, this.scratch.take, alphaUsed || cached);
        break;
      case 'glz_rgb':
        decoded = this.resources.glz.decode(payload.data, alphaUsed || cached);
        break;
      case 'lz_plt': {
        const palette = this.palette(payload.palette, payload.flags);
        if (!palette) throw new ProtocolError('LZ_PLT image without a palette');
        decoded = decodeLzPlt(payload.data, palette);
        break;
      }
      case 'from_cache':
      case 'from_cache_lossless': {
        const entry = this.resources.images.get(descriptor.id);
        if (!entry) throw new ProtocolError(`image ${descriptor.id} is not in the cache`);
        if (payload.kind === 'from_cache_lossless' && entry.lossy) {
          throw new ProtocolError(`image ${descriptor.id} is cached only in a lossy version`);
        }
        return entry.image;
      }
      case 'surface': {
        const surface = this.surfaces.get(payload.surfaceId);
        if (!surface) throw new ProtocolError(`image refers to surface ${payload.surfaceId}, which does not exist`);
        return { width: surface.width, height: surface.height, pixels: surface.pixels, hasAlpha: surface.hasAlpha };
      }
      case 'zlib_glz_rgb':
        decoded = decodeZlibGlz(payload.glzDataSize, payload.data, this.codecs.inflate, this.resources.glz, alphaUsed || cached);
        break;
      case 'jpeg':
        decoded = decodeJpeg(payload.data, this.jpegDecoder(), descriptor);
        break;
      case 'jpeg_alpha':
        decoded = decodeJpegAlpha(payload, this.jpegDecoder(), descriptor.width, descriptor.height);
        break;
      case 'lz4':
        decoded = decodeLz4Image(payload.data, descriptor.width, descriptor.height);
        break;
    }
    if (decoded.width !== descriptor.width || decoded.height !== descriptor.height) {
      throw new ProtocolError(
        `${payload.kind} image decoded to ${decoded.width}x${decoded.height}, its descriptor says ${descriptor.width}x${descriptor.height}`,
      );
    }
    if (!this.kindsSeen.has(payload.kind)) {
      this.kindsSeen.add(payload.kind);
      this.log.debug(`display: first ${payload.kind} image (${decoded.width}x${decoded.height})`);
    }
    // spice-common's spice_image_descriptor_is_lossy: only the JPEG types lose information.
    const lossy = payload.kind === 'jpeg' || payload.kind === 'jpeg_alpha';
    if (cached) {
      // GLZ images share storage with the dictionary, which reuses it once they leave the window;
      // LZ images are in scratch storage, reused a few images later.
      const shared = payload.kind === 'glz_rgb' || payload.kind === 'zlib_glz_rgb' || payload.kind === 'lz_rgb';
      const kept = shared ? { ...decoded, pixels: decoded.pixels.slice() } : decoded;
      if (descriptor.flags & ImageFlags.CACHE_ME) {
        this.resources.images.put(descriptor.id, kept, lossy);
      } else {
        // The server sends the lossless version of an image we hold lossy (it had sent it as JPEG).
        if (lossy) throw new ProtocolError(`image ${descriptor.id}: a lossy image cannot replace a cached one`);
        this.resources.images.put(descriptor.id, kept, false);
      }
    }
    return decoded;
  };

  private jpegDecoder(): NonNullable<ImageCodecs['jpeg']> {
    if (!this.codecs.jpeg) {
      throw new SessionError('unsupported', `the server sent a JPEG image, and this build has no JPEG decoder (the ${JPEG_DECODER_PACKAGE} package is not installed)`);
    }
    return this.codecs.jpeg;
  }

  private palette(ref: PaletteRef, flags: number): Uint32Array | null {
    switch (ref.kind) {
      case 'none':
        return null;
      case 'cached': {
        const entries = this.resources.palettes.get(ref.id);
        if (!entries) throw new ProtocolError(`palette ${ref.id} is not in the cache`);
        return entries;
      }
      case 'inline':
        if (flags & BitmapFlags.PAL_CACHE_ME) this.resources.palettes.put(ref.unique, ref.entries);
        return ref.entries;
    }
  }
}
