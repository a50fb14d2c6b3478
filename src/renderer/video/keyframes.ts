import type { VideoCodecName } from '../../shared/video-ipc';

/**
 * Whether an encoded frame is a key frame (decodable alone). WebCodecs must be told, and it
 * refuses a stream whose first chunk is not one — which is also the case of a renderer that
 * joins a stream midway: spice-server's x264 runs with intra refresh, so after the first frame
 * an H.264 stream has no key frames at all, and neither VP8 nor VP9 sends them often.
 */
export function isKeyFrame(codec: VideoCodecName, data: Uint8Array): boolean {
  switch (codec) {
    case 'mjpeg':
      return true; // every JPEG stands alone (the engine restores the tables the server left out)
    case 'vp8':
      return isVp8KeyFrame(data);
    case 'vp9':
      return isVp9KeyFrame(data);
    case 'h264':
      return isH264KeyFrame(data);
  }
}

/**
 * VP8 (RFC 6386, 9.1): a 3-byte frame tag, bit 0 of byte 0 is 0 for a key frame, and a key
 * frame goes on with the start code 9D 01 2A.
 */
export function isVp8KeyFrame(data: Uint8Array): boolean {
  return data.length >= 10 && (data[0] & 1) === 0 && data[3] === 0x9d && data[4] === 0x01 && data[5] === 0x2a;
}

/**
 * VP9 uncompressed header, from the most significant bit of byte 0:
 *   frame_marker (2 bits, 0b10), profile_low_bit, profile_high_bit,
 *   reserved_zero (1 bit, profile 3 only), show_existing_frame (1 bit), frame_type (1 bit, 0 = KEY_FRAME).
 */
export function isVp9KeyFrame(data: Uint8Array): boolean {
  if (data.length < 2) return false;
  let bit = 0;
  const read = (): number => {
    const value = (data[bit >> 3] >> (7 - (bit & 7))) & 1;
    bit++;
    return value;
  };
  const marker = (read() << 1) | read();
  if (marker !== 2) return false;
  const profile = read() | (read() << 1);
  if (profile === 3) read();
  if (read() === 1) return false; // show_existing_frame: repeats an earlier frame
  return read() === 0;
}

/**
 * H.264 Annex B (what spice-server's x264 writes: byte-stream=true): NAL units after 00 00 01 or
 * 00 00 00 01 start codes; nal_unit_type is the low 5 bits of the byte after it, and an IDR
 * slice (type 5) makes the access unit a key frame.
 */
export function isH264KeyFrame(data: Uint8Array): boolean {
  for (let i = 0; i + 3 < data.length; i++) {
    if (data[i] !== 0 || data[i + 1] !== 0) continue;
    if (data[i + 2] === 1) {
      if ((data[i + 3] & 0x1f) === 5) return true;
      i += 2;
    }
  }
  return false;
}
