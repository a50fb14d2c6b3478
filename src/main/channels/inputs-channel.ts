import { InputsMsg, InputsMsgc, MOUSE_MOTION_ACK_BUNCH } from '../../core/protocol/constants';
import type { SpiceMessage } from '../../core/protocol/framing';
import {
  encodeKeyCode,
  encodeKeyModifiers,
  encodeMouseButton,
  encodeMouseMotion,
  encodeMousePosition,
  parseKeyModifiers,
  PAUSE_SCANCODES,
} from '../../core/protocol/inputs-messages';
import { Channel, type ChannelContext, type ChannelObserver } from './channel';

/** Mouse buttons as SPICE numbers them (spice.proto mouse_button); the state mask bit is 1 << (button - 1). */
export const MouseButton = { LEFT: 1, MIDDLE: 2, RIGHT: 3, UP: 4, DOWN: 5, SIDE: 6, EXTRA: 7 } as const;

/**
 * Input made while this channel links waits for it, up to this many messages. The display can
 * show before the inputs channel is up (they link side by side), and a click made on the first
 * picture must land; past the limit (a link that hangs) input is dropped, never queued unbounded.
 */
const HELD_INPUT_LIMIT = 256;

/**
 * The inputs channel: keys as scancodes and the mouse. The server acknowledges motion every
 * 4 messages; like spice-gtk we keep at most 8 unacknowledged and coalesce the rest, so a fast
 * mouse never floods a slow link — the latest position is sent when the ack arrives.
 */
export class InputsChannel extends Channel {
  keyModifiers = 0;
  private buttons = 0;
  private motionInFlight = 0;
  /** Send times (ms) of motion messages not yet acknowledged, oldest first. */
  private readonly motionSentAt: number[] = [];
  /**
   * The latest round trip to the server's input handling: the server acknowledges every 4th motion
   * message, so this is the time from sending that 4th message to its MOUSE_MOTION_ACK.
   */
  lastRoundTripMs: number | null = null;
  private pendingPosition: { x: number; y: number; displayId: number } | null = null;
  private pendingMotion: { dx: number; dy: number } | null = null;
  /** Messages made before the link finished, sent in order once it has. */
  private heldInput: { type: number; body: Uint8Array }[] = [];

  constructor(context: ChannelContext, observer: ChannelObserver, private readonly onModifiers: (modifiers: number) => void) {
    super(3, 0, context, observer);
  }

  protected channelCaps(): number[] {
    return [];
  }

  keyDown(scancode: number): void {
    for (const code of this.expand(scancode)) this.sendOrHold(InputsMsgc.KEY_DOWN, encodeKeyCode(code, false));
  }

  keyUp(scancode: number): void {
    for (const code of this.expand(scancode)) this.sendOrHold(InputsMsgc.KEY_UP, encodeKeyCode(code, true));
  }

  /** Pause (0x21d) goes out as the two codes a real keyboard sends, as spice-gtk does. */
  private expand(scancode: number): readonly number[] {
    return scancode === PAUSE_SCANCODES[0] ? PAUSE_SCANCODES : [scancode];
  }

  setKeyModifiers(modifiers: number): void {
    this.sendOrHold(InputsMsgc.KEY_MODIFIERS, encodeKeyModifiers(modifiers));
  }

  mousePosition(x: number, y: number, displayId = 0): void {
    this.pendingPosition = { x, y, displayId };
    this.flushMotion();
  }

  mouseMotion(dx: number, dy: number): void {
    const pending = this.pendingMotion ?? { dx: 0, dy: 0 };
    this.pendingMotion = { dx: pending.dx + dx, dy: pending.dy + dy };
    this.flushMotion();
  }

  mouseButton(button: number, pressed: boolean): void {
    // A button event must follow the latest position, or a click lands where the pointer was.
    this.flushMotion(true);
    const bit = 1 << (button - 1);
    this.buttons = pressed ? this.buttons | bit : this.buttons & ~bit;
    this.sendOrHold(pressed ? InputsMsgc.MOUSE_PRESS : InputsMsgc.MOUSE_RELEASE, encodeMouseButton(button, this.buttons));
  }

  private flushMotion(force = false): void {
    if (!force && this.motionInFlight >= MOUSE_MOTION_ACK_BUNCH * 2) return;
    if (this.pendingPosition) {
      const { x, y, displayId } = this.pendingPosition;
      this.pendingPosition = null;
      if (this.sendOrHold(InputsMsgc.MOUSE_POSITION, encodeMousePosition(x, y, this.buttons, displayId))) this.noteMotionSent();
    }
    if (this.pendingMotion) {
      const { dx, dy } = this.pendingMotion;
      this.pendingMotion = null;
      if (this.sendOrHold(InputsMsgc.MOUSE_MOTION, encodeMouseMotion(dx, dy, this.buttons))) this.noteMotionSent();
    }
  }

  /** Sends now, or holds the message while the channel links; false: dropped (closed, or too much held). */
  private sendOrHold(type: number, body: Uint8Array): boolean {
    if (this.state === 'ready') {
      this.send(type, body);
      return true;
    }
    if (this.state === 'closed' || this.heldInput.length >= HELD_INPUT_LIMIT) return false;
    this.heldInput.push({ type, body });
    return true;
  }

  protected override onReady(): void {
    const held = this.heldInput;
    this.heldInput = [];
    for (const { type, body } of held) this.send(type, body);
    // Held motion leaves now: its round trip starts now, not when it was made.
    this.motionSentAt.fill(performance.now());
  }

  private noteMotionSent(): void {
    this.motionInFlight++;
    this.motionSentAt.push(performance.now());
  }

  protected handleMessage(message: SpiceMessage): void {
    switch (message.type) {
      case InputsMsg.INIT:
      case InputsMsg.KEY_MODIFIERS:
        // INIT and KEY_MODIFIERS: uint16 keyboard_modifiers (the guest's lock-key state).
        this.keyModifiers = parseKeyModifiers(message.body);
        this.onModifiers(this.keyModifiers);
        return;
      case InputsMsg.MOUSE_MOTION_ACK:
        this.motionInFlight = Math.max(0, this.motionInFlight - MOUSE_MOTION_ACK_BUNCH);
        if (this.motionSentAt.length >= MOUSE_MOTION_ACK_BUNCH) {
          this.lastRoundTripMs = performance.now() - this.motionSentAt[MOUSE_MOTION_ACK_BUNCH - 1];
          this.motionSentAt.splice(0, MOUSE_MOTION_ACK_BUNCH);
        } else {
          this.motionSentAt.length = 0;
        }
        this.flushMotion();
        return;
      default:
        this.context.log.debug(`inputs channel: ignoring message type ${message.type}`);
    }
  }
}
