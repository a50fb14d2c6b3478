import type { KeyCombo } from '../../shared/key-combos';

export { isKeyComboName, KEY_COMBOS, type KeyCombo } from '../../shared/key-combos';

/** Presses the combination's keys in order and releases them in reverse, as fingers do. */
export function sendKeyCombo(combo: KeyCombo, keys: { keyDown(scancode: number): void; keyUp(scancode: number): void }): void {
  for (const scancode of combo.scancodes) keys.keyDown(scancode);
  for (const scancode of [...combo.scancodes].reverse()) keys.keyUp(scancode);
}
