import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface LaunchedBrowser {
  /** Resolves when the browser has exited (the user closed the window). */
  readonly exited: Promise<void>;
  /** Ends the browser and removes its profile. */
  stop(): Promise<void>;
}

const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** The first Chromium-family browser on PATH, or SAFFRON_BROWSER when set. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.SAFFRON_BROWSER) return env.SAFFRON_BROWSER;
  for (const name of CANDIDATES) {
    for (const dir of (env.PATH ?? '').split(delimiter)) {
      if (!dir) continue;
      const path = join(dir, name);
      try {
        accessSync(path, fsConstants.X_OK);
        return path;
      } catch {
        // not here
      }
    }
  }
  return null;
}

/**
 * The flags of a quiet, app-like Chromium: its own window (--app), its own throwaway profile,
 * and none of the background traffic a browser makes on its own. The URL is a one-time launch
 * link: other users can read a command line, so the token itself never goes on it.
 */
export function chromiumArguments(url: string, userDataDir: string, runningAsRoot: boolean, kiosk = false): string[] {
  return [
    `--app=${url}`,
    // Kiosk: full screen, no way out through the browser's own keys (the guest gets them).
    ...(kiosk ? ['--kiosk'] : []),
    `--user-data-dir=${userDataDir}`,
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    // The throwaway profile shows only our own page, which opens a window per guest display when
    // the guest shows more monitors (often with no click to vouch for it).
    '--disable-popup-blocking',
    // Chromium refuses to start as root with its sandbox on; elsewhere the sandbox stays.
    ...(runningAsRoot ? ['--no-sandbox', '--disable-gpu'] : []),
  ];
}

export async function launchChromium(executable: string, url: string, kiosk = false): Promise<LaunchedBrowser> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'saffron-browser-'));
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const child: ChildProcess = spawn(executable, chromiumArguments(url, userDataDir, root, kiosk), { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  }).then(() => rm(userDataDir, { recursive: true, force: true }));
  return {
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
