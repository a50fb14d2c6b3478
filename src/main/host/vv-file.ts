import type { ConnectParams } from '../../shared/ipc';

/** A .vv file we cannot use. */
export class VvFileError extends Error {
  override readonly name = 'VvFileError';
}

export interface VvFile {
  readonly connect: ConnectParams;
  /** delete-this-file=1: the hypervisor asks the viewer to remove the file once read (it holds a ticket). */
  readonly deleteAfterReading: boolean;
  readonly title?: string;
}

function port(value: string | undefined, key: string): number | undefined {
  if (value === undefined || value === '' || value === '-1') return undefined;
  if (!/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > 65535) throw new VvFileError(`${key}=${value} is not a port`);
  return Number(value);
}

/**
 * Reads the [virt-viewer] section of a virt-viewer connection file, as oVirt, Proxmox VE and
 * libvirt tools hand them out: type=spice, host, port, tls-port, password. (The profiles work
 * will grow this into full .vv support: proxy, CA, host-subject, fullscreen...)
 */
export function parseVvFile(text: string): VvFile {
  const fields = new Map<string, string>();
  let section = '';
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1].trim();
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0 || section !== 'virt-viewer') continue;
    fields.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  if (fields.size === 0) throw new VvFileError('no [virt-viewer] section');
  const type = fields.get('type');
  if (type !== 'spice') throw new VvFileError(`type=${type ?? '(missing)'}: only spice connections are supported`);
  const host = fields.get('host');
  if (!host) throw new VvFileError('no host');
  const plain = port(fields.get('port'), 'port');
  const tls = port(fields.get('tls-port'), 'tls-port');
  if (plain === undefined && tls === undefined) throw new VvFileError('neither port nor tls-port');
  const password = fields.get('password');
  const title = fields.get('title');
  return {
    connect: {
      host,
      ...(plain !== undefined ? { port: plain } : {}),
      ...(tls !== undefined ? { tlsPort: tls } : {}),
      ...(password ? { password } : {}),
    },
    deleteAfterReading: fields.get('delete-this-file') === '1',
    ...(title ? { title } : {}),
  };
}
