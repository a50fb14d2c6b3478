/**
 * End to end, as a user runs each client: Saffron (`saffron web --kiosk spice://…`, which starts
 * Chromium in full-screen app mode: engine + Chromium painting) and remote-viewer (spice-gtk),
 * each on its own 1920x1080 Xvfb screen and a fresh 1920x1080 Xspice running the same workload.
 * Both are watched the same way: xwd of the client's Xvfb screen until it equals Xspice's xwd.
 * No debugger is attached to Chromium. For each: wall time from the workload's start until the client shows exactly the
 * server's final framebuffer, client CPU seconds (whole process tree), bytes the server sent,
 * and peak RSS. Saffron's CPU is also broken down by process (engine; Chromium's browser,
 * renderer, GPU and network processes). A second Saffron run of each workload has its engine
 * measure itself (SAFFRON_ENGINE_METRICS, which costs CPU of its own: see saffronClient): how
 * long after their last byte updates were handed to the renderer (p95), its longest task (in
 * CPU and wall time) and its own peak RSS. Run with `npm run bench -- end-to-end`;
 * BENCH_CLIENT=remote|saffron (both Saffron runs), 'saffron (' (as users run it) or 'saffron,'
 * (measuring itself) and BENCH_WORKLOAD=full|scroll run a part (while iterating; the ratios
 * need both clients), and
 * BENCH_WORKLOAD=smooth an opt-in third: xterm scrolling a line at a time (COPY_BITS);
 * BENCH_ENGINE_FLAGS passes Node flags to the engine (e.g. `--cpu-prof --cpu-prof-dir=DIR`).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { endProcess, requireProgram, runProgram, startXspice, type XspiceServer } from '../tests/support/servers';
import { compareImages, saveImageDiff, type RgbImage } from '../tests/support/images';
import { parseXwd } from '../tests/support/xwd';
import { showImageWindow, waitForStableScreen } from '../tests/support/scenes';
import { peakRss, processesCpuSeconds, processTree, serverBytesSent, treeCpuSeconds } from './support/proc';

const REPO = join(__dirname, '..');
/**
 * The app to measure: this checkout's build, or BENCH_APP=DIR (another checkout's, built: an
 * earlier commit measured by this bench, on the same machine at the same time).
 */
const APP_SOURCE = process.env.BENCH_APP ?? REPO;
/** The app as built by `npm run build`, copied aside so a rebuild during the bench cannot pull it away. */
let appDir = REPO;
function snapshotBuild(): void {
  appDir = join(workDir, 'app');
  mkdirSync(appDir);
  for (const entry of ['bin', 'dist', 'package.json']) cpSync(join(APP_SOURCE, entry), join(appDir, entry), { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(appDir, 'node_modules'));
}
interface Workload {
  name: string;
  compression: string;
  run(server: XspiceServer): Promise<void>;
}

interface RunningClient {
  /** Every process of the client. */
  roots: () => number[];
  /** The client's parts, for a breakdown of its CPU (e.g. engine and browser): each lists all its processes. */
  parts: () => Record<string, number[]>;
  /**
   * The client's own X server (Xvfb) and window manager: not the client, so not in its CPU, but
   * where an X11 client's drawing lands (remote-viewer's GTK paints through X requests that
   * Xvfb carries out; Chromium composites itself and puts finished frames). Printed beside.
   */
  displayServer: () => number[];
  /** What the client measured about itself between two moments (Date.now()), if it can. */
  selfReport?: (fromEpochMs: number, toEpochMs: number) => SelfReport;
  screen(): Promise<RgbImage>;
  /** A cheap fingerprint of the client's screen (only the hash crosses, not the pixels). */
  fingerprint(): Promise<string>;
  stop(): Promise<void>;
}

/** Saffron's engine's own figures (src/main/host/engine-metrics.ts). */
interface SelfReport {
  /** Updates timed (the engine times at most one per 2 ms: handed-updates.ts). */
  updates: number;
  /** Last byte of an update received -> its pixels handed to the renderer (decoding included). */
  latencyP95Ms: number;
  latencyMaxMs: number;
  /** Update drawn (decoded, applied) -> handed: what coalescing and the hand-over add. */
  addedP95Ms: number;
  flushes: number;
  pixelMegabytes: number;
  /** COPY_BITS handed to the renderer as moves (copyArea), their pixels not sent. */
  copies: number;
  /** The longest single callback on the engine's thread: its own CPU time, and its wall time. */
  taskMaxCpuMs: number;
  taskMaxMs: number;
  /** Callbacks timed for taskMax*. */
  tasks: number;
  engineRssMb: number;
}

interface Client {
  name: string;
  /** Connects and waits until the first screen is shown. */
  start(server: XspiceServer): Promise<RunningClient>;
}

const frames: string[] = [];
const workDir = mkdtempSync(join(tmpdir(), 'saffron-bench-'));

const photo: Workload = {
  name: 'full-screen photo frames',
  compression: 'quic',
  async run(server) {
    for (const [index, path] of frames.entries()) {
      showImageWindow(server, path, 0, 0, `bench-frame-${index}`);
      await waitForStableScreen(server, 300, 60_000);
    }
  },
};

const text: Workload = {
  name: 'scrolling text in a full-screen xterm',
  compression: 'auto_glz',
  async run(server) {
    const xterm = server.spawnClient('xterm', ['-fn', 'fixed', '+sb', '-geometry', '319x83+0+0', '-e', 'sh', '-c',
      "printf '\\033[?25l'; seq 1 20000 | sed 's/$/: the quick brown fox jumps over the lazy dog 0123456789/'; sleep 600"], { env: { LC_ALL: 'C' } });
    void xterm;
    await new Promise((r) => setTimeout(r, 1000));
    await waitForStableScreen(server, 800, 120_000);
  },
};

/**
 * Opt-in (BENCH_WORKLOAD=smooth): xterm without jump scroll (+j) scrolls by one COPY_BITS per
 * line, as a terminal read at human speed does; the default text workload outruns xterm, which
 * then redraws whole screens instead of copying (docs/architecture.md).
 */
const smoothText: Workload = {
  name: 'smooth scrolling text (xterm +j: a copy per line)',
  compression: 'auto_glz',
  async run(server) {
    server.spawnClient('xterm', ['-fn', 'fixed', '+sb', '+j', '-geometry', '319x83+0+0', '-e', 'sh', '-c',
      "printf '\\033[?25l'; seq 1 3000 | sed 's/$/: the quick brown fox jumps over the lazy dog 0123456789/'; sleep 600"], { env: { LC_ALL: 'C' } });
    await new Promise((r) => setTimeout(r, 1000));
    await waitForStableScreen(server, 800, 120_000);
  },
};

function xwdOf(display: string): Promise<RgbImage> {
  return runProgram('xwd', ['-root', '-silent', '-display', display], { timeoutMs: 10_000 }).then((bytes) => parseXwd(bytes));
}

/** A client's own 1920x1080 X screen (Xvfb) with a window manager, so full screen means the whole screen. */
async function startClientDesktop(): Promise<{ display: string; pids: number[]; stop(): Promise<void> }> {
  requireProgram('Xvfb', 'xvfb');
  // Without a window manager neither client can go full screen (remote-viewer would scale the guest).
  requireProgram('matchbox-window-manager');
  const display = `:${700 + Math.floor(Math.random() * 150)}`;
  const xvfb = spawn('Xvfb', [display, '-screen', '0', '1920x1080x24', '-noreset', '-nolisten', 'tcp'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 800));
  const wm = spawn('matchbox-window-manager', ['-use_titlebar', 'no'], { env: { ...process.env, DISPLAY: display }, stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 300));
  return {
    display,
    pids: [xvfb.pid!, wm.pid!],
    async stop() {
      await endProcess(wm);
      await endProcess(xvfb);
    },
  };
}

const remoteViewer: Client = {
  name: 'remote-viewer',
  async start(server) {
    requireProgram('remote-viewer');
    const desktop = await startClientDesktop();
    const viewer: ChildProcess = spawn('remote-viewer', ['--full-screen', '--kiosk', `spice://127.0.0.1:${server.port}`], {
      env: { ...process.env, DISPLAY: desktop.display, GDK_BACKEND: 'x11' },
      stdio: 'ignore',
    });
    const screen = (): Promise<RgbImage> => xwdOf(desktop.display);
    const running: RunningClient = {
      fingerprint: async () => fingerprintOf(await screen()),
      roots: () => [viewer.pid!],
      parts: () => ({ 'remote-viewer': processTree([viewer.pid!]) }),
      displayServer: () => desktop.pids,
      screen,
      async stop() {
        await endProcess(viewer);
        await desktop.stop();
      },
    };
    return shownOrStopped(running, server, 'remote-viewer-connect', 30_000);
  },
};

/**
 * Saffron as a user runs it: `saffron web --kiosk spice://…` starts Chromium itself (app window,
 * full screen) on its own Xvfb screen, and the page connects to the URI given on the command
 * line. No DevTools protocol is attached (a debugger makes Chromium copy every byte it receives);
 * the client's screen is read with xwd from its Xvfb, exactly as for remote-viewer.
 *
 * `measured`: the engine also measures itself (SAFFRON_ENGINE_METRICS: latency, longest task).
 * Users never run that, and it costs the engine CPU of its own (every callback timed through
 * async_hooks, every update followed until handed: 0.13-0.20 s of a scrolling-text run), so
 * each workload runs Saffron twice: as users run it, for the figures compared with
 * remote-viewer, then measuring itself, for the engine's own figures.
 */
function saffronClient(measured: boolean): Client {
  return {
    name: measured ? 'saffron, measuring itself' : 'saffron (browser shell)',
    start: (server) => startSaffron(server, measured),
  };
}
const saffron = saffronClient(false);
const saffronMeasured = saffronClient(true);

async function startSaffron(server: XspiceServer, measured: boolean): Promise<RunningClient> {
  requireProgram('chromium');
  const metricsFile = join(workDir, `engine-metrics-${Date.now()}.jsonl`);
  const desktop = await startClientDesktop();
  const profile = mkdtempSync(join(workDir, 'config-'));
  const web = spawn(process.execPath, [...ENGINE_NODE_FLAGS, join(appDir, 'bin', 'saffron.js'), 'web', '--port', '0', '--kiosk', `spice://127.0.0.1:${server.port}`], {
    // BENCH_ENGINE_LOG=FILE keeps what the engine prints (with --trace-gc in BENCH_ENGINE_FLAGS, its collections).
    stdio: ['ignore', process.env.BENCH_ENGINE_LOG ? openSync(process.env.BENCH_ENGINE_LOG, 'a') : 'ignore', 'ignore'],
    env: { ...process.env, DISPLAY: desktop.display, SAFFRON_BROWSER: '/usr/bin/chromium', XDG_CONFIG_HOME: profile, ...(measured ? { SAFFRON_ENGINE_METRICS: metricsFile } : {}) },
  });
  const screen = (): Promise<RgbImage> => xwdOf(desktop.display);
  const running: RunningClient = {
    fingerprint: async () => fingerprintOf(await screen()),
    // Chromium is the engine's child (saffron web starts it): one tree holds the whole client.
    roots: () => [web.pid!],
    parts: () => ({ engine: [web.pid!], ...chromiumParts(childrenOf(web.pid!)) }),
    displayServer: () => desktop.pids,
    selfReport: measured ? (from, to) => engineReport(metricsFile, from, to) : undefined,
    screen,
    async stop() {
      // SIGTERM: saffron web ends its session and the Chromium it started, then exits.
      await endProcess(web, 5000);
      await desktop.stop();
    },
  };
  return shownOrStopped(running, server, 'saffron-connect', 60_000);
}

/** Extra Node flags for the engine (BENCH_ENGINE_FLAGS, e.g. --cpu-prof --cpu-prof-dir=DIR). */
const ENGINE_NODE_FLAGS = (process.env.BENCH_ENGINE_FLAGS ?? '').split(' ').filter(Boolean);

/** Chromium's processes by role: its --type (renderer, gpu-process...) or utility sub-type; the browser has none. */
function chromiumParts(roots: number[]): Record<string, number[]> {
  const parts: Record<string, number[]> = {};
  for (const pid of processTree(roots)) {
    let args: string[];
    try {
      // Chromium rewrites its command line into one space-separated string.
      args = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split(/[\0 ]/);
    } catch {
      continue;
    }
    const type = args.find((a) => a.startsWith('--type='))?.slice('--type='.length);
    const sub = args.find((a) => a.startsWith('--utility-sub-type='))?.split('.').pop();
    (parts[`chromium ${sub ?? type ?? 'browser'}`] ??= []).push(pid);
  }
  return parts;
}

/** The engine's metrics lines written between two moments (one line every 250 ms; see engine-metrics.ts). */
function engineReport(file: string, fromEpochMs: number, toEpochMs: number): SelfReport {
  const latencies: number[] = [];
  const added: number[] = [];
  let flushes = 0;
  let pixelBytes = 0;
  let copies = 0;
  let taskMaxCpuMs = 0;
  let taskMaxMs = 0;
  let tasks = 0;
  let engineRssMb = 0;
  for (const text of readFileSync(file, 'utf8').split('\n')) {
    if (!text) continue;
    const line = JSON.parse(text) as { t: number; latencyMs: number[]; addedMs: number[]; flushes: number; pixelBytes: number; copies?: number; taskMaxMs?: number; taskMaxCpuMs?: number; tasks?: number; rssMb: number };
    // A line covers the 250 ms before its time stamp.
    if (line.t < fromEpochMs || line.t - 250 > toEpochMs) continue;
    latencies.push(...line.latencyMs);
    added.push(...line.addedMs);
    flushes += line.flushes;
    pixelBytes += line.pixelBytes;
    // An earlier build (BENCH_APP) may not forward copies.
    copies += line.copies ?? 0;
    // An earlier build (BENCH_APP) may not time its tasks.
    taskMaxCpuMs = Math.max(taskMaxCpuMs, line.taskMaxCpuMs ?? NaN);
    taskMaxMs = Math.max(taskMaxMs, line.taskMaxMs ?? NaN);
    tasks += line.tasks ?? 0;
    engineRssMb = Math.max(engineRssMb, line.rssMb);
  }
  const quantile = (values: number[], q: number): number => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  };
  return {
    updates: latencies.length,
    latencyP95Ms: quantile(latencies, 0.95),
    latencyMaxMs: quantile(latencies, 1),
    addedP95Ms: quantile(added, 0.95),
    flushes,
    pixelMegabytes: pixelBytes / 1e6,
    copies,
    taskMaxCpuMs,
    taskMaxMs,
    tasks,
    engineRssMb,
  };
}

/** The direct children of a process. */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)]).toString().trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * remote-viewer draws the guest's pointer into its picture, and xwd has no pointer: the bench
 * parks the pointer in the bottom-right corner and every comparison (both clients) ignores it.
 */
const POINTER_PARK = { x: 1910, y: 1070 };
const MASK = { left: 1872, top: 1032 }; // a 48x48 corner around the parked pointer

function masked(x: number, y: number): boolean {
  return x >= MASK.left && y >= MASK.top;
}

function fingerprintOf(image: RgbImage): string {
  let hash = 0x811c9dc5;
  const data = image.data;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (masked(x, y)) continue;
      const i = (y * image.width + x) * 3;
      hash = Math.imul(hash ^ data[i], 16777619);
      hash = Math.imul(hash ^ data[i + 1], 16777619);
      hash = Math.imul(hash ^ data[i + 2], 16777619);
    }
  }
  return `${image.width}x${image.height}:${(hash >>> 0).toString(16)}`;
}

/** Waits until the client's fingerprint equals the truth's; on time-out saves both screens. */
async function waitUntilShown(running: RunningClient, truth: RgbImage, label: string, timeoutMs: number): Promise<void> {
  const expected = fingerprintOf(truth);
  const deadline = Date.now() + timeoutMs;
  while ((await running.fingerprint()) !== expected) {
    if (Date.now() > deadline) {
      const dir = saveImageDiff(label, await running.screen(), truth);
      throw new Error(`${label}: the client did not show the server's final screen within ${timeoutMs} ms (${compareImages(await running.screen(), truth).differing} px differ; images in ${dir})`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A client just started, once it shows the server's screen; stopped (and the error passed on) if it never does. */
async function shownOrStopped(running: RunningClient, server: XspiceServer, label: string, timeoutMs: number): Promise<RunningClient> {
  try {
    await waitUntilShown(running, await server.xwd(), label, timeoutMs);
  } catch (error) {
    await running.stop();
    throw error;
  }
  return running;
}

/** How long a client may settle after it shows the first screen, before measuring starts. */
const CLIENT_SETTLE_MS = 5000;

/** Both workloads make the server send tens of MB; less means the guest program did not run. */
const MIN_WORKLOAD_MEGABYTES = 5;

interface Result {
  wallSeconds: number;
  cpuSeconds: number;
  cpuParts: Record<string, number>;
  /** CPU seconds of the client's X server and window manager meanwhile (not in cpuSeconds). */
  displayServerCpuSeconds: number;
  megabytes: number;
  peakRssMb: number;
  self?: SelfReport;
}

async function measure(client: Client, workload: Workload): Promise<Result> {
  const server = await startXspice({ width: 1920, height: 1080, env: { XSPICE_IMAGE_COMPRESSION: workload.compression } });
  try {
    await server.run('xdotool', ['mousemove', String(POINTER_PARK.x), String(POINTER_PARK.y)]);
    const running = await client.start(server);
    try {
      // Let the client finish starting (Chromium writes its fresh profile for a few seconds after
      // the page is up: file-system work in its browser process) before the workload is measured.
      await new Promise((r) => setTimeout(r, CLIENT_SETTLE_MS));
      const cpuBefore = treeCpuSeconds(running.roots());
      const displayServerBefore = processesCpuSeconds(running.displayServer());
      const partsBefore = Object.fromEntries(Object.entries(running.parts()).map(([name, pids]) => [name, processesCpuSeconds(pids)]));
      const bytesBefore = serverBytesSent(server.port);
      const rss = peakRss(running.roots);
      const started = performance.now();
      const startedEpoch = Date.now();
      await workload.run(server);
      const final = await server.xwd();
      await waitUntilShown(running, final, `${client.name}-${workload.name}`, 60_000);
      const wallSeconds = (performance.now() - started) / 1000;
      const shownEpoch = Date.now();
      const megabytes = (serverBytesSent(server.port) - bytesBefore) / 1e6;
      // A guest program that failed to start leaves nothing to measure: say so, not a fine figure.
      if (megabytes < MIN_WORKLOAD_MEGABYTES) throw new Error(`${workload.name}: the server sent only ${megabytes.toFixed(1)} MB; the workload did not run`);
      const result = {
        wallSeconds,
        cpuSeconds: treeCpuSeconds(running.roots()) - cpuBefore,
        cpuParts: Object.fromEntries(Object.entries(running.parts()).map(([name, pids]) => [name, processesCpuSeconds(pids) - (partsBefore[name] ?? 0)])),
        displayServerCpuSeconds: processesCpuSeconds(running.displayServer()) - displayServerBefore,
        megabytes,
        peakRssMb: rss.stop(),
      };
      if (running.selfReport) {
        // Let the engine write the line covering the last moments.
        await new Promise((r) => setTimeout(r, 300));
        Object.assign(result, { self: running.selfReport(startedEpoch, shownEpoch) });
      }
      return result;
    } finally {
      // A failed run must not leave the client's processes behind.
      await running.stop();
    }
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  if (!existsSync(join(APP_SOURCE, 'dist', 'renderer', 'app.js'))) throw new Error(`run npm run build first (in ${APP_SOURCE})`);
  snapshotBuild();
  for (let seed = 1; seed <= 4; seed++) {
    const path = join(workDir, `frame-${seed}.png`);
    await runProgram('convert', ['-seed', String(seed), '-size', '1920x1080', 'plasma:fractal', '-depth', '8', `PNG24:${path}`], { timeoutMs: 60_000 });
    frames.push(path);
  }
  console.log('end to end at 1920x1080 (client CPU = whole process tree; screens read with xwd from each client\'s own Xvfb)');
  console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} at the start`);
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  console.log(`${'workload / client'.padEnd(58)}${pad('wall s', 9)}${pad('cpu s', 9)}${pad('MB sent', 10)}${pad('peak RSS MB', 13)}`);
  const onlyWorkload = process.env.BENCH_WORKLOAD;
  const onlyClient = process.env.BENCH_CLIENT;
  const workloads = onlyWorkload === 'smooth' ? [smoothText] : [photo, text];
  for (const workload of workloads.filter((w) => !onlyWorkload || w.name.startsWith(onlyWorkload))) {
    const results: Record<string, Result> = {};
    for (const client of [remoteViewer, saffron, saffronMeasured].filter((c) => !onlyClient || c.name.startsWith(onlyClient))) {
      const result = await measure(client, workload);
      results[client.name] = result;
      console.log(`${`${workload.name} / ${client.name}`.padEnd(58)}${pad(result.wallSeconds.toFixed(2), 9)}${pad(result.cpuSeconds.toFixed(2), 9)}${pad(result.megabytes.toFixed(1), 10)}${pad(result.peakRssMb.toFixed(0), 13)}  (cpu: ${Object.entries(result.cpuParts).filter(([, v]) => v >= 0.005).map(([n, v]) => `${n} ${v.toFixed(2)}`).join(', ')}; not counted: its X server ${result.displayServerCpuSeconds.toFixed(2)})`);
      const self = result.self;
      if (self) {
        console.log(`  engine: ${self.updates} updates timed (at most one per 2 ms); last byte -> pixels handed to the renderer p95 ${self.latencyP95Ms.toFixed(1)} ms (target < 10), max ${self.latencyMaxMs.toFixed(1)}; drawn -> handed p95 ${self.addedP95Ms.toFixed(1)} ms`);
        console.log(`          ${self.flushes} flushes, ${self.pixelMegabytes.toFixed(0)} MB of pixels and ${self.copies} moves (COPY_BITS) to the renderer; longest of ${self.tasks} engine tasks ${self.taskMaxCpuMs.toFixed(1)} ms of CPU (target <= 16; ${self.taskMaxMs.toFixed(1)} ms wall, which includes waiting for a core); engine peak RSS ${self.engineRssMb.toFixed(0)} MB (target < 250)`);
      }
    }
    const ours = results[saffron.name];
    const theirs = results[remoteViewer.name];
    if (!ours || !theirs) continue;
    console.log(`  load average now ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    console.log(`  ratio saffron / remote-viewer: wall ${(ours.wallSeconds / theirs.wallSeconds).toFixed(2)}x (target <= 1.1), cpu ${(ours.cpuSeconds / theirs.cpuSeconds).toFixed(2)}x (target <= 1.0); counting each client's X server too, cpu ${((ours.cpuSeconds + ours.displayServerCpuSeconds) / (theirs.cpuSeconds + theirs.displayServerCpuSeconds)).toFixed(2)}x`);
  }
}

main().then(
  () => {
    rmSync(workDir, { recursive: true, force: true });
    process.exit(0);
  },
  (error: unknown) => {
    console.error(`bench: ${(error as Error).message}`);
    rmSync(workDir, { recursive: true, force: true });
    process.exit(1);
  },
);
