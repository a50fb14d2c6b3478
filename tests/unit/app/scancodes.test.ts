import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KeyboardState } from '../../../src/renderer/input/keyboard';
import { spiceButtonFor, toGuestPixel, WheelAccumulator } from '../../../src/renderer/input/mouse';
import { PAUSE_SCANCODE, scancodeForCode, SCANCODES } from '../../../src/renderer/input/scancodes';
import { isValidScancode } from '../../../src/shared/ipc';

test('known set-1 codes', () => {
  const expected: Record<string, number> = {
    KeyA: 0x1e,
    KeyZ: 0x2c,
    Enter: 0x1c,
    Escape: 0x01,
    Space: 0x39,
    ShiftLeft: 0x2a,
    ShiftRight: 0x36,
    ControlLeft: 0x1d,
    ControlRight: 0x11d,
    AltLeft: 0x38,
    AltRight: 0x138,
    MetaLeft: 0x15b,
    MetaRight: 0x15c,
    ArrowUp: 0x148,
    ArrowDown: 0x150,
    ArrowLeft: 0x14b,
    ArrowRight: 0x14d,
    Delete: 0x153,
    Home: 0x147,
    NumpadEnter: 0x11c,
    NumpadDivide: 0x135,
    PrintScreen: 0x137,
    Pause: 0x21d,
    F1: 0x3b,
    F10: 0x44,
    F11: 0x57,
    F12: 0x58,
    IntlBackslash: 0x56,
    Backquote: 0x29,
    CapsLock: 0x3a,
    NumLock: 0x45,
    Numpad0: 0x52,
  };
  for (const [code, scancode] of Object.entries(expected)) assert.equal(scancodeForCode(code), scancode, code);
  assert.equal(PAUSE_SCANCODE, 0x21d);
});

test('every code is one the IPC contract accepts, and no two physical keys share one', () => {
  const aliases = new Set(['OSLeft', 'OSRight']);
  const seen = new Map<number, string>();
  for (const [code, scancode] of Object.entries(SCANCODES)) {
    assert.ok(isValidScancode(scancode), `${code}: 0x${scancode.toString(16)}`);
    if (aliases.has(code)) continue;
    assert.equal(seen.get(scancode), undefined, `${code} and ${seen.get(scancode)} share 0x${scancode.toString(16)}`);
    seen.set(scancode, code);
  }
  // The whole alphabet and digit row are there.
  for (const letter of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') assert.ok(scancodeForCode(`Key${letter}`));
  for (let digit = 0; digit <= 9; digit++) assert.ok(scancodeForCode(`Digit${digit}`));
  for (let f = 1; f <= 24; f++) assert.ok(scancodeForCode(`F${f}`), `F${f}`);
  assert.equal(scancodeForCode('Fn'), undefined);
  assert.equal(scancodeForCode('toString'), undefined);
});

test('the keyboard releases what it pressed, and everything on blur', () => {
  const sent: string[] = [];
  const keyboard = new KeyboardState({ keyDown: (s) => sent.push(`+${s.toString(16)}`), keyUp: (s) => sent.push(`-${s.toString(16)}`) });
  assert.equal(keyboard.down('ControlLeft'), true);
  assert.equal(keyboard.down('KeyA'), true);
  assert.equal(keyboard.down('KeyA'), true); // auto-repeat
  assert.equal(keyboard.up('KeyA'), true);
  assert.equal(keyboard.up('KeyB'), true); // pressed before we had focus: not sent
  assert.equal(keyboard.down('Unidentified'), false);
  keyboard.down('AltRight');
  keyboard.releaseAll();
  assert.deepEqual(sent, ['+1d', '+1e', '+1e', '-1e', '+138', '-1d', '-138']);
  assert.equal(keyboard.pressedCount, 0);
});

test('mouse: positions scale from CSS to guest pixels and clamp; buttons map to SPICE; wheel adds up', () => {
  const box = { left: 100, top: 50, width: 512, height: 384 };
  assert.deepEqual(toGuestPixel(100, 50, box, 1024, 768), { x: 0, y: 0 });
  assert.deepEqual(toGuestPixel(356, 242, box, 1024, 768), { x: 512, y: 384 });
  assert.deepEqual(toGuestPixel(2000, -10, box, 1024, 768), { x: 1023, y: 0 });
  assert.deepEqual(toGuestPixel(110.6, 60.2, { left: 100, top: 50, width: 1024, height: 768 }, 1024, 768), { x: 10, y: 10 });
  assert.deepEqual([0, 1, 2, 3, 4, 5].map(spiceButtonFor), [1, 2, 3, 6, 7, undefined]);
  const wheel = new WheelAccumulator();
  assert.equal(wheel.add(100, 0), 1);
  assert.equal(wheel.add(-30, 0), 0);
  assert.equal(wheel.add(-30, 0), 0);
  assert.equal(wheel.add(-50, 0), -1);
  assert.equal(wheel.add(3, 1), 1);
  assert.equal(wheel.add(-1, 2), -1);
});
