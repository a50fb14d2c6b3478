import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/** The GUID RFC 6455 appends to the client's key before hashing. */
const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** Sec-WebSocket-Accept for a client's Sec-WebSocket-Key: base64(SHA-1(key + GUID)). */
export function acceptKeyFor(key: string): string {
  return createHash('sha1').update(key + HANDSHAKE_GUID).digest('base64');
}

export interface UpgradeProblem {
  readonly status: number;
  readonly message: string;
  readonly headers?: Readonly<Record<string, string>>;
}

function headerTokens(value: string | undefined): string[] {
  return (value ?? '').split(',').map((token) => token.trim().toLowerCase());
}

/**
 * Checks the parts of an upgrade request RFC 6455 section 4.2.1 requires. Returns the client's
 * key when the request is a valid opening handshake, otherwise the HTTP answer to give.
 */
export function checkUpgradeRequest(request: IncomingMessage): { key: string } | UpgradeProblem {
  if (request.method !== 'GET') return { status: 405, message: 'a WebSocket handshake must be a GET' };
  if (request.httpVersionMajor < 1 || (request.httpVersionMajor === 1 && request.httpVersionMinor < 1)) {
    return { status: 400, message: 'a WebSocket handshake needs HTTP/1.1' };
  }
  if (!headerTokens(request.headers.upgrade).includes('websocket')) return { status: 400, message: 'Upgrade: websocket is missing' };
  if (!headerTokens(request.headers.connection).includes('upgrade')) return { status: 400, message: 'Connection: Upgrade is missing' };
  if (request.headers['sec-websocket-version'] !== '13') {
    return { status: 426, message: 'only WebSocket version 13 is supported', headers: { 'Sec-WebSocket-Version': '13' } };
  }
  const key = request.headers['sec-websocket-key'];
  if (typeof key !== 'string' || !/^[A-Za-z0-9+/]{22}==$/.test(key) || Buffer.from(key, 'base64').length !== 16) {
    return { status: 400, message: 'Sec-WebSocket-Key must be 16 bytes in base64' };
  }
  return { key };
}

/** Completes the handshake: 101 Switching Protocols, no subprotocol, no extensions. */
export function writeUpgradeResponse(socket: Duplex, key: string): void {
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\n' +
      'Upgrade: websocket\r\n' +
      'Connection: Upgrade\r\n' +
      `Sec-WebSocket-Accept: ${acceptKeyFor(key)}\r\n` +
      '\r\n',
  );
}

/** Refuses an upgrade with a plain HTTP answer and closes the socket. */
export function refuseUpgrade(socket: Duplex, problem: UpgradeProblem): void {
  const reason = problem.status === 401 ? 'Unauthorized' : problem.status === 403 ? 'Forbidden' : problem.status === 426 ? 'Upgrade Required' : problem.status === 405 ? 'Method Not Allowed' : 'Bad Request';
  const body = `${problem.message}\n`;
  const extra = Object.entries(problem.headers ?? {}).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(
    `HTTP/1.1 ${problem.status} ${reason}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      extra +
      '\r\n' +
      body,
  );
}
