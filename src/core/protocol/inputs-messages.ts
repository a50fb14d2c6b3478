import { BufferReader } from './buffer-reader';
import { BufferWriter } from './buffer-writer';

/** Inputs-channel messages (spice.proto, InputsChannel). */

/**
 * KEY_DOWN / KEY_UP: uint32 code. The code packs the PC AT set-1 scancode bytes little-endian.
 * Our scancodes name prefixed keys as spice-gtk does: 0x100 | scan for an E0 prefix, 0x200 | scan
 * for E1 (only Pause's first half, E1 1D). A plain key is its scan byte; a prefixed one is
 * prefix | scan << 8. Releases set bit 7 of the scan byte (the set-1 break code).
 */
export function encodeKeyCode(scancode: number, release: boolean): Uint8Array {
  const key = (scancode & 0x37f) | (release ? 0x80 : 0);
  const code = key < 0x100 ? key : (0xe0 | ((key >> 8) - 1)) | ((key & 0xff) << 8);
  return new BufferWriter(4).u32(code).finish();
}

/** Pause has no break code of its own: a keyboard sends E1 1D 45 on press and E1 9D C5 on release. */
export const PAUSE_SCANCODES = [0x21d, 0x45] as const;

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
