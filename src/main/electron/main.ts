// The Electron shell's main process: windows, menu, the app:// scheme, file and URL
// associations, and the engine utility process. The only module tree that imports electron.
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  MessageChannelMain,
  protocol,
  session,
  utilityProcess,
  type UtilityProcess,
} from 'electron';
import { join } from 'node:path';
import type { ConnectParams } from '../../shared/ipc';
import { IPC_CHANNELS } from '../../shared/ipc';
import { launchTargetFromArgument, launchTargetsFromArgv, type LaunchTarget } from '../host/launch-targets';
import { loadStaticFiles } from '../host/web/static-files';
import { appMenuTemplate } from './app-menu';
import type { EngineControl } from './engine-control';
import { answerAppRequest } from './renderer-protocol';
import { APP_ENTRY_URL, APP_SCHEME, hardenWebContents, isPermissionAllowed, isTrustedSender, secureWebPreferences } from './window-security';

// dist/src/main/electron → dist/
const DIST = join(__dirname, '..', '..', '..');
const PRELOAD = join(DIST, 'preload', 'preload.js');
const RENDERER_DIR = join(DIST, 'renderer');
const ENGINE_ENTRY = join(__dirname, 'engine-process.js');

// Before ready: app:// is standard (relative URLs resolve) and secure (WebCodecs, crypto.subtle).
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
]);

interface SessionWindow {
  readonly window: BrowserWindow;
  launch: ConnectParams | undefined;
}

const windows = new Map<number, SessionWindow>();
let engine: UtilityProcess | null = null;
let quitting = false;

function log(message: string): void {
  process.stderr.write(`saffron: ${message}\n`);
}

function startEngine(): UtilityProcess {
  const child = utilityProcess.fork(ENGINE_ENTRY, [], { serviceName: 'Saffron engine', stdio: 'inherit' });
  child.on('exit', (code) => {
    engine = null;
    if (quitting) return;
    log(`the engine process exited (${code}); restarting it`);
    engine = startEngine();
    // Every window lost its session; reloading gives each a fresh port to the new engine.
    for (const { window } of windows.values()) window.webContents.reload();
  });
  return child;
}

function tellEngine(control: EngineControl, ports: Electron.MessagePortMain[] = []): void {
  engine?.postMessage(control, ports);
}

/** A window per session; `launch` is opened once its renderer is listening. */
function openWindow(launch?: ConnectParams, title?: string): BrowserWindow {
  const window = new BrowserWindow({
    width: 1100,
    height: 860,
    title: title ?? 'Saffron',
    backgroundColor: '#000000',
    show: false,
    webPreferences: secureWebPreferences(PRELOAD),
  });
  const id = window.webContents.id;
  windows.set(id, { window, launch });
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    windows.delete(id);
    tellEngine({ kind: 'detach', windowId: id });
  });
  void window.loadURL(APP_ENTRY_URL);
  return window;
}

function openTargets(targets: readonly LaunchTarget[]): void {
  for (const target of targets) {
    if (target.ok) openWindow(target.connect, target.title);
    else dialog.showErrorBox('Saffron cannot open this', target.problem);
  }
}

/** The renderer asks for its port: only our own page in our own window's top frame gets one. */
function handleOpenPort(event: Electron.IpcMainEvent): void {
  const entry = windows.get(event.sender.id);
  if (!entry || !isTrustedSender(event, entry.window.webContents.id)) {
    log('refused a port request from an unknown frame');
    return;
  }
  const { port1, port2 } = new MessageChannelMain();
  tellEngine({ kind: 'attach', windowId: event.sender.id, ...(entry.launch ? { launch: entry.launch } : {}) }, [port1]);
  // A launch target is used once: a reload of the window shows the form instead.
  entry.launch = undefined;
  event.sender.postMessage(IPC_CHANNELS.port, null, [port2]);
}

function focusedWindowId(): number | undefined {
  return BrowserWindow.getFocusedWindow()?.webContents.id;
}

async function openVvFileDialog(): Promise<void> {
  const result = await dialog.showOpenDialog({ properties: ['openFile'], filters: [{ name: 'Connection files', extensions: ['vv'] }] });
  if (result.canceled) return;
  openTargets(result.filePaths.map((path) => launchTargetFromArgument(path)).filter((t): t is LaunchTarget => t !== null));
}

function buildMenu(): void {
  const menu = Menu.buildFromTemplate(
    appMenuTemplate({
      newWindow: () => openWindow(),
      openFile: () => void openVvFileDialog(),
      sendKeys: (combo) => {
        const windowId = focusedWindowId();
        if (windowId !== undefined) tellEngine({ kind: 'sendKeys', windowId, combo });
      },
      toggleFullScreen: () => {
        const window = BrowserWindow.getFocusedWindow();
        window?.setFullScreen(!window.isFullScreen());
      },
      quit: () => app.quit(),
    }),
  );
  Menu.setApplicationMenu(menu);
}

function secureSessions(): void {
  const defaultSession = session.defaultSession;
  defaultSession.setPermissionRequestHandler((contents, permission, callback) => callback(isPermissionAllowed(permission, contents.getURL())));
  defaultSession.setPermissionCheckHandler((_contents, permission, requestingOrigin) => isPermissionAllowed(permission, requestingOrigin));
  // Nothing leaves the machine from a page: the renderer has no business with the network.
  defaultSession.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !details.url.startsWith(`${APP_SCHEME}:`) && !details.url.startsWith('devtools:') }));
}

if (!app.requestSingleInstanceLock()) {
  // Another Saffron runs: it receives our argv through 'second-instance' and opens the targets.
  app.quit();
} else {
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
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, (what) => log(`blocked ${what}`)));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
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
    const files = loadStaticFiles(RENDERER_DIR);
    protocol.handle(APP_SCHEME, (request) => {
      const answer = answerAppRequest(request.url, files);
      return new Response(answer.body, { status: answer.status, headers: answer.headers });
    });
    secureSessions();
    ipcMain.on(IPC_CHANNELS.openPort, handleOpenPort);
    engine = startEngine();
    buildMenu();
    const targets = [...launchTargetsFromArgv(process.argv.slice(app.isPackaged ? 1 : 2)), ...early];
    if (targets.length > 0) openTargets(targets);
    else openWindow();
  });
}
