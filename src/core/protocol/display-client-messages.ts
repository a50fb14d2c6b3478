import { BufferWriter } from './buffer-writer';

/**
 * DISPLAY_INIT (client): uint8 pixmap_cache_id, int64 pixmap_cache_size (pixels),
 * uint8 glz_dictionary_id, int32 glz_dictionary_window_size (pixels).
 */
export function encodeDisplayInit(cacheId: number, cacheSizePixels: number, glzDictionaryId: number, glzWindowPixels: number): Uint8Array {
  return new BufferWriter(14).u8(cacheId).u64(cacheSizePixels).u8(glzDictionaryId).i32(glzWindowPixels).finish();
}

/** PREFERRED_COMPRESSION: uint8 image_compression. */
export function encodePreferredCompression(compression: number): Uint8Array {
  return new BufferWriter(1).u8(compression).finish();
}
