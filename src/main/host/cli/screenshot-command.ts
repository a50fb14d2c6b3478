import { rename, rm, writeFile } from 'node:fs/promises';
import type { Logger } from '../../session/logger';
import { Session } from '../../session/session';
import { SessionError } from '../../session/session-error';
import { encodeRgbPng } from '../../util/png-encoder';
import { integerOption, parseArgs, UsageError } from './args';
import { parseTarget, passwordFromEnvironment } from './connect-options';
import { waitForSettledDisplay } from './wait-for-display';

export const SCREENSHOT_USAGE =
  'saffron screenshot <target> --out FILE.png [--delay-ms N] [--settle-ms N] [--timeout-ms N]';

/**
 * `saffron screenshot`: connect, let the display settle, write the primary surface as an 8-bit
 * RGB PNG, disconnect. The file appears whole or not at all (written beside, then renamed).
 */
export async function screenshotCommand(argv: readonly string[], env: NodeJS.ProcessEnv, log: Logger): Promise<void> {
  const args = parseArgs(argv, ['out', 'delay-ms', 'settle-ms', 'timeout-ms']);
  if (args.positionals.length > 1) throw new UsageError(`unexpected argument "${args.positionals[1]}"`);
  const target = parseTarget(args.positionals[0]);
  const out = args.options.get('out');
  if (!out) throw new UsageError('--out FILE.png is required');
  const delayMs = integerOption(args, 'delay-ms', 0);
  const settleMs = integerOption(args, 'settle-ms', 500);
  const timeoutMs = integerOption(args, 'timeout-ms', 120_000);

  const session = new Session({ target, password: passwordFromEnvironment(env), connectTimeoutMs: 10_000, log });
  try {
    await session.connect();
    await waitForSettledDisplay(session, delayMs, settleMs, timeoutMs);
    const surface = session.primarySurface!;
    const png = encodeRgbPng(surface.width, surface.height, surface.pixels);
    const partial = `${out}.partial-${process.pid}`;
    try {
      await writeFile(partial, png);
      await rename(partial, out);
    } catch (error) {
      await rm(partial, { force: true });
      throw new OutputError(`${out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  } finally {
    session.disconnect();
  }
}

/** Writing the result failed (disk, permissions). */
export class OutputError extends Error {
  override readonly name = 'OutputError';
}

export { SessionError };
