// Windows per guest display in the Electron shell, free of Electron itself: which window.open
// calls become a display's window, and where each goes on the local screens.
import { isAppUrl } from './window-security';

/** Guest monitors are numbered 0-15 (shared/ipc-validators.ts). */
const MAX_MONITOR = 15;

export interface ScreenArea {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export type WindowBounds = ScreenArea;

/**
 * The guest monitor a window.open call asks a window for: our own page with `?monitor=N`
 * (renderer/view/window-role.ts builds it) and nothing else; null for anything else (denied).
 */
export function displayWindowMonitor(url: string): number | null {
  if (!isAppUrl(url)) return null;
  const parsed = new URL(url);
  if (parsed.pathname !== '/index.html' && parsed.pathname !== '/') return null;
  const keys = [...parsed.searchParams.keys()];
  const monitor = parsed.searchParams.get('monitor');
  if (keys.length !== 1 || monitor === null || !/^\d{1,2}$/.test(monitor) || Number(monitor) > MAX_MONITOR) return null;
  // Monitor 0 is the main window's own.
  return Number(monitor) > 0 ? Number(monitor) : null;
}

/** The size window.open asked for ("popup,left=..,width=..,height=.."), or null. */
export function requestedSize(features: string): { width: number; height: number } | null {
  const values = new Map<string, number>();
  for (const part of features.split(',')) {
    const [name, value] = part.split('=').map((s) => s.trim().toLowerCase());
    if (value !== undefined && /^\d{1,5}$/.test(value)) values.set(name, Number(value));
  }
  const width = values.get('width');
  const height = values.get('height');
  return width !== undefined && height !== undefined && width > 0 && height > 0 ? { width, height } : null;
}

/**
 * Where the window of guest monitor `monitor` goes: on local screen N when there are enough
 * screens (monitor 2 on the second screen, as remote-viewer places them), at that screen's
 * top-left corner; else cascaded from the first screen's corner. Its size is what the page asked
 * for (the guest monitor plus the status bar), within the screen's work area.
 */
export function placeDisplayWindow(monitor: number, size: { width: number; height: number } | null, screens: readonly ScreenArea[]): WindowBounds {
  const fallback: ScreenArea = { x: 0, y: 0, width: 1280, height: 800 };
  const screen = screens[monitor] ?? screens[0] ?? fallback;
  const cascade = screens[monitor] ? 0 : 40 * monitor;
  const width = Math.max(200, Math.min(size?.width ?? 1024, screen.width - cascade));
  const height = Math.max(150, Math.min(size?.height ?? 808, screen.height - cascade));
  return { x: screen.x + cascade, y: screen.y + cascade, width, height };
}
