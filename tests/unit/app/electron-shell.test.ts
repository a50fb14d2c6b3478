// The Electron shell's main-process logic with Electron's APIs injected: windows, security,
// the port handshake, menu commands, launch targets and kiosk mode, all without the binary.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { MenuItemConstructorOptions, MessagePortMain } from 'electron';
import type { SystemClipboard } from '../../../src/main/electron/clipboard-sync';
import type { EngineControl } from '../../../src/main/electron/engine-control';
import {
  startElectronShell,
  type AppLike,
  type ElectronDeps,
  type EngineProcessLike,
  type PortRequestEvent,
  type SessionLike,
  type ShellWindow,
  type ShellWindowOptions,
  type WindowOpenDecision,
} from '../../../src/main/electron/electron-shell';
import type { PreventableEvent, WebContentsLike } from '../../../src/main/electron/window-security';
import { IPC_CHANNELS } from '../../../src/shared/ipc';

type Listener = (...args: never[]) => unknown;

class FakeApp implements AppLike {
  readonly isPackaged = false;
  readonly listeners = new Map<string, Listener>();
  quitCalled = false;
  ready = false;
  lock = true;
  defaultProtocol: string | null = null;
  private resolveReady: () => void = () => {};
  private readonly readyPromise = new Promise<void>((resolve) => (this.resolveReady = resolve));
  requestSingleInstanceLock(): boolean {
    return this.lock;
  }
  quit(): void {
    this.quitCalled = true;
  }
  isReady(): boolean {
    return this.ready;
  }
  whenReady(): Promise<unknown> {
    return this.readyPromise;
  }
  setAsDefaultProtocolClient(protocol: string): boolean {
    this.defaultProtocol = protocol;
    return true;
  }
  on(event: string, listener: Listener): this {
    this.listeners.set(event, listener);
    return this;
  }
  async becomeReady(): Promise<void> {
    this.ready = true;
    this.resolveReady();
    await new Promise((resolve) => setImmediate(resolve));
  }
  fire(event: string, ...args: unknown[]): void {
    (this.listeners.get(event) as ((...a: unknown[]) => void) | undefined)?.(...args);
  }
}

let nextId = 1;
class FakeWindow implements ShellWindow {
  readonly webContents;
  readonly sentToRenderer: { channel: string; ports: unknown[] }[] = [];
  loaded: string | null = null;
  menuRemoved = false;
  fullScreen: boolean;
  reloads = 0;
  openHandler: ((details: { url: string; features: string }) => WindowOpenDecision) | null = null;
  createdListener: ((window: ShellWindow, details: { url: string }) => void) | null = null;
  private readonly handlers = new Map<string, () => void>();
  constructor(readonly options: ShellWindowOptions) {
    this.fullScreen = options.fullscreen;
    const id = nextId++;
    this.webContents = {
      id,
      reload: () => void this.reloads++,
      postMessage: (channel: string, _message: unknown, transfer: MessagePortMain[]) => void this.sentToRenderer.push({ channel, ports: transfer }),
      setWindowOpenHandler: (handler: (details: { url: string; features: string }) => WindowOpenDecision) => void (this.openHandler = handler),
      on: (_event: 'did-create-window', listener: (window: ShellWindow, details: { url: string }) => void) => void (this.createdListener = listener),
    };
  }
  once(event: string, listener: () => void): this {
    this.handlers.set(event, listener);
    return this;
  }
  on(event: string, listener: () => void): this {
    this.handlers.set(event, listener);
    return this;
  }
  show(): void {}
  loadURL(url: string): Promise<void> {
    this.loaded = url;
    return Promise.resolve();
  }
  setFullScreen(on: boolean): void {
    this.fullScreen = on;
  }
  isFullScreen(): boolean {
    return this.fullScreen;
  }
  removeMenu(): void {
    this.menuRemoved = true;
  }
  close(): void {
    this.handlers.get('closed')?.();
  }
}

/** The system clipboard: text or a PNG (its "pixels" are the PNG bytes reversed, to tell them apart). */
class FakeClipboard implements SystemClipboard {
  text = '';
  png: Uint8Array | null = null;
  readText(): string {
    return this.text;
  }
  writeText(text: string): void {
    this.text = text;
    this.png = null;
  }
  readImage(): { png: Uint8Array; pixels: Uint8Array } | null {
    return this.png ? { png: this.png, pixels: this.png.slice().reverse() } : null;
  }
  writeImagePng(png: Uint8Array): void {
    this.png = png.slice();
    this.text = '';
  }
}

class FakeEngine implements EngineProcessLike {
  readonly controls: { control: EngineControl; ports: unknown[] }[] = [];
  exitListener: ((code: number) => void) | null = null;
  messageListener: ((message: unknown) => void) | null = null;
  killed = false;
  postMessage(control: EngineControl, transfer: MessagePortMain[]): void {
    this.controls.push({ control, ports: transfer });
  }
  on(event: 'exit' | 'message', listener: ((code: number) => void) | ((message: unknown) => void)): this {
    if (event === 'exit') this.exitListener = listener as (code: number) => void;
    else this.messageListener = listener as (message: unknown) => void;
    return this;
  }
  kill(): boolean {
    this.killed = true;
    return true;
  }
}

function harness(argv: string[] = ['electron', '.']) {
  const app = new FakeApp();
  const windows: FakeWindow[] = [];
  const engines: FakeEngine[] = [];
  const logs: string[] = [];
  const errors: string[] = [];
  let menu: MenuItemConstructorOptions[] = [];
  let portListener: ((event: PortRequestEvent) => void) | null = null;
  let schemeRegistered = false;
  let schemeHandler: ((url: string) => { status: number }) | null = null;
  const permission: { request?: Parameters<SessionLike['setPermissionRequestHandler']>[0]; check?: Parameters<SessionLike['setPermissionCheckHandler']>[0]; network?: Parameters<SessionLike['webRequest']['onBeforeRequest']>[0] } = {};
  let focused: FakeWindow | null = null;
  const clipboard = new FakeClipboard();
  const screens = [
    { x: 0, y: 0, width: 1920, height: 1050 },
    { x: 1920, y: 0, width: 1280, height: 1000 },
  ];
  const deps: ElectronDeps = {
    clipboard,
    app,
    defaultSession: () => ({
      setPermissionRequestHandler: (handler) => (permission.request = handler),
      setPermissionCheckHandler: (handler) => (permission.check = handler),
      webRequest: { onBeforeRequest: (listener) => (permission.network = listener) },
    }),
    createWindow: (options) => {
      const window = new FakeWindow(options);
      windows.push(window);
      focused = window;
      return window;
    },
    focusedWindow: () => focused,
    showErrorBox: (_title, content) => void errors.push(content),
    showOpenVvDialog: () => Promise.resolve([]),
    setApplicationMenu: (template) => (menu = template),
    registerAppScheme: () => (schemeRegistered = true),
    handleAppScheme: (answer) => (schemeHandler = answer),
    onPortRequest: (listener) => (portListener = listener),
    createMessageChannel: () => ({ port1: { name: 'engine end' } as unknown as MessagePortMain, port2: { name: 'renderer end' } as unknown as MessagePortMain }),
    forkEngine: () => {
      const engine = new FakeEngine();
      engines.push(engine);
      return engine;
    },
    screens: () => screens,
  };
  const files = new Map([['/index.html', { body: Buffer.from('<html>'), contentType: 'text/html' }]]);
  const shell = startElectronShell(deps, { argv, platform: 'linux', preload: '/app/preload.js', rendererFiles: () => files, log: (m) => logs.push(m) });
  return {
    app,
    shell,
    windows,
    engines,
    logs,
    errors,
    menu: () => menu,
    schemeRegistered: () => schemeRegistered,
    scheme: () => schemeHandler,
    permission,
    /** The renderer of `window` asks for its port, from `frame` (its top frame on our page by default). */
    requestPort: (window: FakeWindow, frame: { url: string; parent: unknown } | null = { url: 'app://saffron/index.html', parent: null }) =>
      portListener!({ sender: window.webContents, senderFrame: frame }),
    setFocused: (window: FakeWindow | null) => (focused = window),
    clipboard,
  };
}

test('before ready the app:// scheme is registered; on ready: protocol, network and permission rules, engine, menu, one secure window', async () => {
  const h = harness();
  assert.equal(h.schemeRegistered(), true);
  assert.equal(h.windows.length, 0);
  await h.app.becomeReady();
  assert.equal(h.app.defaultProtocol, 'spice');
  assert.equal(h.scheme()!('app://saffron/index.html').status, 200);
  assert.equal(h.scheme()!('app://saffron/../secret').status, 404);
  const decide = (url: string): boolean => {
    let cancel = false;
    h.permission.network!({ url }, (response) => (cancel = response.cancel));
    return cancel;
  };
  assert.equal(decide('app://saffron/app.js'), false);
  assert.equal(decide('https://tracker.example/x.js'), true, 'no remote content');
  assert.equal(h.permission.check!(null, 'pointerLock', 'app://saffron'), true);
  assert.equal(h.permission.check!(null, 'geolocation', 'app://saffron'), false);
  assert.equal(h.permission.check!(null, 'pointerLock', 'https://evil.example'), false);
  assert.equal(h.engines.length, 1);
  assert.ok(h.menu().some((item) => item.label === '&Send Key'));
  assert.equal(h.windows.length, 1);
  const prefs = h.windows[0].options.webPreferences;
  assert.deepEqual([prefs.contextIsolation, prefs.sandbox, prefs.nodeIntegration, prefs.webviewTag, prefs.preload], [true, true, false, false, '/app/preload.js']);
  assert.equal(h.windows[0].options.kiosk, false);
  assert.equal(h.windows[0].loaded, 'app://saffron/index.html');
});

test('a second instance quits at once and hands its arguments over', () => {
  const h = harness();
  const second = harness();
  second.app.lock = false;
  const refused = startElectronShell(
    { ...({} as ElectronDeps), app: second.app, registerAppScheme: () => {} },
    { argv: [], platform: 'linux', preload: '', rendererFiles: () => new Map(), log: () => {} },
  );
  assert.equal(refused, null);
  assert.equal(second.app.quitCalled, true);
  assert.ok(h.app.listeners.has('second-instance'));
});

test('the port handshake: only our own page in our own window gets a port; the launch target goes once', async () => {
  const h = harness(['electron', '.', 'spice://vm.example:5930']);
  await h.app.becomeReady();
  const [window] = h.windows;
  const engine = h.engines[0];
  h.requestPort(window, { url: 'https://evil.example/', parent: null });
  h.requestPort(window, { url: 'app://saffron/index.html', parent: {} });
  assert.equal(engine.controls.length, 0, 'other pages and subframes get nothing');
  assert.equal(h.logs.filter((line) => line.includes('refused a port request')).length, 2);
  h.requestPort(window);
  assert.deepEqual(engine.controls[0].control, { kind: 'attach', windowId: window.webContents.id, kiosk: false, launch: { kind: 'uri', uri: 'spice://vm.example:5930' } });
  assert.deepEqual(engine.controls[0].ports, [{ name: 'engine end' }]);
  assert.deepEqual(window.sentToRenderer, [{ channel: IPC_CHANNELS.port, ports: [{ name: 'renderer end' }] }]);
  h.requestPort(window); // a reload: a new port, no launch target
  assert.deepEqual(engine.controls[1].control, { kind: 'attach', windowId: window.webContents.id, kiosk: false });
  window.close();
  assert.deepEqual(engine.controls[2].control, { kind: 'detach', windowId: window.webContents.id });
});

test('navigation, redirects, new windows and webviews are blocked in every web contents', async () => {
  const h = harness();
  await h.app.becomeReady();
  const handlers = new Map<string, (event: PreventableEvent, url: string) => void>();
  let openHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;
  const contents: WebContentsLike = {
    on: (event: string, listener: (event: PreventableEvent, url: string) => void) => handlers.set(event, listener),
    setWindowOpenHandler: (handler) => (openHandler = handler),
  };
  h.app.fire('web-contents-created', {}, contents);
  let prevented = false;
  handlers.get('will-navigate')!({ preventDefault: () => (prevented = true) }, 'https://evil.example');
  assert.equal(prevented, true);
  assert.deepEqual(openHandler!({ url: 'https://evil.example' }), { action: 'deny' });
  assert.ok(h.logs.some((line) => line.startsWith('blocked navigation')));
});

test('menu commands and Send Key go to the engine for the focused window; Full Screen toggles it', async () => {
  const h = harness();
  await h.app.becomeReady();
  const [window] = h.windows;
  const item = (menu: string, label: string): MenuItemConstructorOptions =>
    (h.menu().find((m) => m.label === menu)!.submenu as MenuItemConstructorOptions[]).find((entry) => entry.label === label)!;
  const click = (entry: MenuItemConstructorOptions): void => (entry.click as () => void)();
  click(item('&View', 'Zoom In'));
  click(item('&Send Key', 'Ctrl+Alt+Del'));
  click(item('&View', 'Full Screen'));
  const controls = h.engines[0].controls.map((c) => c.control);
  assert.deepEqual(controls, [
    { kind: 'command', windowId: window.webContents.id, command: 'zoomIn' },
    { kind: 'sendKeys', windowId: window.webContents.id, combo: 'ctrl-alt-del' },
  ]);
  assert.equal(window.fullScreen, true);
  h.setFocused(null);
  click(item('&View', 'Zoom Out'));
  assert.equal(h.engines[0].controls.length, 2, 'no window, no command');
  click(item('&File', 'New Connection'));
  assert.equal(h.windows.length, 2);
});

test('kiosk: full screen, no menu, and the engine is told so', async () => {
  const h = harness(['electron', '.', '--kiosk', 'spice://vm:5900']);
  await h.app.becomeReady();
  const [window] = h.windows;
  assert.equal(window.options.kiosk, true);
  assert.equal(window.options.fullscreen, true);
  assert.equal(window.menuRemoved, true);
  h.requestPort(window);
  assert.deepEqual(h.engines[0].controls[0].control, { kind: 'attach', windowId: window.webContents.id, kiosk: true, launch: { kind: 'uri', uri: 'spice://vm:5900' } });
});

test('.vv files from a second launch open a window each (titled and full screen as the file says); bad ones show an error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'saffron-shell-'));
  try {
    const good = join(dir, 'web01.vv');
    writeFileSync(good, '[virt-viewer]\ntype=spice\nhost=10.0.0.5\nport=5900\ntitle=web01\nfullscreen=1\n');
    const bad = join(dir, 'bad.vv');
    writeFileSync(bad, '[virt-viewer]\ntype=vnc\nhost=h\nport=1\n');
    const h = harness();
    await h.app.becomeReady();
    h.app.fire('second-instance', {}, ['/usr/bin/saffron', good, bad]);
    assert.equal(h.windows.length, 2);
    assert.equal(h.windows[1].options.title, 'web01');
    assert.equal(h.windows[1].options.fullscreen, true);
    assert.equal(h.errors.length, 1);
    assert.match(h.errors[0], /bad\.vv: type=vnc/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an engine that dies is restarted and every window reloads (getting a new port); quitting kills it', async () => {
  const h = harness();
  await h.app.becomeReady();
  h.engines[0].exitListener!(1);
  assert.equal(h.engines.length, 2);
  assert.equal(h.windows[0].reloads, 1);
  assert.ok(h.logs.some((line) => line.includes('restarting')));
  h.app.fire('before-quit');
  assert.equal(h.engines[1].killed, true);
  h.engines[1].exitListener!(0);
  assert.equal(h.engines.length, 2, 'no restart while quitting');
});

test('the shared clipboard: a focused window offers a changed system clipboard; guest copies are written and not offered back', async () => {
  const h = harness();
  await h.app.becomeReady();
  const window = h.windows[0];
  const engine = h.engines[0];
  const offers = (): EngineControl[] => engine.controls.map((c) => c.control).filter((c) => c.kind === 'clipboardOffer');
  const focus = (): void => (window as unknown as { handlers: Map<string, () => void> }).handlers.get('focus')!();

  h.clipboard.text = 'copied on the desktop';
  focus();
  assert.equal(offers().length, 1);
  const first = offers()[0];
  assert.ok(first.kind === 'clipboardOffer' && first.windowId === window.webContents.id);
  assert.equal(first.kind === 'clipboardOffer' && new TextDecoder().decode(first.items[0].data), 'copied on the desktop');
  focus();
  assert.equal(offers().length, 1, 'unchanged: not offered again');

  // The guest copies a PNG: the system clipboard gets it, and focusing does not send it back.
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
  engine.messageListener!({ kind: 'guestClipboard', windowId: window.webContents.id, item: { mimeType: 'image/png', data: png.slice().buffer } });
  assert.deepEqual([...h.clipboard.png!], [...png]);
  focus();
  assert.equal(offers().length, 1);

  // A copy on the desktop after that is offered, as an image.
  h.clipboard.writeImagePng(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 9]));
  focus();
  assert.equal(offers().length, 2);
  const second = offers()[1];
  assert.ok(second.kind === 'clipboardOffer' && second.items[0].mimeType === 'image/png');

  // A session's agent became ready: it is offered what the clipboard holds, unchanged or not.
  engine.messageListener!({ kind: 'clipboardWanted', windowId: window.webContents.id });
  assert.equal(offers().length, 3);

  // Malformed reports and reports for windows that do not exist change nothing.
  engine.messageListener!({ kind: 'guestClipboard', windowId: window.webContents.id, item: { mimeType: 'text/html', data: new ArrayBuffer(1) } });
  engine.messageListener!({ kind: 'guestClipboard', windowId: 999, item: { mimeType: 'text/plain', data: new TextEncoder().encode('x').buffer } });
  assert.equal(h.clipboard.text, '');
  assert.ok(h.logs.some((line) => line.includes('malformed report')));
});

test('a window per guest display: only our page with ?monitor=N opens, placed on local screen N, as secure, joined to its opener\'s session', async () => {
  const h = harness();
  await h.app.becomeReady();
  const main = h.windows[0];
  const open = (url: string, features = ''): WindowOpenDecision => main.openHandler!({ url, features });
  assert.deepEqual(open('https://evil.example/?monitor=1'), { action: 'deny' });
  assert.deepEqual(open('app://saffron/index.html?monitor=1&x=2'), { action: 'deny' });
  assert.deepEqual(open('app://saffron/index.html?monitor=0'), { action: 'deny' }, 'monitor 1 is the main window');
  const decision = open('app://saffron/index.html?monitor=1', 'popup,left=40,top=40,width=1024,height=808');
  assert.equal(decision.action, 'allow');
  const options = decision.action === 'allow' ? decision.overrideBrowserWindowOptions : null;
  assert.deepEqual(options && { x: options.x, y: options.y, width: options.width, height: options.height }, { x: 1920, y: 0, width: 1024, height: 808 }, 'on the second screen');
  assert.equal(options?.title, 'Remote display 2 — Saffron');
  assert.equal(options?.webPreferences.sandbox, true);
  assert.equal(options?.webPreferences.contextIsolation, true);
  assert.equal(options?.webPreferences.preload, '/app/preload.js');
  // A third monitor with two screens: cascaded on the first.
  const third = open('app://saffron/index.html?monitor=2', 'popup,width=800,height=640');
  assert.deepEqual(third.action === 'allow' && [third.overrideBrowserWindowOptions.x, third.overrideBrowserWindowOptions.y], [80, 80]);

  // Electron made the window: it gets a port that joins the main window's session.
  const child = new FakeWindow({ ...main.options, title: options!.title });
  main.createdListener!(child, { url: 'app://saffron/index.html?monitor=1' });
  h.requestPort(child, { url: 'app://saffron/index.html?monitor=1', parent: null });
  const attach = h.engines[0].controls.at(-1)!.control;
  assert.deepEqual(attach, { kind: 'attach', windowId: child.webContents.id, kiosk: false, follow: { windowId: main.webContents.id, monitor: 1 } });
  child.close();
  assert.deepEqual(h.engines[0].controls.at(-1)!.control, { kind: 'detach', windowId: child.webContents.id });
});
