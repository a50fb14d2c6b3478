import { connect as tcpConnect, isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { describeProxy, type ProxySettings, type TlsSettings } from '../profiles/connect-options';
import { describeSocketError, SessionError } from './session-error';
import { describeTlsError, verifyServerIdentity } from './tls-verify';

/** How to reach the server for one channel. */
export interface StreamPlan {
  readonly host: string;
  readonly port: number;
  /** A Unix socket instead of host:port (no proxy, no TLS). */
  readonly unixPath?: string;
  /** Set: wrap the connection in TLS with these settings, verified before the stream is handed out. */
  readonly tls?: TlsSettings;
  readonly proxy?: ProxySettings;
  /** Limit for the whole opening: TCP connect, proxy answer and TLS handshake (ms). */
  readonly timeoutMs: number;
}

/**
 * Opens the byte stream to the server: TCP (or a Unix socket), through an HTTP CONNECT proxy if
 * asked, then TLS if asked. Resolves only once the server's certificate has been verified, so
 * nothing (no link message, no ticket) can be written before verification. Fails with one
 * SessionError line: 'connect' for TCP and proxy problems, 'tls' for certificate problems.
 */
export async function openStream(plan: StreamPlan): Promise<Duplex> {
  const deadline = Date.now() + plan.timeoutMs;
  const remaining = (): number => Math.max(1, deadline - Date.now());
  let socket: Socket;
  if (plan.unixPath !== undefined) {
    socket = await openSocket({ path: plan.unixPath }, plan.unixPath, remaining());
  } else if (plan.proxy) {
    socket = await openSocket({ host: plan.proxy.host, port: plan.proxy.port }, `proxy ${describeProxy(plan.proxy)}`, remaining());
    await httpConnect(socket, plan.proxy, plan.host, plan.port, remaining());
  } else {
    socket = await openSocket({ host: plan.host, port: plan.port }, `${plan.host}:${plan.port}`, remaining());
  }
  if (!plan.tls) return socket;
  return startTls(socket, plan.host, plan.port, plan.tls, remaining());
}

/** Opens a plain TCP stream, failing with a one-line SessionError (refused, timeout...). */
export function openTcp(host: string, port: number, timeoutMs: number): Promise<Duplex> {
  return openSocket({ host, port }, `${host}:${port}`, timeoutMs);
}

function openSocket(where: { host: string; port: number } | { path: string }, endpoint: string, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket: Socket = tcpConnect(where);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new SessionError('connect', `${endpoint}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      if ('port' in where) socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      const described = describeSocketError(error, endpoint);
      // describeSocketError's hints speak of SPICE servers; a proxy deserves its own words.
      if (endpoint.startsWith('proxy ') && error.code === 'ECONNREFUSED') reject(new SessionError('connect', `${endpoint}: connection refused (is the proxy running?)`));
      else reject(described);
    });
  });
}

/** Longest proxy answer header we read before giving up on it. */
const MAX_PROXY_HEADER = 16 * 1024;

/**
 * HTTP CONNECT (RFC 9110 §9.3.6):
 *   → CONNECT host:port HTTP/1.1 / Host: host:port / [Proxy-Authorization: Basic base64(user:pass)]
 *   ← HTTP/1.x 200 ... headers ... CRLF CRLF, then the tunnel.
 * Bytes after the blank line already belong to the server and are put back into the socket.
 */
function httpConnect(socket: Socket, proxy: ProxySettings, host: string, port: number, timeoutMs: number): Promise<void> {
  const authority = `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
  const proxyName = `proxy ${describeProxy(proxy)}`;
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const finish = (error?: SessionError): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      if (error) {
        socket.destroy();
        reject(error);
      } else {
        resolve();
      }
    };
    const timer = setTimeout(() => finish(new SessionError('connect', `${proxyName}: no answer to CONNECT ${authority} within ${timeoutMs} ms`)), timeoutMs);
    const onError = (error: NodeJS.ErrnoException): void => finish(describeSocketError(error, proxyName));
    const onClose = (): void => finish(new SessionError('connect', `${proxyName}: closed the connection before answering CONNECT ${authority}`));
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) {
        if (received.length > MAX_PROXY_HEADER) finish(new SessionError('connect', `${proxyName}: its answer to CONNECT is not HTTP`));
        return;
      }
      const statusLine = received.subarray(0, received.indexOf('\r\n')).toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine);
      if (!match) {
        finish(new SessionError('connect', `${proxyName}: its answer to CONNECT is not HTTP`));
        return;
      }
      const status = Number(match[1]);
      const reason = (match[2] ?? '').replace(/[^\x20-\x7e]/g, '').slice(0, 80);
      if (status !== 200) {
        const why = status === 407
          ? proxy.username === undefined
            ? 'the proxy needs a user name and password (give them in the proxy URL)'
            : 'the proxy refused the user name or password'
          : `the proxy refused to connect to ${authority}`;
        finish(new SessionError('connect', `${proxyName}: ${why} (HTTP ${status}${reason ? ` ${reason}` : ''})`));
        return;
      }
      const rest = received.subarray(end + 4);
      finish();
      if (rest.length > 0) socket.unshift(rest);
    };
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
    let request = `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n`;
    if (proxy.username !== undefined) {
      const credentials = Buffer.from(`${proxy.username}:${proxy.password ?? ''}`, 'utf8');
      request += `Proxy-Authorization: Basic ${credentials.toString('base64')}\r\n`;
      credentials.fill(0);
    }
    socket.write(`${request}\r\n`);
  });
}

/**
 * TLS over an open socket. The chain is checked against the given CA (or the system's), then
 * the subject (host-subject) or, without one, the host name. Only after both pass does the
 * promise resolve; on any failure the socket is destroyed before a byte of ours is sent.
 */
function startTls(socket: Socket, host: string, port: number, settings: TlsSettings, timeoutMs: number): Promise<TLSSocket> {
  const endpoint = `${host}:${port}`;
  return new Promise((resolve, reject) => {
    let tlsSocket: TLSSocket;
    // Our identity check's own error (Node keeps only its code in authorizationError).
    let identityError: Error | undefined;
    try {
      tlsSocket = tlsConnect({
        socket,
        ...(isIP(host) === 0 ? { servername: host } : {}),
        ...(settings.caPem !== undefined ? { ca: settings.caPem } : {}),
        ...(settings.ciphers !== undefined ? { ciphers: settings.ciphers } : {}),
        minVersion: 'TLSv1.2',
        // Verified below, on 'secureConnect', where the peer certificate can still be read for
        // the message (expiry date, issuer); nothing of ours is written before that check.
        rejectUnauthorized: false,
        checkServerIdentity: (hostname, certificate) => {
          identityError = verifyServerIdentity(hostname, certificate, settings.hostSubject);
          return identityError;
        },
      });
    } catch (error) {
      socket.destroy();
      // Bad CA text or cipher list: Node throws synchronously from createSecureContext.
      reject(new SessionError('tls', `${endpoint}: ${describeTlsError(error as NodeJS.ErrnoException, settings, null)}`));
      return;
    }
    const timer = setTimeout(() => {
      tlsSocket.destroy();
      reject(new SessionError('tls', `${endpoint}: the TLS handshake did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    tlsSocket.once('secureConnect', () => {
      clearTimeout(timer);
      tlsSocket.removeAllListeners('error');
      if (!tlsSocket.authorized) {
        const code = String(tlsSocket.authorizationError ?? 'UNTRUSTED');
        const error: NodeJS.ErrnoException = identityError ?? Object.assign(new Error(code), { code });
        if (error.code === undefined) error.code = code;
        const peer = tlsSocket.getPeerCertificate();
        tlsSocket.destroy();
        reject(new SessionError('tls', `${endpoint}: ${describeTlsError(error, settings, peer)}`));
        return;
      }
      tlsSocket.setNoDelay(true);
      resolve(tlsSocket);
    });
    tlsSocket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      tlsSocket.destroy();
      reject(new SessionError('tls', `${endpoint}: ${describeTlsError(error, settings, null)}`));
    });
  });
}
