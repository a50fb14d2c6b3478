import { readFileSync, rmSync } from 'node:fs';
import { basename } from 'node:path';
import { parseSpiceUri, TargetError } from '../profiles/spice-uri';
import { parseVvFile, VvFileError } from '../profiles/vv-file';
import type { LaunchSource } from './connect-plan';

/** File access, injectable for tests. */
export interface LaunchFiles {
  readFile(path: string): string;
  remove(path: string): void;
}

const realFiles: LaunchFiles = {
  readFile: (path) => readFileSync(path, 'utf8'),
  remove: (path) => rmSync(path, { force: true }),
};

export type LaunchTarget =
  | { readonly ok: true; readonly source: LaunchSource; readonly title?: string; readonly fullscreen: boolean }
  | { readonly ok: false; readonly problem: string };

/**
 * What the app was asked to open: spice:// URIs and .vv files, from its command line, a second
 * launch, or the OS (open-url / open-file). Each becomes something to open or a one-line problem.
 * A .vv file is read here (the engine gets its text) and, when it says delete-this-file, removed
 * at once: it holds a one-time ticket the hypervisor wants gone.
 */
export function launchTargetFromArgument(argument: string, files: LaunchFiles = realFiles): LaunchTarget | null {
  if (/^spice(\+tls)?:\/\//i.test(argument)) {
    try {
      parseSpiceUri(argument);
      return { ok: true, source: { kind: 'uri', uri: argument }, fullscreen: false };
    } catch (error) {
      if (error instanceof TargetError) return { ok: false, problem: error.message };
      throw error;
    }
  }
  if (/\.vv$/i.test(argument)) {
    let text: string;
    try {
      text = files.readFile(argument);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code) return { ok: false, problem: `${argument}: cannot read (${code})` };
      throw error;
    }
    try {
      const vv = parseVvFile(text);
      if (vv.deleteThisFile) files.remove(argument);
      return { ok: true, source: { kind: 'vv', fileName: basename(argument), text }, ...(vv.viewer.title ? { title: vv.viewer.title } : {}), fullscreen: vv.viewer.fullscreen };
    } catch (error) {
      if (error instanceof VvFileError) return { ok: false, problem: `${argument}: ${error.message}` };
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
