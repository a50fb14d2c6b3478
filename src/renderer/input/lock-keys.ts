/**
 * Keeps the guest's lock keys (Caps, Num, Scroll) in step with the local keyboard, as spice-gtk
 * does: the server tells us the guest's state (inputs INIT and KEY_MODIFIERS); before a key goes
 * to the guest we compare it with the local state the key event reports, and when they differ we
 * set the guest's (SPICE_MSGC_INPUTS_KEY_MODIFIERS; the server presses the lock keys for us).
 */
export const LockBits = { SCROLL: 1, NUM: 2, CAPS: 4 } as const;

const LOCK_KEY_BITS: Readonly<Record<string, number>> = {
  CapsLock: LockBits.CAPS,
  NumLock: LockBits.NUM,
  ScrollLock: LockBits.SCROLL,
};

/** The lock state a key event reports (KeyboardEvent.getModifierState). */
export interface LockStateSource {
  getModifierState(key: 'CapsLock' | 'NumLock' | 'ScrollLock'): boolean;
}

export function localLockBits(event: LockStateSource): number {
  return (event.getModifierState('CapsLock') ? LockBits.CAPS : 0) | (event.getModifierState('NumLock') ? LockBits.NUM : 0) | (event.getModifierState('ScrollLock') ? LockBits.SCROLL : 0);
}

export class LockKeySync {
  /** What we believe the guest has; null until the server said. */
  private guest: number | null = null;
  /** The local state the last key or focus event reported; null until one did. */
  private local: number | null = null;

  constructor(private readonly setGuest: (modifiers: number) => void) {}

  /**
   * The server reported the guest's state. Its first report (inputs INIT) may come after the
   * person already clicked or typed: the guest is corrected at once then, as spice-gtk does when
   * the inputs channel opens, so no key goes out under the wrong Caps Lock. Later reports are
   * the guest's own changes and are only corrected before the next key.
   */
  guestReported(modifiers: number): void {
    const first = this.guest === null;
    this.guest = modifiers & 7;
    if (first && this.local !== null) this.sync(this.local);
  }

  /**
   * Called for each key press before it is sent. A lock key toggles the guest's state itself (we
   * expect the toggle); for any other key, a guest state that differs from `local` is corrected.
   */
  beforeKeyDown(code: string, local: number): void {
    this.local = local & 7;
    if (this.guest === null) return;
    const lockBit = LOCK_KEY_BITS[code];
    if (lockBit !== undefined) {
      this.guest ^= lockBit;
      return;
    }
    this.sync(local);
  }

  /** Corrects the guest when it differs (also when the display gains focus). */
  sync(local: number): void {
    this.local = local & 7;
    if (this.guest === null || this.guest === (local & 7)) return;
    this.guest = local & 7;
    this.setGuest(this.guest);
  }

  reset(): void {
    this.guest = null;
    this.local = null;
  }
}
