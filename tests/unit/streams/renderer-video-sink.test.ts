import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DisplayCap, VideoCodecType } from '../../../src/core/protocol/constants';
import { STREAM_REPORT_UNSUPPORTED_DROPS, type StreamReport } from '../../../src/core/protocol/display-client-messages';
import type { Clip, Rect } from '../../../src/core/protocol/display-types';
import { decodingCaps } from '../../../src/main/channels/display-options';
import { silentLogger } from '../../../src/main/session/logger';
import { rendererVideoSinks, RendererVideoSink, toVideoClip } from '../../../src/main/streams/renderer-video-sink';
import { VideoStreams } from '../../../src/main/streams/video-streams';
import type { VideoEvent } from '../../../src/shared/video-ipc';
import { Bytes } from '../../support/chunking';

const R = (left: number, top: number, right: number, bottom: number): Rect => ({ left, top, right, bottom });

function rect(b: Bytes, r: Rect): Bytes {
  return b.i32(r.top).i32(r.left).i32(r.bottom).i32(r.right);
}
function clip(b: Bytes, c: Clip): Bytes {
  if (c.type === 'none') return b.u8(0);
  b.u8(1).u32(c.rects.length);
  for (const r of c.rects) rect(b, r);
  return b;
}
/** STREAM_CREATE: u32 surface, u32 id, u8 flags, u8 codec, u64 stamp, u32 ×4 sizes, Rect dest, Clip. */
function createBody(id: number, codec: number, dest: Rect, c: Clip = { type: 'none' }, flags = 0): Uint8Array {
  const b = new Bytes().u32(0).u32(id).u8(flags).u8(codec).u64(0);
  b.u32(dest.right - dest.left).u32(dest.bottom - dest.top).u32(dest.right - dest.left).u32(dest.bottom - dest.top);
  return clip(rect(b, dest), c).build();
}
/** STREAM_DATA: u32 id, u32 mm time, u32 size, data. */
function dataBody(id: number, data: Uint8Array): Uint8Array {
  return new Bytes().u32(id).u32(1000).u32(data.length).raw(data).build();
}
const clipBody = (id: number, c: Clip): Uint8Array => clip(new Bytes().u32(id), c).build();
const u32Body = (v: number): Uint8Array => new Bytes().u32(v).build();

/** The engine's stream layer over a renderer sink for display 1, recording what would go to the renderer and the server. */
function harness(codecs: Parameters<typeof rendererVideoSinks>[0]) {
  const forwarded: { event: VideoEvent; transfer: ArrayBuffer[] }[] = [];
  const reports: StreamReport[] = [];
  const sinks = rendererVideoSinks(codecs, (event, transfer) => forwarded.push({ event, transfer }));
  const sink = sinks.factory({ displayId: 1, surface: () => undefined, damage: () => {}, log: silentLogger });
  const streams = new VideoStreams({ sink, multimediaTime: () => 900, sendReport: (report) => reports.push(report), log: silentLogger });
  return { sinks, sink, streams, forwarded, reports };
}

test('the sink offers exactly the renderer\'s codecs, and the display channel advertises exactly those', () => {
  const sink = new RendererVideoSink(0, ['h264', 'vp8'], () => {});
  assert.deepEqual(sink.codecs, [VideoCodecType.H264, VideoCodecType.VP8]);
  const caps = decodingCaps(sink.codecs);
  assert.ok(caps.includes(DisplayCap.CODEC_H264) && caps.includes(DisplayCap.CODEC_VP8));
  assert.ok(!caps.includes(DisplayCap.CODEC_MJPEG), 'MJPEG is not offered when the renderer does not decode it');
  assert.deepEqual(new RendererVideoSink(0, [], () => {}).codecs, []);
});

test('a stream\'s life goes to the renderer: created (dest, clip, flip), frames in buffers of their own, clip, destroyed', () => {
  const { streams, forwarded, reports } = harness(['vp8', 'mjpeg']);
  const clipRects: Clip = { type: 'rects', rects: [R(10, 20, 110, 260), R(-5, 0, 0, 10)] };
  streams.create(createBody(7, VideoCodecType.VP8, R(10, 20, 330, 260), clipRects), () => true);
  assert.deepEqual(forwarded.shift(), {
    event: {
      type: 'videoStreamCreated',
      displayId: 1,
      surfaceId: 0,
      streamId: 7,
      codec: 'vp8',
      topDown: false,
      frameWidth: 320,
      frameHeight: 240,
      dest: { x: 10, y: 20, width: 320, height: 240 },
      clip: [{ x: 10, y: 20, width: 100, height: 240 }], // the empty rectangle left of the surface is dropped
    },
    transfer: [],
  });

  const message = dataBody(7, Uint8Array.of(0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a));
  streams.data(message, false);
  const sent = forwarded.shift()!;
  assert.equal(sent.event.type, 'videoFrame');
  if (sent.event.type !== 'videoFrame') return;
  assert.deepEqual({ ...sent.event, data: [...new Uint8Array(sent.event.data)] }, {
    type: 'videoFrame',
    displayId: 1,
    streamId: 7,
    width: 320,
    height: 240,
    dest: { x: 10, y: 20, width: 320, height: 240 },
    data: [0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a],
  });
  assert.deepEqual(sent.transfer, [sent.event.data], 'the copy may be transferred');
  message.fill(0); // the engine reuses its receive buffers: the renderer's copy must not change
  assert.deepEqual([...new Uint8Array(sent.event.data)], [0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a]);

  streams.clip(clipBody(7, { type: 'none' }));
  assert.deepEqual(forwarded.shift()?.event, { type: 'videoStreamClip', displayId: 1, streamId: 7, clip: null });
  streams.destroy(u32Body(7));
  assert.deepEqual(forwarded.shift()?.event, { type: 'videoStreamDestroyed', displayId: 1, streamId: 7 });
  assert.deepEqual(forwarded, []);
  assert.deepEqual(reports, [], 'nothing to tell the server');
});

test('a codec the renderer did not list is refused: nothing is forwarded and the server hears "not supported"', () => {
  const { streams, forwarded, reports } = harness(['vp8']);
  streams.create(createBody(2, VideoCodecType.H264, R(0, 0, 64, 48)), () => true);
  assert.deepEqual(forwarded, []);
  assert.deepEqual(reports.map((r) => [r.streamId, r.drops]), [[2, STREAM_REPORT_UNSUPPORTED_DROPS]]);
});

test('hostile: a frame the renderer cannot decode drops the stream, the server falls back to images, the session goes on', () => {
  const { sinks, streams, forwarded, reports } = harness(['h264']);
  streams.create(createBody(5, VideoCodecType.H264, R(0, 0, 64, 48)), () => true);
  streams.create(createBody(6, VideoCodecType.H264, R(64, 0, 128, 48)), () => true);
  streams.data(dataBody(5, Uint8Array.of(0xde, 0xad)), false); // garbage: the renderer's decoder will choke on it
  forwarded.length = 0;

  sinks.fail(1, 5); // the renderer's report, asynchronously
  sinks.fail(1, 99); // a stream that does not exist: ignored
  sinks.fail(3, 5); // a display that does not exist: ignored
  assert.doesNotThrow(() => streams.data(dataBody(5, Uint8Array.of(1)), false));
  assert.equal(streams.has(5), false, 'the stream is dropped');
  assert.deepEqual(forwarded.map((f) => f.event), [{ type: 'videoStreamDestroyed', displayId: 1, streamId: 5 }], 'the renderer lets it go too; the failed frame is not forwarded');
  assert.deepEqual(reports.map((r) => [r.streamId, r.frames, r.drops]), [[5, 0, STREAM_REPORT_UNSUPPORTED_DROPS]], 'the server is told, once');

  // Later frames of the dropped stream are ignored; the other stream plays on.
  streams.data(dataBody(5, Uint8Array.of(2)), false);
  streams.data(dataBody(6, Uint8Array.of(3)), false);
  assert.equal(reports.length, 1);
  assert.deepEqual(forwarded.slice(1).map((f) => [f.event.type, 'streamId' in f.event ? f.event.streamId : -1]), [['videoFrame', 6]]);
});

test('frames with an impossible destination end the stream instead of reaching the renderer', () => {
  const sink = new RendererVideoSink(0, ['vp8'], () => {});
  const info = { id: 1, surfaceId: 0, codec: VideoCodecType.VP8, topDown: true, frameWidth: 8, frameHeight: 8, dest: R(0, 0, 8, 8), clip: { type: 'none' } as const };
  assert.equal(sink.create(info), true);
  assert.equal(sink.create({ ...info, id: 2, dest: R(5, 5, 5, 9) }), false, 'an empty destination cannot be played');
  const frame = { streamId: 1, data: Uint8Array.of(1), mmTime: 0, marginMs: 0, width: 8, height: 8, dest: R(-20, -20, -10, -10) };
  assert.throws(() => sink.frame(frame), /impossible place/);
  assert.throws(() => sink.frame({ ...frame, dest: R(0, 0, 8, 8), data: new Uint8Array(0) }), /empty frame/);
  assert.deepEqual(toVideoClip({ type: 'rects', rects: [R(0, 0, 20_000, 4)] }), [{ x: 0, y: 0, width: 16_384, height: 4 }]);
});
