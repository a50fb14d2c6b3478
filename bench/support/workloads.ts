import type { XspiceServer } from '../../tests/support/servers';
import { makeImage, showImageWindow, waitForStableScreen, showFlatColours, showText, showShapes, showPhoto } from '../../tests/support/scenes';

/** What the guest does while a client watches: the same for every client measured. */
export interface Workload {
  readonly name: string;
  /** Prepares anything slow (generating pictures) before the client connects. */
  prepare(server: XspiceServer): Promise<() => Promise<void>>;
}

/** Full-screen photo-like frames: three 1920x1080 plasma pictures shown one after another. */
export const photoFrames: Workload = {
  name: 'photo',
  async prepare(server) {
    const frames: string[] = [];
    for (let seed = 1; seed <= 3; seed++) {
      frames.push((await makeImage(server, `frame-${seed}`, ['-seed', String(seed), '-size', '1920x1080', 'plasma:fractal'])).path);
    }
    return async () => {
      for (const [index, path] of frames.entries()) {
        showImageWindow(server, path, 0, 0, `saffron-frame-${index}`);
        await waitForStableScreen(server, 400, 60_000);
      }
    };
  },
};

/** Fast scrolling text in a full-screen xterm. */
export const scrollingText: Workload = {
  name: 'text',
  async prepare(server) {
    return async () => {
      server.spawnClient('xterm', [
        '-fn', 'fixed', '+sb', '-geometry', '319x83+0+0', '-e', 'sh', '-c',
        "seq 1 30000 | sed 's/$/: the quick brown fox jumps over the lazy dog 0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ/'; printf '\\033[?25l'; sleep 600",
      ], { env: { LC_ALL: 'C' } });
      await new Promise((r) => setTimeout(r, 1500));
      await waitForStableScreen(server, 800, 120_000);
    };
  },
};

/** A desktop: solid colours, text, a photo and shapes in windows. */
export const desktop: Workload = {
  name: 'desktop',
  async prepare(server) {
    return async () => {
      await showFlatColours(server);
      await showText(server);
      await showPhoto(server);
      await showShapes(server);
    };
  },
};
