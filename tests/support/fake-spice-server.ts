import { createServer, type Server, type Socket } from 'node:net';
import { generateKeyPairSync, privateDecrypt, constants } from 'node:crypto';
import { encodeMessage } from '../../src/core/protocol/framing';
import { Bytes } from './chunking';

/**
 * A scripted SPICE server for hostile-input tests: it performs as much of a real link as the
 * script asks for, then sends whatever bytes the script wants. Never a substitute for the real
 * servers; only for input no real server would send.
 */

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
const PUBLIC_KEY_DER = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));

export interface LinkInfo {
  connectionId: number;
  channelType: number;
  channelId: number;
}

export class FakeConnection {
  private buffer = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  async read(n: number): Promise<Buffer> {
    while (this.buffer.length < n) {
      if (this.closed) throw new Error('client closed');
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    const out = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    return out;
  }

  /** Reads the client's link header + SpiceLinkMess + caps. */
  async readLink(): Promise<LinkInfo> {
    const header = await this.read(16);
    const size = header.readUInt32LE(12);
    const body = await this.read(size);
    return { connectionId: body.readUInt32LE(0), channelType: body[4], channelId: body[5] };
  }

  sendRaw(bytes: Uint8Array): void {
    if (!this.closed) this.socket.write(bytes);
  }

  /** A successful link reply offering AUTH_SELECTION, AUTH_SPICE and MINI_HEADER. */
  sendLinkReply(error = 0, channelCaps: number[] = []): void {
    const body = new Bytes().u32(error).raw(PUBLIC_KEY_DER).u32(1).u32(channelCaps.length).u32(178).u32(0b1011);
    for (const word of channelCaps) body.u32(word);
    const bytes = body.build();
    this.sendRaw(new Bytes().u32(0x51444552).u32(2).u32(2).u32(bytes.byteLength).raw(bytes).build());
  }

  /** Reads the auth mechanism and the ticket; returns the decrypted password. */
  async readTicket(): Promise<string> {
    await this.read(4);
    const ticket = await this.read(128);
    const plain = privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, ticket);
    return plain.subarray(0, plain.indexOf(0)).toString('utf8');
  }

  sendLinkResult(code = 0): void {
    this.sendRaw(new Bytes().u32(code).build());
  }

  /** Full happy link: read link, reply, read ticket, result OK. */
  async acceptLink(channelCaps: number[] = []): Promise<LinkInfo> {
    const info = await this.readLink();
    this.sendLinkReply(0, channelCaps);
    await this.readTicket();
    this.sendLinkResult(0);
    return info;
  }

  sendMessage(type: number, body: Uint8Array): void {
    this.sendRaw(encodeMessage(type, body, true, 0n));
  }

  close(): void {
    this.socket.destroy();
  }
}

export interface FakeServer {
  port: number;
  connections: FakeConnection[];
  /** Resolves when every client connection has been closed (by either side). */
  allClosed(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a server on 127.0.0.1 that runs `script` for each connection. */
export async function startFakeServer(script: (connection: FakeConnection, index: number) => Promise<void>): Promise<FakeServer> {
  const connections: FakeConnection[] = [];
  const server: Server = createServer((socket) => {
    const connection = new FakeConnection(socket);
    const index = connections.push(connection) - 1;
    script(connection, index).catch(() => connection.close());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    connections,
    async allClosed() {
      const deadline = Date.now() + 5000;
      while (connections.some((c) => !c.closed)) {
        if (Date.now() > deadline) throw new Error('a client connection was left open');
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop() {
      for (const c of connections) c.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** MAIN_INIT body for session id 1, server mouse mode, no agent. */
export function mainInitBody(sessionId = 1): Uint8Array {
  return new Bytes().u32(sessionId).u32(1).u32(3).u32(1).u32(0).u32(0).u32(0).u32(1 << 24).build();
}

/** A main channel that links, sends INIT and lists one display channel, then stays until the client closes it. */
export async function mainWithDisplay(c: FakeConnection): Promise<void> {
  await c.acceptLink();
  c.sendMessage(103, mainInitBody());
  c.sendMessage(104, new Bytes().u32(1).u8(2).u8(0).build()); // CHANNELS_LIST: display 0
  await new Promise((r) => c.socket.once('close', r));
}
