import type { ConnectParams } from '../../shared/ipc';
import type { Profile, ProfileFields } from '../../shared/profiles';
import type { ConnectTarget } from '../../shared/session-types';
import { ConnectOptionError, describeProxy, parseProxyUrl, type ConnectOptions } from '../profiles/connect-options';
import { parseSpiceUri, TargetError } from '../profiles/spice-uri';
import { parseVvFile, VvFileError, type VvFile } from '../profiles/vv-file';

/**
 * Turning what a person chose — the form, a saved profile, a spice:// URI, a .vv file — into the
 * ConnectOptions a Session takes, and a .vv file into a profile. Pure functions, no I/O.
 */

/** A connection about to be made, with what the window should know about it. */
export interface ConnectPlan {
  readonly options: ConnectOptions;
  readonly label: string;
  readonly profileId?: string;
  readonly title?: string;
  readonly fullscreen?: boolean;
}

/** Something the shells were asked to open at launch (argv, a second launch, the OS). */
export type LaunchSource = { readonly kind: 'uri'; readonly uri: string } | { readonly kind: 'vv'; readonly fileName: string; readonly text: string };

export class PlanError extends Error {
  override readonly name = 'PlanError';
}

export function targetLabel(target: ConnectTarget): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `${host}:${target.port ?? target.tlsPort}`;
}

function targetOf(fields: { host: string; port?: number; tlsPort?: number }): ConnectTarget {
  return { host: fields.host, ...(fields.port !== undefined ? { port: fields.port } : {}), ...(fields.tlsPort !== undefined ? { tlsPort: fields.tlsPort } : {}) };
}

/** The connection form: host, ports, an optional ticket and the form's options. */
export function planFromForm(params: ConnectParams): ConnectPlan {
  const target = targetOf(params);
  const { options } = planFromProfile(
    { id: 'form', name: targetLabel(target), hasPassword: false, fullscreen: false, ...params, tlsOnly: params.tlsOnly ?? false },
    params.password ?? null,
  );
  return { options, label: targetLabel(target) };
}

/** A saved profile (or the form's fields) with its password (from the keychain or a prompt). */
export function planFromProfile(profile: Profile, password: string | null): ConnectPlan {
  const tls = {
    ...(profile.caPem !== undefined ? { caPem: profile.caPem, caSource: profile.id === 'form' ? 'the CA given in the form' : `the CA saved with "${profile.name}"` } : {}),
    ...(profile.hostSubject !== undefined ? { hostSubject: profile.hostSubject } : {}),
  };
  let proxy: ConnectOptions['proxy'];
  if (profile.proxy !== undefined) {
    try {
      proxy = parseProxyUrl(profile.proxy);
    } catch (error) {
      if (error instanceof ConnectOptionError) throw new PlanError(`"${profile.name}": ${error.message}`);
      throw error;
    }
  }
  return {
    options: {
      target: targetOf(profile),
      ...(password !== null ? { password } : {}),
      ...(profile.username !== undefined ? { username: profile.username } : {}),
      ...(Object.keys(tls).length > 0 ? { tls } : {}),
      ...(profile.tlsOnly ? { secureChannels: 'all' as const } : {}),
      ...(proxy ? { proxy } : {}),
    },
    label: profile.name,
    profileId: profile.id,
    title: profile.name,
    fullscreen: profile.fullscreen,
  };
}

function readVv(fileName: string, text: string): VvFile {
  try {
    return parseVvFile(text);
  } catch (error) {
    if (error instanceof VvFileError) throw new PlanError(`${fileName}: ${error.message}`);
    throw error;
  }
}

/** What to open at launch. Throws PlanError with one line for people. */
export function planFromLaunch(source: LaunchSource): ConnectPlan {
  if (source.kind === 'uri') {
    try {
      const target = parseSpiceUri(source.uri);
      return { options: { target }, label: targetLabel(target) };
    } catch (error) {
      if (error instanceof TargetError) throw new PlanError(error.message);
      throw error;
    }
  }
  const vv = readVv(source.fileName, source.text);
  return {
    options: vv.connect,
    label: vv.viewer.title ?? targetLabel(vv.connect.target),
    ...(vv.viewer.title !== undefined ? { title: vv.viewer.title } : {}),
    fullscreen: vv.viewer.fullscreen,
  };
}

export interface ImportedProfile {
  readonly fields: ProfileFields;
  readonly password?: string;
  /** What the file asked for that the profile does not keep. */
  readonly notes: readonly string[];
}

/** A .vv file as a profile to save: its settings, its password (for the keychain), and notes. */
export function profileFromVv(fileName: string, text: string): ImportedProfile {
  const vv = readVv(fileName, text);
  const c = vv.connect;
  if (c.unixPath !== undefined) throw new PlanError(`${fileName}: connections through a Unix socket (unix-path) cannot be saved as profiles`);
  const notes = [...vv.unsupported];
  if (c.proxy?.username !== undefined || c.proxy?.password !== undefined) notes.push('the proxy user name and password were not saved');
  if (c.tls?.ciphers !== undefined) notes.push('tls-ciphers is not kept in profiles');
  if (c.disableChannels !== undefined) notes.push('disable-channels is not kept in profiles');
  if (vv.deleteThisFile) notes.push('the file asks to be deleted after reading: delete it yourself (it holds a one-time ticket)');
  const name = (vv.viewer.title ?? fileName.replace(/\.vv$/i, '')).trim().slice(0, 120) || targetLabel(c.target);
  const tlsOnly = c.target.tlsPort !== undefined && (c.secureChannels === 'all' || (Array.isArray(c.secureChannels) && c.secureChannels.includes('main')));
  if (Array.isArray(c.secureChannels)) {
    notes.push(`secure-channels=${c.secureChannels.join(';')}: a profile uses TLS for every channel or for none (${tlsOnly ? 'every channel' : 'none'} here)`);
  }
  const fields: ProfileFields = {
    name,
    ...targetOf(c.target),
    ...(c.username !== undefined ? { username: c.username } : {}),
    tlsOnly,
    ...(c.tls?.caPem !== undefined ? { caPem: c.tls.caPem } : {}),
    ...(c.tls?.hostSubject !== undefined ? { hostSubject: c.tls.hostSubject } : {}),
    ...(c.proxy ? { proxy: `http://${describeProxy(c.proxy)}` } : {}),
    fullscreen: vv.viewer.fullscreen,
  };
  return { fields, ...(c.password !== undefined ? { password: c.password } : {}), notes };
}
