// SPICE GLZ image decoder (SPICE_IMAGE_TYPE_GLZ_RGB, and the inflated payload of ZLIB_GLZ_RGB),
// written from spice-gtk's decode-glz.c / decode-glz-tmpl.c and spice-server's glz encoder.
//
// GLZ is LZ whose back references may also point into earlier images: a match carries an image
// distance (0 = this image) and, for another image, the offset of its first pixel in that
// image. The server and the client keep the same window of recent images; the server says,
// with every image, how far back its window reaches (win_head_dist).
//
// The server only GLZ-compresses RGB16, RGB24, RGB32 and RGBA bitmaps (bitmap_fmt_has_graduality),
// and only references images of the same type (REF_SEG_IS_VALID), so the dictionary can keep
// every image as opaque 32-bit pixels, and an RGBA image's alpha beside them as a plane of
// bytes: a reference is then a typed-array copy of either. Kept apart, the colour of an RGBA
// image is ready for a surface that ignores alpha (a terminal's glyph strips are RGBA images
// drawn onto the opaque screen) as a plain block copy.
import { checkImageSize, ProtocolError } from '../protocol/errors';
import type { DecodedImage } from './types';
import { PixelSlabs } from './pixel-slabs';
import { ScratchPixels } from './scratch-pixels';
import {
  copyMatch32,
  copyMatch8,
  flippedCopy,
  LZ_MAGIC,
  LZ_VERSION,
  LzImageType,
  MAX_UNITS_PER_BYTE,
  mergeAlpha,
  RGB_BYTES_PER_PIXEL,
  rgb16ToRgb32Table,
  truncated,
} from './lz-common';

const WHAT = 'GLZ image';
const HEADER_SIZE = 33;
/**
 * How many images we keep beyond what the server's own window statement allows, as a multiple
 * of the window: room for images that arrive out of id order (several display channels share
 * one dictionary but not one socket) while the hard memory bound stays at 2 × window pixels.
 */
const MEMORY_FACTOR = 2;
/** After this many images beyond a missing id, we stop waiting for it (it will never come). */
const MAX_PENDING = 256;
/** Ids on the wire keep only 24 bits of their low word (see unwrapId). */
const ID_MASK = 0xffffff;

/**
 * One image in the window: its pixels in stream order (what references index), not output
 * order. One object with no views of its own, and reused once its image has left the window:
 * a window image lives a second or so, long enough for the collector to move it to the old
 * generation, where each one dropped was garbage for a full collection to find (pixel-slabs.ts).
 * The pixels are `words[at, at + length)`, in a slab or an array of their own.
 */
interface WindowImage {
  seq: number;
  /** Oldest image this image's window still held (seq − win_head_dist). */
  head: number;
  /** Colour, alpha byte 0xff. */
  words: Uint32Array;
  at: number;
  length: number;
  /** An RGBA image's alpha plane, `alphaBytes[alphaAt, alphaAt + length)`, stored in `alphaWords`; else null. */
  alphaBytes: Uint8Array | null;
  alphaAt: number;
  alphaWords: Uint32Array | null;
}

/** Window images kept for reuse after they leave (see WindowImage); more are left to the collector. */
const MAX_SPARE_IMAGES = 4096;
const NO_WORDS = new Uint32Array(0);

interface GlzHeader {
  type: LzImageType;
  topDown: boolean;
  width: number;
  height: number;
  idLow: number;
  headDist: number;
}

// GLZ header: 33 bytes, big-endian (glz_encode writes encode_32/encode_64, MSB first):
//   0 magic          u32 0x20205a4c ("  ZL")
//   4 version        u32 0x00010001
//   8 type|top_down  u8  LzImageType in bits 0-3, top_down in bit 4
//   9 width          u32
//  13 height         u32
//  17 stride         u32 bytes per source row (width × bytes per pixel for the RGB types)
//  21 id             u64 image id (high word, low word)
//  29 win_head_dist  u32 distance from this id back to the oldest image of the server's window
function parseHeader(data: Uint8Array, view: DataView): GlzHeader {
  if (data.length < HEADER_SIZE) throw truncated(WHAT);
  const magic = view.getUint32(0);
  if (magic !== LZ_MAGIC) throw new ProtocolError(`${WHAT}: bad magic 0x${magic.toString(16)}`);
  const version = view.getUint32(4);
  if (version !== LZ_VERSION) throw new ProtocolError(`${WHAT}: unsupported version 0x${version.toString(16)}`);
  const typeByte = data[8];
  const type = typeByte & 0x0f;
  if (type < LzImageType.RGB16 || type > LzImageType.RGBA) {
    // Palette types exist in the format but need a palette GLZ_RGB does not carry (spice-gtk
    // fails them too); XXXA and A8 are never GLZ-compressed.
    throw new ProtocolError(`${WHAT}: unsupported type ${type}`);
  }
  const width = view.getUint32(9);
  const height = view.getUint32(13);
  const stride = view.getUint32(17);
  checkImageSize(WHAT, width, height);
  if (stride !== width * RGB_BYTES_PER_PIXEL[type]) {
    throw new ProtocolError(`${WHAT}: stride ${stride} does not match width ${width} for type ${type}`);
  }
  return {
    type: type as LzImageType,
    topDown: typeByte >>> 4 !== 0,
    width,
    height,
    idLow: view.getUint32(25),
    headDist: view.getUint32(29),
  };
}

/**
 * The client side of a GLZ dictionary: decodes GLZ_RGB payloads and keeps recent images so
 * later ones can reference them. One instance per glz_dictionary_id (shared by every display
 * channel of a session, as the server shares its dictionary).
 *
 * Memory: images leave once no future image can reference them — below the oldest image the
 * server's window still held when it encoded the newest image we have without gaps before it —
 * and in any case once the kept images exceed 2 × windowSize pixels.
 *
 * The pixels of a top-down image are returned without a copy and also kept here as history:
 * treat DecodedImage.pixels as read-only. With `reuseEvicted`, the storage of images that left
 * the window is reused for new ones, cut from a few large slabs (pixel-slabs.ts: a scrolling
 * terminal decodes thousands of glyph strips a second, and an array for each cost the engine a
 * full garbage collection every 50-70 ms): then a returned image's pixels are valid only until
 * the next decode, and whoever keeps an image longer (the image cache) keeps a copy.
 */
export class GlzDictionary {
  private readonly windowSize: number;
  /**
   * Kept images in ascending seq order, from index `first` (evicting from the front is O(1)).
   * The only index of the window: ids arrive nearly always one after another, so an image is
   * found at the place its id predicts, else by binary search (lookup). A map by id cost a cache
   * miss per eviction (about 40 ms a scrolling-text run), and its hash table, rebuilt as
   * thousands of ids came and went, was most of what the window left for full collections
   * (22 MB of tables per 455,000 strips).
   */
  private order: WindowImage[] = [];
  private first = 0;
  private keptPixels = 0;
  // Id unwrapping and release tracking; see unwrapId and release.
  private started = false;
  private newestSeq = 0;
  private newestWire = 0;
  /** Every seq from the first one seen up to this one has arrived. */
  private contiguous = 0;
  /** Heads of images that arrived above a gap, by seq. */
  private readonly pending = new Map<number, number>();
  /** Images below this seq can no longer be referenced. */
  private releaseBelow = -Infinity;

  /** Output storage for RGBA images returned with their alpha merged (see decode). */
  private readonly merged = new ScratchPixels();
  /** Storage of the kept images, reused once they leave (only with reuseEvicted). */
  private readonly slabs = new PixelSlabs();
  /** Where storage() put the last image's words in the array it returned. */
  private storedAt = 0;
  /** Window image objects of images that left, for the next ones (see WindowImage). */
  private readonly spareImages: WindowImage[] = [];

  /** windowSize: the GLZ window size in pixels the client announced in MSGC_DISPLAY_INIT (glz_dictionary_window_size). */
  constructor(windowSize: number, private readonly options: { readonly reuseEvicted?: boolean } = {}) {
    if (!Number.isInteger(windowSize) || windowSize <= 0) {
      throw new RangeError(`GLZ window size must be a positive number of pixels, not ${windowSize}`);
    }
    this.windowSize = windowSize;
  }

  /** Images currently kept for reference. */
  get imageCount(): number {
    return this.order.length - this.first;
  }

  /** Pixels currently kept for reference (bounded by 2 × windowSize). */
  get pixelCount(): number {
    return this.keptPixels;
  }

  /**
   * Decodes one GLZ_RGB payload (after data_size), adding the image to the dictionary so later
   * images may reference it. `alphaUsed` false: the caller ignores the alpha byte of every pixel
   * (it draws onto a surface without alpha), so an RGBA image comes back as its opaque colour,
   * with no copy and hasAlpha false; otherwise as a copy with its alpha merged in.
   */
  decode(data: Uint8Array, alphaUsed = true): DecodedImage {
    // One view of the payload for the header and the colour pass's literals (a terminal decodes
    // thousands of glyph strips a second, and a DataView is costly to make).
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const { type, topDown, width, height, idLow, headDist } = parseHeader(data, view);
    const n = width * height;
    // The server refuses to GLZ-encode an image larger than its window (it falls back to LZ).
    if (n > this.windowSize) {
      throw new ProtocolError(`${WHAT}: ${width}x${height} is larger than the ${this.windowSize}-pixel window`);
    }
    const end = data.length;
    const body = end - HEADER_SIZE;
    const rgba = type === LzImageType.RGBA;
    if ((rgba ? 2 * n : n) > MAX_UNITS_PER_BYTE * body) {
      throw new ProtocolError(`${WHAT}: ${body} bytes cannot hold a ${width}x${height} image`);
    }
    const seq = this.unwrapId(idLow);
    const words = this.storage(n);
    const at = this.storedAt;
    let alphaWords: Uint32Array | null = null;
    let alphaBytes: Uint8Array | null = null;
    let alphaAt = 0;
    try {
      let ip: number;
      if (type === LzImageType.RGB16) {
        ip = this.rgb16Pass(data, HEADER_SIZE, end, words, at, n, seq);
      } else {
        ip = this.rgb32Pass(data, view, HEADER_SIZE, end, words, at, n, seq);
        if (rgba) {
          // The pass writes every byte of the plane.
          alphaWords = this.storage((n + 3) >>> 2);
          alphaAt = 4 * this.storedAt;
          alphaBytes = this.slabs.bytesOf(alphaWords);
          ip = this.alphaPass(data, ip, end, alphaBytes, alphaAt, n, seq);
        }
      }
      if (ip !== end) throw new ProtocolError(`${WHAT}: ${end - ip} trailing bytes`);
    } catch (error) {
      // Never added: its storage goes back at once.
      this.recycle(words);
      if (alphaWords) this.recycle(alphaWords);
      throw error;
    }
    const image = this.spareImages.pop() ?? { seq: 0, head: 0, words: NO_WORDS, at: 0, length: 0, alphaBytes: null, alphaAt: 0, alphaWords: null };
    image.seq = seq;
    image.head = seq - headDist;
    image.words = words;
    image.at = at;
    image.length = n;
    image.alphaBytes = alphaBytes;
    image.alphaAt = alphaAt;
    image.alphaWords = alphaWords;
    this.add(image, idLow & ID_MASK);
    const pixels = at === 0 && words.length === n ? words : words.subarray(at, at + n);
    if (!alphaBytes || !alphaUsed) return { width, height, pixels: topDown ? pixels : flippedCopy(pixels, width, height), hasAlpha: false };
    const out = this.options.reuseEvicted ? this.merged.take(n) : new Uint32Array(n);
    out.set(pixels);
    mergeAlpha(out, alphaBytes.subarray(alphaAt, alphaAt + n));
    return { width, height, pixels: topDown ? out : flippedCopy(out, width, height), hasAlpha: true };
  }

  /** Forget every image (display RESET / INVAL_ALL_PIXMAPS wait-for semantics are the caller's). */
  clear(): void {
    this.slabs.clear();
    this.order = [];
    this.first = 0;
    this.keptPixels = 0;
    this.started = false;
    this.pending.clear();
    this.releaseBelow = -Infinity;
  }

  /**
   * Image ids as a monotonic sequence number. spice-server before 0.14.1 (commit 04e7f512,
   * 2018) masked the low id word with 0xffffff in encode_64, so its wire ids wrap every 2^24
   * images while references keep counting distances (spice-gtk breaks there). Working modulo
   * 2^24 and unwrapping against the newest id seen is right for those servers and for later
   * ones that send full ids, as long as ids in flight are within 2^23 of each other (a window
   * holds far fewer images). The high word is ignored for the same reason.
   */
  private unwrapId(idLow: number): number {
    const wire = idLow & ID_MASK;
    if (!this.started) return wire;
    return this.newestSeq + (((wire - this.newestWire) << 8) >> 8);
  }

  private add(image: WindowImage, wire: number): void {
    const { seq } = image;
    const order = this.order;
    if (order.length === this.first || order[order.length - 1].seq < seq) {
      // The common case, a newer id than any kept: nothing to look up.
      order.push(image);
    } else {
      const lo = this.lowerBound(seq);
      const old = lo < order.length && order[lo].seq === seq ? order[lo] : null;
      if (old) {
        // The same id again: only a server that reset its dictionary without telling us does
        // this. The newest image is what later references mean.
        this.keptPixels -= old.length;
        this.forget(old);
        order[lo] = image;
      } else {
        order.splice(lo, 0, image);
      }
    }
    this.keptPixels += image.length;

    if (!this.started) {
      this.started = true;
      this.newestSeq = seq;
      this.newestWire = wire;
      this.contiguous = seq;
      this.releaseBelow = image.head;
    } else {
      if (seq > this.newestSeq) {
        this.newestSeq = seq;
        this.newestWire = wire;
      }
      if (seq === this.contiguous + 1 && this.pending.size === 0) {
        // In order, nothing waiting: what advance() would do, without a map entry made and dropped.
        this.contiguous = seq;
        if (image.head > this.releaseBelow) this.releaseBelow = image.head;
      } else {
        if (seq > this.contiguous) this.pending.set(seq, image.head);
        this.advance();
      }
    }
    this.release();
  }

  /**
   * Moves `contiguous` over every image that has arrived without a gap before it. Window heads
   * only move forward with the id, so every image still to come (ids above `contiguous`) has a
   * head at least that of image `contiguous`: anything older is unreachable. An image arriving
   * above a gap is not evidence yet: the missing one (from another display channel) may still
   * reference older images.
   */
  private advance(): void {
    const pending = this.pending;
    if (pending.size > MAX_PENDING) {
      // A missing id this far back will not come: continue from the oldest one that did.
      let oldest = Infinity;
      for (const seq of pending.keys()) if (seq < oldest) oldest = seq;
      this.contiguous = oldest - 1;
    }
    let head = pending.get(this.contiguous + 1);
    while (head !== undefined) {
      pending.delete(++this.contiguous);
      if (head > this.releaseBelow) this.releaseBelow = head;
      head = pending.get(this.contiguous + 1);
    }
  }

  private release(): void {
    const order = this.order;
    const limit = MEMORY_FACTOR * this.windowSize;
    while (this.first < order.length) {
      const image = order[this.first];
      if (image.seq >= this.releaseBelow && this.keptPixels <= limit) break;
      this.keptPixels -= image.length;
      this.forget(image);
      this.first++;
    }
    if (this.first > 1024 && this.first * 2 > order.length) {
      this.order = order.slice(this.first);
      this.first = 0;
    }
  }

  /**
   * Words for a new image (not zero-filled: the passes write every pixel): the array they are
   * in, from word `storedAt`.
   */
  private storage(n: number): Uint32Array {
    if (this.options.reuseEvicted) {
      const store = this.slabs.take(n);
      this.storedAt = this.slabs.takenAt;
      return store;
    }
    this.storedAt = 0;
    return new Uint32Array(n);
  }

  private recycle(store: Uint32Array): void {
    if (this.options.reuseEvicted) this.slabs.free(store);
  }

  /** An image that left the window: its storage goes back, and the object waits for reuse. */
  private forget(image: WindowImage): void {
    this.recycle(image.words);
    if (image.alphaWords) this.recycle(image.alphaWords);
    if (this.spareImages.length >= MAX_SPARE_IMAGES) return;
    // Holding on to the pixels would keep an array of their own alive until the object is reused.
    image.words = NO_WORDS;
    image.alphaBytes = null;
    image.alphaWords = null;
    this.spareImages.push(image);
  }

  private lookup(seq: number, dist: number): WindowImage {
    const target = seq - dist;
    const order = this.order;
    const first = this.first;
    if (first < order.length) {
      const guess = first + (target - order[first].seq);
      if (guess >= first && guess < order.length && order[guess].seq === target) return order[guess];
      const found = this.lowerBound(target);
      if (found < order.length && order[found].seq === target) return order[found];
    }
    throw new ProtocolError(`${WHAT}: reference to image ${dist} back, which is not in the window`);
  }

  /** The index in `order` of the first kept image whose seq is not below `seq`. */
  private lowerBound(seq: number): number {
    const order = this.order;
    let lo = this.first;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (order[mid].seq < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  // The passes: the LZ passes plus the GLZ reference encoding and cross-image copies. Each read
  // is bounds-checked and each iteration consumes input, so decoding always terminates.
  //
  // Reference encoding (decode-glz-tmpl.c), after the control byte ctrl >= 32:
  //   length      ctrl bits 5-7; 7 means "plus bytes up to one that is not 255"
  //   b1          pixel offset bits 4-11 (bits 0-3 are ctrl bits 0-3)
  //   b2          bits 6-7: number of image-distance bytes that follow
  //     ctrl bit 4 clear: b2 bits 0-5 = image distance bits 0-5, the bytes add bits 6.. up
  //     ctrl bit 4 set:   b2 bits 0-4 = pixel offset bits 12-16, the bytes are the image
  //                       distance from bit 0; b2 bit 5 = one more byte, pixel offset bits 17-24
  //   image distance 0: the offset is a distance back in this image, biased by 1
  //   otherwise:        the offset is from the start of the image that many ids back

  /**
   * Colour pass, 3-byte literals (B, G, R); length bias 0 (GLZ does not subtract 1 first). The
   * image is out[at, at + n): indexes below are into `out`, so every bound is checked against
   * `at` and `limit`, never against out's own length (a slab holds other images too).
   */
  private rgb32Pass(src: Uint8Array, view: DataView, ip: number, end: number, out: Uint32Array, at: number, n: number, seq: number): number {
    const limit = at + n;
    // Literals as one unaligned u32 load (through `view`, over `src`) where a fourth byte exists
    // (see lz.ts rgb32Pass).
    let op = at;
    while (op < limit) {
      if (ip >= end) throw truncated(WHAT);
      const ctrl = src[ip++];
      if (ctrl < 32) {
        const stop = op + ctrl + 1;
        if (stop > limit) throw new ProtocolError(`${WHAT}: literal run beyond the image`);
        const next = ip + 3 * (ctrl + 1);
        if (next > end) throw truncated(WHAT);
        if (next < end) {
          for (const stop4 = stop - 3; op < stop4; op += 4, ip += 12) {
            out[op] = view.getUint32(ip, true) | 0xff000000;
            out[op + 1] = view.getUint32(ip + 3, true) | 0xff000000;
            out[op + 2] = view.getUint32(ip + 6, true) | 0xff000000;
            out[op + 3] = view.getUint32(ip + 9, true) | 0xff000000;
          }
          for (; op < stop; op++, ip += 3) out[op] = view.getUint32(ip, true) | 0xff000000;
        } else {
          for (; op < stop; op++, ip += 3) out[op] = 0xff000000 | (src[ip + 2] << 16) | (src[ip + 1] << 8) | src[ip];
        }
        continue;
      }
      let len = ctrl >>> 5;
      if (len === 7) {
        let code: number;
        do {
          if (ip >= end) throw truncated(WHAT);
          code = src[ip++];
          len += code;
        } while (code === 255);
      }
      if (ip + 2 > end) throw truncated(WHAT);
      let pixelOfs = (ctrl & 15) | (src[ip++] << 4);
      const b2 = src[ip++];
      const distBytes = b2 >>> 6;
      let imageDist: number;
      if ((ctrl & 16) === 0) {
        if (ip + distBytes > end) throw truncated(WHAT);
        imageDist = b2 & 0x3f;
        for (let i = 0; i < distBytes; i++) imageDist += src[ip++] << (6 + 8 * i);
      } else {
        pixelOfs |= (b2 & 0x1f) << 12;
        const more = (b2 >>> 5) & 1;
        if (ip + distBytes + more > end) throw truncated(WHAT);
        imageDist = 0;
        for (let i = 0; i < distBytes; i++) imageDist += src[ip++] << (8 * i);
        if (more) pixelOfs |= src[ip++] << 17;
      }
      if (op + len > limit) throw new ProtocolError(`${WHAT}: match beyond the image`);
      if (imageDist === 0) {
        const ref = op - pixelOfs - 1;
        if (ref < at) throw new ProtocolError(`${WHAT}: reference before the start of the image`);
        if (len < 32) {
          // Short: a loop beats the builtins' call overhead (runs and overlaps included).
          for (let i = 0; i < len; i++) out[op + i] = out[ref + i];
        } else {
          copyMatch32(out, op, ref, len);
        }
      } else {
        const image = this.lookup(seq, imageDist);
        if (pixelOfs + len > image.length) throw new ProtocolError(`${WHAT}: reference beyond the end of an earlier image`);
        const from = image.words;
        const ref = image.at + pixelOfs;
        if (len < 32) {
          for (let i = 0; i < len; i++) out[op + i] = from[ref + i];
        } else {
          copyFromImage(out, op, from, ref, len);
        }
      }
      op += len;
    }
    return ip;
  }

  /** RGB16 pass: 2-byte big-endian x1r5g5b5 literals; length bias 1. The image is out[at, at + n). */
  private rgb16Pass(src: Uint8Array, ip: number, end: number, out: Uint32Array, at: number, n: number, seq: number): number {
    const table = rgb16ToRgb32Table();
    const limit = at + n;
    let op = at;
    while (op < limit) {
      if (ip >= end) throw truncated(WHAT);
      const ctrl = src[ip++];
      if (ctrl < 32) {
        const count = ctrl + 1;
        if (op + count > limit) throw new ProtocolError(`${WHAT}: literal run beyond the image`);
        if (ip + 2 * count > end) throw truncated(WHAT);
        const stop = op + count;
        while (op < stop) {
          out[op++] = table[((src[ip] << 8) | src[ip + 1]) & 0x7fff];
          ip += 2;
        }
        continue;
      }
      let len = ctrl >>> 5;
      if (len === 7) {
        let code: number;
        do {
          if (ip >= end) throw truncated(WHAT);
          code = src[ip++];
          len += code;
        } while (code === 255);
      }
      if (ip + 2 > end) throw truncated(WHAT);
      let pixelOfs = (ctrl & 15) | (src[ip++] << 4);
      const b2 = src[ip++];
      const distBytes = b2 >>> 6;
      let imageDist: number;
      if ((ctrl & 16) === 0) {
        if (ip + distBytes > end) throw truncated(WHAT);
        imageDist = b2 & 0x3f;
        for (let i = 0; i < distBytes; i++) imageDist += src[ip++] << (6 + 8 * i);
      } else {
        pixelOfs |= (b2 & 0x1f) << 12;
        const more = (b2 >>> 5) & 1;
        if (ip + distBytes + more > end) throw truncated(WHAT);
        imageDist = 0;
        for (let i = 0; i < distBytes; i++) imageDist += src[ip++] << (8 * i);
        if (more) pixelOfs |= src[ip++] << 17;
      }
      len += 1;
      if (op + len > limit) throw new ProtocolError(`${WHAT}: match beyond the image`);
      if (imageDist === 0) {
        const ref = op - pixelOfs - 1;
        if (ref < at) throw new ProtocolError(`${WHAT}: reference before the start of the image`);
        if (len < 32) {
          // Short: a loop beats the builtins' call overhead (runs and overlaps included).
          for (let i = 0; i < len; i++) out[op + i] = out[ref + i];
        } else {
          copyMatch32(out, op, ref, len);
        }
      } else {
        const image = this.lookup(seq, imageDist);
        if (pixelOfs + len > image.length) throw new ProtocolError(`${WHAT}: reference beyond the end of an earlier image`);
        const from = image.words;
        const ref = image.at + pixelOfs;
        if (len < 32) {
          for (let i = 0; i < len; i++) out[op + i] = from[ref + i];
        } else {
          copyFromImage(out, op, from, ref, len);
        }
      }
      op += len;
    }
    return ip;
  }

  /**
   * RGBA's alpha pass: 1-byte literals; length bias 2; references copy the alpha byte only. The
   * plane is out[at, at + n) (bytes).
   */
  private alphaPass(src: Uint8Array, ip: number, end: number, out: Uint8Array, at: number, n: number, seq: number): number {
    const limit = at + n;
    let op = at;
    while (op < limit) {
      if (ip >= end) throw truncated(WHAT);
      const ctrl = src[ip++];
      if (ctrl < 32) {
        const count = ctrl + 1;
        if (op + count > limit) throw new ProtocolError(`${WHAT}: literal run beyond the image`);
        if (ip + count > end) throw truncated(WHAT);
        const stop = op + count;
        while (op < stop) out[op++] = src[ip++];
        continue;
      }
      let len = ctrl >>> 5;
      if (len === 7) {
        let code: number;
        do {
          if (ip >= end) throw truncated(WHAT);
          code = src[ip++];
          len += code;
        } while (code === 255);
      }
      if (ip + 2 > end) throw truncated(WHAT);
      let pixelOfs = (ctrl & 15) | (src[ip++] << 4);
      const b2 = src[ip++];
      const distBytes = b2 >>> 6;
      let imageDist: number;
      if ((ctrl & 16) === 0) {
        if (ip + distBytes > end) throw truncated(WHAT);
        imageDist = b2 & 0x3f;
        for (let i = 0; i < distBytes; i++) imageDist += src[ip++] << (6 + 8 * i);
      } else {
        pixelOfs |= (b2 & 0x1f) << 12;
        const more = (b2 >>> 5) & 1;
        if (ip + distBytes + more > end) throw truncated(WHAT);
        imageDist = 0;
        for (let i = 0; i < distBytes; i++) imageDist += src[ip++] << (8 * i);
        if (more) pixelOfs |= src[ip++] << 17;
      }
      len += 2;
      if (op + len > limit) throw new ProtocolError(`${WHAT}: match beyond the image`);
      if (imageDist === 0) {
        const ref = op - pixelOfs - 1;
        if (ref < at) throw new ProtocolError(`${WHAT}: reference before the start of the image`);
        if (len < 32) {
          for (let i = 0; i < len; i++) out[op + i] = out[ref + i];
        } else {
          copyMatch8(out, op, ref, len);
        }
      } else {
        const image = this.lookup(seq, imageDist);
        if (pixelOfs + len > image.length) throw new ProtocolError(`${WHAT}: reference beyond the end of an earlier image`);
        // An image without an alpha plane is opaque.
        const from = image.alphaBytes;
        if (!from) out.fill(0xff, op, op + len);
        else if (len < 32) for (let i = 0; i < len; i++) out[op + i] = from[image.alphaAt + pixelOfs + i];
        else copyFromImage(out, op, from, image.alphaAt + pixelOfs, len);
      }
      op += len;
    }
    return ip;
  }
}

/**
 * Copies a long reference (32 units or more; the passes copy shorter ones in their own loops) of
 * an earlier image, from[ref, ref + len), to out[op, op + len). Kept images are opaque colour
 * (alpha apart), so a reference is a plain copy. The two images never overlap: in the same slab
 * (the usual case) one copyWithin does it with no view made.
 */
function copyFromImage<T extends Uint32Array | Uint8Array>(out: T, op: number, from: T, ref: number, len: number): void {
  if (from === out) {
    out.copyWithin(op, ref, ref + len);
  } else {
    out.set(from.subarray(ref, ref + len), op);
  }
}
