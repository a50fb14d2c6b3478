/**
 * Messages from the Electron main process to the engine utility process. The engine checks each
 * one: it trusts its parent, but a malformed message must fail loudly, not half-work.
 */
import { AGENT_EVENT_VALIDATORS, AGENT_REQUEST_VALIDATORS, type ClipboardItemData } from '../../shared/agent-ipc';
import { MENU_COMMANDS, type MenuCommand } from '../../shared/ipc';
import { isKeyComboName } from '../../shared/key-combos';
import type { LaunchSource } from '../host/connect-plan';

export type EngineControl =
  /** A window's MessagePort arrives with this message; `launch` is what the window should open. */
  /** `follow`: the window shows guest monitor `monitor` of window `windowId`'s session (a window per display). */
  | { readonly kind: 'attach'; readonly windowId: number; readonly kiosk: boolean; readonly launch?: LaunchSource; readonly follow?: DisplayFollow }
  | { readonly kind: 'detach'; readonly windowId: number }
  | { readonly kind: 'sendKeys'; readonly windowId: number; readonly combo: string }
  | { readonly kind: 'command'; readonly windowId: number; readonly command: MenuCommand }
  /** The system clipboard changed while the window was away: offered to its guest. */
  | { readonly kind: 'clipboardOffer'; readonly windowId: number; readonly items: readonly ClipboardItemData[] };

/** Messages from the engine process to the main process. */
export type EngineReport =
  /** A window's guest copied this: the main process writes the system clipboard. */
  | { readonly kind: 'guestClipboard'; readonly windowId: number; readonly item: ClipboardItemData }
  /** A window's guest agent is ready: the main process offers the system clipboard to it. */
  | { readonly kind: 'clipboardWanted'; readonly windowId: number };

/** Checks a report from the engine process (the main process trusts it no more than that). */
export function validateEngineReport(value: unknown): EngineReport | null {
  if (typeof value !== 'object' || value === null) return null;
  const fields = value as Readonly<Record<string, unknown>>;
  if (fields.kind === 'clipboardWanted' && isWindowId(fields.windowId) && Object.keys(fields).length === 2) return { kind: 'clipboardWanted', windowId: fields.windowId };
  if (fields.kind !== 'guestClipboard' || !isWindowId(fields.windowId) || typeof fields.item !== 'object' || fields.item === null) return null;
  const item = AGENT_EVENT_VALIDATORS.clipboard({ type: 'clipboard', ...(fields.item as Record<string, unknown>) });
  if (typeof item === 'string' || item.type !== 'clipboard') return null;
  return { kind: 'guestClipboard', windowId: fields.windowId, item: { mimeType: item.mimeType, data: item.data } };
}

export interface DisplayFollow {
  readonly windowId: number;
  readonly monitor: number;
}

const MAX_URI_LENGTH = 4096;

function validateFollow(value: unknown): DisplayFollow | null {
  if (typeof value !== 'object' || value === null) return null;
  const fields = value as Readonly<Record<string, unknown>>;
  const monitor = fields.monitor;
  if (!isWindowId(fields.windowId) || typeof monitor !== 'number' || !Number.isInteger(monitor) || monitor < 1 || monitor > 15) return null;
  return { windowId: fields.windowId, monitor };
}
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
      const follow = fields.follow === undefined ? undefined : validateFollow(fields.follow);
      if (follow === null) return null;
      const base = { kind: 'attach' as const, windowId: fields.windowId, kiosk: fields.kiosk, ...(follow ? { follow } : {}) };
      if (fields.launch === undefined) return base;
      const launch = validateLaunch(fields.launch);
      return launch ? { ...base, launch } : null;
    }
    case 'detach':
      return { kind: 'detach', windowId: fields.windowId };
    case 'sendKeys':
      return isKeyComboName(fields.combo) ? { kind: 'sendKeys', windowId: fields.windowId, combo: fields.combo } : null;
    case 'command':
      return typeof fields.command === 'string' && (MENU_COMMANDS as readonly string[]).includes(fields.command)
        ? { kind: 'command', windowId: fields.windowId, command: fields.command as MenuCommand }
        : null;
    case 'clipboardOffer': {
      const offer = AGENT_REQUEST_VALIDATORS.clipboardOffer({ type: 'clipboardOffer', items: fields.items });
      return typeof offer !== 'string' && offer.type === 'clipboardOffer' ? { kind: 'clipboardOffer', windowId: fields.windowId, items: offer.items } : null;
    }
    default:
      return null;
  }
}
