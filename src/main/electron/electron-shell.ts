// The Electron shell's main-process logic, written against the few Electron APIs it needs
// (ElectronDeps), so unit tests run it with fakes; main.ts hands it the real ones. Windows,
// menu, the app:// scheme, spice:// and .vv associations, and the engine utility process.
import type { MenuItemConstructorOptions, MessagePortMain } from 'electron';
import { IPC_CHANNELS, type MenuCommand } from '../../shared/ipc';
import { launchTargetFromArgument, launchTargetsFromArgv, type LaunchTarget } from '../host/launch-targets';
import type { LaunchSource } from '../host/connect-plan';
import type { StaticFile } from '../host/web/static-files';
import { appMenuTemplate } from './app-menu';
import { displayWindowMonitor, placeDisplayWindow, requestedSize, type ScreenArea, type WindowBounds } from './display-window-policy';
import { ClipboardSync, type SystemClipboard } from './clipboard-sync';
import { validateEngineReport, type EngineControl } from './engine-control';
import { answerAppRequest, type ProtocolAnswer } from './renderer-protocol';
import {
  APP_ENTRY_URL,
  APP_SCHEME,
  hardenWebContents,
  isPermissionAllowed,
  isTrustedSender,
  secureWebPreferences,
  type IpcSenderLike,
  type SecureWebPreferences,
  type WebContentsLike,
} from './window-security';

export interface ShellWindowOptions {
  readonly width: number;
  readonly height: number;
  readonly title: string;
  readonly backgroundColor: string;
  readonly show: false;
  readonly fullscreen: boolean;
  readonly kiosk: boolean;
  readonly autoHideMenuBar: boolean;
  readonly webPreferences: SecureWebPreferences;
}

/** A guest display's own window, as window.open asked for it: placed, titled, as secure as the first. */
export interface DisplayWindowOptions extends WindowBounds {
  readonly useContentSize: true;
  readonly title: string;
  readonly backgroundColor: string;
  readonly fullscreen: boolean;
  readonly autoHideMenuBar: boolean;
  readonly webPreferences: SecureWebPreferences;
}

export type WindowOpenDecision = { action: 'deny' } | { action: 'allow'; overrideBrowserWindowOptions: DisplayWindowOptions };

export interface ShellWindow {
  readonly webContents: {
    readonly id: number;
    reload(): void;
    postMessage(channel: string, message: unknown, transfer: MessagePortMain[]): void;
    /** Replaces the hardening's deny-all for a session window: only a guest display's window may open. */
    setWindowOpenHandler(handler: (details: { url: string; features: string }) => WindowOpenDecision): void;
    on(event: 'did-create-window', listener: (window: ShellWindow, details: { url: string }) => void): unknown;
  };
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'closed' | 'focus', listener: () => void): unknown;
  show(): void;
  loadURL(url: string): Promise<void>;
  setFullScreen(on: boolean): void;
  isFullScreen(): boolean;
  removeMenu(): void;
}

export interface EngineProcessLike {
  postMessage(message: EngineControl, transfer: MessagePortMain[]): void;
  on(event: 'exit', listener: (code: number) => void): unknown;
  /** Reports from the engine (engine-control.ts EngineReport), checked on arrival. */
  on(event: 'message', listener: (message: unknown) => void): unknown;
  kill(): boolean;
}

export interface PortRequestEvent extends IpcSenderLike {
  readonly sender: { readonly id: number; postMessage(channel: string, message: unknown, transfer: MessagePortMain[]): void };
}

export interface AppLike {
  readonly isPackaged: boolean;
  requestSingleInstanceLock(): boolean;
  quit(): void;
  isReady(): boolean;
  whenReady(): Promise<unknown>;
  setAsDefaultProtocolClient(protocol: string): boolean;
  on(event: 'second-instance', listener: (event: unknown, argv: string[]) => void): unknown;
  on(event: 'open-url', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
  on(event: 'open-file', listener: (event: { preventDefault(): void }, path: string) => void): unknown;
  on(event: 'web-contents-created', listener: (event: unknown, contents: WebContentsLike) => void): unknown;
  on(event: 'window-all-closed' | 'activate' | 'before-quit', listener: () => void): unknown;
}

export interface SessionLike {
  setPermissionRequestHandler(
    handler: (contents: { getURL(): string }, permission: string, callback: (allowed: boolean) => void, details?: object) => void,
  ): void;
  setPermissionCheckHandler(handler: (contents: unknown, permission: string, requestingOrigin: string, details?: object) => boolean): void;
  readonly webRequest: { onBeforeRequest(listener: (details: { url: string }, callback: (response: { cancel: boolean }) => void) => void): void };
}

/** Everything the shell takes from Electron. */
export interface ElectronDeps {
  readonly app: AppLike;
  readonly defaultSession: () => SessionLike;
  createWindow(options: ShellWindowOptions): ShellWindow;
  focusedWindow(): ShellWindow | null;
  showErrorBox(title: string, content: string): void;
  showOpenVvDialog(): Promise<string[]>;
  setApplicationMenu(template: MenuItemConstructorOptions[]): void;
  registerAppScheme(): void;
  handleAppScheme(answer: (url: string) => ProtocolAnswer): void;
  onPortRequest(listener: (event: PortRequestEvent) => void): void;
  createMessageChannel(): { port1: MessagePortMain; port2: MessagePortMain };
  forkEngine(): EngineProcessLike;
  /** The system clipboard (Electron's clipboard and nativeImage). */
  readonly clipboard: SystemClipboard;
  /** The local screens' work areas (screen.getAllDisplays()), the primary first. */
  screens(): readonly ScreenArea[];
}

export interface ShellOptions {
  readonly argv: readonly string[];
  readonly platform: NodeJS.Platform;
  readonly preload: string;
  readonly rendererFiles: () => ReadonlyMap<string, StaticFile>;
  readonly log: (message: string) => void;
}

interface SessionWindow {
  readonly window: ShellWindow;
  launch: LaunchSource | undefined;
  readonly kiosk: boolean;
  /** A guest display's window: the window whose session it shows, and which monitor. */
  readonly follow?: { readonly windowId: number; readonly monitor: number };
}

/** The running shell, for tests to look at. */
export interface ElectronShell {
  readonly windows: ReadonlyMap<number, SessionWindow>;
  openWindow(target?: Extract<LaunchTarget, { ok: true }>): ShellWindow;
}

export function startElectronShell(electron: ElectronDeps, options: ShellOptions): ElectronShell | null {
  const { app } = electron;
  const kiosk = options.argv.includes('--kiosk');
  const windows = new Map<number, SessionWindow>();
  let engine: EngineProcessLike | null = null;
  let quitting = false;

  electron.registerAppScheme();

  // The shared clipboard lives here: the engine says what guests copy, windows' focus says when
  // to look at the system clipboard (as remote-viewer does). The shareClipboard setting is
  // applied in the engine, which owns the settings.
  const clipboardSync = new ClipboardSync(electron.clipboard, (windowId, items) => tellEngine({ kind: 'clipboardOffer', windowId, items }));

  const startEngine = (): EngineProcessLike => {
    const child = electron.forkEngine();
    child.on('exit', (code) => {
      engine = null;
      if (quitting) return;
      options.log(`the engine process exited (${code}); restarting it`);
      engine = startEngine();
      // Every window lost its session; reloading gives each a fresh port to the new engine.
      for (const { window } of windows.values()) window.webContents.reload();
    });
    child.on('message', (message) => {
      const report = validateEngineReport(message);
      if (!report) {
        options.log('ignored a malformed report from the engine');
        return;
      }
      if (!windows.has(report.windowId)) return;
      if (report.kind === 'guestClipboard') clipboardSync.guestCopied(report.item);
      else clipboardSync.offerNow(report.windowId);
    });
    return child;
  };

  const tellEngine = (control: EngineControl, ports: MessagePortMain[] = []): void => {
    engine?.postMessage(control, ports);
  };

  /** A window per session; its launch target is opened once its renderer is listening. */
  const openWindow = (target?: Extract<LaunchTarget, { ok: true }>): ShellWindow => {
    const window = electron.createWindow({
      width: 1100,
      height: 860,
      title: target?.title ?? 'Saffron',
      backgroundColor: '#000000',
      show: false,
      fullscreen: kiosk || (target?.fullscreen ?? false),
      kiosk,
      autoHideMenuBar: kiosk,
      webPreferences: secureWebPreferences(options.preload),
    });
    if (kiosk) window.removeMenu();
    const id = window.webContents.id;
    windows.set(id, { window, launch: target?.source, kiosk });
    window.once('ready-to-show', () => window.show());
    window.on('focus', () => clipboardSync.windowFocused(id));
    window.on('closed', () => {
      windows.delete(id);
      tellEngine({ kind: 'detach', windowId: id });
    });
    allowDisplayWindows(window, id);
    void window.loadURL(APP_ENTRY_URL);
    return window;
  };

  /**
   * A session window may open one window per guest display (window.open of our own page with
   * ?monitor=N, nothing else): monitor N goes on local screen N when there are enough screens,
   * with the same secure preferences; its renderer gets a port that joins this window's session.
   */
  const allowDisplayWindows = (window: ShellWindow, openerId: number): void => {
    window.webContents.setWindowOpenHandler(({ url, features }) => {
      const monitor = displayWindowMonitor(url);
      if (monitor === null) {
        options.log(`blocked a new window for ${url}`);
        return { action: 'deny' };
      }
      return {
        action: 'allow',
        overrideBrowserWindowOptions: {
          ...placeDisplayWindow(monitor, requestedSize(features), electron.screens()),
          useContentSize: true,
          title: `Remote display ${monitor + 1} — Saffron`,
          backgroundColor: '#000000',
          fullscreen: kiosk,
          autoHideMenuBar: kiosk,
          webPreferences: secureWebPreferences(options.preload),
        },
      };
    });
    window.webContents.on('did-create-window', (child, { url }) => {
      const monitor = displayWindowMonitor(url);
      if (monitor === null) return;
      const childId = child.webContents.id;
      windows.set(childId, { window: child, launch: undefined, kiosk, follow: { windowId: openerId, monitor } });
      child.on('closed', () => {
        windows.delete(childId);
        tellEngine({ kind: 'detach', windowId: childId });
      });
    });
  };

  const openTargets = (targets: readonly LaunchTarget[]): void => {
    for (const target of targets) {
      if (target.ok) openWindow(target);
      else electron.showErrorBox('Saffron cannot open this', target.problem);
    }
  };

  /** The renderer asks for its port: only our own page in our own window's top frame gets one. */
  const handlePortRequest = (event: PortRequestEvent): void => {
    const entry = windows.get(event.sender.id);
    if (!entry || !isTrustedSender(event, entry.window.webContents.id)) {
      options.log('refused a port request from an unknown frame');
      return;
    }
    const { port1, port2 } = electron.createMessageChannel();
    tellEngine(
      { kind: 'attach', windowId: event.sender.id, kiosk: entry.kiosk, ...(entry.launch ? { launch: entry.launch } : {}), ...(entry.follow ? { follow: entry.follow } : {}) },
      [port1],
    );
    // A launch target is used once: a reload of the window shows the form instead.
    entry.launch = undefined;
    event.sender.postMessage(IPC_CHANNELS.port, null, [port2]);
  };

  const focusedWindowId = (): number | undefined => electron.focusedWindow()?.webContents.id;

  const openVvFileDialog = async (): Promise<void> => {
    const paths = await electron.showOpenVvDialog();
    openTargets(paths.map((path) => launchTargetFromArgument(path)).filter((t): t is LaunchTarget => t !== null));
  };

  const buildMenu = (): void => {
    electron.setApplicationMenu(
      appMenuTemplate(
        {
          newWindow: () => openWindow(),
          openFile: () => void openVvFileDialog(),
          sendKeys: (combo) => {
            const windowId = focusedWindowId();
            if (windowId !== undefined) tellEngine({ kind: 'sendKeys', windowId, combo });
          },
          command: (command: MenuCommand) => {
            const windowId = focusedWindowId();
            if (windowId !== undefined) tellEngine({ kind: 'command', windowId, command });
          },
          toggleFullScreen: () => {
            const window = electron.focusedWindow();
            window?.setFullScreen(!window.isFullScreen());
          },
          quit: () => app.quit(),
        },
        options.platform,
      ),
    );
  };

  const secureSession = (): void => {
    const session = electron.defaultSession();
    session.setPermissionRequestHandler((contents, permission, callback, details) => callback(isPermissionAllowed(permission, contents.getURL(), mediaTypesOf(details))));
    session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) => isPermissionAllowed(permission, requestingOrigin, mediaTypesOf(details)));
    // Nothing leaves the machine from a page: the renderer has no business with the network.
    session.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !details.url.startsWith(`${APP_SCHEME}:`) && !details.url.startsWith('devtools:') }));
  };

  if (!app.requestSingleInstanceLock()) {
    // Another Saffron runs: it receives our argv through 'second-instance' and opens the targets.
    app.quit();
    return null;
  }
  app.on('second-instance', (_event, argv) => openTargets(launchTargetsFromArgv(argv.slice(1))));
  // macOS hands URLs and files over by events, before or after ready.
  const early: LaunchTarget[] = [];
  const deliver = (target: LaunchTarget | null): void => {
    if (!target) return;
    if (app.isReady()) openTargets([target]);
    else early.push(target);
  };
  app.on('open-url', (event, url) => {
    event.preventDefault();
    deliver(launchTargetFromArgument(url));
  });
  app.on('open-file', (event, path) => {
    event.preventDefault();
    deliver(launchTargetFromArgument(path));
  });
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, (what) => options.log(`blocked ${what}`)));
  app.on('window-all-closed', () => {
    if (options.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (windows.size === 0) openWindow();
  });
  app.on('before-quit', () => {
    quitting = true;
    engine?.kill();
  });

  void app.whenReady().then(() => {
    app.setAsDefaultProtocolClient('spice');
    const files = options.rendererFiles();
    electron.handleAppScheme((url) => answerAppRequest(url, files));
    secureSession();
    electron.onPortRequest(handlePortRequest);
    engine = startEngine();
    buildMenu();
    const targets = [...launchTargetsFromArgv(options.argv.slice(app.isPackaged ? 1 : 2)), ...early];
    if (targets.length > 0) openTargets(targets);
    else openWindow();
  });

  return { windows, openWindow };
}

/** The media a permission request or check is about (Electron's `mediaTypes` / `mediaType` details), if any. */
function mediaTypesOf(details: object | undefined): readonly string[] | undefined {
  if (!details) return undefined;
  if ('mediaTypes' in details && Array.isArray(details.mediaTypes)) return details.mediaTypes.filter((type): type is string => typeof type === 'string');
  if ('mediaType' in details && typeof details.mediaType === 'string') return [details.mediaType];
  return undefined;
}
