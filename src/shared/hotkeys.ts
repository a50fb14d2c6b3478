/**
 * Hotkeys in spice-gtk's (and .vv files') format: names joined by '+', e.g. "ctrl+alt",
 * "shift+f12". Modifiers match either side of the keyboard. A hotkey of modifiers only fires
 * when they are all held (remote-viewer's default release-cursor is Ctrl+Alt).
 */

export type HotkeyModifier = 'ctrl' | 'alt' | 'shift' | 'super';

export interface Hotkey {
  readonly modifiers: readonly HotkeyModifier[];
  /** The KeyboardEvent.code of the non-modifier key, if any. */
  readonly code?: string;
}

const MODIFIER_NAMES: Readonly<Record<string, HotkeyModifier>> = {
  ctrl: 'ctrl',
  control: 'ctrl',
  alt: 'alt',
  shift: 'shift',
  super: 'super',
  meta: 'super',
  win: 'super',
};

/** The physical keys behind each modifier. */
export const MODIFIER_CODES: Readonly<Record<HotkeyModifier, readonly string[]>> = {
  ctrl: ['ControlLeft', 'ControlRight'],
  alt: ['AltLeft', 'AltRight'],
  shift: ['ShiftLeft', 'ShiftRight'],
  super: ['MetaLeft', 'MetaRight', 'OSLeft', 'OSRight'],
};

const NAMED_KEYS: Readonly<Record<string, string>> = {
  escape: 'Escape',
  delete: 'Delete',
  insert: 'Insert',
  home: 'Home',
  end: 'End',
  pageup: 'PageUp',
  page_up: 'PageUp',
  pagedown: 'PageDown',
  page_down: 'PageDown',
  space: 'Space',
  tab: 'Tab',
  return: 'Enter',
  enter: 'Enter',
  backspace: 'Backspace',
  pause: 'Pause',
  scroll_lock: 'ScrollLock',
  print: 'PrintScreen',
};

function codeForKeyName(name: string): string | undefined {
  if (/^[a-z]$/.test(name)) return `Key${name.toUpperCase()}`;
  if (/^[0-9]$/.test(name)) return `Digit${name}`;
  const f = /^f([1-9]|1[0-9]|2[0-4])$/.exec(name);
  if (f) return `F${f[1]}`;
  return NAMED_KEYS[name];
}

const KEY_LABELS: Readonly<Record<HotkeyModifier, string>> = { ctrl: 'Ctrl', alt: 'Alt', shift: 'Shift', super: 'Super' };

/** Parses "ctrl+alt", "shift+f12"...; null when the text is not a hotkey we can watch for. */
export function parseHotkey(text: string): Hotkey | null {
  if (typeof text !== 'string' || text.length === 0 || text.length > 64) return null;
  const modifiers: HotkeyModifier[] = [];
  let code: string | undefined;
  for (const part of text.toLowerCase().split('+')) {
    const modifier = MODIFIER_NAMES[part];
    if (modifier) {
      if (modifiers.includes(modifier)) return null;
      modifiers.push(modifier);
      continue;
    }
    const key = codeForKeyName(part);
    if (!key || code !== undefined) return null;
    code = key;
  }
  // One key alone would be taken from the guest for good: a hotkey needs a modifier.
  if (modifiers.length === 0 || (code === undefined && modifiers.length < 2)) return null;
  return code === undefined ? { modifiers } : { modifiers, code };
}

/** "Ctrl+Alt", "Shift+F12": for menus and the status bar. */
export function describeHotkey(hotkey: Hotkey): string {
  const parts = hotkey.modifiers.map((m) => KEY_LABELS[m]);
  if (hotkey.code) parts.push(hotkey.code.replace(/^Key|^Digit/, ''));
  return parts.join('+');
}

/** Whether the keys held down (KeyboardEvent.code values) complete the hotkey. */
export function hotkeyHeld(hotkey: Hotkey, down: ReadonlySet<string>): boolean {
  for (const modifier of hotkey.modifiers) if (!MODIFIER_CODES[modifier].some((code) => down.has(code))) return false;
  return hotkey.code === undefined || down.has(hotkey.code);
}
