import type { ConnectTarget } from '../../shared/session-types';

/**
 * Everything needed to reach and log in to one SPICE server, whichever way it was given: a
 * spice:// URI, a `.vv` file, command-line options, a saved profile. Secrets (password, proxy
 * credentials) live only here and in the session that uses them; never logged, never echoed.
 */
export interface ConnectOptions {
  readonly target: ConnectTarget;
  /** A Unix socket instead of host/port (`.vv` unix-path). */
  readonly unixPath?: string;
  /** SPICE ticket or SASL password. */
  readonly password?: string;
  /** SASL user name. */
  readonly username?: string;
  readonly tls?: TlsSettings;
  /** Channels that must use TLS: their names, or 'all'. The main channel decides the rest. */
  readonly secureChannels?: 'all' | readonly ChannelName[];
  /** Channels not to open at all. */
  readonly disableChannels?: readonly ChannelName[];
  /** An HTTP CONNECT proxy: http://[user:password@]host[:port]. */
  readonly proxy?: ProxySettings;
}

export interface TlsSettings {
  /** Trusted CA certificates as PEM text (from a file or inline); the system's CAs otherwise. */
  readonly caPem?: string;
  /** Where caPem came from, for messages ("file /x/ca.pem" or "the inline ca"). */
  readonly caSource?: string;
  /** The exact subject the server's certificate must have, e.g. "O=Example,CN=host". */
  readonly hostSubject?: string;
  /** An OpenSSL cipher list. */
  readonly ciphers?: string;
}

export interface ProxySettings {
  readonly host: string;
  readonly port: number;
  readonly username?: string;
  readonly password?: string;
}

/** Channel names as spice-gtk and remote-viewer spell them. */
export const CHANNEL_NAMES = ['main', 'display', 'inputs', 'cursor', 'playback', 'record', 'tunnel', 'smartcard', 'usbredir', 'port', 'webdav'] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

/** A connection option we cannot use. */
export class ConnectOptionError extends Error {
  override readonly name = 'ConnectOptionError';
}

export function isChannelName(name: string): name is ChannelName {
  return (CHANNEL_NAMES as readonly string[]).includes(name);
}

/** Channel lists from remote-viewer: names separated by ';', ',' or blanks. */
export function parseChannelList(items: readonly string[], what: string): ChannelName[] {
  const names: ChannelName[] = [];
  for (const item of items.flatMap((part) => part.split(/[\s,;]+/))) {
    if (item === '') continue;
    if (!isChannelName(item)) throw new ConnectOptionError(`${what}: unknown channel "${item}" (known: ${CHANNEL_NAMES.join(', ')})`);
    if (!names.includes(item)) names.push(item);
  }
  return names;
}

/** secure-channels: 'all' or a channel list. */
export function parseSecureChannels(items: readonly string[], what = 'secure-channels'): 'all' | ChannelName[] {
  const words = items.flatMap((part) => part.split(/[\s,;]+/)).filter((word) => word !== '');
  if (words.includes('all')) return 'all';
  return parseChannelList(words, what);
}

/**
 * Parses an HTTP proxy URL as remote-viewer takes it (`proxy=` in .vv, SPICE_PROXY, --proxy):
 * http://[user[:password]@]host[:port], port 3128 when absent; a bare host[:port] means http.
 */
export function parseProxyUrl(text: string, what = 'proxy'): ProxySettings {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ConnectOptionError(`${what}: not a proxy URL (expected http://[user:password@]host[:port])`);
  }
  if (url.protocol !== 'http:') {
    throw new ConnectOptionError(`${what}: ${url.protocol.replace(/:$/, '')} proxies are not supported yet (only http:// CONNECT proxies)`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new ConnectOptionError(`${what}: the proxy URL names no host`);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    throw new ConnectOptionError(`${what}: a proxy URL has no path or query`);
  }
  const port = url.port === '' ? 3128 : Number(url.port);
  const username = url.username === '' ? undefined : decodeURIComponent(url.username);
  const password = url.password === '' ? undefined : decodeURIComponent(url.password);
  return { host, port, ...(username !== undefined ? { username } : {}), ...(password !== undefined ? { password } : {}) };
}

/** The proxy for messages: host and port, never its credentials. */
export function describeProxy(proxy: ProxySettings): string {
  return `${proxy.host.includes(':') ? `[${proxy.host}]` : proxy.host}:${proxy.port}`;
}

/** Whether a channel must go over TLS under these options. */
export function channelWantsTls(options: Pick<ConnectOptions, 'secureChannels' | 'target'>, channel: ChannelName): boolean {
  if (options.target.port === undefined) return options.target.tlsPort !== undefined;
  const secure = options.secureChannels;
  if (secure === undefined) return false;
  return secure === 'all' || secure.includes(channel);
}
