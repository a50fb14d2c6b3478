// A real guest agent for an Xspice display: spice-vdagentd (the system daemon, talking to the
// server over Xspice's virtio socket) and spice-vdagent (the X session agent: clipboard,
// resolution, received files), started as design.md's "A real guest agent with Xspice" says.
// The `Xspice --vdagent` wrapper cannot be used: it fails when given a config file.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireProgram, startXspice, type XspiceOptions, type XspiceServer } from './servers';

export interface XspiceWithAgent {
  server: XspiceServer;
  /** Where spice-vdagent saves files sent by the client. */
  receivedDir: string;
  /** The agents' sockets and FIFOs. */
  agentDir: string;
  stop(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether a Unix socket bound at `path` has an accepted (connected, state 03) connection. */
function unixSocketConnected(path: string): boolean {
  const table = readFileSync('/proc/net/unix', 'latin1');
  return table.split('\n').some((line) => {
    const fields = line.trim().split(/\s+/);
    return fields.length >= 8 && fields[7] === path && fields[5] === '03';
  });
}

async function waitFor(what: string, done: () => boolean, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms\n${log()}`);
    await sleep(50);
  }
}

/**
 * Xspice with the agent running in its X session. Resolves once spice-vdagentd is connected to
 * the server (so MAIN_INIT reports the agent) and spice-vdagent to spice-vdagentd.
 */
export async function startXspiceWithAgent(options: XspiceOptions = {}): Promise<XspiceWithAgent> {
  requireProgram('spice-vdagentd');
  requireProgram('spice-vdagent');
  const agentDir = await mkdtemp(join(tmpdir(), 'saffron-vdagent-'));
  const receivedDir = join(agentDir, 'received');
  mkdirSync(receivedDir);
  const virtio = join(agentDir, 'virtio');
  const uinput = join(agentDir, 'uinput');
  const udcs = join(agentDir, 'udcs');
  let server: XspiceServer;
  try {
    server = await startXspice({
      ...options,
      env: {
        ...options.env,
        XSPICE_VDAGENT_ENABLED: '1',
        XSPICE_VDAGENT_VIRTIO_PATH: virtio,
        XSPICE_VDAGENT_UINPUT_PATH: uinput,
      },
    });
  } catch (error) {
    await rm(agentDir, { recursive: true, force: true });
    throw error;
  }
  const output: string[] = [];
  const collect = (name: string) => (chunk: Buffer): void => {
    output.push(`${name}: ${chunk.toString('utf8')}`);
    if (output.length > 200) output.shift();
  };
  const log = (): string => output.join('');
  const stop = async (): Promise<void> => {
    await server.stop();
    await rm(agentDir, { recursive: true, force: true });
  };
  try {
    await waitFor('Xspice did not create its agent socket', () => existsSync(virtio), 10_000, log);
    // -f: uinput is Xspice's FIFO, not a device; -X: no logind here; -x: stay in the foreground.
    const daemon = server.spawnClient('spice-vdagentd', ['-f', '-x', '-X', '-S', udcs, '-s', virtio, '-u', uinput], { stdio: ['ignore', 'pipe', 'pipe'] });
    daemon.stdout?.on('data', collect('spice-vdagentd'));
    daemon.stderr?.on('data', collect('spice-vdagentd'));
    await waitFor('spice-vdagentd did not create its socket', () => existsSync(udcs), 10_000, log);
    // -o 0: do not open a file manager on received files.
    const agent = server.spawnClient('spice-vdagent', ['-x', '-s', virtio, '-S', udcs, '-f', receivedDir, '-o', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    agent.stdout?.on('data', collect('spice-vdagent'));
    agent.stderr?.on('data', collect('spice-vdagent'));
    // spice-vdagentd opens the server's port only once a session agent has joined it.
    await waitFor('spice-vdagent did not reach spice-vdagentd and the server', () => unixSocketConnected(udcs) && unixSocketConnected(virtio), 15_000, log);
    // The server marks the agent connected when the daemon's first message (its capabilities) arrives.
    await sleep(300);
  } catch (error) {
    await stop();
    throw error;
  }
  return { server, receivedDir, agentDir, stop };
}
