// The sound part of the IPC contract: validators both ways, the engine host forwarding a
// session's playback and record events (and replaying them to a reloaded page), Opus asked
// for only when the renderer said it decodes it, microphone samples passed back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EngineHost } from '../../../src/main/host/engine-host';
import { validateHostEvent, validateHostRequest, type HostEvent, type HostRequest } from '../../../src/shared/ipc';
import { decodeWireMessage, encodeWireMessage } from '../../../src/shared/ipc-wire';
import { fakeSessionFactory, quietLog } from '../app/fake-session';

const GOOD_EVENTS: HostEvent[] = [
  { type: 'playbackStart', mode: 'raw', channels: 2, frequency: 48_000, time: 4_294_967_295, mmTime: 0 },
  { type: 'playbackStart', mode: 'opus', channels: 1, frequency: 8000, time: 1, mmTime: 2 },
  { type: 'playbackData', mode: 'raw', time: 10, mmTime: 5, data: new ArrayBuffer(1920) },
  { type: 'playbackData', mode: 'opus', time: 10, mmTime: 5, data: new ArrayBuffer(3) },
  { type: 'playbackStop' },
  { type: 'playbackVolume', volumes: [0, 65535] },
  { type: 'playbackMute', muted: true },
  { type: 'playbackLatency', latencyMs: 120 },
  { type: 'recordStart', mode: 'raw', channels: 2, frequency: 44_100 },
  { type: 'recordStop' },
];

const BAD_EVENTS: unknown[] = [
  { type: 'playbackStart', mode: 'celt', channels: 2, frequency: 48_000, time: 0, mmTime: 0 },
  { type: 'playbackStart', mode: 'raw', channels: 0, frequency: 48_000, time: 0, mmTime: 0 },
  { type: 'playbackStart', mode: 'raw', channels: 2, frequency: 1_000_000, time: 0, mmTime: 0 },
  { type: 'playbackStart', mode: 'raw', channels: 2, frequency: 48_000, time: -1, mmTime: 0 },
  { type: 'playbackStart', mode: 'raw', channels: 2, frequency: 48_000, time: 0 },
  { type: 'playbackData', mode: 'raw', time: 0, mmTime: 0, data: new Uint8Array(4) },
  { type: 'playbackData', mode: 'raw', time: 0, mmTime: 0, data: new ArrayBuffer(0) },
  { type: 'playbackData', mode: 'raw', time: 0, mmTime: 0, data: new ArrayBuffer(10_000_000) },
  { type: 'playbackData', mode: 'raw', time: 0.5, mmTime: 0, data: new ArrayBuffer(4) },
  { type: 'playbackStop', now: true },
  { type: 'playbackVolume', volumes: [] },
  { type: 'playbackVolume', volumes: [70_000] },
  { type: 'playbackVolume', volumes: new Array(9).fill(1) },
  { type: 'playbackMute', muted: 1 },
  { type: 'playbackLatency', latencyMs: -5 },
  { type: 'recordStart', mode: 'raw', channels: 2 },
];

test('sound events: well-formed ones pass unchanged, malformed ones are refused, and all survive the wire', () => {
  for (const event of GOOD_EVENTS) {
    const checked = validateHostEvent(event);
    assert.ok(checked.ok, JSON.stringify(event));
    assert.deepEqual(checked.value, event);
    assert.deepEqual(validateHostEvent(decodeWireMessage(encodeWireMessage(event))), { ok: true, value: event });
  }
  for (const event of BAD_EVENTS) assert.equal(validateHostEvent(event).ok, false, JSON.stringify(event));
});

test('sound requests: support flags and microphone samples; nothing else', () => {
  const good: HostRequest[] = [
    { type: 'audioSupport', playbackOpus: true, recordOpus: false },
    { type: 'recordSamples', data: new ArrayBuffer(1920) },
  ];
  for (const request of good) assert.deepEqual(validateHostRequest(request), { ok: true, value: request });
  for (const bad of [
    { type: 'audioSupport', playbackOpus: 'yes', recordOpus: false },
    { type: 'audioSupport', playbackOpus: true },
    { type: 'audioSupport', playbackOpus: true, recordOpus: true, celt: true },
    { type: 'recordSamples', data: 'AAAA' },
    { type: 'recordSamples', data: new ArrayBuffer(0) },
    { type: 'recordSamples', data: new ArrayBuffer(8_000_000) },
  ]) {
    assert.equal(validateHostRequest(bad).ok, false, JSON.stringify(bad));
  }
});

function makeHost() {
  const fakes = fakeSessionFactory();
  const events: HostEvent[] = [];
  const transfers: (readonly ArrayBuffer[])[] = [];
  const host = new EngineHost({
    createSession: fakes.factory,
    send: (event, transfer) => {
      events.push(event);
      transfers.push(transfer);
    },
    log: quietLog,
  });
  return { host, fakes, events, transfers };
}

const soundEvents = (events: HostEvent[]): HostEvent[] => events.filter((e) => e.type.startsWith('playback') || e.type.startsWith('record'));

test('the host asks the server for Opus only after the renderer said it decodes it', () => {
  const { host, fakes } = makeHost();
  host.handleMessage({ type: 'connect', host: 'h', port: 1 });
  assert.equal(fakes.sessions[0].request.audio, undefined, 'raw PCM both ways by default');
  host.handleMessage({ type: 'audioSupport', playbackOpus: true, recordOpus: false });
  host.handleMessage({ type: 'connect', host: 'h', port: 1 });
  assert.deepEqual(fakes.sessions[1].request.audio, { playback: { opus: true }, record: { opus: false } });
  host.dispose();
});

test("the host forwards a session's sound with the multimedia clock, moves packet buffers, replays to a reloaded page, and stops on disconnect", () => {
  const { host, fakes, events, transfers } = makeHost();
  host.handleMessage({ type: 'connect', host: 'h', port: 1 });
  const session = fakes.sessions[0];
  session.fire('state', 'connected');
  session.mmTime = 1000;
  session.fire('playbackStart', { mode: 'raw', channels: 2, frequency: 48_000, time: 1400 });
  session.mmTime = 1005;
  const pcm = new Uint8Array([1, 0, 2, 0]);
  session.fire('playbackData', { mode: 'raw', time: 1400, data: pcm });
  session.fire('playbackVolume', { volumes: [30_000, 40_000] });
  session.fire('playbackMute', { muted: false });
  session.fire('playbackLatency', { latencyMs: 80 });
  session.fire('recordStart', { mode: 'raw', channels: 2, frequency: 48_000 });
  const sound = soundEvents(events);
  assert.deepEqual(sound.map((e) => e.type), ['playbackStart', 'playbackData', 'playbackVolume', 'playbackMute', 'playbackLatency', 'recordStart']);
  assert.deepEqual(sound[0], { type: 'playbackStart', mode: 'raw', channels: 2, frequency: 48_000, time: 1400, mmTime: 1000 });
  const data = sound[1] as Extract<HostEvent, { type: 'playbackData' }>;
  assert.equal(data.mmTime, 1005);
  assert.deepEqual([...new Uint8Array(data.data)], [1, 0, 2, 0]);
  assert.deepEqual(transfers[events.indexOf(data)], [data.data], 'the packet buffer is moved, not copied');
  for (const event of sound) assert.ok(validateHostEvent(event).ok, event.type);

  // Microphone samples reach the session while the guest records.
  host.handleMessage({ type: 'recordSamples', data: new Uint8Array([5, 6, 7, 8]).buffer });
  assert.deepEqual(session.recordSamples.map((s) => [...s]), [[5, 6, 7, 8]]);

  // A reloaded page learns what is going on.
  events.length = 0;
  session.mmTime = 2000;
  host.handleMessage({ type: 'ready' });
  assert.deepEqual(soundEvents(events), [
    { type: 'playbackStart', mode: 'raw', channels: 2, frequency: 48_000, time: 1400, mmTime: 2000 },
    { type: 'playbackVolume', volumes: [30_000, 40_000] },
    { type: 'playbackMute', muted: false },
    { type: 'playbackLatency', latencyMs: 80 },
    { type: 'recordStart', mode: 'raw', channels: 2, frequency: 48_000 },
  ]);

  // The guest stops recording: samples are no longer passed on.
  session.fire('recordStop', null);
  host.handleMessage({ type: 'recordSamples', data: new Uint8Array([9, 9, 9, 9]).buffer });
  assert.equal(session.recordSamples.length, 1);

  // The session ends while sound plays: the page hears the stop before the status.
  events.length = 0;
  session.fire('closed', null);
  assert.deepEqual(events.map((e) => e.type), ['playbackStop', 'status']);
  host.dispose();
});
