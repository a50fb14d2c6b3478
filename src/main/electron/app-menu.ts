import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand } from '../../shared/ipc';
import { KEY_COMBOS } from '../host/key-combos';

export interface MenuActions {
  newWindow(): void;
  openFile(): void;
  sendKeys(combo: string): void;
  /** Zoom, scale to fit, release grab: carried out by the focused window's renderer. */
  command(command: MenuCommand): void;
  toggleFullScreen(): void;
  quit(): void;
}

/**
 * The application menu. Electron types only (erased at run time), so tests build it without
 * Electron. Send Key carries the combinations the local system would otherwise keep for itself.
 * Kiosk windows have no menu at all (main.ts does not set one).
 */
export function appMenuTemplate(actions: MenuActions, platform: NodeJS.Platform = process.platform): MenuItemConstructorOptions[] {
  const sendKeyItems: MenuItemConstructorOptions[] = Object.entries(KEY_COMBOS).map(([name, combo]) => ({
    label: combo.label,
    click: () => actions.sendKeys(name),
  }));
  const command = (label: string, name: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    ...(accelerator ? { accelerator } : {}),
    click: () => actions.command(name),
  });
  return [
    ...(platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        { label: 'New Connection', accelerator: 'CmdOrCtrl+N', click: () => actions.newWindow() },
        { label: 'Open .vv File…', accelerator: 'CmdOrCtrl+O', click: () => actions.openFile() },
        { type: 'separator' },
        platform === 'darwin' ? { role: 'close' } : { label: 'Quit', accelerator: 'CmdOrCtrl+Q', click: () => actions.quit() },
      ],
    },
    {
      label: '&View',
      submenu: [
        { label: 'Full Screen', accelerator: 'F11', click: () => actions.toggleFullScreen() },
        { type: 'separator' },
        command('Actual Size (1:1)', 'zoomActual', 'CmdOrCtrl+0'),
        command('Zoom In', 'zoomIn', 'CmdOrCtrl+Plus'),
        command('Zoom Out', 'zoomOut', 'CmdOrCtrl+-'),
        command('Scale to Fit Window', 'scaleToFit'),
        { type: 'separator' },
        command('Release Keyboard and Mouse', 'releaseGrab'),
      ],
    },
    { label: '&Send Key', submenu: sendKeyItems },
    { role: 'windowMenu' },
  ];
}
