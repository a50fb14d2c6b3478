import { BufferReader } from './buffer-reader';
import { BufferWriter } from './buffer-writer';

/** Inputs-channel messages (spice.proto, InputsChannel). */

/**
 * KEY_DOWN / KEY_UP: uint32 code. The code packs the PC AT set-1 scancode bytes little-endian:
 * a plain key is its scan byte; an E0-prefixed key is 0xE0 | scan << 8. Releases set bit 7 of
 * the scan byte (the set-1 break code).
 */
export function encodeKeyCode(scancode: number, release: boolean): Uint8Array {
  const extended = scancode > 0xff;
  const scan = (scancode & 0x7f) | (release ? 0x80 : 0);
  const code = extended ? 0xe0 | (scan << 8) : scan;
  return new BufferWriter(4).u32(code).finish();
}

/** KEY_MODIFIERS: uint16 modifiers (SCROLL_LOCK = 1, NUM_LOCK = 2, CAPS_LOCK = 4). */
export function encodeKeyModifiers(modifiers: number): Uint8Array {
  return new BufferWriter(2).u16(modifiers).finish();
}
export function parseKeyModifiers(body: Uint8Array): number {
  return new BufferReader(body, 0, 'KEY_MODIFIERS').u16('modifiers');
}

/** MOUSE_POSITION: uint32 x, uint32 y, uint16 buttons_state, uint8 display_id. */
export function encodeMousePosition(x: number, y: number, buttons: number, displayId: number): Uint8Array {
  return new BufferWriter(11).u32(Math.max(0, Math.round(x))).u32(Math.max(0, Math.round(y))).u16(buttons).u8(displayId).finish();
}

/** MOUSE_MOTION: int32 dx, int32 dy, uint16 buttons_state. */
export function encodeMouseMotion(dx: number, dy: number, buttons: number): Uint8Array {
  return new BufferWriter(10).i32(Math.round(dx)).i32(Math.round(dy)).u16(buttons).finish();
}

/** MOUSE_PRESS / MOUSE_RELEASE: uint8 button, uint16 buttons_state. */
export function encodeMouseButton(button: number, buttons: number): Uint8Array {
  return new BufferWriter(3).u8(button).u16(buttons).finish();
}
