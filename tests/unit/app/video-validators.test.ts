import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HOST_EVENT_TYPES, validateHostEvent, validateHostRequest, type HostEvent, type HostRequest } from '../../../src/shared/ipc';
import { decodeWireMessage, encodeWireMessage } from '../../../src/shared/ipc-wire';
import { MAX_VIDEO_FRAME_BYTES } from '../../../src/shared/video-validators';

const DEST = { x: 352, y: 264, width: 320, height: 240 };
const frameBytes = (): ArrayBuffer => new Uint8Array([0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a]).buffer;

const GOOD_REQUESTS: HostRequest[] = [
  { type: 'videoCodecs', codecs: [] },
  { type: 'videoCodecs', codecs: ['vp9', 'h264', 'vp8', 'mjpeg'] },
  { type: 'videoStreamFailed', displayId: 0, streamId: 49 },
];

const BAD_REQUESTS: [unknown, RegExp][] = [
  [{ type: 'videoCodecs' }, /codecs must be a list/],
  [{ type: 'videoCodecs', codecs: ['h265'] }, /codecs may hold only mjpeg, vp8, h264, vp9/],
  [{ type: 'videoCodecs', codecs: ['vp8', 'vp8'] }, /twice/],
  [{ type: 'videoCodecs', codecs: ['vp8', 'vp9', 'h264', 'mjpeg', 'vp8'] }, /codecs must be a list/],
  [{ type: 'videoCodecs', codecs: ['vp8'], extra: 1 }, /unexpected field "extra"/],
  [{ type: 'videoStreamFailed', displayId: 256, streamId: 1 }, /displayId/],
  [{ type: 'videoStreamFailed', displayId: 0, streamId: -1 }, /streamId/],
  [{ type: 'videoStreamFailed', displayId: 0, streamId: 1.5 }, /streamId/],
];

function goodEvents(): HostEvent[] {
  return [
    { type: 'videoStreamCreated', displayId: 0, surfaceId: 0, streamId: 3, codec: 'h264', topDown: true, frameWidth: 320, frameHeight: 240, dest: DEST, clip: null },
    { type: 'videoStreamCreated', displayId: 1, surfaceId: 0, streamId: 3, codec: 'mjpeg', topDown: false, frameWidth: 64, frameHeight: 48, dest: DEST, clip: [] },
    { type: 'videoFrame', displayId: 0, streamId: 3, width: 320, height: 240, dest: DEST, data: frameBytes() },
    { type: 'videoStreamClip', displayId: 0, streamId: 3, clip: [{ x: 352, y: 264, width: 100, height: 240 }, { x: 500, y: 300, width: 10, height: 10 }] },
    { type: 'videoStreamClip', displayId: 0, streamId: 3, clip: null },
    { type: 'videoStreamDestroyed', displayId: 0, streamId: 3 },
  ];
}

const created = { type: 'videoStreamCreated', displayId: 0, surfaceId: 0, streamId: 3, codec: 'vp8', topDown: false, frameWidth: 320, frameHeight: 240, dest: DEST, clip: null };
const frame = (fields: Record<string, unknown>): unknown => ({ type: 'videoFrame', displayId: 0, streamId: 3, width: 320, height: 240, dest: DEST, data: frameBytes(), ...fields });

const BAD_EVENTS: [unknown, RegExp][] = [
  [{ ...created, codec: 'h265' }, /codec is unknown/],
  [{ ...created, topDown: 1 }, /topDown must be a boolean/],
  [{ ...created, frameWidth: 0 }, /frame size/],
  [{ ...created, dest: { x: -1, y: 0, width: 10, height: 10 } }, /dest x and y/],
  [{ ...created, dest: { x: 16_000, y: 0, width: 1000, height: 10 } }, /dest size/],
  [{ ...created, dest: { x: 0, y: 0, width: 10, height: 10, z: 1 } }, /dest has unexpected fields/],
  [{ ...created, clip: [{ x: 0, y: 0, width: 0, height: 1 }] }, /a clip rectangle size/],
  [{ ...created, clip: 'none' }, /clip must be null or a list/],
  [{ ...created, secret: 'x' }, /unexpected field "secret"/],
  [frame({ data: new Uint8Array(4) }), /data must be an ArrayBuffer/],
  [frame({ data: new ArrayBuffer(0) }), /data must hold 1 to/],
  [frame({ data: new ArrayBuffer(MAX_VIDEO_FRAME_BYTES + 1) }), /data must hold 1 to/],
  [frame({ width: 20_000 }), /frame size/],
  [frame({ dest: null }), /dest must be an object/],
  [{ type: 'videoStreamClip', displayId: 0, streamId: 3 }, /clip must be null or a list/],
  [{ type: 'videoStreamDestroyed', displayId: 0, streamId: 3, clip: null }, /unexpected field "clip"/],
];

test('video requests: good ones pass unchanged, bad ones are refused naming the field', () => {
  for (const request of GOOD_REQUESTS) assert.deepEqual(validateHostRequest(request), { ok: true, value: request });
  for (const [request, reason] of BAD_REQUESTS) {
    const checked = validateHostRequest(request);
    assert.equal(checked.ok, false, JSON.stringify(request));
    if (!checked.ok) assert.match(checked.error, reason);
  }
});

test('video events: good ones pass unchanged (also through the wire format), bad ones are refused', () => {
  for (const type of ['videoStreamCreated', 'videoFrame', 'videoStreamClip', 'videoStreamDestroyed'] as const) assert.ok(HOST_EVENT_TYPES.includes(type));
  for (const event of goodEvents()) {
    assert.deepEqual(validateHostEvent(event), { ok: true, value: event });
    const rebuilt = decodeWireMessage(encodeWireMessage(event));
    assert.deepEqual(validateHostEvent(rebuilt), { ok: true, value: event });
  }
  for (const [event, reason] of BAD_EVENTS) {
    const checked = validateHostEvent(event);
    assert.equal(checked.ok, false, JSON.stringify(event, (_k, v: unknown) => (v instanceof ArrayBuffer ? `buffer(${v.byteLength})` : v)));
    if (!checked.ok) assert.match(checked.error, reason);
  }
});
