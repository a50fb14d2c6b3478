import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DisplayCap, ImageCompression, VideoCodecType } from '../../../src/core/protocol/constants';
import { decodingCaps, IMAGE_COMPRESSION_VALUES } from '../../../src/main/channels/display-options';
import { parseArgs, UsageError } from '../../../src/main/host/cli/args';
import { DISPLAY_VALUED_OPTIONS, displayOptionsFromArgs } from '../../../src/main/host/cli/display-args';

const options = (argv: string[]): ReturnType<typeof displayOptionsFromArgs> => displayOptionsFromArgs(parseArgs(argv, [...DISPLAY_VALUED_OPTIONS]));

test('--image-compression takes spice-gtk\'s names and maps them to the wire values', () => {
  assert.deepEqual(options([]), {});
  assert.deepEqual(options(['--image-compression', 'lz4']), { imageCompression: 'lz4' });
  assert.deepEqual(options(['--image-compression=auto-glz']), { imageCompression: 'auto-glz' });
  assert.throws(() => options(['--image-compression', 'jpeg']), (e: unknown) => e instanceof UsageError && /one of off, auto-glz/.test(e.message));
  assert.equal(IMAGE_COMPRESSION_VALUES.lz4, ImageCompression.LZ4);
  assert.equal(IMAGE_COMPRESSION_VALUES.off, ImageCompression.OFF);
  assert.equal(IMAGE_COMPRESSION_VALUES['auto-lz'], ImageCompression.AUTO_LZ);
});

test('the display channel advertises exactly the video codecs its sink plays', () => {
  const mjpegOnly = decodingCaps([VideoCodecType.MJPEG]);
  for (const cap of [DisplayCap.LZ4_COMPRESSION, DisplayCap.SIZED_STREAM, DisplayCap.STREAM_REPORT, DisplayCap.MULTI_CODEC, DisplayCap.CODEC_MJPEG]) {
    assert.ok(mjpegOnly.includes(cap), `cap ${cap}`);
  }
  for (const cap of [DisplayCap.CODEC_VP8, DisplayCap.CODEC_H264, DisplayCap.CODEC_VP9, DisplayCap.CODEC_H265, DisplayCap.PREF_COMPRESSION]) {
    assert.ok(!mjpegOnly.includes(cap), `cap ${cap}`);
  }
  // No sink codec: MULTI_CODEC still goes out, or the server would assume MJPEG.
  const none = decodingCaps([]);
  assert.ok(none.includes(DisplayCap.MULTI_CODEC));
  assert.ok(!none.includes(DisplayCap.CODEC_MJPEG));
  assert.deepEqual(decodingCaps([VideoCodecType.VP8, VideoCodecType.H264, VideoCodecType.VP9]).filter((c) => c >= DisplayCap.CODEC_MJPEG), [DisplayCap.CODEC_VP8, DisplayCap.CODEC_H264, DisplayCap.CODEC_VP9]);
});
