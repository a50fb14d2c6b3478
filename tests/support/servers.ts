// Real SPICE servers on loopback for integration tests: Xspice (an X server that is a SPICE
// server) and QEMU (firmware text screen through a QXL card). Both listen on 127.0.0.1 only.
//
// Every process started here is tracked in one module-level set; stop() ends them in order,
// and if a test throws or forgets stop(), hooks on exit and on SIGINT/SIGTERM/SIGHUP kill what
// is left and remove its files, so no server outlives the test process.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { accessSync, constants as fsConstants, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, unlink } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { constants as osConstants, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { RgbImage } from './images';
import { parsePpm, TruncatedPpmError } from './ppm';
import { parseXwd } from './xwd';

// ---------------------------------------------------------------------------------------------
// Required programs: a missing one fails the test with the Debian package to install.

const PACKAGE_OF: Record<string, string> = {
  Xorg: 'xserver-xorg-core (and xserver-xspice)',
  Xvfb: 'xvfb',
  xdpyinfo: 'x11-utils',
  xwininfo: 'x11-utils',
  xwd: 'x11-apps',
  xlogo: 'x11-apps',
  x11perf: 'x11-apps',
  xrandr: 'x11-xserver-utils',
  xsetroot: 'x11-xserver-utils',
  xterm: 'xterm',
  xdotool: 'xdotool',
  xclip: 'xclip',
  convert: 'imagemagick',
  display: 'imagemagick',
  'qemu-system-x86_64': 'qemu-system-x86',
  'remote-viewer': 'virt-viewer',
  tshark: 'tshark',
  chromium: 'chromium',
  saslpasswd2: 'sasl2-bin',
  openssl: 'openssl',
  'spice-vdagent': 'spice-vdagent',
  'spice-vdagentd': 'spice-vdagent',
};

const SPICEQXL_DRIVER = '/usr/lib/xorg/modules/drivers/spiceqxl_drv.so';

/** Returns the program's full path, or throws naming the Debian package that provides it. */
export function requireProgram(name: string, debianPackage = PACKAGE_OF[name] ?? name): string {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(delimiter)) {
    const path = join(dir, name);
    try {
      accessSync(path, fsConstants.X_OK);
      return path;
    } catch { /* not in this directory */ }
  }
  throw new Error(`required program ${name} is not installed: install the Debian package ${debianPackage} (bash scripts/install-system-deps.sh)`);
}

function requireFile(path: string, debianPackage: string): void {
  if (!existsSync(path)) throw new Error(`required file ${path} is missing: install the Debian package ${debianPackage} (bash scripts/install-system-deps.sh)`);
}

// ---------------------------------------------------------------------------------------------
// Process tracking and last-resort cleanup

const live = new Set<ChildProcess>();
/** Synchronous cleanups of servers not yet stopped (kill, remove lock files and temp dirs). */
const pendingCleanups = new Set<() => void>();
let hooksInstalled = false;

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function killSync(child: ChildProcess): void {
  if (hasExited(child) || child.pid === undefined) return;
  try { process.kill(child.pid, 'SIGKILL'); } catch { /* already gone */ }
}

function cleanUpEverythingSync(): void {
  const leftovers = [...live].filter((c) => !hasExited(c));
  if (leftovers.length > 0) {
    // A test that forgot stop() is a bug worth seeing, even though we clean up after it.
    process.stderr.write(`tests/support/servers: killing ${leftovers.length} process(es) left running: ` +
      `${leftovers.map((c) => `${c.spawnfile}[${c.pid}]`).join(' ')}\n`);
  }
  for (const cleanup of pendingCleanups) {
    try { cleanup(); } catch { /* best effort at exit */ }
  }
  for (const child of live) killSync(child);
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', cleanUpEverythingSync);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      cleanUpEverythingSync();
      process.exit(128 + osConstants.signals[signal]);
    });
  }
}

/** Registers a child so it is killed at exit; `unref` lets a forgotten server not hang the test file. */
function track(child: ChildProcess, options: { unref?: boolean } = {}): ChildProcess {
  installHooks();
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.on('error', () => live.delete(child)); // spawn failures are reported by whoever awaits
  if (options.unref) {
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as Socket | null)?.unref?.();
  }
  return child;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (hasExited(child) || child.pid === undefined) return Promise.resolve(true);
  return new Promise((resolve) => {
    // This timer is ref'd on purpose: it keeps the event loop alive while stop() waits.
    const timer = setTimeout(() => { child.off('exit', onExit); resolve(false); }, timeoutMs);
    const onExit = (): void => { clearTimeout(timer); resolve(true); };
    child.once('exit', onExit);
  });
}

/**
 * SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. Use it to end a
 * spawnClient() child: those are unref'd, so a bare wait on their 'exit' event may let the
 * test process end early, while the timers here keep it alive.
 */
export async function endProcess(child: ChildProcess, graceMs = 2000): Promise<void> {
  return terminate(child, graceMs);
}

async function terminate(child: ChildProcess, graceMs: number): Promise<void> {
  if (hasExited(child) || child.pid === undefined) return;
  child.kill('SIGTERM');
  if (await waitForExit(child, graceMs)) return;
  child.kill('SIGKILL');
  if (!(await waitForExit(child, 5000))) throw new Error(`${child.spawnfile}[${child.pid}] survived SIGKILL`);
}

/** Keeps the last `limit` characters a stream printed, for error messages. */
function tail(stream: NodeJS.ReadableStream | null, limit = 8000): () => string {
  let text = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => { text = (text + chunk).slice(-limit); });
  return () => text;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Runs a program to completion; resolves with stdout, rejects with its stderr on failure. */
export function runProgram(cmd: string, args: string[], options: RunOptions = {}, onSpawn?: (child: ChildProcess) => void): Promise<Buffer> {
  requireProgram(cmd);
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const child = track(spawn(cmd, args, { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] }));
    onSpawn?.(child);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) { resolve(Buffer.concat(out)); return; }
      const stderr = Buffer.concat(err).toString('utf8').trim();
      const how = signal ? `was killed by ${signal}${signal === 'SIGKILL' ? ` (timeout ${timeoutMs} ms?)` : ''}` : `exited with code ${code}`;
      reject(new Error(`${cmd} ${args.join(' ')} ${how}${stderr ? `: ${stderr}` : ''}`));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Ports

/** A TCP port free on 127.0.0.1 right now (the OS picks it; a race with others is still possible). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('freePort: no port assigned'))));
    });
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function portIsOpen(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (open: boolean): void => { socket.destroy(); resolve(open); };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Whether the process runs. A zombie counts as dead: orphans of a killed test process are
 * reparented to a pid 1 that may never reap them, yet they hold no ports or files any more. */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // /proc/PID/stat: "pid (comm) state ...", and comm may itself contain spaces or parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false; // vanished between the two checks
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Thrown when a server died while starting: probably a display or port race, worth a retry. */
class EarlyExitError extends Error {}

async function withRetries<T>(what: string, attempts: number, start: () => Promise<T>): Promise<T> {
  const failures: string[] = [];
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (!(err instanceof EarlyExitError)) throw err;
      failures.push(`attempt ${attempt}: ${err.message}`);
    }
  }
  throw new Error(`${what} did not start in ${attempts} attempts:\n${failures.join('\n')}`);
}

// ---------------------------------------------------------------------------------------------
// Xspice

export interface XspiceOptions {
  /** Extra environment for the server: XSPICE_IMAGE_COMPRESSION=quic, QXL_NUM_HEADS=2... */
  env?: Record<string, string>;
  width?: number;
  height?: number;
  /** Extra `Option "K" "V"` lines for the config's Device section (e.g. SpicePlaybackFIFODir). */
  deviceOptions?: Record<string, string>;
}

export interface XspiceServer {
  display: string;
  port: number;
  pid: number;
  /** The server's temp dir: its log (xorg.log) and room for a test's files; removed by stop(). */
  dir: string;
  /** Environment for X clients (DISPLAY set). */
  env: NodeJS.ProcessEnv;
  /**
   * Starts an X client on this display; killed by stop(). stdio defaults to 'ignore'. The child
   * is unref'd (a forgotten one must not keep the test process alive): end it with endProcess().
   */
  spawnClient(cmd: string, args: string[], options?: SpawnOptions): ChildProcess;
  /** Runs an X client to completion; resolves with stdout, rejects with stderr. */
  run(cmd: string, args: string[], options?: { timeoutMs?: number }): Promise<string>;
  /** The whole screen as the X server has it: what a correct client shows. */
  xwd(): Promise<RgbImage>;
  stop(): Promise<void>;
}

export const XSPICE_CONFIG = join(__dirname, '..', 'fixtures', 'xspice.conf');
const X_SOCKET_DIR = '/tmp/.X11-unix';
const xLockFile = (n: number): string => `/tmp/.X${n}-lock`;
const xSocketFile = (n: number): string => `${X_SOCKET_DIR}/X${n}`;
/** Displays this process has handed out and not yet released (Xorg makes its lock a bit later). */
const reservedDisplays = new Set<number>();

function pickDisplay(): number {
  // Random start so parallel test files rarely collide; a collision makes Xorg exit, and we retry.
  const span = 800;
  const start = Math.floor(Math.random() * span);
  for (let i = 0; i < span; i++) {
    const n = 100 + ((start + i) % span);
    if (!reservedDisplays.has(n) && !existsSync(xLockFile(n)) && !existsSync(xSocketFile(n))) {
      reservedDisplays.add(n);
      return n;
    }
  }
  throw new Error('no free X display number between :100 and :899');
}

/** Removes the display's lock and socket if our (now dead) server left them, as SIGKILL does. */
function removeStaleXFiles(n: number, pid: number): void {
  try {
    if (Number(readFileSync(xLockFile(n), 'latin1').trim()) !== pid) return; // someone else's now
  } catch {
    return; // no lock: the server cleaned up after itself
  }
  rmSync(xSocketFile(n), { force: true });
  rmSync(xLockFile(n), { force: true });
}

function xspiceConfig(deviceOptions: Record<string, string> = {}): string {
  const base = readFileSync(XSPICE_CONFIG, 'utf8');
  const lines = Object.entries(deviceOptions).map(([key, value]) => `    Option "${key}" "${value}"\n`).join('');
  // The Device section is the first section that ends; its options go just before that.
  return lines ? base.replace(/^EndSection/m, `${lines}EndSection`) : base;
}

/** Whether the X display answers a client (xdpyinfo needs the server fully up). */
async function xDisplayAnswers(display: string): Promise<boolean> {
  try {
    await runProgram('xdpyinfo', ['-display', display], { timeoutMs: 5000 });
    return true;
  } catch {
    return false;
  }
}

export function startXspice(options: XspiceOptions = {}): Promise<XspiceServer> {
  requireProgram('Xorg');
  requireFile(SPICEQXL_DRIVER, 'xserver-xspice');
  requireFile(XSPICE_CONFIG, 'nothing: tests/fixtures/xspice.conf belongs to the repository');
  requireProgram('xdpyinfo');
  requireProgram('xwd');
  if (options.width !== undefined || options.height !== undefined) requireProgram('xrandr');
  return withRetries('Xspice', 5, () => startXspiceOnce(options));
}

async function startXspiceOnce(options: XspiceOptions): Promise<XspiceServer> {
  const dir = await mkdtemp(join(tmpdir(), 'saffron-xspice-'));
  const n = pickDisplay();
  const display = `:${n}`;
  const releaseDisplay = (): void => { reservedDisplays.delete(n); };
  let port: number;
  try {
    port = await freePort();
    writeFileSync(join(dir, 'xspice.conf'), xspiceConfig(options.deviceOptions));
  } catch (err) {
    releaseDisplay();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }

  const serverEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DISPLAY: display,
    XSPICE_PORT: String(port),
    XSPICE_DISABLE_TICKETING: '1',
    ...options.env,
  };
  // With a password, ticketing must stay on unless the caller says otherwise explicitly.
  if (options.env?.XSPICE_PASSWORD !== undefined && options.env.XSPICE_DISABLE_TICKETING === undefined) {
    delete serverEnv.XSPICE_DISABLE_TICKETING;
  }
  const logfile = join(dir, 'xorg.log');
  const started = Date.now();
  const server = track(spawn('Xorg', ['-config', join(dir, 'xspice.conf'), '-noreset', '-nolisten', 'tcp', '-logfile', logfile, display], {
    env: serverEnv,
    stdio: ['ignore', 'ignore', 'pipe'],
  }), { unref: true });
  const stderr = tail(server.stderr);
  const pid = server.pid;
  const clients = new Set<ChildProcess>();

  const cleanupSync = (): void => {
    for (const client of clients) killSync(client);
    killSync(server);
    if (pid !== undefined) removeStaleXFiles(n, pid);
    rmSync(dir, { recursive: true, force: true });
  };
  pendingCleanups.add(cleanupSync);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // Clients first, so none is left talking to a dying server.
      await Promise.all([...clients].map((client) => terminate(client, 2000)));
      await terminate(server, 5000);
      if (pid !== undefined) removeStaleXFiles(n, pid);
      pendingCleanups.delete(cleanupSync);
      releaseDisplay();
      await rm(dir, { recursive: true, force: true });
    })();
    return stopping;
  };

  const env: NodeJS.ProcessEnv = { ...process.env, DISPLAY: display };
  for (const key of Object.keys(env)) if (key.startsWith('XSPICE_')) delete env[key];
  const addClient = (child: ChildProcess): void => {
    clients.add(child);
    child.once('exit', () => clients.delete(child));
  };
  const run = async (cmd: string, args: string[], runOptions: { timeoutMs?: number } = {}): Promise<string> =>
    (await runProgram(cmd, args, { env, timeoutMs: runOptions.timeoutMs }, addClient)).toString('utf8');

  const xspice: XspiceServer = {
    display,
    port,
    pid: pid ?? -1,
    dir,
    env,
    spawnClient(cmd, args, spawnOptions = {}) {
      requireProgram(cmd);
      const child = track(spawn(cmd, args, { stdio: 'ignore', ...spawnOptions, env: { ...env, ...spawnOptions.env } }), { unref: true });
      addClient(child);
      return child;
    },
    run,
    async xwd() {
      // xwd walks the window tree (for windows of other visuals) and fails with BadWindow when
      // a window vanishes meanwhile, as while a scene closes: such a race deserves a retry.
      for (let attempt = 1; ; attempt++) {
        try {
          return parseXwd(await runProgram('xwd', ['-root', '-silent', '-display', display], { env }, addClient));
        } catch (err) {
          if (attempt >= 5 || !/BadWindow|BadDrawable|BadMatch/.test((err as Error).message)) throw err;
        }
      }
    },
    stop,
  };

  try {
    const deadline = started + 30_000;
    for (;;) {
      if (hasExited(server) || pid === undefined) {
        const log = existsSync(logfile) ? readFileSync(logfile, 'utf8').split('\n').filter((l) => l.includes('(EE)')).join('\n') : '';
        throw new EarlyExitError(`Xorg ${display} (port ${port}) exited with ${server.exitCode ?? server.signalCode}:\n${log || stderr()}`);
      }
      if ((await xDisplayAnswers(display)) && (await portIsOpen(port))) break;
      if (Date.now() > deadline) throw new Error(`Xspice ${display} did not answer on the display and port ${port} within 30 s:\n${stderr()}`);
      await sleep(50);
    }
    if (options.width !== undefined || options.height !== undefined) {
      const mode = `${options.width ?? 1024}x${options.height ?? 768}`;
      await run('xrandr', ['--output', 'qxl-0', '--mode', mode]);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return xspice;
}

// ---------------------------------------------------------------------------------------------
// QEMU

export interface QemuOptions {
  extraArgs?: string[];
  env?: Record<string, string>;
  /**
   * Replace the `-spice` options after `port=PORT,addr=127.0.0.1` (default: disable-ticketing=on),
   * e.g. ['password-secret=s0'] with extraArgs ['-object', 'secret,id=s0,data=PW'], or ['sasl=on'].
   */
  spiceOptions?: string[];
  /** Also listen for TLS on a second free port, with certificates from this dir. */
  tls?: { x509Dir: string };
  /** Listen on this port instead of a free one (a server restarted where a client expects it). */
  port?: number;
}

export interface QemuServer {
  port: number;
  tlsPort?: number;
  pid: number;
  /** The server's temp dir (monitor socket, screendumps); removed by stop(). */
  dir: string;
  /** One HMP command; resolves with its output (prompt and echo removed). */
  monitor(command: string): Promise<string>;
  /** The guest screen as QEMU has it. Issue monitor('stop') first for a stable screen. */
  screendump(): Promise<RgbImage>;
  stop(): Promise<void>;
}

const PROMPT = '(qemu) ';

function cleanMonitorText(text: string): string {
  // HMP echoes through readline with cursor-movement escapes and CRLF line ends.
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').replace(/\r\n/g, '\n').replace(/\r/g, '').trimEnd();
}

/**
 * Sends one command over a fresh connection to QEMU's HMP unix socket: waits for the banner's
 * prompt, sends the line, and collects what follows the echoed line up to the next prompt.
 * `quit` gets no prompt back: QEMU closes the socket, which then counts as the answer.
 */
export function hmpCommand(socketPath: string, command: string, timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    socket.setEncoding('utf8');
    let buffer = '';
    let sent = false;
    let settled = false;
    const finish = (error: Error | undefined, output = ''): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error); else resolve(output);
    };
    const timer = setTimeout(() => finish(new Error(`QEMU monitor: no answer to "${command}" within ${timeoutMs} ms; got ${JSON.stringify(buffer)}`)), timeoutMs);
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (!sent) {
        if (!buffer.endsWith(PROMPT)) return;
        sent = true;
        buffer = '';
        socket.write(`${command}\n`);
        return;
      }
      const echoEnd = buffer.indexOf('\r\n');
      if (echoEnd >= 0 && buffer.endsWith(PROMPT) && buffer.length >= echoEnd + 2 + PROMPT.length) {
        finish(undefined, cleanMonitorText(buffer.slice(echoEnd + 2, buffer.length - PROMPT.length)));
      }
    });
    socket.on('error', (err) => finish(new Error(`QEMU monitor ${socketPath}: ${err.message}`)));
    socket.on('close', () => {
      if (sent && /^\s*(quit|q)\s*$/.test(command)) finish(undefined, '');
      else finish(new Error(`QEMU monitor closed the connection during "${command}"; got ${JSON.stringify(buffer)}`));
    });
  });
}

export function startQemu(options: QemuOptions = {}): Promise<QemuServer> {
  requireProgram('qemu-system-x86_64');
  return withRetries('QEMU', 3, () => startQemuOnce(options));
}

async function startQemuOnce(options: QemuOptions): Promise<QemuServer> {
  const dir = await mkdtemp(join(tmpdir(), 'saffron-qemu-'));
  let port: number;
  let tlsPort: number | undefined;
  try {
    port = options.port ?? await freePort();
    if (options.tls) tlsPort = await freePort();
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const monitorPath = join(dir, 'monitor.sock');
  const spice = [
    `port=${port}`,
    'addr=127.0.0.1',
    ...(options.tls ? [`tls-port=${tlsPort}`, `x509-dir=${options.tls.x509Dir}`] : []),
    ...(options.spiceOptions ?? ['disable-ticketing=on']),
  ].join(',');
  const args = [
    // Without -nic none the firmware tries to boot from the network and keeps redrawing.
    '-nic', 'none', '-display', 'none', '-vga', 'qxl', '-m', '128',
    '-spice', spice,
    '-monitor', `unix:${monitorPath},server=on,wait=off`,
    ...(options.extraArgs ?? []),
  ];
  const server = track(spawn('qemu-system-x86_64', args, {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  }), { unref: true });
  const stderr = tail(server.stderr);
  const pid = server.pid;

  const cleanupSync = (): void => {
    killSync(server);
    rmSync(dir, { recursive: true, force: true });
  };
  pendingCleanups.add(cleanupSync);

  // One command at a time: the monitor socket serves a single client.
  let queue: Promise<unknown> = Promise.resolve();
  const monitor = (command: string): Promise<string> => {
    const result = queue.then(() => hmpCommand(monitorPath, command));
    queue = result.catch(() => undefined);
    return result;
  };

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (!hasExited(server)) {
        // A clean quit first; the signal path is for a QEMU whose monitor no longer answers.
        // (Not awaited: the monitor may hang; waitForExit bounds the wait either way.)
        monitor('quit').catch(() => undefined);
        if (!(await waitForExit(server, 3000))) await terminate(server, 3000);
      }
      pendingCleanups.delete(cleanupSync);
      await rm(dir, { recursive: true, force: true });
    })();
    return stopping;
  };

  let dumps = 0;
  const screendump = async (): Promise<RgbImage> => {
    const file = join(dir, `screen-${++dumps}.ppm`);
    const output = await monitor(`screendump ${file}`);
    if (output) throw new Error(`QEMU screendump: ${output}`);
    // QXL renders asynchronously: read until the file holds the whole image the header promises.
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        const image = parsePpm(await readFile(file));
        await unlink(file);
        return image;
      } catch (err) {
        const retry = err instanceof TruncatedPpmError || (err as NodeJS.ErrnoException).code === 'ENOENT';
        if (!retry || Date.now() > deadline) throw err;
      }
      await sleep(20);
    }
  };

  const qemu: QemuServer = { port, tlsPort, pid: pid ?? -1, dir, monitor, screendump, stop };
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (hasExited(server) || pid === undefined) {
        throw new EarlyExitError(`qemu-system-x86_64 (port ${port}) exited with ${server.exitCode ?? server.signalCode}: ${stderr()}`);
      }
      if (existsSync(monitorPath) && (await portIsOpen(port)) && (tlsPort === undefined || (await portIsOpen(tlsPort)))) break;
      if (Date.now() > deadline) throw new Error(`QEMU did not listen on port ${port} within 30 s: ${stderr()}`);
      await sleep(50);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return qemu;
}
