/**
 * Key combinations the user sends from a menu rather than the keyboard, because the local system
 * would act on them itself (Ctrl+Alt+Del, Ctrl+Alt+F1 switching the local console, Alt+Tab, the
 * Windows key...). Scancodes are PC AT set 1, E0-prefixed keys as 0x100 | code. Pressed in
 * order, released in reverse.
 */
const CTRL = 0x1d;
const ALT = 0x38;
const TAB = 0x0f;
const DELETE = 0x153;
const BACKSPACE = 0x0e;
const PRINT_SCREEN = 0x137;
const SUPER = 0x15b;
const FUNCTION_KEYS = [0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x41, 0x42, 0x43, 0x44, 0x57, 0x58];

export interface KeyCombo {
  readonly label: string;
  readonly scancodes: readonly number[];
}

function functionKeyCombos(): Record<string, KeyCombo> {
  const combos: Record<string, KeyCombo> = {};
  FUNCTION_KEYS.forEach((scancode, index) => {
    combos[`ctrl-alt-f${index + 1}`] = { label: `Ctrl+Alt+F${index + 1}`, scancodes: [CTRL, ALT, scancode] };
  });
  return combos;
}

export const KEY_COMBOS: Readonly<Record<string, KeyCombo>> = {
  'ctrl-alt-del': { label: 'Ctrl+Alt+Del', scancodes: [CTRL, ALT, DELETE] },
  'ctrl-alt-backspace': { label: 'Ctrl+Alt+Backspace', scancodes: [CTRL, ALT, BACKSPACE] },
  'alt-tab': { label: 'Alt+Tab', scancodes: [ALT, TAB] },
  super: { label: 'Super (Windows key)', scancodes: [SUPER] },
  'print-screen': { label: 'Print Screen', scancodes: [PRINT_SCREEN] },
  ...functionKeyCombos(),
};

export function isKeyComboName(value: unknown): value is string {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(KEY_COMBOS, value);
}
