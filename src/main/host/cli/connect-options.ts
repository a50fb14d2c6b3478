import { readFileSync } from 'node:fs';
import {
  ConnectOptionError,
  parseProxyUrl,
  parseSecureChannels,
  type ConnectOptions,
  type TlsSettings,
} from '../../profiles/connect-options';
import { parseHostSubject } from '../../profiles/host-subject';
import { parseSpiceUri, TargetError } from '../../profiles/spice-uri';
import { readVvFile, VvFileError } from '../../profiles/vv-file';
import type { ConnectTarget } from '../../../shared/session-types';
import { UsageError, type ParsedArgs } from './args';

/** Options every connecting command accepts (all take a value). */
export const CONNECT_VALUED_OPTIONS = ['password-file', 'username', 'ca-file', 'host-subject', 'tls-ciphers', 'secure-channels', 'proxy'] as const;

export const CONNECT_USAGE =
  '<target> is spice://host:port, spice://host?port=P&tls-port=T, spice+tls://host:port or a .vv file\n' +
  'connection options: [--password-file F] [--username NAME] [--ca-file F] [--host-subject "O=...,CN=..."]\n' +
  '  [--tls-ciphers LIST] [--secure-channels all|main,display,...] [--proxy http://[user:pass@]host:port]\n' +
  'the password comes from --password-file, the .vv file or SPICE_PASSWORD (never from the command line);\n' +
  'the proxy from --proxy, the .vv file or SPICE_PROXY';

export interface CliConnection {
  readonly options: ConnectOptions;
  /** Lines to show the user once connected (.vv keys not supported yet). */
  readonly notices: readonly string[];
}

export function parseTarget(text: string | undefined): ConnectTarget {
  if (text === undefined) throw new UsageError('a target is required (spice://host:port or a .vv file)');
  try {
    return parseSpiceUri(text);
  } catch (error) {
    if (error instanceof TargetError) throw new UsageError(error.message);
    throw error;
  }
}

/** The ticket comes from SPICE_PASSWORD, never from argv (argv is visible to every local user in `ps`). */
export function passwordFromEnvironment(env: NodeJS.ProcessEnv): string {
  return env.SPICE_PASSWORD ?? '';
}

/** Whether a target names a .vv file rather than a URI. */
export function isVvTarget(text: string): boolean {
  return !/^[a-z][a-z0-9+.-]*:\/\//i.test(text);
}

/**
 * Builds the connection from the target (URI or .vv file), the connection options and the
 * environment. Precedence, most specific first: command-line option, .vv key, environment.
 * A .vv file with delete-this-file=1 is removed as soon as it has been read.
 */
export function connectionFromArgs(args: ParsedArgs, env: NodeJS.ProcessEnv): CliConnection {
  const targetText = args.positionals[0];
  if (targetText === undefined) throw new UsageError('a target is required (spice://host:port or a .vv file)');
  let base: ConnectOptions;
  const notices: string[] = [];
  try {
    if (isVvTarget(targetText)) {
      const vv = readVvFile(targetText);
      base = vv.connect;
      notices.push(...vv.unsupported.map((line) => `${targetText}: ${line}`));
    } else {
      base = { target: parseTarget(targetText) };
    }
    return { options: applyOptions(base, args, env), notices };
  } catch (error) {
    if (error instanceof VvFileError || error instanceof ConnectOptionError) throw new UsageError(error.message);
    throw error;
  }
}

function applyOptions(base: ConnectOptions, args: ParsedArgs, env: NodeJS.ProcessEnv): ConnectOptions {
  const option = (name: (typeof CONNECT_VALUED_OPTIONS)[number]): string | undefined => args.options.get(name);
  const passwordFile = option('password-file');
  const password = passwordFile !== undefined ? readPasswordFile(passwordFile) : base.password ?? env.SPICE_PASSWORD;
  const username = option('username') ?? base.username;

  const caFile = option('ca-file');
  const hostSubject = option('host-subject');
  if (hostSubject !== undefined) parseHostSubject(hostSubject);
  const ciphers = option('tls-ciphers');
  const tls: TlsSettings = {
    ...base.tls,
    ...(caFile !== undefined ? { caPem: readCaFile(caFile), caSource: `the CA file ${caFile}` } : {}),
    ...(hostSubject !== undefined ? { hostSubject } : {}),
    ...(ciphers !== undefined ? { ciphers } : {}),
  };
  const secureText = option('secure-channels');
  const secureChannels = secureText !== undefined ? parseSecureChannels([secureText], '--secure-channels') : base.secureChannels;
  const proxyText = option('proxy');
  const proxy = proxyText !== undefined
    ? proxyText === '' ? undefined : parseProxyUrl(proxyText, '--proxy')
    : base.proxy ?? (env.SPICE_PROXY ? parseProxyUrl(env.SPICE_PROXY, 'SPICE_PROXY') : undefined);

  return {
    ...base,
    ...(password !== undefined && password !== '' ? { password } : {}),
    ...(username !== undefined && username !== '' ? { username } : {}),
    ...(Object.keys(tls).length > 0 ? { tls } : {}),
    ...(secureChannels !== undefined ? { secureChannels } : {}),
    ...(proxy !== undefined ? { proxy } : {}),
  };
}

/** A password file holds the password; one trailing newline (LF or CRLF) is not part of it. */
function readPasswordFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--password-file ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return text.replace(/\r?\n$/, '');
}

function readCaFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--ca-file ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`--ca-file ${path}: not a PEM certificate file`);
  return text;
}
