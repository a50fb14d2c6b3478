// A scripted SPICE server with a playback channel, for what Xspice cannot show in the app: a
// pause inside one stream (Xspice stops the stream at each pause), and the server's VOLUME,
// MUTE and LATENCY messages. It streams a 440 Hz tone of raw stereo PCM, stamped with the
// multimedia clock it announced in MAIN_INIT (0 at that moment) plus 400 ms, as spice-server
// stamps packets ahead of the time it tells the client.
import { sinePcm } from './audio';
import { Bytes } from './chunking';
import { mainInitBody, startFakeServer, type FakeConnection, type FakeServer } from './fake-spice-server';

const MAIN_INIT = 103;
const CHANNELS_LIST = 104;
const CHANNEL_MAIN = 1;
const CHANNEL_PLAYBACK = 5;
const PLAYBACK = { DATA: 101, MODE: 102, START: 103, STOP: 104, VOLUME: 105, MUTE: 106, LATENCY: 107 } as const;
const PLAYBACK_CAP_VOLUME = 1 << 1;
const PLAYBACK_CAP_LATENCY = 1 << 2;
const MODE_RAW = 1;
const FORMAT_S16 = 1;
const RATE = 48_000;
/** 10 ms packets of stereo s16. */
const PACKET_MS = 10;
const PACKET_BYTES = (RATE / 1000) * PACKET_MS * 4;
/** How far ahead of the client's clock packets are stamped (spice-server's default latency). */
const AHEAD_MS = 400;
/** How far ahead of real time packets are sent. */
const SEND_AHEAD_MS = 200;

/** One stretch of the stream: a tone, or a pause (no packets, the stamps move on). */
export type StreamPart = { readonly toneMs: number } | { readonly pauseMs: number };

export interface PlaybackServer {
  readonly port: number;
  linked(): Promise<void>;
  /** START, then the parts in real time, then STOP; resolves when all is sent. */
  play(parts: readonly StreamPart[]): Promise<void>;
  volume(levels: readonly number[]): void;
  mute(muted: boolean): void;
  latency(ms: number): void;
  close(): Promise<void>;
}

export async function startPlaybackServer(): Promise<PlaybackServer> {
  let playback: FakeConnection | null = null;
  let onLinked: (() => void) | null = null;
  /** When MAIN_INIT (multimedia time 0) went out. */
  let clockZero = 0;
  const tone = sinePcm(440, 60);
  const fake: FakeServer = await startFakeServer(async (conn) => {
    const info = await conn.readLink();
    conn.sendLinkReply(0, info.channelType === CHANNEL_PLAYBACK ? [PLAYBACK_CAP_VOLUME | PLAYBACK_CAP_LATENCY] : []);
    await conn.readTicket();
    conn.sendLinkResult(0);
    if (info.channelType === CHANNEL_MAIN) {
      clockZero = Date.now();
      conn.sendMessage(MAIN_INIT, mainInitBody());
      conn.sendMessage(CHANNELS_LIST, new Bytes().u32(1).u8(CHANNEL_PLAYBACK).u8(0).build());
      return;
    }
    if (info.channelType !== CHANNEL_PLAYBACK) return;
    playback = conn;
    onLinked?.();
  });
  const send = (type: number, body: Uint8Array): void => (playback as FakeConnection | null)?.sendMessage(type, body);
  const mmNow = (): number => Date.now() - clockZero;
  return {
    port: fake.port,
    linked: () =>
      new Promise<void>((resolve) => {
        if (playback) resolve();
        else onLinked = resolve;
      }),
    async play(parts) {
      const startMm = mmNow() + AHEAD_MS;
      send(PLAYBACK.MODE, new Bytes().u32(startMm).u16(MODE_RAW).build());
      send(PLAYBACK.START, new Bytes().u32(2).u16(FORMAT_S16).u32(RATE).u32(startMm).build());
      // Each packet: its stamp (ms after the start) and where its samples come from in the tone.
      const packets: { at: number; offset: number }[] = [];
      let at = 0;
      let offset = 0;
      for (const part of parts) {
        if ('pauseMs' in part) {
          at += part.pauseMs;
          continue;
        }
        for (let ms = 0; ms < part.toneMs; ms += PACKET_MS, at += PACKET_MS, offset += PACKET_BYTES) packets.push({ at, offset });
      }
      const startedAt = Date.now();
      for (const packet of packets) {
        // Sent a little ahead of real time, as a server with a buffer does.
        const wait = startedAt + packet.at - SEND_AHEAD_MS - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        send(PLAYBACK.DATA, new Bytes().u32((startMm + packet.at) >>> 0).raw(tone.subarray(packet.offset, packet.offset + PACKET_BYTES)).build());
      }
      await new Promise((resolve) => setTimeout(resolve, SEND_AHEAD_MS + AHEAD_MS));
      send(PLAYBACK.STOP, new Uint8Array(0));
    },
    volume: (levels) => {
      const body = new Bytes().u8(levels.length);
      for (const level of levels) body.u16(level);
      send(PLAYBACK.VOLUME, body.build());
    },
    mute: (muted) => send(PLAYBACK.MUTE, new Bytes().u8(muted ? 1 : 0).build()),
    latency: (ms) => send(PLAYBACK.LATENCY, new Bytes().u32(ms).build()),
    close: () => fake.stop(),
  };
}
