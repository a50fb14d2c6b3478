import { encodeMonitorsConfig, MonitorsConfigFlag, type AgentMonitor } from '../../core/protocol/agent-messages';

/** Where one guest monitor should be, in guest pixels; the guest's top-left monitor is at 0,0. */
export interface MonitorLayout {
  readonly width: number;
  readonly height: number;
  readonly x: number;
  readonly y: number;
}

/** Largest side we ask a guest for (QXL and virtio-gpu stop well below this). */
export const MAX_MONITOR_SIDE = 16384;

export class MonitorsConfigError extends Error {
  override readonly name = 'MonitorsConfigError';
}

/**
 * Builds the MONITORS_CONFIG payload for a list indexed by monitor id, where null disables that
 * monitor. With SPARSE_MONITORS_CONFIG the agent reads the list by position (a disabled entry is
 * 0×0); without it only enabled monitors are listed, so the guest cannot disable one in the middle.
 */
export function buildMonitorsConfig(monitors: readonly (MonitorLayout | null)[], sparse: boolean): Uint8Array {
  if (monitors.length === 0) throw new MonitorsConfigError('at least one monitor is needed');
  if (!monitors.some((m) => m !== null)) throw new MonitorsConfigError('at least one monitor must be enabled');
  const entries: AgentMonitor[] = [];
  for (const [index, monitor] of monitors.entries()) {
    if (monitor === null) {
      if (sparse) entries.push({ width: 0, height: 0, x: 0, y: 0 });
      continue;
    }
    const width = Math.round(monitor.width);
    const height = Math.round(monitor.height);
    if (!(width > 0 && height > 0 && width <= MAX_MONITOR_SIDE && height <= MAX_MONITOR_SIDE)) {
      throw new MonitorsConfigError(`monitor ${index}: size ${monitor.width}x${monitor.height} is not between 1 and ${MAX_MONITOR_SIDE} pixels`);
    }
    const x = Math.round(monitor.x);
    const y = Math.round(monitor.y);
    if (!Number.isSafeInteger(x) || !Number.isSafeInteger(y) || Math.abs(x) > 0x7fffffff || Math.abs(y) > 0x7fffffff) {
      throw new MonitorsConfigError(`monitor ${index}: position ${monitor.x},${monitor.y} is out of range`);
    }
    entries.push({ width, height, x, y, depth: 32 });
  }
  return encodeMonitorsConfig(entries, MonitorsConfigFlag.USE_POS);
}

/** Monitors side by side, left to right, top-aligned: what a window per monitor usually wants. */
export function monitorsSideBySide(sizes: readonly ({ width: number; height: number } | null)[]): (MonitorLayout | null)[] {
  let x = 0;
  return sizes.map((size) => {
    if (size === null) return null;
    const layout = { width: size.width, height: size.height, x, y: 0 };
    x += Math.round(size.width);
    return layout;
  });
}
