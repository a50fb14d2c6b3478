import { stderrLogger } from '../../session/logger';
import { SessionError } from '../../session/session-error';
import { UsageError } from './args';
import { audioCommand, AUDIO_USAGE } from './audio-command';
import { clipboardGetCommand, clipboardSetCommand, CLIPBOARD_GET_USAGE, CLIPBOARD_SET_USAGE } from './clipboard-command';
import { CommandFailure } from './command-failure';
import { sendFileCommand, SEND_FILE_USAGE } from './send-file-command';
import { CONNECT_USAGE } from './connect-options';
import { DISPLAY_USAGE } from './display-args';
import { exitCodeFor, ExitCode } from './exit-codes';
import { OutputError, screenshotCommand, SCREENSHOT_USAGE } from './screenshot-command';
import { webCommand, WEB_USAGE } from '../web/web-command';

const USAGE = `usage:\n  ${SCREENSHOT_USAGE}\n  ${AUDIO_USAGE}\n  ${CLIPBOARD_GET_USAGE}\n  ${CLIPBOARD_SET_USAGE}\n  ${SEND_FILE_USAGE}\n  ${WEB_USAGE}\n\n${CONNECT_USAGE}\n\n${DISPLAY_USAGE}`;

type Command = (argv: readonly string[], env: NodeJS.ProcessEnv, log: ReturnType<typeof stderrLogger>) => Promise<void>;

const COMMANDS: Readonly<Record<string, Command>> = {
  screenshot: screenshotCommand,
  audio: audioCommand,
  'clipboard-get': clipboardGetCommand,
  'clipboard-set': clipboardSetCommand,
  'send-file': sendFileCommand,
  web: webCommand,
};

/**
 * The `saffron` command line: a thin adapter over the Session API. Every failure is one line
 * on stderr, `saffron: <what failed>: <detail>`, and an exit code from 1 to 127; never a stack.
 */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return name === undefined ? ExitCode.USAGE : ExitCode.OK;
  }
  const command = COMMANDS[name];
  if (!command) return fail('usage', `unknown command "${name}" (try saffron --help)`, ExitCode.USAGE);
  try {
    await command(rest, env, stderrLogger());
    return ExitCode.OK;
  } catch (error) {
    if (error instanceof UsageError) return fail('usage', error.message, ExitCode.USAGE);
    if (error instanceof SessionError) return fail(failureLabel(error.kind), error.message, exitCodeFor(error.kind));
    if (error instanceof OutputError) return fail('cannot write output', error.message, ExitCode.OUTPUT);
    if (error instanceof CommandFailure) return fail(error.what, error.message, error.exitCode);
    return fail('internal error', oneLine((error as Error)?.message ?? String(error)), ExitCode.INTERNAL);
  }
}

function failureLabel(kind: SessionError['kind']): string {
  switch (kind) {
    case 'connect':
      return 'cannot connect';
    case 'tls':
      return 'TLS failed';
    case 'auth':
      return 'authentication failed';
    case 'protocol':
      return 'protocol error';
    case 'closed':
      return 'connection lost';
    case 'timeout':
      return 'timed out';
    case 'unsupported':
      return 'not supported';
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function fail(what: string, detail: string, code: number): number {
  process.stderr.write(`saffron: ${what}: ${oneLine(detail)}\n`);
  return code;
}

if (require.main === module) {
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
