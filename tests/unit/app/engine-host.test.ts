import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DamageCoalescer } from '../../../src/main/host/damage-coalescer';
import { EngineHost } from '../../../src/main/host/engine-host';
import { surfaceRectToRgba } from '../../support/surface-rgba';
import { ShownPixels } from '../../../src/main/host/shown-pixels';
import { SessionError } from '../../../src/main/session/session-error';
import type { DamageEvent, HostEvent } from '../../../src/shared/ipc';
import { AgentMsg, ClipboardSelection, ClipboardType, encodeClipboardData, encodeClipboardGrab } from '../../../src/core/protocol/agent-messages';
import type { ClipboardItemData } from '../../../src/shared/agent-ipc';
import { FakeAgentSide, newAgent, VDAGENTD_CAPS } from '../agent/fake-agent';
import { FakeSession, fakeSessionFactory, patternSurface, quietLog } from './fake-session';

const tick = (ms = 0): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function makeHost(options: { flushIntervalMs?: number; backlog?: () => number } = {}) {
  const fakes = fakeSessionFactory();
  const events: HostEvent[] = [];
  const warnings: string[] = [];
  const host = new EngineHost({
    createSession: fakes.factory,
    send: (event) => events.push(event),
    log: { ...quietLog, warn: (message) => warnings.push(message) },
    flushIntervalMs: options.flushIntervalMs ?? 16,
    statsIntervalMs: 30,
    ...(options.backlog ? { backlogBytes: options.backlog } : {}),
  });
  return { host, fakes, events, warnings };
}

const damageEvents = (events: HostEvent[]): DamageEvent[] => events.filter((e): e is DamageEvent => e.type === 'damage');

test('surface words 0xAARRGGBB become RGBA bytes with alpha 255, for just the rect', () => {
  const surface = { width: 3, height: 2, pixels: Uint32Array.from([0x00112233, 0xff445566, 0x80778899, 0x01aabbcc, 0x00ddeeff, 0x12345678]) };
  const shown = new ShownPixels(3, 2);
  const rect = { left: 1, top: 0, right: 3, bottom: 2 };
  assert.deepEqual(shown.refresh(surface, rect), [rect]);
  const rgba = new Uint8Array(shown.rgba(rect));
  assert.deepEqual([...rgba], [0x44, 0x55, 0x66, 255, 0x77, 0x88, 0x99, 255, 0xdd, 0xee, 0xff, 255, 0x34, 0x56, 0x78, 255]);
});

test('damage coalescing merges neighbours, keeps far-apart rects apart, clips, and caps the count', () => {
  const c = new DamageCoalescer(1000, 1000);
  c.add({ left: 0, top: 0, right: 10, bottom: 10 });
  c.add({ left: 5, top: 5, right: 20, bottom: 20 }); // overlaps: merged
  c.add({ left: 900, top: 900, right: 910, bottom: 910 }); // far: separate
  c.add({ left: 990, top: 990, right: 2000, bottom: 2000 }); // clipped to the surface
  c.add({ left: 500, top: 500, right: 500, bottom: 600 }); // empty: ignored
  const rects = c.take();
  assert.deepEqual(rects, [
    { left: 0, top: 0, right: 20, bottom: 20 },
    { left: 900, top: 900, right: 910, bottom: 910 },
    { left: 990, top: 990, right: 1000, bottom: 1000 },
  ]);
  assert.ok(c.isEmpty);
  for (let i = 0; i < 40; i++) c.add({ left: i * 24, top: (i % 2) * 900, right: i * 24 + 1, bottom: (i % 2) * 900 + 1 });
  assert.ok(c.take().length <= 32);
});

test('connect: status connecting → connected, client mouse mode asked for, password passed only to the session', async () => {
  const { host, fakes, events } = makeHost();
  host.handleMessage({ type: 'connect', host: '127.0.0.1', port: 5900, password: 'pw' });
  const session = fakes.sessions[0];
  assert.equal(session.connected, true);
  assert.deepEqual(session.request, { target: { host: '127.0.0.1', port: 5900 }, password: 'pw' });
  session.fire('state', 'connected');
  session.fire('guestName', 'fedora');
  session.fire('mouseMode', 'server');
  session.fire('mouseMode', 'server');
  assert.deepEqual(events.filter((e) => e.type === 'status'), [
    { type: 'status', state: 'connecting', target: { host: '127.0.0.1', port: 5900 } },
    { type: 'status', state: 'connected', target: { host: '127.0.0.1', port: 5900 } },
    { type: 'status', state: 'connected', target: { host: '127.0.0.1', port: 5900 }, guestName: 'fedora' },
  ]);
  assert.deepEqual(session.calls, [['requestMouseMode', 'client']], 'asked once');
  assert.ok(!JSON.stringify(events).includes('pw'));
  host.dispose();
});

test('a failing session reports disconnected with its failure; a throwing factory too', () => {
  const { host, fakes, events } = makeHost();
  host.connect({ host: 'h', port: 1 });
  fakes.sessions[0].fire('closed', { kind: 'connect', message: 'h:1: connection refused' });
  assert.deepEqual(events.at(-1), {
    type: 'status',
    state: 'disconnected',
    target: { host: 'h', port: 1 },
    failure: { kind: 'connect', message: 'h:1: connection refused' },
    canRetry: true,
  });

  const throwing = new EngineHost({
    createSession: () => {
      throw new SessionError('unsupported', 'TLS is not supported yet');
    },
    send: (event) => events.push(event),
    log: quietLog,
  });
  throwing.connect({ host: 'h', tlsPort: 2 });
  assert.deepEqual(events.at(-1), {
    type: 'status',
    state: 'disconnected',
    target: { host: 'h', tlsPort: 2 },
    failure: { kind: 'unsupported', message: 'TLS is not supported yet' },
    canRetry: true,
  });
  host.dispose();
});

test('damage is coalesced and flushed at most once per interval, starting with the whole new surface', async () => {
  const { host, fakes, events } = makeHost({ flushIntervalMs: 40 });
  host.connect({ host: 'h', port: 1 });
  const session = fakes.sessions[0];
  const surface = patternSurface(64, 48);
  session.fire('surfaceCreated', { displayId: 0, surfaceId: 0, surface });
  assert.deepEqual(events.at(-1), { type: 'surfaceCreated', displayId: 0, surfaceId: 0, width: 64, height: 48, primary: true });
  await tick(5);
  let damage = damageEvents(events);
  assert.equal(damage.length, 1, 'the first flush goes out at once');
  assert.deepEqual(damage[0].patches.map(({ x, y, width, height }) => ({ x, y, width, height })), [{ x: 0, y: 0, width: 64, height: 48 }]);
  const full = new Uint8Array(damage[0].patches[0].rgba);
  assert.deepEqual([...full.subarray((2 * 64 + 3) * 4, (2 * 64 + 3) * 4 + 4)], [3, 2, 5, 255]);

  // The guest draws there (only pixels that changed are sent again: shown-pixels.ts).
  for (let y = 0; y < 2; y++) for (let x = 0; x < 11; x++) surface.pixels[y * 64 + x] ^= 0x00ffffff;
  for (let i = 0; i < 10; i++) session.fire('damage', { displayId: 0, surfaceId: 0, surface, area: { left: i, top: 0, right: i + 2, bottom: 2 } });
  session.fire('damage', { displayId: 0, surfaceId: 7, surface, area: { left: 0, top: 0, right: 1, bottom: 1 } }); // off-screen: ignored
  await tick(5);
  assert.equal(damageEvents(events).length, 1, 'no second flush within the interval');
  await tick(60);
  damage = damageEvents(events);
  assert.equal(damage.length, 2, 'ten damages, one flush');
  assert.deepEqual(damage[1].patches.map(({ x, y, width, height }) => ({ x, y, width, height })), [{ x: 0, y: 0, width: 11, height: 2 }]);
  const patch = new Uint8Array(damage[1].patches[0].rgba);
  assert.deepEqual([...patch.subarray(4 * 12, 4 * 12 + 4)], [254, 254, 253, 255], 'pixel (1,1) of the patch, as drawn since');
  host.dispose();
});

test('damage waits while the front end is behind', async () => {
  let backlog = 100 * 1024 * 1024;
  const { host, fakes, events } = makeHost({ flushIntervalMs: 5, backlog: () => backlog });
  host.connect({ host: 'h', port: 1 });
  fakes.sessions[0].fire('surfaceCreated', { displayId: 0, surfaceId: 0, surface: patternSurface(4, 4) });
  await tick(30);
  assert.equal(damageEvents(events).length, 0);
  backlog = 0;
  await tick(30);
  assert.equal(damageEvents(events).length, 1);
  host.dispose();
});

test('input requests reach the session; the wheel becomes presses of buttons 4 and 5', () => {
  const { host, fakes, warnings } = makeHost();
  host.handleMessage({ type: 'keyDown', scancode: 0x1c }); // no session yet: ignored
  host.connect({ host: 'h', port: 1 });
  const session = fakes.sessions[0];
  host.handleMessage({ type: 'keyDown', scancode: 0x1c });
  host.handleMessage({ type: 'keyUp', scancode: 0x1c });
  host.handleMessage({ type: 'mousePosition', x: 10, y: 20, displayId: 0 });
  host.handleMessage({ type: 'mouseMotion', dx: 1, dy: -1 });
  host.handleMessage({ type: 'mouseButton', button: 1, pressed: true });
  host.handleMessage({ type: 'mouseWheel', steps: -1 });
  host.handleMessage({ type: 'mouseWheel', steps: 2 });
  host.handleMessage({ type: 'keyDown', scancode: -1 });
  host.sendKeyCombo('ctrl-alt-del');
  host.sendKeyCombo('__proto__');
  assert.deepEqual(session.calls, [
    ['keyDown', 0x1c],
    ['keyUp', 0x1c],
    ['mousePosition', 10, 20, 0],
    ['mouseMotion', 1, -1],
    ['mouseButton', 1, true],
    ['mouseButton', 4, true],
    ['mouseButton', 4, false],
    ['mouseButton', 5, true],
    ['mouseButton', 5, false],
    ['mouseButton', 5, true],
    ['mouseButton', 5, false],
    ['keyDown', 0x1d],
    ['keyDown', 0x38],
    ['keyDown', 0x153],
    ['keyUp', 0x153],
    ['keyUp', 0x38],
    ['keyUp', 0x1d],
  ]);
  assert.equal(warnings.length, 1);
  host.dispose();
});

test('a second connect replaces the session quietly; ready replays status and surfaces', async () => {
  const { host, fakes, events } = makeHost();
  host.connect({ host: 'a', port: 1 });
  fakes.sessions[0].fire('surfaceCreated', { displayId: 0, surfaceId: 0, surface: patternSurface(2, 2) });
  host.connect({ host: 'b', port: 2 });
  assert.equal(fakes.sessions[0].disconnected, true);
  fakes.sessions[0].fire('closed', null); // the old session's end is not reported
  assert.equal(events.filter((e) => e.type === 'status' && e.state === 'disconnected').length, 0);
  const second = fakes.sessions[1];
  second.fire('state', 'connected');
  second.fire('surfaceCreated', { displayId: 0, surfaceId: 0, surface: patternSurface(3, 3) });
  await tick(5);
  events.length = 0;
  host.handleMessage({ type: 'ready' });
  await tick(20);
  assert.deepEqual(events.map((e) => e.type).filter((type) => type !== 'stats'), ['shell', 'status', 'cursorShape', 'surfaceCreated', 'damage']);
  assert.equal(events[1].type === 'status' && events[1].target?.host, 'b');
  host.dispose();
  events.length = 0;
  second.fire('notice', 'after dispose');
  assert.deepEqual(events, []);
  assert.equal(second.disconnected, true);
});

test('stats report frames and pixel bytes per second (network null until the engine counts bytes)', async () => {
  const { host, fakes, events } = makeHost();
  host.connect({ host: 'h', port: 1 });
  const session = fakes.sessions[0];
  session.fire('state', 'connected');
  session.fire('surfaceCreated', { displayId: 0, surfaceId: 0, surface: patternSurface(10, 10) });
  await tick(70);
  const stats = events.filter((e) => e.type === 'stats');
  assert.ok(stats.length >= 1);
  const first = stats[0];
  assert.ok(first.type === 'stats' && first.framesPerSecond > 0 && first.pixelBytesPerSecond > 0 && first.networkBytesPerSecond === null);
  host.dispose();
});

test('agent requests reach the session\'s guest agent; without one a dropped file is refused with a reason; Electron takes guest copies', async () => {
  const { host, events } = makeHost();
  host.handleMessage({ type: 'fileSend', transferId: 1, name: 'a.txt', size: 3 });
  assert.deepEqual(events.at(-1), { type: 'fileTransfer', transferId: 1, name: 'a.txt', state: 'failed', sentBytes: 0, totalBytes: 3, message: 'a.txt was not sent: no session is open' });
  host.handleMessage({ type: 'fileChunk', transferId: 1, offset: 0, data: new ArrayBuffer(3) });
  host.handleMessage({ type: 'clipboardOffer', items: [{ mimeType: 'text/plain', data: new ArrayBuffer(1) }] });
  host.dispose();

  const side = new FakeAgentSide(newAgent());
  side.connect(VDAGENTD_CAPS, 1000);
  const taken: ClipboardItemData[] = [];
  const sent: HostEvent[] = [];
  const withAgent = new EngineHost({
    createSession: (request) => Object.assign(new FakeSession(request), { agent: side.agent }),
    send: (event) => sent.push(event),
    log: quietLog,
    guestClipboard: (item) => taken.push(item),
  });
  withAgent.handleMessage({ type: 'connect', host: '127.0.0.1', port: 5900 });
  withAgent.offerLocalClipboard([{ mimeType: 'text/plain', data: new TextEncoder().encode('local').buffer }]);
  assert.equal(side.of(AgentMsg.CLIPBOARD_GRAB).length, 1, 'the local copy is offered to the guest');
  // Serial 1: the agent counted our grab too (GRAB_SERIAL).
  side.deliver(AgentMsg.CLIPBOARD_GRAB, encodeClipboardGrab({ selection: true, grabSerial: true }, ClipboardSelection.CLIPBOARD, 1, [ClipboardType.UTF8_TEXT]));
  side.deliver(AgentMsg.CLIPBOARD, encodeClipboardData({ selection: true, grabSerial: true }, ClipboardSelection.CLIPBOARD, ClipboardType.UTF8_TEXT, new TextEncoder().encode('guest')));
  await tick();
  assert.equal(new TextDecoder().decode(taken[0].data), 'guest');
  assert.equal(sent.filter((e) => e.type === 'clipboard').length, 0, 'not sent to the page');
  withAgent.handleMessage({ type: 'fileSend', transferId: 4, name: 'b.bin', size: 100 });
  assert.equal(side.of(AgentMsg.FILE_XFER_START).length, 1);
  withAgent.dispose();
  assert.equal(side.of(AgentMsg.FILE_XFER_STATUS).length, 1, 'closing the window cancels the transfer');
});

test('video: the renderer\'s codecs reach the next session; stream events follow the damage drawn before them; failures go back', async () => {
  const { host, fakes, events } = makeHost({ flushIntervalMs: 1000 });
  host.connect({ host: 'h', port: 1 });
  assert.equal(fakes.sessions[0].video, undefined, 'before the renderer says anything, the engine plays video itself');
  host.handleMessage({ type: 'videoCodecs', codecs: ['vp8', 'mjpeg'] });
  host.connect({ host: 'h', port: 1 });
  const session = fakes.sessions[1];
  assert.deepEqual(session.video, { codecs: ['vp8', 'mjpeg'] });

  const surface = patternSurface(64, 48);
  session.fire('surfaceCreated', { displayId: 0, surfaceId: 0, surface });
  await tick(5); // the whole new surface goes at once; later damage waits for the interval
  for (let y = 1; y < 5; y++) for (let x = 1; x < 5; x++) surface.pixels[y * 64 + x] ^= 0x00ffffff;
  session.fire('damage', { displayId: 0, surfaceId: 0, surface, area: { left: 1, top: 1, right: 5, bottom: 5 } });
  const data = new Uint8Array([1, 2, 3]).buffer;
  session.fire('video', { event: { type: 'videoFrame', displayId: 0, streamId: 4, width: 8, height: 8, dest: { x: 0, y: 0, width: 8, height: 8 }, data }, transfer: [data] });
  const tail = events.slice(-2).map((e) => e.type);
  assert.deepEqual(tail, ['damage', 'videoFrame'], 'what was drawn before the frame goes out before it, without waiting for the interval');
  assert.deepEqual((events.at(-2) as DamageEvent).patches.map(({ x, y, width, height }) => ({ x, y, width, height })), [{ x: 1, y: 1, width: 4, height: 4 }]);

  host.handleMessage({ type: 'videoStreamFailed', displayId: 0, streamId: 4 });
  assert.deepEqual(session.failedVideoStreams, [[0, 4]]);
  host.dispose();
});

test('a full 1080p update goes as bands of at most 2 MB, one per turn of the loop, covering it once; its latency counts at the last', async () => {
  const fakes = fakeSessionFactory();
  const events: HostEvent[] = [];
  const handed: number[] = [];
  // Counts turns of the loop (one immediate each), to see that no two bands go in the same turn.
  let turn = 0;
  let spinning = true;
  const spin = (): void => {
    turn++;
    if (spinning) setImmediate(spin);
  };
  spin();
  const turns: number[] = [];
  const host = new EngineHost({
    createSession: fakes.factory,
    send: (event) => {
      events.push(event);
      if (event.type === 'damage') turns.push(turn);
    },
    log: quietLog,
    flushIntervalMs: 1,
    statsIntervalMs: 1000,
    metrics: { updateHanded: (latencyMs) => handed.push(latencyMs), flushed: () => {}, stop: () => {} },
  });
  const until = async (done: () => boolean): Promise<void> => {
    for (const deadline = Date.now() + 20_000; !done(); await tick(5)) if (Date.now() > deadline) throw new Error('timed out');
  };
  const rowsSent = (): number => damageEvents(events).flatMap((event) => event.patches).reduce((rows, patch) => rows + patch.height, 0);
  try {
    host.connect({ host: 'h', port: 1 });
    const session = fakes.sessions[0];
    const surface = patternSurface(1920, 1080);
    session.fire('surfaceCreated', { displayId: 0, surfaceId: 0, surface });
    await until(() => rowsSent() === 1080); // the whole new surface, in bands too
    events.length = 0;
    turns.length = 0;
    // A new full screen (only changed pixels are sent again).
    for (let i = 0; i < surface.pixels.length; i++) surface.pixels[i] ^= 0x00ffffff;
    session.fire('damage', { displayId: 0, surfaceId: 0, surface, area: { left: 0, top: 0, right: 1920, bottom: 1080 }, receivedAt: performance.now() });
    await until(() => rowsSent() >= 1080);
    const bands = damageEvents(events).flatMap((event) => event.patches);
    assert.ok(bands.length >= 4, `${bands.length} bands`);
    assert.equal(new Set(turns).size, turns.length, 'one band per turn of the loop');
    let row = 0;
    for (const band of bands) {
      assert.ok(band.rgba.byteLength <= 2 * 1024 * 1024);
      assert.deepEqual([band.x, band.y, band.width], [0, row, 1920]);
      assert.deepEqual(new Uint8Array(band.rgba), new Uint8Array(surfaceRectToRgba(surface, { left: 0, top: row, right: 1920, bottom: row + band.height })));
      row += band.height;
    }
    assert.equal(row, 1080);
    assert.equal(handed.length, 1, 'the update is handed once, with its last band');
  } finally {
    spinning = false;
    host.dispose();
  }
});

test('only pixels the renderer does not show already are sent; video and a new canvas make the host forget what it sent', async () => {
  const { host, fakes, events } = makeHost({ flushIntervalMs: 1 });
  host.connect({ host: 'h', port: 1 });
  const session = fakes.sessions[0];
  const surface = patternSurface(64, 48);
  session.fire('surfaceCreated', { displayId: 0, surfaceId: 0, surface });
  await tick(10);
  const rects = (): { x: number; y: number; width: number; height: number }[] =>
    damageEvents(events).flatMap((event) => event.patches.map(({ x, y, width, height }) => ({ x, y, width, height })));
  assert.deepEqual(rects(), [{ x: 0, y: 0, width: 64, height: 48 }]);
  const whole = { left: 0, top: 0, right: 64, bottom: 48 };

  events.length = 0;
  session.fire('damage', { displayId: 0, surfaceId: 0, surface, area: whole });
  await tick(10);
  assert.deepEqual(rects(), [], 'redrawn the same: nothing to send');

  surface.pixels[20 * 64 + 30] ^= 0x00ffffff;
  surface.pixels[22 * 64 + 33] ^= 0x00ffffff;
  session.fire('damage', { displayId: 0, surfaceId: 0, surface, area: whole });
  await tick(10);
  assert.deepEqual(rects(), [{ x: 30, y: 20, width: 4, height: 3 }], 'just what changed');
  assert.deepEqual([...new Uint8Array(damageEvents(events)[0].patches[0].rgba, 0, 4)], [255 - 30, 255 - 20, 255 - 50, 255]);

  // A video stream paints over (8,8)-(24,24): the host no longer knows what shows there.
  const data = new Uint8Array([1]).buffer;
  session.fire('video', { event: { type: 'videoStreamCreated', displayId: 0, surfaceId: 0, streamId: 3, codec: 'vp8', topDown: true, frameWidth: 16, frameHeight: 16, dest: { x: 8, y: 8, width: 16, height: 16 }, clip: null }, transfer: [] });
  session.fire('damage', { displayId: 0, surfaceId: 0, surface, area: whole });
  await tick(10);
  events.length = 0;
  session.fire('video', { event: { type: 'videoFrame', displayId: 0, streamId: 3, width: 16, height: 16, dest: { x: 8, y: 8, width: 16, height: 16 }, data }, transfer: [data] });
  session.fire('video', { event: { type: 'videoStreamDestroyed', displayId: 0, streamId: 3 }, transfer: [] });
  session.fire('damage', { displayId: 0, surfaceId: 0, surface, area: whole });
  await tick(10);
  assert.deepEqual(rects(), [{ x: 8, y: 8, width: 16, height: 16 }], 'the last frame stays on screen until the engine\'s pixels are sent again');

  // A new clip uncovers part of a stream's frame: the page keeps that frame's pixels there.
  session.fire('video', { event: { type: 'videoStreamCreated', displayId: 0, surfaceId: 0, streamId: 5, codec: 'vp8', topDown: true, frameWidth: 8, frameHeight: 8, dest: { x: 40, y: 30, width: 8, height: 8 }, clip: null }, transfer: [] });
  session.fire('damage', { displayId: 0, surfaceId: 0, surface, area: whole });
  await tick(10);
  events.length = 0;
  session.fire('video', { event: { type: 'videoStreamClip', displayId: 0, streamId: 5, clip: [{ x: 40, y: 30, width: 4, height: 8 }] }, transfer: [] });
  session.fire('damage', { displayId: 0, surfaceId: 0, surface, area: whole });
  await tick(10);
  assert.deepEqual(rects(), [{ x: 40, y: 30, width: 8, height: 8 }]);
  session.fire('video', { event: { type: 'videoStreamDestroyed', displayId: 0, streamId: 5 }, transfer: [] });

  events.length = 0;
  host.handleMessage({ type: 'ready' });
  await tick(10);
  assert.deepEqual(rects(), [{ x: 0, y: 0, width: 64, height: 48 }], 'a new canvas gets everything');
  host.dispose();
});
