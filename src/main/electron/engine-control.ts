/**
 * Messages from the Electron main process to the engine utility process. The engine checks each
 * one: it trusts its parent, but a malformed message must fail loudly, not half-work.
 */
import { MENU_COMMANDS, type MenuCommand } from '../../shared/ipc';
import { isKeyComboName } from '../../shared/key-combos';
import type { LaunchSource } from '../host/connect-plan';

export type EngineControl =
  /** A window's MessagePort arrives with this message; `launch` is what the window should open. */
  | { readonly kind: 'attach'; readonly windowId: number; readonly kiosk: boolean; readonly launch?: LaunchSource }
  | { readonly kind: 'detach'; readonly windowId: number }
  | { readonly kind: 'sendKeys'; readonly windowId: number; readonly combo: string }
  | { readonly kind: 'command'; readonly windowId: number; readonly command: MenuCommand };

const MAX_URI_LENGTH = 4096;
const MAX_VV_LENGTH = 256 * 1024;

function isWindowId(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

function validateLaunch(value: unknown): LaunchSource | null {
  if (typeof value !== 'object' || value === null) return null;
  const fields = value as Readonly<Record<string, unknown>>;
  if (fields.kind === 'uri' && typeof fields.uri === 'string' && fields.uri.length <= MAX_URI_LENGTH) return { kind: 'uri', uri: fields.uri };
  if (fields.kind === 'vv' && typeof fields.fileName === 'string' && fields.fileName.length <= 255 && typeof fields.text === 'string' && fields.text.length <= MAX_VV_LENGTH) {
    return { kind: 'vv', fileName: fields.fileName, text: fields.text };
  }
  return null;
}

export function validateEngineControl(value: unknown): EngineControl | null {
  if (typeof value !== 'object' || value === null) return null;
  const fields = value as Readonly<Record<string, unknown>>;
  if (!isWindowId(fields.windowId)) return null;
  switch (fields.kind) {
    case 'attach': {
      if (typeof fields.kiosk !== 'boolean') return null;
      if (fields.launch === undefined) return { kind: 'attach', windowId: fields.windowId, kiosk: fields.kiosk };
      const launch = validateLaunch(fields.launch);
      return launch ? { kind: 'attach', windowId: fields.windowId, kiosk: fields.kiosk, launch } : null;
    }
    case 'detach':
      return { kind: 'detach', windowId: fields.windowId };
    case 'sendKeys':
      return isKeyComboName(fields.combo) ? { kind: 'sendKeys', windowId: fields.windowId, combo: fields.combo } : null;
    case 'command':
      return typeof fields.command === 'string' && (MENU_COMMANDS as readonly string[]).includes(fields.command)
        ? { kind: 'command', windowId: fields.windowId, command: fields.command as MenuCommand }
        : null;
    default:
      return null;
  }
}
