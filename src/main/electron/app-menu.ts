import type { MenuItemConstructorOptions } from 'electron';
import { KEY_COMBOS } from '../host/key-combos';

export interface MenuActions {
  newWindow(): void;
  openFile(): void;
  sendKeys(combo: string): void;
  toggleFullScreen(): void;
  quit(): void;
}

/**
 * The application menu. Electron types only (erased at run time), so tests build it without
 * Electron. Send Key carries the combinations the local system would otherwise keep for itself.
 */
export function appMenuTemplate(actions: MenuActions, platform: NodeJS.Platform = process.platform): MenuItemConstructorOptions[] {
  const sendKeyItems: MenuItemConstructorOptions[] = Object.entries(KEY_COMBOS).map(([name, combo]) => ({
    label: combo.label,
    click: () => actions.sendKeys(name),
  }));
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
      submenu: [{ label: 'Full Screen', accelerator: 'F11', click: () => actions.toggleFullScreen() }],
    },
    { label: '&Send Key', submenu: sendKeyItems },
    { role: 'windowMenu' },
  ];
}
