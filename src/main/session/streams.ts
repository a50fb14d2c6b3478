import { connect as tcpConnect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { describeSocketError, SessionError } from './session-error';

/** Opens a plain TCP stream, failing with a one-line SessionError (refused, timeout...). */
export function openTcp(host: string, port: number, timeoutMs: number): Promise<Duplex> {
  const endpoint = `${host}:${port}`;
  return new Promise((resolve, reject) => {
    const socket: Socket = tcpConnect({ host, port });
    socket.setNoDelay(true);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new SessionError('connect', `${endpoint}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      reject(describeSocketError(error, endpoint));
    });
  });
}
