/**
 * Key combinations the user sends from a menu rather than the keyboard, because the local system
 * would act on them itself (Ctrl+Alt+Del, Ctrl+Alt+F1 switching the local console...). Scancodes
 * are PC AT set 1, E0-prefixed keys as 0x100 | code. Pressed in order, released in reverse.
 */
const CTRL = 0x1d;
const ALT = 0x38;
const DELETE = 0x153;
const BACKSPACE = 0x0e;
const PRINT_SCREEN = 0x137;
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
  'print-screen': { label: 'Print Screen', scancodes: [PRINT_SCREEN] },
  ...functionKeyCombos(),
};

export function isKeyComboName(value: unknown): value is string {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(KEY_COMBOS, value);
}

/** Presses the combination's keys in order and releases them in reverse, as fingers do. */
export function sendKeyCombo(combo: KeyCombo, keys: { keyDown(scancode: number): void; keyUp(scancode: number): void }): void {
  for (const scancode of combo.scancodes) keys.keyDown(scancode);
  for (const scancode of [...combo.scancodes].reverse()) keys.keyUp(scancode);
}
