// A TCP relay between a SPICE client and a real server that reads what the client sends on its
// inputs channel: the wire-level truth of which key and mouse messages left the client, for
// tests where the guest cannot report them itself (QEMU's PS/2 mouse in server mode).
//
// Per connection it follows the link (spice-protocol protocol.h): the client's SpiceLinkHeader
// and SpiceLinkMess (channel type at byte 4; common caps at caps_offset), the server's reply
// (common caps at its caps_offset), the client's auth mechanism word when both offer
// PROTOCOL_AUTH_SELECTION, the 128-byte ticket, then the client's messages: mini headers
// (uint16 type, uint32 size) when both offer MINI_HEADER, full 18-byte headers otherwise.
import { createServer, connect, type Server, type Socket } from 'node:net';

const INPUTS_CHANNEL = 3;
const CAP_AUTH_SELECTION = 0;
const CAP_MINI_HEADER = 3;
const TICKET_BYTES = 128;
const REPLY_CAPS_AT = 4 + 162;

export interface TappedMessage {
  readonly type: number;
  readonly body: Buffer;
}

export interface InputsTap {
  readonly port: number;
  /** Messages the client sent on inputs channels, in order. */
  readonly messages: readonly TappedMessage[];
  close(): Promise<void>;
}

/** Reads a little-endian caps word list; whether `bit` is set in the first word. */
function hasCap(buffer: Buffer, countAt: number, offsetBase: number, bit: number): boolean {
  const count = buffer.readUInt32LE(countAt);
  if (count === 0) return false;
  const capsOffset = buffer.readUInt32LE(countAt + 8);
  return (buffer.readUInt32LE(offsetBase + capsOffset) & (1 << bit)) !== 0;
}

class Connection {
  private client = Buffer.alloc(0);
  private server = Buffer.alloc(0);
  private clientStep: 'header' | 'mess' | 'auth' | 'messages' = 'header';
  private serverStep: 'header' | 'reply' | 'done' = 'header';
  private messSize = 0;
  private replySize = 0;
  private channelType = -1;
  private clientSelection = false;
  private clientMini = false;
  private serverSelection: boolean | null = null;
  private serverMini = false;

  constructor(private readonly record: (message: TappedMessage) => void) {}

  fromServer(chunk: Buffer): void {
    if (this.serverStep === 'done') return;
    this.server = Buffer.concat([this.server, chunk]);
    if (this.serverStep === 'header' && this.server.length >= 16) {
      this.replySize = this.server.readUInt32LE(12);
      this.server = this.server.subarray(16);
      this.serverStep = 'reply';
    }
    if (this.serverStep === 'reply' && this.server.length >= this.replySize) {
      const reply = this.server.subarray(0, this.replySize);
      this.serverSelection = hasCap(reply, REPLY_CAPS_AT, 0, CAP_AUTH_SELECTION);
      this.serverMini = hasCap(reply, REPLY_CAPS_AT, 0, CAP_MINI_HEADER);
      this.serverStep = 'done';
      this.server = Buffer.alloc(0);
    }
  }

  fromClient(chunk: Buffer): void {
    this.client = Buffer.concat([this.client, chunk]);
    for (;;) {
      if (this.clientStep === 'header') {
        if (this.client.length < 16) return;
        this.messSize = this.client.readUInt32LE(12);
        this.client = this.client.subarray(16);
        this.clientStep = 'mess';
      } else if (this.clientStep === 'mess') {
        if (this.client.length < this.messSize) return;
        const mess = this.client.subarray(0, this.messSize);
        this.channelType = mess[4];
        this.clientSelection = hasCap(mess, 6, 0, CAP_AUTH_SELECTION);
        this.clientMini = hasCap(mess, 6, 0, CAP_MINI_HEADER);
        this.client = this.client.subarray(this.messSize);
        this.clientStep = 'auth';
      } else if (this.clientStep === 'auth') {
        if (this.serverSelection === null) return; // the reply has not been seen yet
        const authBytes = (this.clientSelection && this.serverSelection ? 4 : 0) + TICKET_BYTES;
        if (this.client.length < authBytes) return;
        this.client = this.client.subarray(authBytes);
        this.clientStep = 'messages';
      } else {
        const mini = this.clientMini && this.serverMini;
        const headerSize = mini ? 6 : 18;
        if (this.client.length < headerSize) return;
        const type = this.client.readUInt16LE(mini ? 0 : 8);
        const size = this.client.readUInt32LE(mini ? 2 : 10);
        if (this.client.length < headerSize + size) return;
        if (this.channelType === INPUTS_CHANNEL) this.record({ type, body: Buffer.from(this.client.subarray(headerSize, headerSize + size)) });
        this.client = this.client.subarray(headerSize + size);
      }
    }
  }
}

/** Starts a relay on a free loopback port towards 127.0.0.1:upstreamPort. */
export async function startInputsTap(upstreamPort: number): Promise<InputsTap> {
  const messages: TappedMessage[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((downstream) => {
    const upstream = connect(upstreamPort, '127.0.0.1');
    sockets.add(downstream);
    sockets.add(upstream);
    const parser = new Connection((message) => messages.push(message));
    downstream.on('data', (chunk: Buffer) => {
      parser.fromClient(chunk);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      parser.fromServer(chunk);
      downstream.write(chunk);
    });
    const end = (): void => {
      downstream.destroy();
      upstream.destroy();
      sockets.delete(downstream);
      sockets.delete(upstream);
    };
    for (const socket of [downstream, upstream]) {
      socket.on('error', end);
      socket.on('close', end);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the tap has no TCP address');
  return {
    port: address.port,
    messages,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** SPICE_MSGC_INPUTS_MOUSE_MOTION: int32 dx, int32 dy, uint16 buttons. */
export const MSGC_MOUSE_MOTION = 111;
export const MSGC_MOUSE_PRESS = 113;

/** The sum of every relative motion the client sent. */
export function totalMotion(messages: readonly TappedMessage[]): { dx: number; dy: number; count: number } {
  let dx = 0;
  let dy = 0;
  let count = 0;
  for (const message of messages) {
    if (message.type !== MSGC_MOUSE_MOTION) continue;
    dx += message.body.readInt32LE(0);
    dy += message.body.readInt32LE(4);
    count++;
  }
  return { dx, dy, count };
}
