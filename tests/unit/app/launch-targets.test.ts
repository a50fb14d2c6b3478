import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateEngineControl, validateEngineReport } from '../../../src/main/electron/engine-control';
import { EngineRegistry, type EnginePort } from '../../../src/main/electron/engine-registry';
import { KEY_COMBOS } from '../../../src/main/host/key-combos';
import { launchTargetFromArgument, launchTargetsFromArgv, type LaunchFiles } from '../../../src/main/host/launch-targets';
import { planFromLaunch, PlanError } from '../../../src/main/host/connect-plan';
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

test('.vv launch targets: the file is read and checked here, its text goes to the engine, which plans the connection', () => {
  const fs = files({ '/tmp/a.vv': VV });
  const target = launchTargetFromArgument('/tmp/a.vv', fs);
  assert.ok(target && target.ok);
  assert.deepEqual(target.source, { kind: 'vv', fileName: 'a.vv', text: VV });
  assert.equal(target.title, 'web01');
  assert.equal(target.fullscreen, false);
  const plan = planFromLaunch(target.source);
  assert.deepEqual(plan.options.target, { host: '10.0.0.5', port: 5900, tlsPort: 5901 });
  assert.equal(plan.options.password, 'ticket123');
  assert.throws(() => planFromLaunch({ kind: 'vv', fileName: 'x.vv', text: '[virt-viewer]\ntype=vnc\nhost=h\nport=1\n' }), PlanError);
  assert.throws(() => planFromLaunch({ kind: 'uri', uri: 'spice://nohost' }), PlanError);
});

test('argv: spice:// URIs and .vv files are targets, flags and other paths are not; delete-this-file is honoured', () => {
  const fs = files({ '/tmp/a.vv': VV });
  const targets = launchTargetsFromArgv(['--inspect', '/usr/lib/saffron', 'spice://vm.example:5930', '/tmp/a.vv', 'spice://nohost', '/tmp/missing.vv'], fs);
  assert.equal(targets.length, 4);
  assert.deepEqual(targets[0], { ok: true, source: { kind: 'uri', uri: 'spice://vm.example:5930' }, fullscreen: false });
  assert.deepEqual(targets[1], { ok: true, source: { kind: 'vv', fileName: 'a.vv', text: VV }, title: 'web01', fullscreen: false });
  assert.equal(targets[2].ok, false);
  assert.deepEqual(targets[3], { ok: false, problem: '/tmp/missing.vv: cannot read (ENOENT)' });
  assert.deepEqual(fs.removed, ['/tmp/a.vv']);
  assert.equal(launchTargetFromArgument('spice://h:1?password=x', fs)?.ok, false, 'no passwords in URIs');
});

test('engine control messages are validated: launch sources, kiosk, menu commands', () => {
  assert.deepEqual(validateEngineControl({ kind: 'attach', windowId: 3, kiosk: false }), { kind: 'attach', windowId: 3, kiosk: false });
  assert.deepEqual(validateEngineControl({ kind: 'attach', windowId: 3, kiosk: true, launch: { kind: 'uri', uri: 'spice://h:1' } }), {
    kind: 'attach',
    windowId: 3,
    kiosk: true,
    launch: { kind: 'uri', uri: 'spice://h:1' },
  });
  assert.equal(validateEngineControl({ kind: 'attach', windowId: 3, kiosk: false, launch: { host: 'h' } }), null);
  assert.equal(validateEngineControl({ kind: 'attach', windowId: 3, kiosk: false, launch: { kind: 'vv', fileName: 'a.vv', text: 'x'.repeat(300_000) } }), null);
  assert.equal(validateEngineControl({ kind: 'attach', windowId: 3 }), null, 'kiosk is required');
  assert.equal(validateEngineControl({ kind: 'attach', windowId: 0, kiosk: false }), null);
  assert.deepEqual(validateEngineControl({ kind: 'command', windowId: 2, command: 'zoomIn' }), { kind: 'command', windowId: 2, command: 'zoomIn' });
  assert.equal(validateEngineControl({ kind: 'command', windowId: 2, command: 'format-disk' }), null);
  assert.deepEqual(validateEngineControl({ kind: 'sendKeys', windowId: 1, combo: 'ctrl-alt-del' }), { kind: 'sendKeys', windowId: 1, combo: 'ctrl-alt-del' });
  assert.equal(validateEngineControl({ kind: 'sendKeys', windowId: 1, combo: 'constructor' }), null);
  assert.equal(validateEngineControl({ kind: 'eval', windowId: 1 }), null);
  const text = new TextEncoder().encode('copied').buffer;
  assert.deepEqual(validateEngineControl({ kind: 'clipboardOffer', windowId: 1, items: [{ mimeType: 'text/plain', data: text }] }), {
    kind: 'clipboardOffer',
    windowId: 1,
    items: [{ mimeType: 'text/plain', data: text }],
  });
  assert.equal(validateEngineControl({ kind: 'clipboardOffer', windowId: 1, items: [{ mimeType: 'text/plain', data: 'copied' }] }), null);
  assert.equal(validateEngineControl({ kind: 'clipboardOffer', windowId: 1, items: [] }), null);
  assert.deepEqual(validateEngineReport({ kind: 'guestClipboard', windowId: 2, item: { mimeType: 'image/png', data: text } }), {
    kind: 'guestClipboard',
    windowId: 2,
    item: { mimeType: 'image/png', data: text },
  });
  assert.equal(validateEngineReport({ kind: 'guestClipboard', windowId: 2, item: { mimeType: 'image/png', data: text, extra: 1 } }), null);
  assert.equal(validateEngineReport({ kind: 'guestClipboard', windowId: 2 }), null);
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
  registry.handle({ kind: 'attach', windowId: 1, kiosk: true, launch: { kind: 'uri', uri: 'spice://h:5900' } }, port);
  assert.equal(port.started, true);
  assert.equal(fakes.sessions.length, 0, 'not before the renderer listens');
  port.rendererSends({ type: 'ready' });
  assert.equal(fakes.sessions.length, 1);
  assert.deepEqual(port.sent.map((e) => e.type), ['shell', 'status', 'status']);
  assert.deepEqual(port.sent[0], { type: 'shell', shell: 'electron', kiosk: true });
  assert.deepEqual(fakes.sessions[0].request, { target: { host: 'h', port: 5900 } });
  port.rendererSends({ type: 'ready' });
  assert.equal(fakes.sessions.length, 1, 'the launch target is opened once');

  registry.handle({ kind: 'sendKeys', windowId: 1, combo: 'ctrl-alt-backspace' }, undefined);
  assert.deepEqual(fakes.sessions[0].calls.map((c) => c[1]), [0x1d, 0x38, 0x0e, 0x0e, 0x38, 0x1d]);

  const reloaded = new FakePort();
  registry.handle({ kind: 'command', windowId: 1, command: 'scaleToFit' }, undefined);
  assert.deepEqual(port.sent.at(-1), { type: 'command', command: 'scaleToFit' });

  registry.handle({ kind: 'attach', windowId: 1, kiosk: false }, reloaded);
  assert.equal(port.closed, true);
  assert.equal(fakes.sessions[0].disconnected, true, 'a reload ends the old session');
  port.rendererGoes(); // the old port's close does not detach the new host
  assert.equal(registry.windowCount, 1);
  registry.handle({ kind: 'detach', windowId: 1 }, undefined);
  assert.equal(registry.windowCount, 0);
  assert.equal(reloaded.closed, true);
});

test('the engine registry: a guest display\'s window joins its opener\'s session; with none, it hears the session ended', () => {
  const fakes = fakeSessionFactory();
  const registry = new EngineRegistry(fakes.factory, quietLog);
  const main = new FakePort();
  registry.handle({ kind: 'attach', windowId: 1, kiosk: false, launch: { kind: 'uri', uri: 'spice://h:5900' } }, main);
  main.rendererSends({ type: 'ready' });
  fakes.sessions[0].fire('state', 'connected');
  const display = new FakePort();
  registry.handle({ kind: 'attach', windowId: 2, kiosk: false, follow: { windowId: 1, monitor: 1 } }, display);
  display.rendererSends({ type: 'ready' });
  assert.ok(display.sent.some((e) => e.type === 'status' && e.state === 'connected'));
  display.rendererSends({ type: 'mousePosition', x: 5, y: 6, displayId: 1 });
  assert.deepEqual(fakes.sessions[0].calls.at(-1), ['mousePosition', 5, 6, 1]);
  assert.equal(fakes.sessions.length, 1, 'no session of its own');

  const orphan = new FakePort();
  registry.handle({ kind: 'attach', windowId: 3, kiosk: false, follow: { windowId: 9, monitor: 1 } }, orphan);
  assert.deepEqual(orphan.sent.at(-1), { type: 'status', state: 'disconnected', failure: { kind: 'closed', message: 'the session this display belonged to has ended' } });
  registry.disposeAll();
});

test('engine control: a follow names a window and a monitor 1-15, or the attach is refused', () => {
  assert.deepEqual(validateEngineControl({ kind: 'attach', windowId: 2, kiosk: false, follow: { windowId: 1, monitor: 1 } }), { kind: 'attach', windowId: 2, kiosk: false, follow: { windowId: 1, monitor: 1 } });
  for (const follow of [{ windowId: 1, monitor: 0 }, { windowId: 1, monitor: 16 }, { windowId: 0, monitor: 1 }, { windowId: 1 }, 'window 1']) {
    assert.equal(validateEngineControl({ kind: 'attach', windowId: 2, kiosk: false, follow }), null, JSON.stringify(follow));
  }
});
