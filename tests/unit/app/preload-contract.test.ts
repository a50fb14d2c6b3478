// The renderer sees one API whichever shell it runs in: the Electron preload's (over a
// MessagePort) and the browser shell's (over a WebSocket) must behave the same.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPreloadApi, type EnginePortLike, type PreloadIpc } from '../../../src/preload/port-api';
import { createWebSocketApi, ipcUrlFor, type WebSocketLike } from '../../../src/renderer/transport/websocket-api';
import { IPC_CHANNELS, SAFFRON_API_METHODS, type HostEvent, type HostRequest, type SaffronApi } from '../../../src/shared/ipc';
import { decodeWireMessage, encodeWireMessage } from '../../../src/shared/ipc-wire';

interface Harness {
  readonly api: SaffronApi;
  /** Makes the transport ready (the port arrives / the socket opens). */
  open(): void;
  /** The host sends a raw message. */
  hostSends(message: unknown): void;
  /** What reached the host so far. */
  readonly received: HostRequest[];
  readonly warnings: string[];
}

function preloadHarness(): Harness {
  const received: HostRequest[] = [];
  const warnings: string[] = [];
  let deliverPort: ((event: { ports: readonly EnginePortLike[] }) => void) | null = null;
  const requestedChannels: string[] = [];
  const ipc: PreloadIpc = {
    on: (channel, listener) => {
      assert.equal(channel, IPC_CHANNELS.port);
      deliverPort = listener;
    },
    send: (channel) => requestedChannels.push(channel),
  };
  const port: EnginePortLike = { postMessage: (message) => received.push(structuredClone(message)), onmessage: null };
  const api = createPreloadApi(ipc, (message) => warnings.push(message));
  assert.deepEqual(requestedChannels, [IPC_CHANNELS.openPort]);
  return {
    api,
    received,
    warnings,
    open: () => deliverPort!({ ports: [port] }),
    hostSends: (message) => port.onmessage?.({ data: structuredClone(message) }),
  };
}

function websocketHarness(): Harness {
  const received: HostRequest[] = [];
  const warnings: string[] = [];
  const listeners = new Map<string, ((event: { data: unknown }) => void)[]>();
  const socket = {
    binaryType: 'blob' as 'blob' | 'arraybuffer',
    readyState: 0,
    send: (data: string | Uint8Array) => received.push(decodeWireMessage(data) as HostRequest),
    close() {},
    addEventListener(type: string, listener: (event: { data: unknown }) => void) {
      listeners.set(type, [...(listeners.get(type) ?? []), listener]);
    },
  };
  const fire = (type: string, data?: unknown): void => {
    for (const listener of listeners.get(type) ?? []) listener({ data });
  };
  const api = createWebSocketApi(socket as WebSocketLike, (message) => warnings.push(message));
  assert.equal(socket.binaryType, 'arraybuffer');
  return {
    api,
    received,
    warnings,
    open: () => {
      socket.readyState = 1;
      fire('open');
    },
    hostSends: (message) => {
      const wire = encodeWireMessage(message as object);
      fire('message', typeof wire === 'string' ? wire : wire.buffer.slice(wire.byteOffset, wire.byteOffset + wire.byteLength));
    },
  };
}

const HARNESSES: [string, () => Harness][] = [
  ['Electron preload (MessagePort)', preloadHarness],
  ['browser shell (WebSocket)', websocketHarness],
];

for (const [name, make] of HARNESSES) {
  test(`${name}: exposes exactly the SaffronApi methods`, () => {
    const { api } = make();
    assert.deepEqual(Object.keys(api).sort(), [...SAFFRON_API_METHODS].sort());
    for (const method of SAFFRON_API_METHODS) assert.equal(typeof api[method], 'function', method);
  });

  test(`${name}: requests made before the transport opens are sent in order once it does`, () => {
    const h = make();
    h.api.ready();
    h.api.connect({ host: '127.0.0.1', port: 5900, password: 'pw' });
    assert.deepEqual(h.received, []);
    h.open();
    h.api.keyDown(0x1e);
    h.api.mouseWheel(-1);
    assert.deepEqual(h.received, [
      { type: 'ready' },
      { type: 'connect', host: '127.0.0.1', port: 5900, password: 'pw' },
      { type: 'keyDown', scancode: 0x1e },
      { type: 'mouseWheel', steps: -1 },
    ]);
  });

  test(`${name}: invalid requests throw and never leave; unknown events cannot be subscribed`, () => {
    const h = make();
    h.open();
    assert.throws(() => h.api.keyDown(-1), TypeError);
    assert.throws(() => h.api.connect({ host: 'h' }), TypeError);
    assert.throws(() => h.api.mouseButton(4, true), TypeError);
    assert.throws(() => h.api.on('ipc-raw' as never, () => {}), TypeError);
    assert.deepEqual(h.received, []);
  });

  test(`${name}: events are validated before delivery, and on() returns its unsubscribe`, () => {
    const h = make();
    h.open();
    const statuses: HostEvent[] = [];
    const damages: HostEvent[] = [];
    const offStatus = h.api.on('status', (event) => statuses.push(event));
    h.api.on('damage', (event) => damages.push(event));
    h.hostSends({ type: 'status', state: 'connecting', target: { host: 'h', port: 1 } });
    h.hostSends({ type: 'status', state: 'hacked' });
    h.hostSends({ type: 'evil' });
    const rgba = new Uint8Array([9, 8, 7, 255]).buffer;
    h.hostSends({ type: 'damage', displayId: 0, surfaceId: 0, patches: [{ x: 0, y: 0, width: 1, height: 1, rgba }] });
    offStatus();
    h.hostSends({ type: 'status', state: 'connected' });
    assert.deepEqual(statuses, [{ type: 'status', state: 'connecting', target: { host: 'h', port: 1 } }]);
    assert.equal(damages.length, 1);
    const patch = (damages[0] as Extract<HostEvent, { type: 'damage' }>).patches[0];
    assert.deepEqual([...new Uint8Array(patch.rgba)], [9, 8, 7, 255]);
    assert.equal(h.warnings.length, 2);
  });
}

test('the WebSocket adapter reports a closed socket as one disconnected status', () => {
  const listeners = new Map<string, (() => void)[]>();
  const socket = {
    binaryType: 'blob' as 'blob' | 'arraybuffer',
    readyState: 1,
    send() {},
    close() {},
    addEventListener(type: string, listener: () => void) {
      listeners.set(type, [...(listeners.get(type) ?? []), listener]);
    },
  };
  const api = createWebSocketApi(socket as unknown as WebSocketLike);
  const statuses: HostEvent[] = [];
  api.on('status', (event) => statuses.push(event));
  for (const listener of listeners.get('close') ?? []) listener();
  assert.equal(statuses.length, 1);
  assert.ok(statuses[0].type === 'status' && statuses[0].state === 'disconnected' && statuses[0].failure?.kind === 'closed');
});

test('the WebSocket URL follows the page (same origin, so the cookie goes along)', () => {
  assert.equal(ipcUrlFor({ protocol: 'http:', host: '127.0.0.1:8080' }), 'ws://127.0.0.1:8080/ipc');
  assert.equal(ipcUrlFor({ protocol: 'https:', host: 'localhost:1' }), 'wss://localhost:1/ipc');
});

test('the preload takes only the first port it is offered', () => {
  let deliver: ((event: { ports: readonly EnginePortLike[] }) => void) | null = null;
  const api = createPreloadApi({ on: (_channel, listener) => (deliver = listener), send() {} });
  const first: HostRequest[] = [];
  const second: HostRequest[] = [];
  deliver!({ ports: [{ postMessage: (m) => first.push(m), onmessage: null }] });
  deliver!({ ports: [{ postMessage: (m) => second.push(m), onmessage: null }] });
  api.disconnect();
  assert.equal(first.length, 1);
  assert.equal(second.length, 0);
});

/** One call of every request method, with what the host must receive for it. */
const EVERY_CALL: [string, (api: SaffronApi) => void, HostRequest][] = [
  ['ready', (api) => api.ready(), { type: 'ready' }],
  ['connect', (api) => api.connect({ host: 'h', tlsPort: 5901, tlsOnly: true, username: 'u' }), { type: 'connect', host: 'h', tlsPort: 5901, tlsOnly: true, username: 'u' }],
  ['connectProfile', (api) => api.connectProfile('abc', 'typed'), { type: 'connectProfile', id: 'abc', password: 'typed' }],
  ['retry', (api) => api.retry(), { type: 'retry' }],
  ['disconnect', (api) => api.disconnect(), { type: 'disconnect' }],
  ['keyDown', (api) => api.keyDown(0x2a), { type: 'keyDown', scancode: 0x2a }],
  ['keyUp', (api) => api.keyUp(0x2a), { type: 'keyUp', scancode: 0x2a }],
  ['mousePosition', (api) => api.mousePosition(3, 4, 1), { type: 'mousePosition', x: 3, y: 4, displayId: 1 }],
  ['mouseMotion', (api) => api.mouseMotion(-2, 7), { type: 'mouseMotion', dx: -2, dy: 7 }],
  ['mouseButton', (api) => api.mouseButton(1, true), { type: 'mouseButton', button: 1, pressed: true }],
  ['mouseWheel', (api) => api.mouseWheel(2), { type: 'mouseWheel', steps: 2 }],
  ['requestMouseMode', (api) => api.requestMouseMode('client'), { type: 'requestMouseMode', mode: 'client' }],
  ['setKeyModifiers', (api) => api.setKeyModifiers(4), { type: 'setKeyModifiers', modifiers: 4 }],
  ['sendKeyCombo', (api) => api.sendKeyCombo('ctrl-alt-del'), { type: 'sendKeyCombo', combo: 'ctrl-alt-del' }],
  [
    'saveProfile',
    (api) => api.saveProfile({ fields: { name: 'n', host: 'h', port: 1, tlsOnly: false, fullscreen: false }, password: 'pw' }),
    { type: 'saveProfile', fields: { name: 'n', host: 'h', port: 1, tlsOnly: false, fullscreen: false }, password: 'pw' },
  ],
  ['deleteProfile', (api) => api.deleteProfile('abc'), { type: 'deleteProfile', id: 'abc' }],
  ['duplicateProfile', (api) => api.duplicateProfile('abc'), { type: 'duplicateProfile', id: 'abc' }],
  ['importVv', (api) => api.importVv('a.vv', '[virt-viewer]'), { type: 'importVv', fileName: 'a.vv', text: '[virt-viewer]' }],
  ['saveSettings', (api) => api.saveSettings({ releaseHotkey: 'shift+f12' }), { type: 'saveSettings', settings: { releaseHotkey: 'shift+f12' } }],
  [
    'offerClipboard',
    (api) => api.offerClipboard([{ mimeType: 'image/png', data: new Uint8Array([0x89, 0x50]).buffer }]),
    { type: 'clipboardOffer', items: [{ mimeType: 'image/png', data: new Uint8Array([0x89, 0x50]).buffer }] },
  ],
  ['sendFile', (api) => api.sendFile({ transferId: 3, name: 'notes.txt', size: 70_000 }), { type: 'fileSend', transferId: 3, name: 'notes.txt', size: 70_000 }],
  ['sendFileChunk', (api) => api.sendFileChunk(3, 65_536, new Uint8Array([1, 2, 3]).buffer), { type: 'fileChunk', transferId: 3, offset: 65_536, data: new Uint8Array([1, 2, 3]).buffer }],
  ['cancelFile', (api) => api.cancelFile(3), { type: 'fileCancel', transferId: 3 }],
  ['audioSupport', (api) => api.audioSupport({ playbackOpus: true, recordOpus: false }), { type: 'audioSupport', playbackOpus: true, recordOpus: false }],
  ['sendRecordSamples', (api) => api.sendRecordSamples(new Uint8Array([1, 2, 3, 4]).buffer), { type: 'recordSamples', data: new Uint8Array([1, 2, 3, 4]).buffer }],
  ['resizeGuestDisplay', (api) => api.resizeGuestDisplay(1, 1100, 660), { type: 'resizeGuestDisplay', monitor: 1, width: 1100, height: 660 }],
  ['setGuestDisplayEnabled', (api) => api.setGuestDisplayEnabled(1, false), { type: 'setGuestDisplayEnabled', monitor: 1, enabled: false }],
  ['videoCodecs', (api) => api.videoCodecs(['h264', 'mjpeg']), { type: 'videoCodecs', codecs: ['h264', 'mjpeg'] }],
  ['videoStreamFailed', (api) => api.videoStreamFailed(0, 7), { type: 'videoStreamFailed', displayId: 0, streamId: 7 }],
];

test('every method of the contract reaches the host as the same request through both adapters', () => {
  const methods = new Set(EVERY_CALL.map(([name]) => name));
  for (const method of SAFFRON_API_METHODS) if (method !== 'on') assert.ok(methods.has(method), `${method} is exercised`);
  const results = HARNESSES.map(([, make]) => {
    const h = make();
    h.open();
    for (const [, call] of EVERY_CALL) call(h.api);
    return h.received;
  });
  assert.deepEqual(results[0], EVERY_CALL.map(([, , expected]) => expected));
  assert.deepEqual(results[1], results[0]);
});

test('every event type arrives the same through both adapters, binary payloads included', () => {
  const cursorPixels = new Uint8Array([1, 2, 3, 4]).buffer;
  const videoBytes = new Uint8Array([0x9d, 1, 0x2a]).buffer;
  const events: HostEvent[] = [
    { type: 'status', state: 'connected', target: { host: 'h', port: 1 }, profileId: 'abc' },
    { type: 'monitors', displayId: 0, monitors: [{ monitorId: 1, x: 1024, y: 0, width: 800, height: 600 }] },
    { type: 'cursorShape', shape: { width: 1, height: 1, hotX: 0, hotY: 0, rgba: cursorPixels } },
    { type: 'keyModifiers', modifiers: 2 },
    { type: 'library', profiles: [], recent: [], passwordStorage: { available: false, problem: 'none' } },
    { type: 'settings', settings: { releaseHotkey: 'ctrl+alt' } },
    { type: 'shell', shell: 'electron', kiosk: true },
    { type: 'command', command: 'releaseGrab' },
    { type: 'fileChunkWanted', transferId: 2, offset: 0, length: 65_536 },
    { type: 'fileTransfer', transferId: 2, name: 'a.bin', state: 'failed', sentBytes: 0, totalBytes: 9, message: 'not enough space in the guest' },
    {
      type: 'videoStreamCreated',
      displayId: 0,
      surfaceId: 0,
      streamId: 3,
      codec: 'vp8',
      topDown: false,
      frameWidth: 320,
      frameHeight: 240,
      dest: { x: 10, y: 20, width: 320, height: 240 },
      clip: [{ x: 10, y: 20, width: 100, height: 240 }],
    },
    { type: 'videoFrame', displayId: 0, streamId: 3, width: 320, height: 240, dest: { x: 10, y: 20, width: 320, height: 240 }, data: videoBytes },
    { type: 'videoStreamClip', displayId: 0, streamId: 3, clip: null },
    { type: 'videoStreamDestroyed', displayId: 0, streamId: 3 },
    { type: 'copyArea', displayId: 0, surfaceId: 0, source: { x: 0, y: 16, width: 640, height: 464 }, destX: 0, destY: 0, clip: [{ x: 0, y: 0, width: 8, height: 8 }] },
  ];
  const seen = HARNESSES.map(([, make]) => {
    const h = make();
    h.open();
    const got: HostEvent[] = [];
    for (const type of new Set(events.map((e) => e.type))) h.api.on(type, (event) => got.push(event));
    for (const event of events) h.hostSends(event);
    assert.deepEqual(h.warnings, []);
    return got.map((event) => {
      if (event.type === 'cursorShape' && event.shape) return { ...event, shape: { ...event.shape, rgba: [...new Uint8Array(event.shape.rgba)] } };
      if (event.type === 'videoFrame') return { ...event, data: [...new Uint8Array(event.data)] };
      return event;
    });
  });
  assert.equal(seen[0].length, events.length);
  assert.deepEqual(seen[1], seen[0]);
});

test('guest clipboard content arrives as the same bytes through both adapters', () => {
  for (const [name, make] of HARNESSES) {
    const h = make();
    h.open();
    const got: Extract<HostEvent, { type: 'clipboard' }>[] = [];
    h.api.on('clipboard', (event) => got.push(event));
    h.hostSends({ type: 'clipboard', mimeType: 'text/plain', data: new TextEncoder().encode('grüße').buffer });
    h.hostSends({ type: 'clipboard', mimeType: 'text/html', data: new ArrayBuffer(1) });
    assert.equal(got.length, 1, name);
    assert.equal(new TextDecoder().decode(got[0].data), 'grüße', name);
    assert.equal(h.warnings.length, 1, `${name}: the unknown type is dropped with a warning`);
  }
});
