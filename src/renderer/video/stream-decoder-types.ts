/** A decoded picture, opaque to the player; close() frees it (VideoFrames hold decoder memory). */
export interface DecodedPicture {
  close(): void;
}

/**
 * Decodes one stream's frames. decode() resolves with the picture, or null when the decoder
 * skipped that frame; it rejects when the stream cannot be decoded (then nothing more will be).
 */
export interface StreamDecoder<P extends DecodedPicture = DecodedPicture> {
  decode(data: ArrayBuffer): Promise<P | null>;
  /** Outputs every frame still inside the decoder, then frees it. */
  close(): void;
}

export class VideoDecodeError extends Error {
  override readonly name = 'VideoDecodeError';
}
