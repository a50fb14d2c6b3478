import type { ConnectTarget } from '../../shared/session-types';

/** A target the user typed that we cannot use. */
export class TargetError extends Error {
  override readonly name = 'TargetError';
}

function parsePort(value: string, what: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > 65535) {
    throw new TargetError(`${what} "${value}" is not a port number (1-65535)`);
  }
  return Number(value);
}

/**
 * Parses remote-viewer's URI forms: spice://host:port, spice://host?port=P&tls-port=T,
 * spice://[::1]:port, and spice+tls://host:port (the port is then the TLS port, as in
 * spice-gtk). `port` and `tls-port` are each optional; at least one is required.
 */
export function parseSpiceUri(text: string): ConnectTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TargetError(`"${text}" is not a spice:// URI`);
  }
  if (url.protocol !== 'spice:' && url.protocol !== 'spice+tls:') throw new TargetError(`"${text}" is not a spice:// URI`);
  const secure = url.protocol === 'spice+tls:';
  if (url.username !== '' || url.password !== '') throw new TargetError('user names and passwords are not accepted in URIs; use --username and --password-file');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new TargetError(`"${text}" names no host`);
  const authorityPort = url.port === '' ? undefined : parsePort(url.port, 'port');
  let port = secure ? undefined : authorityPort;
  let tlsPort = secure ? authorityPort : undefined;
  for (const [key, value] of url.searchParams) {
    if (key === 'port') {
      if (port !== undefined) throw new TargetError(`"${text}" gives the port twice`);
      port = parsePort(value, 'port');
    } else if (key === 'tls-port') {
      if (tlsPort !== undefined) throw new TargetError(`"${text}" gives the tls-port twice`);
      tlsPort = parsePort(value, 'tls-port');
    } else if (key === 'password') {
      // remote-viewer accepts it, but a password in a URI ends up in shell history and `ps`.
      throw new TargetError('passwords are not accepted in URIs; use --password-file or SPICE_PASSWORD');
    } else {
      throw new TargetError(`unknown URI option "${key}"`);
    }
  }
  if (port === undefined && tlsPort === undefined) throw new TargetError(`"${text}" has neither a port nor a tls-port`);
  return { host, ...(port !== undefined ? { port } : {}), ...(tlsPort !== undefined ? { tlsPort } : {}) };
}
