import { rename, rm, writeFile } from 'node:fs/promises';
import type { Logger } from '../../session/logger';
import { Session } from '../../session/session';
import { offThreadDecoder } from '../../codecs/off-thread-decoder';
import { SessionError } from '../../session/session-error';
import { encodeRgbPng } from '../../util/png-encoder';
import { integerOption, parseArgs, UsageError } from './args';
import { MonitorTracker } from './monitor-crop';
import { connectionFromArgs, CONNECT_VALUED_OPTIONS } from './connect-options';
import { DISPLAY_VALUED_OPTIONS, displayOptionsFromArgs } from './display-args';
import { waitForSettledDisplay } from './wait-for-display';

export const SCREENSHOT_USAGE =
  'saffron screenshot <target> --out FILE.png [--monitor N] [--delay-ms N] [--settle-ms N] [--timeout-ms N] [--image-compression C] [connection options]';

/**
 * `saffron screenshot`: connect, let the display settle, write the primary surface as an 8-bit
 * RGB PNG, disconnect. The file appears whole or not at all (written beside, then renamed).
 */
export async function screenshotCommand(argv: readonly string[], env: NodeJS.ProcessEnv, log: Logger): Promise<void> {
  const args = parseArgs(argv, ['out', 'monitor', 'delay-ms', 'settle-ms', 'timeout-ms', ...CONNECT_VALUED_OPTIONS, ...DISPLAY_VALUED_OPTIONS]);
  if (args.positionals.length > 1) throw new UsageError(`unexpected argument "${args.positionals[1]}"`);
  const out = args.options.get('out');
  if (!out) throw new UsageError('--out FILE.png is required');
  const delayMs = integerOption(args, 'delay-ms', 0);
  const settleMs = integerOption(args, 'settle-ms', 500);
  const timeoutMs = integerOption(args, 'timeout-ms', 120_000);
  // --monitor N: only guest monitor N (0 = the first), as its own window would show it.
  const monitor = args.options.has('monitor') ? integerOption(args, 'monitor', 0, 63) : null;
  // Large QUIC images decode on a worker thread, as in the app (so the pixel tests cover that path).
  const decoder = offThreadDecoder();
  const display = { ...displayOptionsFromArgs(args), ...(decoder ? { offThreadDecoder: decoder } : {}) };
  // Read last: a .vv file with delete-this-file=1 is gone once read, so usage errors come first.
  const connection = connectionFromArgs(args, env);

  // agent: false — a screenshot must not look like a client coming and going to the guest agent.
  const session = new Session({ ...connection.options, display, agent: false, connectTimeoutMs: 10_000, log });
  const monitors = new MonitorTracker(session);
  try {
    await session.connect();
    for (const notice of connection.notices) log.warn(notice);
    await waitForSettledDisplay(session, delayMs, settleMs, timeoutMs);
    const view = monitor === null ? null : monitors.view(session, monitor);
    const surface = session.primarySurface!;
    const png = view
      ? encodeRgbPng(view.width, view.height, view.pixels.subarray(view.offset), view.stride)
      : encodeRgbPng(surface.width, surface.height, surface.pixels);
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
