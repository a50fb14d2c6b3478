import { readFileSync, rmSync } from 'node:fs';
import { ConnectOptionError, parseChannelList, parseProxyUrl, parseSecureChannels, type ConnectOptions } from './connect-options';
import { parseHostSubject } from './host-subject';
import { KeyFile, KeyFileError } from './keyfile';

/**
 * `.vv` files, the connection files oVirt, Proxmox VE and libvirt tools hand out for
 * remote-viewer: a GLib key file (see keyfile.ts) whose [virt-viewer] group holds the keys
 * below. Every key remote-viewer reads is either honoured here or listed in `unsupported`, so a
 * front end can tell the user; keys remote-viewer does not know are listed in `notes`.
 */
export class VvFileError extends Error {
  override readonly name = 'VvFileError';
}

/** What the viewer window should do (the front ends apply these). */
export interface ViewerSettings {
  readonly title?: string;
  readonly fullscreen: boolean;
  /** Hotkeys in spice-gtk's format ("shift+f11"), by action: toggle-fullscreen, release-cursor, zoom-in, zoom-out, zoom-reset, secure-attention. */
  readonly hotkeys: Readonly<Record<string, string>>;
}

export interface VvFile {
  readonly connect: ConnectOptions;
  readonly viewer: ViewerSettings;
  /** delete-this-file=1: the file holds a one-time ticket; the reader must remove it. */
  readonly deleteThisFile: boolean;
  /** One line per key asking for something Saffron does not do yet. */
  readonly unsupported: readonly string[];
  /** Other remarks: unknown keys, version entries that do not concern Saffron. */
  readonly notes: readonly string[];
}

const GROUP = 'virt-viewer';
/** The remote-viewer release whose .vv handling Saffron matches: `version=` is checked against it. */
export const VIEWER_COMPAT_VERSION = '11.0';
/** Saffron's id for `versions=id:version;...` entries (remote-viewer uses its build's OS id). */
export const VERSIONS_ID = 'saffron';

const HOTKEYS = ['toggle-fullscreen', 'release-cursor', 'zoom-in', 'zoom-out', 'zoom-reset', 'secure-attention'] as const;
const UNSUPPORTED_HOTKEYS = ['smartcard-insert', 'smartcard-remove', 'usb-device-reset'] as const;
/** Keys read below; anything else in the group is reported as unknown. */
const KNOWN_KEYS = new Set<string>([
  'type', 'host', 'port', 'tls-port', 'unix-path', 'username', 'password', 'ca', 'host-subject', 'tls-ciphers',
  'secure-channels', 'disable-channels', 'proxy', 'title', 'fullscreen', 'delete-this-file', 'version', 'versions',
  'newer-version-url', 'enable-usbredir', 'enable-smartcard', 'enable-usb-autoshare', 'usb-filter', 'color-depth',
  'disable-effects', ...HOTKEYS, ...UNSUPPORTED_HOTKEYS,
]);

/** Parses the text of a .vv file. Throws VvFileError with a one-line reason. */
export function parseVvFile(text: string): VvFile {
  try {
    return interpret(KeyFile.parse(text));
  } catch (error) {
    if (error instanceof KeyFileError || error instanceof ConnectOptionError) throw new VvFileError(error.message);
    throw error;
  }
}

/**
 * Reads a .vv file and, when it says delete-this-file=1, removes it right away (as
 * remote-viewer does: the file holds a ticket). A file that does not parse is left alone.
 */
export function readVvFile(path: string, files: { read(path: string): string; remove(path: string): void } = realFiles): VvFile {
  let text: string;
  try {
    text = files.read(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new VvFileError(`${path}: cannot read the file (${code ?? (error as Error).message})`);
  }
  let vv: VvFile;
  try {
    vv = parseVvFile(text);
  } catch (error) {
    if (error instanceof VvFileError) throw new VvFileError(`${path}: ${error.message}`);
    throw error;
  }
  if (vv.deleteThisFile) {
    try {
      files.remove(path);
    } catch (error) {
      throw new VvFileError(`${path}: delete-this-file=1 but the file cannot be removed (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
  return vv;
}

const realFiles = {
  read: (path: string): string => readFileSync(path, 'utf8'),
  remove: (path: string): void => rmSync(path),
};

function interpret(file: KeyFile): VvFile {
  if (!file.hasGroup(GROUP)) throw new VvFileError('not a virt-viewer file: it has no [virt-viewer] group');
  const str = (key: string): string | undefined => file.string(GROUP, key);
  const unsupported: string[] = [];
  const notes: string[] = [];

  const type = str('type');
  if (type === undefined) throw new VvFileError('the [virt-viewer] group has no type');
  if (type !== 'spice') throw new VvFileError(`type=${type}: only spice connections are supported`);

  checkVersion(file, notes);

  const host = nonEmpty(str('host'));
  const port = portValue(str('port'), 'port');
  const tlsPort = portValue(str('tls-port'), 'tls-port');
  const unixPath = nonEmpty(str('unix-path'));
  if (unixPath === undefined) {
    if (host === undefined) throw new VvFileError('the file names no host (and no unix-path)');
    if (port === undefined && tlsPort === undefined) throw new VvFileError('the file gives neither port nor tls-port');
  }

  const caPem = nonEmpty(str('ca'));
  if (caPem !== undefined && !caPem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new VvFileError('ca: not a PEM certificate (expected -----BEGIN CERTIFICATE-----, lines joined with \\n)');
  }
  const hostSubject = nonEmpty(str('host-subject'));
  if (hostSubject !== undefined) parseHostSubject(hostSubject);
  const ciphers = nonEmpty(str('tls-ciphers'));
  const secure = file.list(GROUP, 'secure-channels');
  const disabled = file.list(GROUP, 'disable-channels');
  const proxyText = nonEmpty(str('proxy'));
  const username = nonEmpty(str('username'));
  const password = str('password');

  const tls = {
    ...(caPem !== undefined ? { caPem, caSource: 'the ca of the .vv file' } : {}),
    ...(hostSubject !== undefined ? { hostSubject } : {}),
    ...(ciphers !== undefined ? { ciphers } : {}),
  };
  const secureChannels = secure && secure.length > 0 ? parseSecureChannels(secure) : undefined;
  const disableChannels = disabled && disabled.length > 0 ? parseChannelList(disabled, 'disable-channels') : undefined;
  if (disableChannels?.includes('main')) throw new VvFileError('disable-channels: the main channel cannot be disabled');
  const connect: ConnectOptions = {
    target: { host: host ?? 'localhost', ...(port !== undefined ? { port } : {}), ...(tlsPort !== undefined ? { tlsPort } : {}) },
    ...(unixPath !== undefined ? { unixPath } : {}),
    ...(password !== undefined && password !== '' ? { password } : {}),
    ...(username !== undefined ? { username } : {}),
    ...(Object.keys(tls).length > 0 ? { tls } : {}),
    ...(secureChannels !== undefined ? { secureChannels } : {}),
    ...(disableChannels !== undefined ? { disableChannels } : {}),
    ...(proxyText !== undefined ? { proxy: parseProxyUrl(proxyText) } : {}),
  };

  const hotkeys: Record<string, string> = {};
  for (const action of HOTKEYS) {
    const value = nonEmpty(str(action));
    if (value !== undefined) hotkeys[action] = hotkeyValue(value, action);
  }
  for (const action of UNSUPPORTED_HOTKEYS) {
    if (nonEmpty(str(action)) !== undefined) unsupported.push(`${action}: smart cards and USB redirection are not supported yet`);
  }
  const title = nonEmpty(str('title'));
  const viewer: ViewerSettings = { ...(title !== undefined ? { title } : {}), fullscreen: flag(str('fullscreen'), 'fullscreen'), hotkeys };

  if (flag(str('enable-usbredir'), 'enable-usbredir')) unsupported.push('enable-usbredir=1: USB redirection is not supported yet');
  if (flag(str('enable-smartcard'), 'enable-smartcard')) unsupported.push('enable-smartcard=1: smart cards are not supported yet');
  if (flag(str('enable-usb-autoshare'), 'enable-usb-autoshare')) unsupported.push('enable-usb-autoshare=1: USB redirection is not supported yet');
  if (nonEmpty(str('usb-filter')) !== undefined) unsupported.push('usb-filter: USB redirection is not supported yet');
  if (nonEmpty(str('color-depth')) !== undefined) unsupported.push('color-depth: asking the guest for a colour depth is not supported yet');
  if ((file.list(GROUP, 'disable-effects') ?? []).length > 0) unsupported.push('disable-effects: asking the guest to turn off effects is not supported yet');
  if (file.hasGroup('ovirt')) unsupported.push('[ovirt]: the oVirt integration (CD images) is not supported yet');

  for (const key of file.keys(GROUP)) {
    if (!KNOWN_KEYS.has(key) && !key.startsWith('x-')) notes.push(`unknown key "${key}" (remote-viewer does not read it either)`);
  }

  return { connect, viewer, deleteThisFile: flag(str('delete-this-file'), 'delete-this-file'), unsupported, notes };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** Ports as remote-viewer reads them: a number; 0 or -1 (what oVirt writes) means "none". */
function portValue(value: string | undefined, key: string): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  if (!/^-?\d+$/.test(text)) throw new VvFileError(`${key}=${text} is not a port number`);
  const port = Number(text);
  if (port <= 0) return undefined;
  if (port > 65535) throw new VvFileError(`${key}=${text} is not a port number (1-65535)`);
  return port;
}

/** Integer flags (0/1); GLib's true/false are accepted too. */
function flag(value: string | undefined, key: string): boolean {
  if (value === undefined) return false;
  const text = value.trim();
  if (text === '0' || text === 'false') return false;
  if (/^[1-9]\d*$/.test(text) || text === 'true') return true;
  throw new VvFileError(`${key}=${text} is not 0 or 1`);
}

function hotkeyValue(value: string, action: string): string {
  if (!/^[A-Za-z0-9_]+(\+[A-Za-z0-9_]+)*$/.test(value)) throw new VvFileError(`${action}=${value} is not a hotkey such as shift+f11`);
  return value.toLowerCase();
}

/** Dotted versions, numerically: "2.0-160" → [2, 0, 160]. */
function versionParts(text: string): number[] {
  return text.split(/[.-]/).map((part) => (/^\d+$/.test(part) ? Number(part) : 0));
}

function compareVersions(a: string, b: string): number {
  const x = versionParts(a);
  const y = versionParts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const diff = (x[i] ?? 0) - (y[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/**
 * version= is the oldest remote-viewer the file accepts; versions= gives one minimum per client
 * id, and an entry for Saffron's id replaces version=. A file asking for more than Saffron
 * matches is refused, pointing at newer-version-url as remote-viewer does.
 */
function checkVersion(file: KeyFile, notes: string[]): void {
  let required = nonEmpty(file.string(GROUP, 'version'));
  const entries = file.list(GROUP, 'versions') ?? [];
  let ours: string | undefined;
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    if (colon <= 0 || colon === entry.length - 1) throw new VvFileError(`versions: "${entry}" is not id:version`);
    if (entry.slice(0, colon).trim() === VERSIONS_ID) ours = entry.slice(colon + 1).trim();
  }
  if (entries.length > 0 && ours === undefined) notes.push(`versions: no entry for "${VERSIONS_ID}"; version= applies`);
  if (ours !== undefined) required = ours;
  if (required === undefined) return;
  if (!/^\d+([.-]\d+)*$/.test(required)) throw new VvFileError(`version=${required} is not a version number`);
  if (compareVersions(required, VIEWER_COMPAT_VERSION) > 0) {
    const url = nonEmpty(file.string(GROUP, 'newer-version-url'));
    throw new VvFileError(`the file requires viewer version ${required} or newer; Saffron matches remote-viewer ${VIEWER_COMPAT_VERSION}${url ? ` (a newer viewer: ${url})` : ''}`);
  }
}
