// Types text into a page as a person does on a US keyboard: Shift held down for capitals and
// shifted symbols (Playwright's keyboard.type sends characters without any Shift key events, so
// a client that sends scancodes — as SPICE needs — would type lower case and digits only).
import type { Page } from 'playwright-core';

const UNSHIFTED: Readonly<Record<string, string>> = {
  '`': 'Backquote', '-': 'Minus', '=': 'Equal', '[': 'BracketLeft', ']': 'BracketRight', '\\': 'Backslash',
  ';': 'Semicolon', "'": 'Quote', ',': 'Comma', '.': 'Period', '/': 'Slash', ' ': 'Space', '\n': 'Enter',
};
const SHIFTED: Readonly<Record<string, string>> = {
  '~': 'Backquote', '!': 'Digit1', '@': 'Digit2', '#': 'Digit3', $: 'Digit4', '%': 'Digit5', '^': 'Digit6', '&': 'Digit7',
  '*': 'Digit8', '(': 'Digit9', ')': 'Digit0', _: 'Minus', '+': 'Equal', '{': 'BracketLeft', '}': 'BracketRight', '|': 'Backslash',
  ':': 'Semicolon', '"': 'Quote', '<': 'Comma', '>': 'Period', '?': 'Slash',
};

/** The physical key (KeyboardEvent.code) and whether Shift is held, for one character. */
export function keyFor(char: string): { code: string; shift: boolean } {
  if (/^[a-z]$/.test(char)) return { code: `Key${char.toUpperCase()}`, shift: false };
  if (/^[A-Z]$/.test(char)) return { code: `Key${char}`, shift: true };
  if (/^[0-9]$/.test(char)) return { code: `Digit${char}`, shift: false };
  if (UNSHIFTED[char]) return { code: UNSHIFTED[char], shift: false };
  if (SHIFTED[char]) return { code: SHIFTED[char], shift: true };
  throw new Error(`no US-keyboard key types ${JSON.stringify(char)}`);
}

/** Presses Shift (left) around each shifted character, and releases it before unshifted ones. */
export async function typeAsPerson(page: Page, text: string): Promise<void> {
  let shiftDown = false;
  for (const char of text) {
    const { code, shift } = keyFor(char);
    if (shift !== shiftDown) {
      if (shift) await page.keyboard.down('ShiftLeft');
      else await page.keyboard.up('ShiftLeft');
      shiftDown = shift;
    }
    await page.keyboard.press(code);
  }
  if (shiftDown) await page.keyboard.up('ShiftLeft');
}
