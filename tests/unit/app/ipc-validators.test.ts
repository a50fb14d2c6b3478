import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AUDIO_HOST_EVENT_TYPES, createSaffronApi, HOST_EVENT_TYPES, validateHostEvent, validateHostRequest, type HostEvent, type HostRequest } from '../../../src/shared/ipc';
import { decodeWireMessage, encodeWireMessage, WireFormatError } from '../../../src/shared/ipc-wire';
import { VIDEO_EVENT_TYPES } from '../../../src/shared/video-ipc';

const GOOD_REQUESTS: HostRequest[] = [
  { type: 'ready' },
  { type: 'resizeGuestDisplay', monitor: 0, width: 1100, height: 660 },
  { type: 'resizeGuestDisplay', monitor: 15, width: 1, height: 16384 },
  { type: 'setGuestDisplayEnabled', monitor: 1, enabled: false },
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
  { type: 'connect', host: 'h', tlsPort: 5901, username: 'alice', tlsOnly: true, caPem: '-----BEGIN CERTIFICATE-----\nMII\n-----END CERTIFICATE-----', hostSubject: 'CN=h', proxy: 'http://proxy:3128' },
  { type: 'connectProfile', id: '0123abcd' },
  { type: 'connectProfile', id: '0123abcd', password: 'typed' },
  { type: 'retry' },
  { type: 'retry', password: 'again' },
  { type: 'setKeyModifiers', modifiers: 4 },
  { type: 'sendKeyCombo', combo: 'alt-tab' },
  { type: 'saveProfile', fields: { name: 'web01', host: 'h', port: 5900, tlsOnly: false, fullscreen: true }, password: 'pw' },
  { type: 'saveProfile', id: 'abc', fields: { name: 'web01', host: 'h', tlsPort: 5901, tlsOnly: true, fullscreen: false }, forgetPassword: true },
  { type: 'deleteProfile', id: 'abc' },
  { type: 'duplicateProfile', id: 'abc' },
  { type: 'importVv', fileName: 'console.vv', text: '[virt-viewer]\ntype=spice\n' },
  { type: 'saveSettings', settings: { releaseHotkey: 'shift+f12' } },
];

const BAD_REQUESTS: unknown[] = [
  null,
  { type: 'resizeGuestDisplay', monitor: 16, width: 800, height: 600 },
  { type: 'resizeGuestDisplay', monitor: -1, width: 800, height: 600 },
  { type: 'resizeGuestDisplay', monitor: 0, width: 0, height: 600 },
  { type: 'resizeGuestDisplay', monitor: 0, width: 800.5, height: 600 },
  { type: 'resizeGuestDisplay', monitor: 0, width: 16385, height: 600 },
  { type: 'resizeGuestDisplay', monitor: 0, width: 800 },
  { type: 'resizeGuestDisplay', monitor: 0, width: 800, height: 600, x: 0 },
  { type: 'setGuestDisplayEnabled', monitor: 1, enabled: 'yes' },
  { type: 'setGuestDisplayEnabled', monitor: 1.5, enabled: true },
  { type: 'setGuestDisplayEnabled', enabled: true },
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
  { type: 'connect', host: 'h', port: 1, tlsOnly: true },
  { type: 'connect', host: 'h', port: 1, caPem: 'not a certificate' },
  { type: 'connect', host: 'h', port: 1, proxy: 'http://user:pw@proxy:3128' },
  { type: 'connect', host: 'h', port: 1, name: 'x' },
  { type: 'connectProfile', id: '../etc' },
  { type: 'connectProfile' },
  { type: 'setKeyModifiers', modifiers: 8 },
  { type: 'sendKeyCombo', combo: 'rm-rf' },
  { type: 'saveProfile', fields: { name: '', host: 'h', port: 1, tlsOnly: false, fullscreen: false } },
  { type: 'saveProfile', fields: { name: 'a\nb', host: 'h', port: 1, tlsOnly: false, fullscreen: false } },
  { type: 'saveProfile', fields: { name: 'a', host: 'h', port: 1, tlsOnly: false, fullscreen: false, password: 'pw' } },
  { type: 'saveProfile', fields: { name: 'a', host: 'h', tlsOnly: false, fullscreen: false } },
  { type: 'deleteProfile', id: 'ABC' },
  { type: 'importVv', fileName: 'a.vv', text: 'x'.repeat(300_000) },
  { type: 'saveSettings', settings: { releaseHotkey: 'f12' } },
  { type: 'saveSettings', settings: { releaseHotkey: 'ctrl+alt', theme: 'dark' } },
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
  { type: 'monitors', displayId: 0, monitors: [{ monitorId: 0, x: 0, y: 0, width: 1024, height: 768 }], maxAllowed: 2 },
  { type: 'status', state: 'connecting', target: { host: 'h', port: 1 } },
  { type: 'status', state: 'disconnected', failure: { kind: 'auth', message: 'wrong password' } },
  { type: 'status', state: 'connected', target: { host: 'h', tlsPort: 2 }, guestName: 'win11' },
  { type: 'surfaceCreated', displayId: 0, surfaceId: 0, width: 1024, height: 768, primary: true },
  { type: 'surfaceDestroyed', displayId: 0, surfaceId: 0 },
  { type: 'damage', displayId: 0, surfaceId: 0, patches: [{ x: 1, y: 2, width: 3, height: 4, rgba: rgba(3, 4) }] },
  { type: 'mouseMode', mode: 'server' },
  { type: 'cursor', x: -3, y: 10, visible: true },
  { type: 'stats', framesPerSecond: 59.9, pixelBytesPerSecond: 1e6, networkBytesPerSecond: null, latencyMs: null },
  { type: 'notice', message: 'hello' },
  { type: 'status', state: 'connecting', target: { host: 'h', port: 1 }, detail: 'reconnecting, attempt 2 of 10', profileId: 'abc' },
  { type: 'status', state: 'disconnected', failure: { kind: 'auth', message: 'refused' }, canRetry: true },
  { type: 'monitors', displayId: 0, monitors: [{ monitorId: 0, x: 0, y: 0, width: 1024, height: 768 }, { monitorId: 1, x: 1024, y: 0, width: 800, height: 600 }] },
  { type: 'cursorShape', shape: { width: 2, height: 1, hotX: 0, hotY: 0, rgba: rgba(2, 1) } },
  { type: 'cursorShape', shape: null },
  { type: 'keyModifiers', modifiers: 6 },
  { type: 'stats', framesPerSecond: 1, pixelBytesPerSecond: 0, networkBytesPerSecond: 1234, latencyMs: 3.5 },
  {
    type: 'library',
    profiles: [{ id: 'abc', name: 'web01', host: 'h', port: 5900, tlsOnly: false, fullscreen: false, hasPassword: true }],
    recent: [{ label: 'web01', host: 'h', port: 5900, profileId: 'abc', at: 1700000000000 }],
    passwordStorage: { available: false, problem: 'no keychain' },
  },
  { type: 'settings', settings: { releaseHotkey: 'ctrl+alt' } },
  { type: 'shell', shell: 'browser', kiosk: false },
  { type: 'command', command: 'zoomIn' },
  // Sound: more cases in tests/unit/audio/audio-ipc.test.ts.
  { type: 'playbackStart', mode: 'opus', channels: 2, frequency: 48_000, time: 7, mmTime: 3 },
  { type: 'playbackData', mode: 'raw', time: 7, mmTime: 3, data: new ArrayBuffer(4) },
  { type: 'playbackStop' },
  { type: 'recordStart', mode: 'raw', channels: 2, frequency: 48_000 },
  { type: 'recordStop' },
  // COPY_BITS as a move: more cases in copy-area-validators.test.ts.
  { type: 'copyArea', displayId: 0, surfaceId: 0, source: { x: 0, y: 16, width: 1024, height: 752 }, destX: 0, destY: 0, clip: null },
];

const BAD_EVENTS: unknown[] = [
  { type: 'monitors', displayId: 0, monitors: [], maxAllowed: -1 },
  { type: 'monitors', displayId: 0, monitors: [], maxAllowed: 'two' },
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
  { type: 'monitors', displayId: 0, monitors: [{ monitorId: 0, x: 0, y: 0, width: 0, height: 768 }] },
  { type: 'cursorShape', shape: { width: 2, height: 1, hotX: 5, hotY: 0, rgba: rgba(2, 1) } },
  { type: 'cursorShape', shape: { width: 2, height: 1, hotX: 0, hotY: 0, rgba: rgba(1, 1) } },
  { type: 'library', profiles: [{ id: 'abc', name: 'x', host: 'h', port: 1, tlsOnly: false, fullscreen: false, hasPassword: true, password: 'pw' }], recent: [], passwordStorage: { available: true } },
  { type: 'library', profiles: [], recent: [], passwordStorage: { available: 'yes' } },
  { type: 'shell', shell: 'node', kiosk: false },
  { type: 'command', command: 'eval' },
  { type: 'stats', framesPerSecond: 1, pixelBytesPerSecond: 0, networkBytesPerSecond: null, latencyMs: -1 },
  { type: 'copyArea', displayId: 0, surfaceId: 0, source: { x: 0, y: 16, width: 1024, height: 752 }, destX: 0, destY: 16_000, clip: null },
];

test('every well-formed event passes; malformed ones are refused', () => {
  for (const event of GOOD_EVENTS) {
    const checked = validateHostEvent(event);
    assert.ok(checked.ok, JSON.stringify(event));
    assert.deepEqual(checked.value, event);
  }
  for (const event of BAD_EVENTS) assert.equal(validateHostEvent(event).ok, false, JSON.stringify(event));
  // Every event type has a well-formed example here, except the families whose validators have
  // their own tests (video-validators, the audio and agent IPC tests).
  const elsewhere = new Set<string>([...VIDEO_EVENT_TYPES, ...AUDIO_HOST_EVENT_TYPES, 'clipboard', 'fileChunkWanted', 'fileTransfer']);
  const covered = new Set(GOOD_EVENTS.map((event) => event.type));
  assert.deepEqual(HOST_EVENT_TYPES.filter((type) => !elsewhere.has(type) && !covered.has(type)), []);
});

test('the wire format round-trips every event, pixels included, and sends text when it can', () => {
  for (const event of GOOD_EVENTS) {
    const wire = encodeWireMessage(event);
    const hasPixels = event.type === 'damage' || (event.type === 'cursorShape' && event.shape !== null) || event.type === 'playbackData';
    assert.equal(typeof wire === 'string', !hasPixels, event.type);
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
