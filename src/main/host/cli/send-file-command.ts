import { AgentProtocolError, AgentTimeoutError, AgentUnavailableError } from '../../agent/agent-errors';
import { fileSourceFromPath } from '../../agent/file-source';
import type { FileSource, FileTransferResult } from '../../agent/file-transfer';
import type { Logger } from '../../session/logger';
import { Session } from '../../session/session';
import { SessionError } from '../../session/session-error';
import { integerOption, parseArgs, UsageError } from './args';
import { CommandFailure } from './command-failure';
import { connectionFromArgs, CONNECT_VALUED_OPTIONS } from './connect-options';
import { ExitCode } from './exit-codes';
import { raceSession } from './session-race';

export const SEND_FILE_USAGE = 'saffron send-file <target> FILE... [--timeout-ms N] [connection options]';

/**
 * `saffron send-file`: what dropping files on the window does — each file goes through the
 * guest agent into the guest user's download folder, one after the other. Fails on the first
 * file the agent refuses, saying why.
 */
export async function sendFileCommand(argv: readonly string[], env: NodeJS.ProcessEnv, log: Logger): Promise<void> {
  const args = parseArgs(argv, ['timeout-ms', ...CONNECT_VALUED_OPTIONS]);
  const paths = args.positionals.slice(1);
  if (paths.length === 0) throw new UsageError('at least one FILE is required');
  const timeoutMs = integerOption(args, 'timeout-ms', 10_000);
  const sources: FileSource[] = [];
  try {
    for (const path of paths) {
      try {
        sources.push(await fileSourceFromPath(path));
      } catch (error) {
        throw new UsageError(`${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      }
    }
    const connection = connectionFromArgs(args, env);
    const disabled = new Set([...(connection.options.disableChannels ?? []), 'display', 'inputs', 'cursor', 'playback', 'record'] as const);
    const session = new Session({ ...connection.options, disableChannels: [...disabled], connectTimeoutMs: 10_000, log });
    try {
      await session.connect();
      for (const notice of connection.notices) log.warn(notice);
      await raceSession(session, session.agent.whenReady(timeoutMs));
      for (const source of sources) {
        const result: FileTransferResult = await raceSession(session, session.agent.sendFile(source).done);
        if (result.outcome !== 'success') throw new CommandFailure('file transfer failed', `${result.name}: ${result.message ?? result.outcome}`, ExitCode.INTERNAL);
        log.info(`sent ${result.name} (${source.size} bytes)`);
      }
    } catch (error) {
      if (error instanceof AgentUnavailableError) throw new CommandFailure('no guest agent', error.message, ExitCode.UNSUPPORTED);
      if (error instanceof AgentTimeoutError) throw new SessionError('timeout', error.message);
    if (error instanceof AgentProtocolError) throw new SessionError('protocol', error.message);
      throw error;
    } finally {
      session.disconnect();
    }
  } finally {
    for (const source of sources) await source.close?.();
  }
}
