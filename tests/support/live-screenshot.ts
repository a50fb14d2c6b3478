import { join } from 'node:path';
import { readPng, type RgbImage } from './images';
import { failureLine, runSaffron, type CliResult } from './saffron-cli';
import type { XspiceServer } from './servers';

export interface Screenshot {
  readonly image: RgbImage;
  /** The CLI's stderr with SAFFRON_DEBUG on: what the display channel saw (first image of each kind, streams). */
  readonly log: string;
}

function expectSuccess(result: CliResult, what: string): void {
  if (result.code !== 0) throw new Error(`${what}: saffron screenshot failed: ${result.code === null ? `killed by ${result.signal}` : failureLine(result)}`);
}

/**
 * `saffron screenshot` connected while `draw` puts content on the screen, so the client follows
 * every draw as it happens (the only way lossy images and streams reach it: a client that
 * connects later gets the finished screen). Debug output on, to see what arrived.
 */
export async function screenshotWhileDrawing(
  server: XspiceServer,
  dir: string,
  name: string,
  extraArgs: string[],
  draw: () => Promise<void>,
  timing: { delayMs?: number; settleMs?: number } = {},
): Promise<Screenshot> {
  const out = join(dir, `${name}.png`);
  const args = ['screenshot', `spice://127.0.0.1:${server.port}`, '--out', out, '--delay-ms', String(timing.delayMs ?? 1500), '--settle-ms', String(timing.settleMs ?? 1500), ...extraArgs];
  const running = runSaffron(args, { env: { SAFFRON_DEBUG: '1' }, killAfterMs: 150_000 });
  await new Promise((resolve) => setTimeout(resolve, 800));
  await draw();
  const result = await running;
  expectSuccess(result, name);
  return { image: readPng(out), log: result.stderr };
}

/** A client that connects once the screen is finished: the server sends it the whole screen. */
export async function freshScreenshot(server: XspiceServer, dir: string, name: string, extraArgs: string[] = []): Promise<Screenshot> {
  const out = join(dir, `${name}.png`);
  const result = await runSaffron(['screenshot', `spice://127.0.0.1:${server.port}`, '--out', out, ...extraArgs], { env: { SAFFRON_DEBUG: '1' }, killAfterMs: 60_000 });
  expectSuccess(result, name);
  return { image: readPng(out), log: result.stderr };
}
