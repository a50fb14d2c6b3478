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

/** What a STREAM_REPORT says about the frames of one stream since the previous report. */
export interface StreamReport {
  readonly streamId: number;
  /** The unique_id of the STREAM_ACTIVATE_REPORT this answers. */
  readonly uniqueId: number;
  readonly startFrameMmTime: number;
  readonly endFrameMmTime: number;
  readonly frames: number;
  /** Frames that arrived too late to be shown. */
  readonly drops: number;
  /** end_frame_mm_time minus the client's multimedia time when that frame arrived (ms; negative: late). */
  readonly lastFrameDelay: number;
  /** Audio playback latency (ms), 0xFFFFFFFF without playback. */
  readonly audioDelay: number;
}

/** num_frames 0 with num_drops 0xFFFFFFFF: "I cannot decode this stream" (the server stops it). */
export const STREAM_REPORT_UNSUPPORTED_DROPS = 0xffffffff;

/**
 * STREAM_REPORT: uint32 stream_id, uint32 unique_id, uint32 start_frame_mm_time,
 * uint32 end_frame_mm_time, uint32 num_frames, uint32 num_drops, int32 last_frame_delay,
 * uint32 audio_delay.
 */
export function encodeStreamReport(report: StreamReport): Uint8Array {
  return new BufferWriter(32)
    .u32(report.streamId)
    .u32(report.uniqueId)
    .u32(report.startFrameMmTime)
    .u32(report.endFrameMmTime)
    .u32(report.frames)
    .u32(report.drops)
    .i32(report.lastFrameDelay)
    .u32(report.audioDelay)
    .finish();
}
