import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../session/logger';
import { integerOption, parseArgs, UsageError } from '../cli/args';
import type { LaunchSource } from '../connect-plan';
import { launchTargetFromArgument } from '../launch-targets';
import { engineMetricsFromEnv } from '../engine-metrics';
import { spiceSessionFactory } from '../spice-session-adapter';
import { openLibrary } from '../store/open-library';
import { findChromium, launchChromium, type LaunchedBrowser } from './browser-launcher';
import { WebServer } from './web-server';

export const WEB_USAGE = 'saffron web [--port N] [--no-open] [--kiosk] [spice://HOST:PORT | FILE.vv]';

/** dist/renderer from the compiled file (dist/src/main/host/web) or from the sources (src/main/host/web). */
function findRendererDir(): string {
  const candidates = [join(__dirname, '..', '..', '..', '..', 'renderer'), join(__dirname, '..', '..', '..', '..', 'dist', 'renderer')];
  const found = candidates.find((dir) => existsSync(join(dir, 'index.html')));
  if (!found) throw new UsageError('the renderer is not built: run npm run build first');
  return found;
}

function untilSignal(): { promise: Promise<string>; dispose(): void } {
  let dispose = (): void => {};
  const promise = new Promise<string>((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => resolve(signal);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    dispose = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    };
  });
  return { promise, dispose };
}

/**
 * `saffron web`: the browser shell. Serves the renderer on 127.0.0.1, prints the one login URL
 * on stdout, opens it in a Chromium app window unless --no-open, and runs until SIGINT/SIGTERM
 * (or until that window is closed), then ends every session and exits 0.
 */
export async function webCommand(argv: readonly string[], env: NodeJS.ProcessEnv, log: Logger): Promise<void> {
  const args = parseArgs(argv, ['port'], ['no-open', 'kiosk']);
  if (args.positionals.length > 1) throw new UsageError(`unexpected argument "${args.positionals[1]}"`);
  const port = integerOption(args, 'port', 0, 65_535);
  const kiosk = args.flags.has('kiosk');
  let launch: LaunchSource | undefined;
  if (args.positionals.length === 1) {
    const target = launchTargetFromArgument(args.positionals[0]);
    if (!target) throw new UsageError(`"${args.positionals[0]}" is neither a spice:// URI nor a .vv file`);
    if (!target.ok) throw new UsageError(target.problem);
    launch = target.source;
  }
  const rendererDir = findRendererDir();
  const library = await openLibrary(log);
  const signal = untilSignal();
  const metrics = engineMetricsFromEnv(env);
  let server: WebServer;
  try {
    server = await WebServer.start({ port, rendererDir, createSession: spiceSessionFactory(log), log, library, kiosk, ...(launch ? { launch } : {}), ...(metrics ? { metrics } : {}) });
  } catch (error) {
    signal.dispose();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`port ${port} is in use`);
    if (code === 'EACCES') throw new UsageError(`port ${port} is not allowed`);
    throw error;
  }
  process.stdout.write(`${server.loginUrl}\n`);

  let browser: LaunchedBrowser | null = null;
  if (!args.flags.has('no-open')) {
    const executable = findChromium();
    if (executable) browser = await launchChromium(executable, server.createLaunchUrl(), kiosk);
    else log.warn('no Chromium found (set SAFFRON_BROWSER); open the address above in a browser');
  }
  const reason = await Promise.race([signal.promise, browser ? browser.exited.then(() => 'window closed') : new Promise<string>(() => {})]);
  signal.dispose();
  log.info(`web: stopping (${reason})`);
  await browser?.stop();
  await server.close();
  metrics?.stop();
}
