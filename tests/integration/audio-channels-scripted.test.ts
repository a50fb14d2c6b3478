import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeServer, mainInitBody, type FakeConnection } from '../support/fake-spice-server';
import { Bytes } from '../support/chunking';
import { Session } from '../../src/main/session/session';
import type { PlaybackData, PlaybackFormat } from '../../src/main/channels/playback-channel';
import type { RecordFormat } from '../../src/main/channels/record-channel';

/**
 * What no real server here can show: the record channel (Xspice has none, and QEMU records only
 * for a guest OS driving its sound card), Opus negotiation, and the server's VOLUME, MUTE and
 * LATENCY messages. A scripted server plays them; the real servers cover playback itself
 * (audio-playback.test.ts).
 */

const MAIN_INIT = 103;
const CHANNELS_LIST = 104;
const PLAYBACK = { DATA: 101, MODE: 102, START: 103, STOP: 104, VOLUME: 105, MUTE: 106, LATENCY: 107 };
const RECORD = { START: 101, STOP: 102, VOLUME: 103, MUTE: 104 };
const RECORD_CLIENT = { DATA: 101, MODE: 102, START_MARK: 103 };

/** The link like acceptLink(), but returning the channel capabilities the client announced. */
async function acceptLinkWithCaps(conn: FakeConnection, serverChannelCaps: number[] = []): Promise<{ type: number; caps: number }> {
  const header = await conn.read(16);
  const body = await conn.read(header.readUInt32LE(12));
  const type = body[4];
  const commonCount = body.readUInt32LE(6);
  const channelCount = body.readUInt32LE(10);
  const capsOffset = body.readUInt32LE(14);
  const caps = channelCount > 0 ? body.readUInt32LE(capsOffset + 4 * commonCount) : 0;
  conn.sendLinkReply(0, serverChannelCaps);
  await conn.readTicket();
  conn.sendLinkResult(0);
  return { type, caps };
}

/** One mini-header message from the client. */
async function readClientMessage(conn: FakeConnection): Promise<{ type: number; body: Buffer }> {
  const header = await conn.read(6);
  return { type: header.readUInt16LE(0), body: await conn.read(header.readUInt32LE(2)) };
}

async function readUntil(conn: FakeConnection, type: number): Promise<Buffer> {
  for (;;) {
    const message = await readClientMessage(conn);
    if (message.type === type) return message.body;
  }
}

test('playback: mode, start, data, volume, mute, latency and stop reach the session as typed events', { timeout: 30_000 }, async () => {
  const announced: number[] = [];
  const server = await startFakeServer(async (conn) => {
    const { type, caps } = await acceptLinkWithCaps(conn);
    if (type === 1) {
      conn.sendMessage(MAIN_INIT, mainInitBody());
      conn.sendMessage(CHANNELS_LIST, new Bytes().u32(1).u8(5).u8(0).build());
      return;
    }
    announced.push(caps);
    conn.sendMessage(PLAYBACK.MODE, new Bytes().u32(1000).u16(1).build());
    conn.sendMessage(PLAYBACK.START, new Bytes().u32(2).u16(1).u32(48_000).u32(1000).build());
    conn.sendMessage(PLAYBACK.DATA, new Bytes().u32(1000).raw([1, 0, 2, 0]).build());
    conn.sendMessage(PLAYBACK.VOLUME, new Bytes().u8(2).u16(30_000).u16(40_000).build());
    conn.sendMessage(PLAYBACK.MUTE, new Bytes().u8(1).build());
    conn.sendMessage(PLAYBACK.LATENCY, new Bytes().u32(120).build());
    // Opus, which this session did not ask for: no sound, but no failure either.
    conn.sendMessage(PLAYBACK.MODE, new Bytes().u32(1010).u16(3).build());
    conn.sendMessage(PLAYBACK.DATA, new Bytes().u32(1010).raw([9, 9]).build());
    conn.sendMessage(PLAYBACK.STOP, new Uint8Array(0));
  });
  const session = new Session({ target: { host: '127.0.0.1', port: server.port } });
  const events: string[] = [];
  const formats: PlaybackFormat[] = [];
  const packets: PlaybackData[] = [];
  session.on('playbackStart', (f) => formats.push(f));
  session.on('playbackData', (p) => packets.push(p));
  session.on('playbackVolume', ({ volumes }) => events.push(`volume ${volumes.join(',')}`));
  session.on('playbackMute', ({ muted }) => events.push(`mute ${muted}`));
  session.on('playbackLatency', ({ latencyMs }) => events.push(`latency ${latencyMs}`));
  const stopped = new Promise<void>((resolve) => session.once('playbackStop', () => resolve()));
  try {
    await session.connect();
    await stopped;
    assert.deepEqual(announced, [(1 << 1) | (1 << 2)], 'VOLUME and LATENCY, not OPUS');
    assert.deepEqual(formats, [{ mode: 'raw', channels: 2, frequency: 48_000, time: 1000 }]);
    assert.deepEqual(packets.map((p) => [p.mode, p.time, [...p.data]]), [['raw', 1000, [1, 0, 2, 0]]]);
    assert.deepEqual(events, ['volume 30000,40000', 'mute true', 'latency 120']);
    assert.equal(session.state, 'connected', 'a mode we cannot play does not end the session');
  } finally {
    session.disconnect();
    await server.stop();
  }
});

test('a front end that decodes Opus advertises it and gets Opus packets', { timeout: 30_000 }, async () => {
  const announced: number[] = [];
  const server = await startFakeServer(async (conn) => {
    const { type, caps } = await acceptLinkWithCaps(conn);
    if (type === 1) {
      conn.sendMessage(MAIN_INIT, mainInitBody());
      conn.sendMessage(CHANNELS_LIST, new Bytes().u32(1).u8(5).u8(0).build());
      return;
    }
    announced.push(caps);
    conn.sendMessage(PLAYBACK.MODE, new Bytes().u32(5).u16(3).build());
    conn.sendMessage(PLAYBACK.START, new Bytes().u32(2).u16(1).u32(48_000).u32(5).build());
    conn.sendMessage(PLAYBACK.DATA, new Bytes().u32(5).raw([0xfc, 0xff, 0xfe]).build());
  });
  const session = new Session({ target: { host: '127.0.0.1', port: server.port }, audio: { playback: { opus: true } } });
  const packet = new Promise<PlaybackData>((resolve) => session.once('playbackData', resolve));
  try {
    await session.connect();
    const received = await packet;
    assert.deepEqual(announced, [(1 << 1) | (1 << 2) | (1 << 3)]);
    assert.deepEqual([received.mode, received.time, [...received.data]], ['opus', 5, [0xfc, 0xff, 0xfe]]);
  } finally {
    session.disconnect();
    await server.stop();
  }
});

test('record: started by the server, MODE and START_MARK before the first samples, stopped by the server', { timeout: 30_000 }, async () => {
  let releaseStop!: () => void;
  const stopNow = new Promise<void>((resolve) => (releaseStop = resolve));
  const received: { mode: Buffer; mark: Buffer; data: Buffer[] } = { mode: Buffer.alloc(0), mark: Buffer.alloc(0), data: [] };
  let recordCaps = -1;
  const server = await startFakeServer(async (conn) => {
    const { type, caps } = await acceptLinkWithCaps(conn, [1 << 1]);
    if (type === 1) {
      conn.sendMessage(MAIN_INIT, mainInitBody());
      conn.sendMessage(CHANNELS_LIST, new Bytes().u32(1).u8(6).u8(0).build());
      return;
    }
    recordCaps = caps;
    conn.sendMessage(RECORD.VOLUME, new Bytes().u8(1).u16(50_000).build());
    conn.sendMessage(RECORD.MUTE, new Bytes().u8(0).build());
    conn.sendMessage(RECORD.START, new Bytes().u32(2).u16(1).u32(48_000).build());
    received.mode = await readUntil(conn, RECORD_CLIENT.MODE);
    received.mark = await readUntil(conn, RECORD_CLIENT.START_MARK);
    for (let i = 0; i < 3; i++) received.data.push(await readUntil(conn, RECORD_CLIENT.DATA));
    await stopNow;
    conn.sendMessage(RECORD.STOP, new Uint8Array(0));
  });
  const session = new Session({ target: { host: '127.0.0.1', port: server.port } });
  const started = new Promise<RecordFormat>((resolve) => session.once('recordStart', resolve));
  const stopped = new Promise<void>((resolve) => session.once('recordStop', () => resolve()));
  const levels: string[] = [];
  session.on('recordVolume', ({ volumes }) => levels.push(`volume ${volumes}`));
  session.on('recordMute', ({ muted }) => levels.push(`mute ${muted}`));
  try {
    await session.connect();
    assert.deepEqual(await started, { mode: 'raw', channels: 2, frequency: 48_000 });
    assert.deepEqual(levels, ['volume 50000', 'mute false']);
    // 1000 frames of stereo s16 in one call: packets of at most 480 frames, and 2 frames carried.
    const pcm = new Uint8Array(1002 * 4).map((_, i) => i & 0xff);
    session.sendRecordSamples(pcm.subarray(0, 1000 * 4 + 2));
    session.sendRecordSamples(pcm.subarray(1000 * 4 + 2));
    const deadline = Date.now() + 5000;
    while (received.data.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.equal(recordCaps, 1 << 1, 'VOLUME, not OPUS');
    assert.equal(received.mode.readUInt16LE(4), 1, 'MODE says raw');
    assert.equal(received.mark.readUInt32LE(0), received.mode.readUInt32LE(0), 'START_MARK at the time of the first samples');
    assert.deepEqual(received.data.map((d) => d.byteLength - 4), [480 * 4, 480 * 4, 40 * 4]);
    assert.deepEqual([...received.data[0].subarray(4, 12)], [0, 1, 2, 3, 4, 5, 6, 7]);
    releaseStop();
    await stopped;
    assert.equal(session.record?.active, false);
  } finally {
    session.disconnect();
    await server.stop();
  }
});
