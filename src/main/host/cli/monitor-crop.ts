import type { Head } from '../../../core/protocol/display-messages';
import type { Session } from '../../session/session';
import { SessionError } from '../../session/session-error';

/** One guest monitor's pixels: a rectangle of a display channel's surface. */
export interface MonitorView {
  readonly width: number;
  readonly height: number;
  /** The surface's pixels, the rectangle starting at `offset`, rows `stride` words apart. */
  readonly pixels: Uint32Array;
  readonly offset: number;
  readonly stride: number;
}

/**
 * Keeps the latest MONITORS_CONFIG of every display channel, and numbers the guest's monitors
 * as spice-gtk does: by display channel, then by monitor id within it (one channel with several
 * heads, as QXL with QXL_NUM_HEADS, or one channel per monitor). Heads of size 0 are disabled.
 */
export class MonitorTracker {
  private readonly heads = new Map<number, Head[]>();

  constructor(session: Session) {
    session.on('monitors', ({ display, heads }) => this.heads.set(display.id, heads));
  }

  /** Enabled monitors in order: [display channel id, head]. */
  monitors(): [number, Head][] {
    const out: [number, Head][] = [];
    for (const id of [...this.heads.keys()].sort((a, b) => a - b)) {
      const heads = this.heads.get(id)!.filter((h) => h.width > 0 && h.height > 0);
      for (const head of [...heads].sort((a, b) => a.monitorId - b.monitorId)) out.push([id, head]);
    }
    return out;
  }

  /** Monitor `index`'s pixels; without any MONITORS_CONFIG, monitor 0 is the whole primary surface. */
  view(session: Session, index: number): MonitorView {
    const monitors = this.monitors();
    if (monitors.length === 0) {
      const surface = session.primarySurface;
      if (index !== 0 || !surface) throw new SessionError('unsupported', `the guest reports no monitor ${index} (it sent no monitors configuration)`);
      return { width: surface.width, height: surface.height, pixels: surface.pixels, offset: 0, stride: surface.width };
    }
    const entry = monitors[index];
    if (!entry) throw new SessionError('unsupported', `the guest has no monitor ${index}: it shows ${monitors.length} (numbered from 0)`);
    const [displayId, head] = entry;
    const surface = session.displays.get(displayId)?.surfaces.get(head.surfaceId);
    if (!surface) throw new SessionError('protocol', `monitor ${index} is on surface ${head.surfaceId} of display ${displayId}, which does not exist`);
    if (head.x + head.width > surface.width || head.y + head.height > surface.height) {
      throw new SessionError('protocol', `monitor ${index} (${head.width}x${head.height}+${head.x}+${head.y}) lies outside its ${surface.width}x${surface.height} surface`);
    }
    return { width: head.width, height: head.height, pixels: surface.pixels, offset: head.y * surface.width + head.x, stride: surface.width };
  }
}
