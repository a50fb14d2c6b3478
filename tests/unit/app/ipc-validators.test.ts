import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSaffronApi, HOST_EVENT_TYPES, validateHostEvent, validateHostRequest, type HostEvent, type HostRequest } from '../../../src/shared/ipc';
import { decodeWireMessage, encodeWireMessage, WireFormatError } from '../../../src/shared/ipc-wire';

const GOOD_REQUESTS: HostRequest[] = [
  { type: 'ready' },
  { type: 'connect', host: 'vm.example.org', port: 5900 },
  { type: 'connect', host: '::1', tlsPort: 5901, password: 'pw' },
  { type: 'disconnect' },
  { type: 'keyDown', scancode: 0x1e },
  { type: 'keyUp', scancode: 0x148 },
  { type: 'keyDown', scancode: 0x21d },
  { type: 'mousePosition', x: 0, y: 767, displayId: 0 },
  { type: 'mouseMotion', dx: -5, dy: 12 },
  { type: 'mouseButton', button: 3, pressed: true },
  { type: 'mouseWheel', steps: -2 },
  { type: 'requestMouseMode', mode: 'client' },
];

const BAD_REQUESTS: unknown[] = [
  null,
  'connect',
  [],
  {},
  { type: 'format-disk' },
  { type: '__proto__' },
  { type: 'connect', host: '', port: 5900 },
  { type: 'connect', host: 'a b', port: 5900 },
  { type: 'connect', host: 'h', port: 0 },
  { type: 'connect', host: 'h', port: 65_536 },
  { type: 'connect', host: 'h', port: '5900' },
  { type: 'connect', host: 'h' },
  { type: 'connect', host: 'h', port: 1, password: 7 },
  { type: 'connect', host: 'h', port: 1, proxy: 'x' },
  { type: 'disconnect', now: true },
  { type: 'keyDown', scancode: 0 },
  { type: 'keyDown', scancode: 0x80 },
  { type: 'keyDown', scancode: 0x1ff },
  { type: 'keyDown', scancode: 0x21e },
  { type: 'keyDown', scancode: 1.5 },
  { type: 'keyDown' },
  { type: 'mousePosition', x: -1, y: 0, displayId: 0 },
  { type: 'mousePosition', x: 0.5, y: 0, displayId: 0 },
  { type: 'mousePosition', x: 0, y: 0, displayId: 256 },
  { type: 'mousePosition', x: 0, y: 0 },
  { type: 'mouseMotion', dx: Number.NaN, dy: 0 },
  { type: 'mouseButton', button: 4, pressed: true },
  { type: 'mouseButton', button: 1, pressed: 'yes' },
  { type: 'mouseWheel', steps: 0 },
  { type: 'mouseWheel', steps: 1000 },
  { type: 'requestMouseMode', mode: 'tablet' },
];

test('every well-formed request passes unchanged', () => {
  for (const request of GOOD_REQUESTS) {
    const checked = validateHostRequest(request);
    assert.ok(checked.ok, JSON.stringify(request));
    assert.deepEqual(checked.value, request);
  }
});

test('malformed requests are refused with a reason that never repeats a password', () => {
  for (const request of BAD_REQUESTS) {
    const checked = validateHostRequest(request);
    assert.equal(checked.ok, false, JSON.stringify(request));
  }
  const checked = validateHostRequest({ type: 'connect', host: 'h', port: 0, password: 'hunter2' });
  assert.ok(!checked.ok && !checked.error.includes('hunter2'));
});

function rgba(width: number, height: number): ArrayBuffer {
  return new ArrayBuffer(width * height * 4);
}

const GOOD_EVENTS: HostEvent[] = [
  { type: 'status', state: 'connecting', target: { host: 'h', port: 1 } },
  { type: 'status', state: 'disconnected', failure: { kind: 'auth', message: 'wrong password' } },
  { type: 'status', state: 'connected', target: { host: 'h', tlsPort: 2 }, guestName: 'win11' },
  { type: 'surfaceCreated', displayId: 0, surfaceId: 0, width: 1024, height: 768, primary: true },
  { type: 'surfaceDestroyed', displayId: 0, surfaceId: 0 },
  { type: 'damage', displayId: 0, surfaceId: 0, patches: [{ x: 1, y: 2, width: 3, height: 4, rgba: rgba(3, 4) }] },
  { type: 'mouseMode', mode: 'server' },
  { type: 'cursor', x: -3, y: 10, visible: true },
  { type: 'stats', framesPerSecond: 59.9, pixelBytesPerSecond: 1e6, networkBytesPerSecond: null },
  { type: 'notice', message: 'hello' },
];

const BAD_EVENTS: unknown[] = [
  { type: 'status', state: 'exploded' },
  { type: 'status', state: 'connected', target: { host: 'h', port: 1, password: 'pw' } },
  { type: 'status', state: 'disconnected', failure: { kind: 'oops', message: 'x' } },
  { type: 'surfaceCreated', displayId: 0, surfaceId: 0, width: 0, height: 768, primary: true },
  { type: 'surfaceCreated', displayId: 0, surfaceId: 0, width: 20_000, height: 768, primary: true },
  { type: 'damage', displayId: 0, surfaceId: 0, patches: [] },
  { type: 'damage', displayId: 0, surfaceId: 0, patches: [{ x: 0, y: 0, width: 3, height: 4, rgba: rgba(3, 3) }] },
  { type: 'damage', displayId: 0, surfaceId: 0, patches: [{ x: 0, y: 0, width: 3, height: 4, rgba: new Uint8Array(48) }] },
  { type: 'damage', displayId: 0, surfaceId: 0, patches: [{ x: 16_383, y: 0, width: 2, height: 1, rgba: rgba(2, 1) }] },
  { type: 'stats', framesPerSecond: -1, pixelBytesPerSecond: 0, networkBytesPerSecond: null },
  { type: 'notice', message: 'x'.repeat(5000) },
  { type: 'cursor', x: 1, y: 1 },
];

test('every well-formed event passes; malformed ones are refused', () => {
  for (const event of GOOD_EVENTS) {
    const checked = validateHostEvent(event);
    assert.ok(checked.ok, JSON.stringify(event));
    assert.deepEqual(checked.value, event);
  }
  for (const event of BAD_EVENTS) assert.equal(validateHostEvent(event).ok, false, JSON.stringify(event));
  assert.equal(GOOD_EVENTS.length >= HOST_EVENT_TYPES.length, true);
});

test('the wire format round-trips every event, pixels included, and sends text when it can', () => {
  for (const event of GOOD_EVENTS) {
    const wire = encodeWireMessage(event);
    assert.equal(typeof wire === 'string', event.type !== 'damage', event.type);
    assert.deepEqual(decodeWireMessage(wire), event);
  }
  const pixels = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
  const event = { type: 'damage', displayId: 0, surfaceId: 0, patches: [{ x: 0, y: 0, width: 2, height: 1, rgba: pixels.buffer }] };
  const decoded = decodeWireMessage(encodeWireMessage(event)) as typeof event;
  assert.deepEqual([...new Uint8Array(decoded.patches[0].rgba)], [...pixels]);
});

test('malformed wire data is a WireFormatError, never a crash', () => {
  const bad: (string | Uint8Array)[] = [
    '{',
    new Uint8Array([1, 0]),
    new Uint8Array([255, 255, 0, 0, 0x7b]),
    (() => {
      const json = new TextEncoder().encode('{"a":{"$buffer":3}}');
      const out = new Uint8Array(4 + json.length);
      new DataView(out.buffer).setUint32(0, json.length, true);
      out.set(json, 4);
      return out;
    })(),
  ];
  for (const data of bad) assert.throws(() => decodeWireMessage(data), WireFormatError);
});

test('createSaffronApi validates both ways and every on() returns its unsubscribe', () => {
  const posted: HostRequest[] = [];
  let emit: (message: unknown) => void = () => {};
  const invalid: string[] = [];
  const api = createSaffronApi({
    post: (request) => posted.push(request),
    listen: (listener) => {
      emit = listener;
      return () => {};
    },
    onInvalid: (reason) => invalid.push(reason),
  });
  api.connect({ host: 'h', port: 5900, password: 'pw', extra: 'dropped' } as never);
  assert.deepEqual(posted, [{ type: 'connect', host: 'h', port: 5900, password: 'pw' }]);
  assert.throws(() => api.keyDown(0x999), TypeError);
  assert.throws(() => api.on('secrets' as never, () => {}), TypeError);

  const seen: string[] = [];
  const off = api.on('notice', (event) => seen.push(event.message));
  emit({ type: 'notice', message: 'one' });
  emit({ type: 'notice', message: 7 });
  off();
  emit({ type: 'notice', message: 'two' });
  assert.deepEqual(seen, ['one']);
  assert.equal(invalid.length, 1);
});
