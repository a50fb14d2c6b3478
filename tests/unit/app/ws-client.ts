// A minimal WebSocket client over a raw TCP socket, for tests: masks its frames as a browser
// does, and parses the server's (unmasked) frames with the server's own parser.
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { encodeClientFrame, FrameParser, Opcode, type Frame } from '../../../src/main/host/web/websocket-frames';

export interface RawClient {
  readonly socket: Socket;
  /** The HTTP answer to the upgrade request (status line and headers). */
  readonly response: string;
  sendFrame(opcode: number, payload: Uint8Array | string, fin?: boolean): void;
  sendRaw(bytes: Uint8Array): void;
  /** Resolves with the next frame from the server (or rejects when the socket closes first). */
  nextFrame(timeoutMs?: number): Promise<Frame>;
  readonly closed: Promise<void>;
}

export function openRawClient(port: number, headers: Record<string, string>, path = '/ipc'): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const parser = new FrameParser(64 * 1024 * 1024, false);
    const frames: Frame[] = [];
    const waiters: ((frame: Frame | null) => void)[] = [];
    let head = Buffer.alloc(0);
    let upgraded = false;
    let ended = false;
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.on('close', () => {
      ended = true;
      for (const waiter of waiters.splice(0)) waiter(null);
    });
    socket.on('error', () => {});
    const deliver = (frame: Frame): void => {
      const waiter = waiters.shift();
      if (waiter) waiter(frame);
      else frames.push(frame);
    };
    socket.on('data', (chunk: Buffer) => {
      if (upgraded) {
        for (const frame of parser.push(chunk)) deliver(frame);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      const response = head.subarray(0, end).toString('latin1');
      const rest = head.subarray(end + 4);
      upgraded = response.startsWith('HTTP/1.1 101');
      const client: RawClient = {
        socket,
        response,
        sendFrame(opcode, payload, fin = true) {
          socket.write(encodeClientFrame(opcode, typeof payload === 'string' ? Buffer.from(payload) : payload, randomBytes(4), fin));
        },
        sendRaw(bytes) {
          socket.write(bytes);
        },
        nextFrame(timeoutMs = 2000) {
          const ready = frames.shift();
          if (ready) return Promise.resolve(ready);
          if (ended) return Promise.reject(new Error('socket closed'));
          return new Promise((ok, fail) => {
            const timer = setTimeout(() => fail(new Error('no frame in time')), timeoutMs);
            waiters.push((frame) => {
              clearTimeout(timer);
              if (frame) ok(frame);
              else fail(new Error('socket closed'));
            });
          });
        },
        closed,
      };
      if (upgraded && rest.length > 0) for (const frame of parser.push(rest)) deliver(frame);
      resolve(client);
    });
    socket.once('connect', () => {
      const lines = [`GET ${path} HTTP/1.1`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), '', ''];
      socket.write(lines.join('\r\n'));
    });
    socket.once('error', reject);
  });
}

export function upgradeHeaders(port: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    Host: `127.0.0.1:${port}`,
    Origin: `http://127.0.0.1:${port}`,
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    ...extra,
  };
}

export { Opcode };
