import { scancodeForCode } from './scancodes';

export interface KeySink {
  keyDown(scancode: number): void;
  keyUp(scancode: number): void;
}

/**
 * Which keys we pressed in the guest, so that every press gets its release — on key up, and
 * all at once when the display loses focus (otherwise a Ctrl held while alt-tabbing away stays
 * down in the guest).
 */
export class KeyboardState {
  private readonly pressed = new Map<string, number>();

  constructor(private readonly sink: KeySink) {}

  /** Returns whether the key is one the guest receives (the caller then prevents the default). */
  down(code: string): boolean {
    const scancode = scancodeForCode(code);
    if (scancode === undefined) return false;
    // Auto-repeat sends the press again, as a real keyboard's typematic repeat does.
    this.pressed.set(code, scancode);
    this.sink.keyDown(scancode);
    return true;
  }

  up(code: string): boolean {
    const scancode = scancodeForCode(code);
    if (scancode === undefined) return false;
    // A key pressed before the display had focus was never sent down; its release is not sent either.
    if (this.pressed.delete(code)) this.sink.keyUp(scancode);
    return true;
  }

  releaseAll(): void {
    for (const scancode of this.pressed.values()) this.sink.keyUp(scancode);
    this.pressed.clear();
  }

  get pressedCount(): number {
    return this.pressed.size;
  }
}
