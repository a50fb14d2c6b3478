import { readFileSync, rmSync } from 'node:fs';
import type { ConnectParams } from '../../shared/ipc';
import { parseSpiceUri, TargetError } from '../profiles/spice-uri';
import { parseVvFile, VvFileError } from './vv-file';

/** File access, injectable for tests. */
export interface LaunchFiles {
  readFile(path: string): string;
  remove(path: string): void;
}

const realFiles: LaunchFiles = {
  readFile: (path) => readFileSync(path, 'utf8'),
  remove: (path) => rmSync(path, { force: true }),
};

export type LaunchTarget = { readonly ok: true; readonly connect: ConnectParams; readonly title?: string } | { readonly ok: false; readonly problem: string };

/**
 * What the app was asked to open: spice:// URIs and .vv files, from its command line, a second
 * launch, or the OS (open-url / open-file). Each becomes a connection or a one-line problem.
 */
export function launchTargetFromArgument(argument: string, files: LaunchFiles = realFiles): LaunchTarget | null {
  if (/^spice:\/\//i.test(argument)) {
    try {
      const target = parseSpiceUri(argument);
      return { ok: true, connect: { ...target } };
    } catch (error) {
      if (error instanceof TargetError) return { ok: false, problem: error.message };
      throw error;
    }
  }
  if (/\.vv$/i.test(argument)) {
    try {
      const vv = parseVvFile(files.readFile(argument));
      // Honour delete-this-file: the file holds a one-time ticket the hypervisor wants gone.
      if (vv.deleteAfterReading) files.remove(argument);
      return { ok: true, connect: vv.connect, ...(vv.title ? { title: vv.title } : {}) };
    } catch (error) {
      if (error instanceof VvFileError) return { ok: false, problem: `${argument}: ${error.message}` };
      const code = (error as NodeJS.ErrnoException).code;
      if (code) return { ok: false, problem: `${argument}: cannot read (${code})` };
      throw error;
    }
  }
  return null;
}

/** The targets among process arguments (flags and the app's own path are skipped). */
export function launchTargetsFromArgv(argv: readonly string[], files: LaunchFiles = realFiles): LaunchTarget[] {
  const targets: LaunchTarget[] = [];
  for (const argument of argv) {
    if (argument.startsWith('--')) continue;
    const target = launchTargetFromArgument(argument, files);
    if (target) targets.push(target);
  }
  return targets;
}
