import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..');
const BIN = join(REPO_ROOT, 'bin', 'saffron.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

/**
 * Runs the built `saffron` command as a user would (`node bin/saffron.js ...`). Needs `npm run build`
 * first; fails loudly otherwise. Kills the process if it outlives `killAfterMs` (a hang is a failure
 * the caller sees as signal SIGKILL).
 */
export function runSaffron(args: string[], options: { env?: NodeJS.ProcessEnv; killAfterMs?: number } = {}): Promise<CliResult> {
  if (!existsSync(join(REPO_ROOT, 'dist', 'src', 'main', 'host', 'cli', 'main.js'))) {
    throw new Error('dist/ is missing: run `npm run build` before the integration tests');
  }
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, elapsedMs: Date.now() - started });
    });
  });
}

/** Asserts the CLI's failure contract: exit 1-127, exactly one line `saffron: ...`, no stack trace. */
export function failureLine(result: CliResult): string {
  if (result.signal) throw new Error(`saffron was killed by ${result.signal} (hang?) stderr: ${result.stderr}`);
  if (result.code === null || result.code < 1 || result.code > 127) throw new Error(`exit code ${result.code}, expected 1-127`);
  const lines = result.stderr.split('\n').filter((l) => l.length > 0);
  if (lines.length !== 1) throw new Error(`expected one stderr line, got ${lines.length}: ${result.stderr}`);
  if (!lines[0].startsWith('saffron: ')) throw new Error(`stderr does not start with "saffron: ": ${lines[0]}`);
  if (/\n\s+at /.test(result.stderr)) throw new Error('stack trace on stderr');
  return lines[0];
}
