// The Electron shell's entry: hands the real Electron APIs to electron-shell.ts, which holds the
// logic (and is unit-tested with fakes). The only module tree that imports electron at run time.
import { app, BrowserWindow, clipboard, dialog, ipcMain, Menu, MessageChannelMain, nativeImage, protocol, screen, session, utilityProcess } from 'electron';
import { join } from 'node:path';
import { IPC_CHANNELS } from '../../shared/ipc';
import { loadStaticFiles } from '../host/web/static-files';
import { startElectronShell, type ShellWindow } from './electron-shell';
import { APP_SCHEME } from './window-security';

// dist/src/main/electron → dist/
const DIST = join(__dirname, '..', '..', '..');

startElectronShell(
  {
    app,
    defaultSession: () => session.defaultSession,
    createWindow: (options) => new BrowserWindow(options),
    focusedWindow: (): ShellWindow | null => BrowserWindow.getFocusedWindow(),
    showErrorBox: (title, content) => dialog.showErrorBox(title, content),
    showOpenVvDialog: async () => {
      const result = await dialog.showOpenDialog({ properties: ['openFile'], filters: [{ name: 'Connection files', extensions: ['vv'] }] });
      return result.canceled ? [] : result.filePaths;
    },
    setApplicationMenu: (template) => Menu.setApplicationMenu(Menu.buildFromTemplate(template)),
    // Before ready: app:// is standard (relative URLs resolve) and secure (WebCodecs, crypto.subtle).
    registerAppScheme: () =>
      protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]),
    handleAppScheme: (answer) =>
      protocol.handle(APP_SCHEME, (request) => {
        const reply = answer(request.url);
        return new Response(reply.body, { status: reply.status, headers: reply.headers });
      }),
    onPortRequest: (listener) => ipcMain.on(IPC_CHANNELS.openPort, (event) => listener(event)),
    createMessageChannel: () => new MessageChannelMain(),
    forkEngine: () => utilityProcess.fork(join(__dirname, 'engine-process.js'), [], { serviceName: 'Saffron engine', stdio: 'inherit' }),
    clipboard: {
      readText: () => clipboard.readText(),
      writeText: (text) => clipboard.writeText(text),
      readImage: () => {
        const image = clipboard.readImage();
        return image.isEmpty() ? null : { png: image.toPNG(), pixels: image.toBitmap() };
      },
      writeImagePng: (png) => clipboard.writeImage(nativeImage.createFromBuffer(Buffer.from(png.buffer, png.byteOffset, png.byteLength))),
    },
    // The primary screen first, so guest monitor 1 stays where the main window is.
    screens: () => {
      const primary = screen.getPrimaryDisplay();
      return [primary, ...screen.getAllDisplays().filter((display) => display.id !== primary.id)].map((display) => display.workArea);
    },
  },
  {
    argv: process.argv,
    platform: process.platform,
    preload: join(DIST, 'preload', 'preload.js'),
    rendererFiles: () => loadStaticFiles(join(DIST, 'renderer')),
    log: (message) => process.stderr.write(`saffron: ${message}\n`),
  },
);
