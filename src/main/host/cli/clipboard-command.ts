import { readFile } from 'node:fs/promises';
import { AgentProtocolError, AgentTimeoutError, AgentUnavailableError } from '../../agent/agent-errors';
import { isClipboardSelectionName, type ClipboardSelectionName } from '../../agent/clipboard-types';
import type { Logger } from '../../session/logger';
import { Session } from '../../session/session';
import { SessionError } from '../../session/session-error';
import { integerOption, parseArgs, UsageError, type ParsedArgs } from './args';
import { writeAtomically } from './audio-command';
import { CommandFailure, EXIT_NOTHING_THERE } from './command-failure';
import { connectionFromArgs, CONNECT_VALUED_OPTIONS, type CliConnection } from './connect-options';
import { ExitCode } from './exit-codes';
import { raceSession, sessionSleep } from './session-race';

export const CLIPBOARD_GET_USAGE =
  'saffron clipboard-get <target> [--selection clipboard|primary] [--png FILE.png] [--timeout-ms N] [connection options]';
export const CLIPBOARD_SET_USAGE =
  'saffron clipboard-set <target> (TEXT | --png FILE.png) [--selection clipboard|primary] [--hold-ms N] [--timeout-ms N] [connection options]';

const COMMON_OPTIONS = ['selection', 'png', 'timeout-ms', ...CONNECT_VALUED_OPTIONS];

/** The agent speaks only through the main channel: the other channels would cost for nothing. */
const UNNEEDED_CHANNELS = ['display', 'inputs', 'cursor', 'playback', 'record'] as const;

/**
 * `saffron clipboard-get`: asks the guest agent for its clipboard right after the capability
 * exchange — whether or not the guest announced a copy since we connected, since text copied
 * before is still there — and prints the text exactly (UTF-8, no newline added), or writes the
 * PNG image. Exit 3 when the guest has nothing of that kind.
 */
export async function clipboardGetCommand(argv: readonly string[], env: NodeJS.ProcessEnv, log: Logger): Promise<void> {
  const args = parseArgs(argv, COMMON_OPTIONS);
  if (args.positionals.length > 1) throw new UsageError(`unexpected argument "${args.positionals[1]}"`);
  const selection = selectionOption(args);
  const pngOut = args.options.get('png');
  const timeoutMs = integerOption(args, 'timeout-ms', 10_000);
  const connection = connectionFromArgs(args, env);

  await withAgent(connection, log, timeoutMs, async (session) => {
    const clipboard = session.agent.clipboard;
    const bytes = await raceSession(session, clipboard.request(pngOut !== undefined ? 'image/png' : 'text/plain', selection, timeoutMs));
    if (bytes === null) {
      throw new CommandFailure('clipboard empty', `the guest's ${selection} selection holds no ${pngOut !== undefined ? 'PNG image' : 'text'}`, EXIT_NOTHING_THERE);
    }
    if (pngOut !== undefined) {
      await writeAtomically(pngOut, bytes);
      return;
    }
    // Exactly the guest's bytes; only the NUL terminator some agents (Windows) append goes.
    let end = bytes.byteLength;
    while (end > 0 && bytes[end - 1] === 0) end--;
    await writeStdout(bytes.subarray(0, end));
  });
}

/**
 * `saffron clipboard-set`: offers TEXT (or a PNG image) to the guest and keeps the session open
 * `--hold-ms` (2000) so the guest can paste it; when the client leaves, the agent drops the offer.
 */
export async function clipboardSetCommand(argv: readonly string[], env: NodeJS.ProcessEnv, log: Logger): Promise<void> {
  const args = parseArgs(argv, ['hold-ms', ...COMMON_OPTIONS]);
  const pngIn = args.options.get('png');
  const texts = args.positionals.slice(1);
  if (pngIn === undefined && texts.length !== 1) throw new UsageError(texts.length === 0 ? 'TEXT (or --png FILE.png) is required' : `unexpected argument "${texts[1]}" (quote TEXT that has spaces)`);
  if (pngIn !== undefined && texts.length > 0) throw new UsageError('give TEXT or --png FILE.png, not both');
  const selection = selectionOption(args);
  const holdMs = integerOption(args, 'hold-ms', 2000);
  const timeoutMs = integerOption(args, 'timeout-ms', 10_000);
  let png: Uint8Array | null = null;
  if (pngIn !== undefined) {
    try {
      png = new Uint8Array(await readFile(pngIn));
    } catch (error) {
      throw new UsageError(`--png ${pngIn}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (!isPng(png)) throw new UsageError(`--png ${pngIn}: not a PNG file`);
  }
  const connection = connectionFromArgs(args, env);

  await withAgent(connection, log, timeoutMs, async (session) => {
    const clipboard = session.agent.clipboard;
    if (png !== null) clipboard.offerData(new Map([['image/png', png]]), selection);
    else clipboard.offerText(texts[0], selection);
    await sessionSleep(session, holdMs);
  });
}

/** Connects, waits for the agent's capability exchange, runs `work`, disconnects. */
async function withAgent(connection: CliConnection, log: Logger, timeoutMs: number, work: (session: Session) => Promise<void>): Promise<void> {
  const disabled = new Set([...(connection.options.disableChannels ?? []), ...UNNEEDED_CHANNELS]);
  const session = new Session({ ...connection.options, disableChannels: [...disabled], connectTimeoutMs: 10_000, log });
  try {
    await session.connect();
    for (const notice of connection.notices) log.warn(notice);
    await raceSession(session, session.agent.whenReady(timeoutMs));
    await work(session);
  } catch (error) {
    if (error instanceof AgentUnavailableError) throw new CommandFailure('no guest agent', error.message, ExitCode.UNSUPPORTED);
    if (error instanceof AgentTimeoutError) throw new SessionError('timeout', error.message);
    if (error instanceof AgentProtocolError) throw new SessionError('protocol', error.message);
    throw error;
  } finally {
    session.disconnect();
  }
}

function selectionOption(args: ParsedArgs): ClipboardSelectionName {
  const text = args.options.get('selection') ?? 'clipboard';
  if (!isClipboardSelectionName(text)) throw new UsageError(`--selection must be clipboard, primary or secondary, not "${text}"`);
  return text;
}

function isPng(bytes: Uint8Array): boolean {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  return bytes.byteLength >= 8 && signature.every((b, i) => bytes[i] === b);
}

function writeStdout(bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(bytes, (error) => (error ? reject(error) : resolve()));
  });
}
