import type { MonitorArea } from '../../shared/ipc';
import type { GuestAgentState, GuestMonitorRequest } from './engine-session';

/** What the planner needs from a session: the agent's state and a way to send a configuration. */
export interface GuestDisplaysPort {
  agentState(): GuestAgentState;
  setGuestMonitors(monitors: readonly (GuestMonitorRequest | null)[]): void;
  /** Something for the person (said once per session at most, for a missing agent). */
  notice(message: string): void;
}

interface Size {
  readonly width: number;
  readonly height: number;
}

/** Monitors per configuration: SPICE heads are numbered 0-15 at most (ipc-validators.ts agrees). */
const MAX_GUEST_MONITORS = 16;

export const NO_AGENT_NOTICE = 'The guest has no agent (spice-vdagent), so its resolution cannot follow the window and its displays cannot be switched on or off.';

/**
 * The guest's monitors as the windows want them: one session's monitors configuration. Monitor
 * numbers are global, as spice-gtk numbers them: on display channel 0, the MONITORS_CONFIG head
 * id; display channel N > 0 is monitor N.
 *
 * Each window says how much room it has (`resize`) and the Displays list switches monitors on or
 * off (`setEnabled`); every change sends the whole list, built from what was asked for and, for
 * monitors nobody asked about, what the guest shows now — so one window's size never undoes
 * another's. Monitors are placed side by side, left to right, top-aligned. Nothing is sent when
 * the list would be the same as the last one sent: a guest that answers with a slightly different
 * size cannot start a loop. Without an agent nothing is sent and the person is told once; while
 * the agent is starting, the latest wish waits and goes out when it is ready.
 */
export class GuestDisplays {
  /** What windows and the Displays list asked for, per monitor: a size, or null for off. */
  private readonly wanted = new Map<number, Size | null>();
  /** What the guest shows now, per display channel (from MONITORS_CONFIG and primary surfaces). */
  private readonly heads = new Map<number, readonly MonitorArea[]>();
  private readonly surfaces = new Map<number, Size>();
  private readonly maxAllowed = new Map<number, number>();
  private lastSent: string | null = null;
  private pending = false;
  private toldNoAgent = false;

  constructor(private readonly port: GuestDisplaysPort) {}

  /** A display channel's primary surface (a channel without heads is one monitor of this size). */
  surfaceChanged(displayId: number, size: Size | null): void {
    if (size) this.surfaces.set(displayId, size);
    else this.surfaces.delete(displayId);
  }

  monitorsChanged(displayId: number, monitors: readonly MonitorArea[], maxAllowed?: number): void {
    this.heads.set(displayId, monitors);
    if (maxAllowed !== undefined) this.maxAllowed.set(displayId, maxAllowed);
  }

  /** How many monitors the guest can have: display 0's max_allowed, or one per display channel. */
  get monitorCount(): number {
    let count = Math.max(1, this.maxAllowed.get(0) ?? 1, this.current().length);
    for (const displayId of this.surfaces.keys()) count = Math.max(count, displayId + 1);
    return Math.min(count, MAX_GUEST_MONITORS);
  }

  /** The window showing `monitor` has this much room (device pixels). */
  resize(monitor: number, width: number, height: number): void {
    this.wanted.set(monitor, { width, height });
    this.send();
  }

  /** The Displays list (or a closed window) switches a monitor on or off. */
  setEnabled(monitor: number, enabled: boolean): void {
    if (enabled) {
      if (this.current()[monitor]) return;
      const wanted = this.wanted.get(monitor);
      // A monitor switched on gets the size it had, else the first monitor's (as asked for, or as shown).
      this.wanted.set(monitor, wanted ?? this.wanted.get(0) ?? this.current()[0] ?? { width: 1024, height: 768 });
    } else {
      if (monitor === 0 && !this.current().some((size, index) => index > 0 && size)) return;
      this.wanted.set(monitor, null);
    }
    this.send();
  }

  /**
   * The agent's state changed: a wish that waited goes out now, and an agent that (re)started
   * hears the windows' wishes again (a restarted guest agent knows nothing of them).
   */
  agentChanged(state: GuestAgentState): void {
    if (state !== 'ready' || (!this.pending && this.wanted.size === 0)) return;
    this.lastSent = null;
    this.send();
  }

  /** The monitors list to send: wishes over the guest's current state, side by side. */
  plan(): (GuestMonitorRequest | null)[] {
    const current = this.current();
    const count = Math.max(current.length, ...[...this.wanted.keys()].map((monitor) => monitor + 1));
    const sizes: (Size | null)[] = [];
    for (let monitor = 0; monitor < count; monitor++) {
      const wanted = this.wanted.get(monitor);
      sizes.push(wanted !== undefined ? wanted : (current[monitor] ?? null));
    }
    let x = 0;
    return sizes.map((size) => {
      if (!size) return null;
      const placed = { width: size.width, height: size.height, x, y: 0 };
      x += size.width;
      return placed;
    });
  }

  /** The guest's monitors now, by global number (null: off or unknown). */
  private current(): (Size | null)[] {
    const sizes: (Size | null)[] = [];
    for (const [displayId, surface] of this.surfaces) {
      const heads = (this.heads.get(displayId) ?? []).filter((head) => head.width > 0 && head.height > 0);
      if (displayId === 0 && heads.length > 0) {
        for (const head of heads) sizes[head.monitorId] = { width: head.width, height: head.height };
      } else {
        sizes[displayId] = { width: surface.width, height: surface.height };
      }
    }
    return Array.from({ length: sizes.length }, (_, index) => sizes[index] ?? null);
  }

  private send(): void {
    const state = this.port.agentState();
    if (state === 'absent') {
      this.pending = false;
      if (!this.toldNoAgent) {
        this.toldNoAgent = true;
        this.port.notice(NO_AGENT_NOTICE);
      }
      return;
    }
    if (state === 'pending') {
      this.pending = true;
      return;
    }
    this.pending = false;
    const plan = this.plan();
    if (!plan.some((monitor) => monitor !== null)) return;
    const key = JSON.stringify(plan);
    if (key === this.lastSent) return;
    this.lastSent = key;
    this.port.setGuestMonitors(plan);
  }
}
