// A scripted SPICE server with a record channel, for the microphone tests: no real server here
// can start recording without a guest OS (Xspice has no record channel; QEMU records only for
// a guest that drives its sound card). It links the main channel, lists one record channel,
// and on the test's word sends RECORD_START / RECORD_STOP, keeping every message the client sends.
import { Bytes } from './chunking';
import { mainInitBody, startFakeServer, type FakeConnection, type FakeServer } from './fake-spice-server';

const MAIN_INIT = 103;
const CHANNELS_LIST = 104;
const CHANNEL_MAIN = 1;
const CHANNEL_RECORD = 6;
export const RECORD_SERVER = { START: 101, STOP: 102 } as const;
export const RECORD_CLIENT = { DATA: 101, MODE: 102, START_MARK: 103 } as const;
const RECORD_CAP_VOLUME = 1 << 1;
const RECORD_CAP_OPUS = 1 << 2;
/** spice.proto audio_fmt S16. */
const FORMAT_S16 = 1;

export interface ClientRecordMessage {
  readonly type: number;
  readonly body: Buffer;
}

export interface RecordServer {
  readonly port: number;
  /** Every message the client sent on record channels, in order. */
  readonly received: ClientRecordMessage[];
  /** Resolves once a client's record channel is linked. */
  linked(): Promise<void>;
  /** RECORD_START on the newest record channel: stereo s16 at 48 kHz. */
  start(): void;
  stop(): void;
  close(): Promise<void>;
}

export async function startRecordServer(options: { opus?: boolean } = {}): Promise<RecordServer> {
  const received: ClientRecordMessage[] = [];
  let record: FakeConnection | null = null;
  let onLinked: (() => void) | null = null;
  const fake: FakeServer = await startFakeServer(async (conn) => {
    const info = await conn.readLink();
    const caps = info.channelType === CHANNEL_RECORD ? [RECORD_CAP_VOLUME | (options.opus ? RECORD_CAP_OPUS : 0)] : [];
    conn.sendLinkReply(0, caps);
    await conn.readTicket();
    conn.sendLinkResult(0);
    if (info.channelType === CHANNEL_MAIN) {
      conn.sendMessage(MAIN_INIT, mainInitBody());
      conn.sendMessage(CHANNELS_LIST, new Bytes().u32(1).u8(CHANNEL_RECORD).u8(0).build());
      return;
    }
    if (info.channelType !== CHANNEL_RECORD) return;
    record = conn;
    onLinked?.();
    // Mini headers: uint16 type, uint32 size, then the body.
    for (;;) {
      const header = await conn.read(6);
      received.push({ type: header.readUInt16LE(0), body: await conn.read(header.readUInt32LE(2)) });
    }
  });
  return {
    port: fake.port,
    received,
    linked: () =>
      new Promise<void>((resolve) => {
        if (record) resolve();
        else onLinked = resolve;
      }),
    start: () => (record as FakeConnection | null)?.sendMessage(RECORD_SERVER.START, new Bytes().u32(2).u16(FORMAT_S16).u32(48_000).build()),
    stop: () => (record as FakeConnection | null)?.sendMessage(RECORD_SERVER.STOP, new Uint8Array(0)),
    close: () => fake.stop(),
  };
}

/** The DATA payloads received (after the 4-byte time). */
export function recordData(messages: readonly ClientRecordMessage[]): Buffer[] {
  return messages.filter((m) => m.type === RECORD_CLIENT.DATA).map((m) => m.body.subarray(4));
}
