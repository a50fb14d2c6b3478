// A small HTTP CONNECT proxy on 127.0.0.1 for tests: it tunnels to loopback only, can demand
// Basic credentials, or refuse every request, and counts what it did.
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TestProxyOptions {
  /** Demand these credentials (Proxy-Authorization: Basic); answer 407 otherwise. */
  credentials?: { username: string; password: string };
  /** Answer every CONNECT with this status instead of tunnelling (e.g. 403). */
  refuseWith?: number;
}

export interface TestProxy {
  readonly port: number;
  /** CONNECT requests seen, as "host:port". */
  readonly requests: string[];
  /** Tunnels opened. */
  tunnels(): number;
  stop(): Promise<void>;
}

const REASONS: Record<number, string> = { 200: 'Connection established', 403: 'Forbidden', 407: 'Proxy Authentication Required', 502: 'Bad Gateway' };

export function startHttpProxy(options: TestProxyOptions = {}): Promise<TestProxy> {
  const requests: string[] = [];
  let tunnels = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > 8192) client.destroy();
        return;
      }
      client.off('data', onData);
      const lines = head.subarray(0, end).toString('latin1').split('\r\n');
      const rest = head.subarray(end + 4);
      const match = /^CONNECT (\S+):(\d+) HTTP\/1\.[01]$/.exec(lines[0]);
      const answer = (status: number, extra = ''): void => {
        client.end(`HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\n${extra}Content-Length: 0\r\n\r\n`);
      };
      if (!match) return answer(400);
      requests.push(`${match[1]}:${match[2]}`);
      if (options.refuseWith) return answer(options.refuseWith);
      if (options.credentials) {
        const expected = `Basic ${Buffer.from(`${options.credentials.username}:${options.credentials.password}`).toString('base64')}`;
        const given = lines.find((line) => /^proxy-authorization:/i.test(line))?.replace(/^[^:]*:\s*/, '');
        if (given !== expected) return answer(407, 'Proxy-Authenticate: Basic realm="test"\r\n');
      }
      const host = match[1].replace(/^\[(.*)\]$/, '$1');
      // Loopback only: this proxy must never reach beyond the machine.
      if (host !== '127.0.0.1' && host !== 'localhost' && host !== '::1') return answer(403);
      const upstream = connect({ host, port: Number(match[2]) });
      sockets.add(upstream);
      upstream.on('close', () => { sockets.delete(upstream); client.destroy(); });
      upstream.on('error', () => { if (!client.writableEnded) answer(502); upstream.destroy(); });
      client.on('close', () => upstream.destroy());
      upstream.once('connect', () => {
        tunnels++;
        client.write('HTTP/1.1 200 Connection established\r\n\r\n');
        if (rest.length > 0) upstream.write(rest);
        client.pipe(upstream);
        upstream.pipe(client);
      });
    };
    client.on('data', onData);
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        port,
        requests,
        tunnels: () => tunnels,
        stop: () => new Promise<void>((done) => {
          for (const socket of sockets) socket.destroy();
          server.close(() => done());
        }),
      });
    });
  });
}
