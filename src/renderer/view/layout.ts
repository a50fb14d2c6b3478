import type { MonitorArea } from '../../shared/ipc';

/** One monitor as the window shows it: a part of one display channel's primary surface. */
export interface MonitorLayout {
  /** Stable across updates, for React keys. */
  readonly key: string;
  /** The display channel. */
  readonly displayId: number;
  readonly surfaceId: number;
  /** The area of the surface this monitor shows. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** What MOUSE_POSITION calls this monitor (spice-gtk: the monitor id on channel 0, else the channel id). */
  readonly inputDisplayId: number;
  /** The accessible name: "Remote display", or "Remote display 1", "2"... with several. */
  readonly name: string;
}

export interface ShownSurface {
  readonly displayId: number;
  readonly surfaceId: number;
  readonly width: number;
  readonly height: number;
}

/**
 * The monitors to show: per display channel (in id order) its MONITORS_CONFIG heads, or the
 * whole primary surface when the server sent none (or heads that do not fit the surface).
 */
export function layoutMonitors(surfaces: ReadonlyMap<number, ShownSurface>, monitors: ReadonlyMap<number, readonly MonitorArea[]>): MonitorLayout[] {
  const parts: Omit<MonitorLayout, 'name'>[] = [];
  for (const displayId of [...surfaces.keys()].sort((a, b) => a - b)) {
    const surface = surfaces.get(displayId)!;
    const heads = (monitors.get(displayId) ?? []).filter((m) => m.x + m.width <= surface.width && m.y + m.height <= surface.height);
    const chosen = heads.length > 0 ? [...heads].sort((a, b) => a.monitorId - b.monitorId) : [{ monitorId: 0, x: 0, y: 0, width: surface.width, height: surface.height }];
    for (const head of chosen) {
      parts.push({
        key: `${displayId}:${head.monitorId}`,
        displayId,
        surfaceId: surface.surfaceId,
        x: head.x,
        y: head.y,
        width: head.width,
        height: head.height,
        inputDisplayId: displayId === 0 ? head.monitorId : displayId,
      });
    }
  }
  return parts.map((part, index) => ({ ...part, name: parts.length === 1 ? 'Remote display' : `Remote display ${index + 1}` }));
}
