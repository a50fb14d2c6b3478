import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateEngineControl } from '../../../src/main/electron/engine-control';
import { EngineRegistry, type EnginePort } from '../../../src/main/electron/engine-registry';
import { KEY_COMBOS } from '../../../src/main/host/key-combos';
import { launchTargetFromArgument, launchTargetsFromArgv, type LaunchFiles } from '../../../src/main/host/launch-targets';
import { parseVvFile, VvFileError } from '../../../src/main/host/vv-file';
import type { HostEvent } from '../../../src/shared/ipc';
import { fakeSessionFactory, quietLog } from './fake-session';

const VV = `[virt-viewer]
type=spice
host=10.0.0.5
port=5900
tls-port=5901
password=ticket123
delete-this-file=1
title=web01
[ovirt]
host=engine.example
`;

function files(contents: Record<string, string>): LaunchFiles & { removed: string[] } {
  const removed: string[] = [];
  return {
    removed,
    readFile: (path) => {
      if (!(path in contents)) throw Object.assign(new Error('no'), { code: 'ENOENT' });
      return contents[path];
    },
    remove: (path) => removed.push(path),
  };
}

test('.vv files: the [virt-viewer] section becomes a connection', () => {
  const vv = parseVvFile(VV);
  assert.deepEqual(vv.connect, { host: '10.0.0.5', port: 5900, tlsPort: 5901, password: 'ticket123' });
  assert.equal(vv.deleteAfterReading, true);
  assert.equal(vv.title, 'web01');
  assert.throws(() => parseVvFile('[virt-viewer]\ntype=vnc\nhost=h\nport=1\n'), VvFileError);
  assert.throws(() => parseVvFile('[virt-viewer]\ntype=spice\nhost=h\n'), VvFileError);
  assert.throws(() => parseVvFile('[virt-viewer]\ntype=spice\nhost=h\nport=99999\n'), VvFileError);
  assert.throws(() => parseVvFile('host=h'), VvFileError);
  assert.deepEqual(parseVvFile('[virt-viewer]\ntype=spice\nhost=h\nport=-1\ntls-port=5901\n').connect, { host: 'h', tlsPort: 5901 });
});

test('argv: spice:// URIs and .vv files are targets, flags and other paths are not; delete-this-file is honoured', () => {
  const fs = files({ '/tmp/a.vv': VV });
  const targets = launchTargetsFromArgv(['--inspect', '/usr/lib/saffron', 'spice://vm.example:5930', '/tmp/a.vv', 'spice://nohost', '/tmp/missing.vv'], fs);
  assert.equal(targets.length, 4);
  assert.deepEqual(targets[0], { ok: true, connect: { host: 'vm.example', port: 5930 } });
  assert.deepEqual(targets[1], { ok: true, connect: { host: '10.0.0.5', port: 5900, tlsPort: 5901, password: 'ticket123' }, title: 'web01' });
  assert.equal(targets[2].ok, false);
  assert.deepEqual(targets[3], { ok: false, problem: '/tmp/missing.vv: cannot read (ENOENT)' });
  assert.deepEqual(fs.removed, ['/tmp/a.vv']);
  assert.equal(launchTargetFromArgument('spice://h:1?password=x', fs)?.ok, false, 'no passwords in URIs');
});

test('engine control messages are validated; launch targets as connect requests', () => {
  assert.deepEqual(validateEngineControl({ kind: 'attach', windowId: 3 }), { kind: 'attach', windowId: 3 });
  assert.deepEqual(validateEngineControl({ kind: 'attach', windowId: 3, launch: { host: 'h', port: 1, password: 'p' } }), {
    kind: 'attach',
    windowId: 3,
    launch: { host: 'h', port: 1, password: 'p' },
  });
  assert.equal(validateEngineControl({ kind: 'attach', windowId: 3, launch: { host: 'h' } }), null);
  assert.equal(validateEngineControl({ kind: 'attach', windowId: 0 }), null);
  assert.deepEqual(validateEngineControl({ kind: 'sendKeys', windowId: 1, combo: 'ctrl-alt-del' }), { kind: 'sendKeys', windowId: 1, combo: 'ctrl-alt-del' });
  assert.equal(validateEngineControl({ kind: 'sendKeys', windowId: 1, combo: 'constructor' }), null);
  assert.equal(validateEngineControl({ kind: 'eval', windowId: 1 }), null);
  assert.equal(validateEngineControl(null), null);
  assert.deepEqual(KEY_COMBOS['ctrl-alt-del'].scancodes, [0x1d, 0x38, 0x153]);
});

class FakePort implements EnginePort {
  readonly sent: HostEvent[] = [];
  private messageListener: ((event: { data: unknown }) => void) | null = null;
  private closeListener: (() => void) | null = null;
  started = false;
  closed = false;
  postMessage(message: HostEvent): void {
    this.sent.push(message);
  }
  on(event: 'message' | 'close', listener: ((event: { data: unknown }) => void) | (() => void)): this {
    if (event === 'message') this.messageListener = listener as (event: { data: unknown }) => void;
    else this.closeListener = listener as () => void;
    return this;
  }
  start(): void {
    this.started = true;
  }
  close(): void {
    this.closed = true;
  }
  rendererSends(data: unknown): void {
    this.messageListener?.({ data });
  }
  rendererGoes(): void {
    this.closeListener?.();
  }
}

test('the engine registry: a host per window, launch target opened when the renderer is ready', () => {
  const fakes = fakeSessionFactory();
  const registry = new EngineRegistry(fakes.factory, quietLog);
  const port = new FakePort();
  registry.handle({ kind: 'attach', windowId: 1, launch: { host: 'h', port: 5900 } }, port);
  assert.equal(port.started, true);
  assert.equal(fakes.sessions.length, 0, 'not before the renderer listens');
  port.rendererSends({ type: 'ready' });
  assert.equal(fakes.sessions.length, 1);
  assert.deepEqual(port.sent.map((e) => e.type), ['status', 'status']);
  port.rendererSends({ type: 'ready' });
  assert.equal(fakes.sessions.length, 1, 'the launch target is opened once');

  registry.handle({ kind: 'sendKeys', windowId: 1, combo: 'ctrl-alt-backspace' }, undefined);
  assert.deepEqual(fakes.sessions[0].calls.map((c) => c[1]), [0x1d, 0x38, 0x0e, 0x0e, 0x38, 0x1d]);

  const reloaded = new FakePort();
  registry.handle({ kind: 'attach', windowId: 1 }, reloaded);
  assert.equal(port.closed, true);
  assert.equal(fakes.sessions[0].disconnected, true, 'a reload ends the old session');
  port.rendererGoes(); // the old port's close does not detach the new host
  assert.equal(registry.windowCount, 1);
  registry.handle({ kind: 'detach', windowId: 1 }, undefined);
  assert.equal(registry.windowCount, 0);
  assert.equal(reloaded.closed, true);
});
