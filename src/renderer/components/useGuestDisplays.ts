import { useEffect, useMemo, useRef, useState } from 'react';
import type { SaffronApi, StatusEvent } from '../../shared/ipc';
import { cascadePlacement, DisplayWindows, type DisplayWindowOpener } from '../view/display-windows';
import { GuestResizeFollower, guestSizeFor } from '../view/guest-resize';
import type { MonitorLayout } from '../view/layout';
import type { Size, ViewMode } from '../view/view-scale';
import type { DisplaysMenuProps } from './DisplaysMenu';

/** Where the person's choice to let the guest follow the window is kept (per origin, both shells). */
const RESIZE_GUEST_KEY = 'saffron.resizeGuest';
/** The status bar's height: what a display's window needs beyond its monitor. */
const STATUS_BAR_HEIGHT = 40;

function loadResizeGuest(): boolean {
  try {
    return window.localStorage.getItem(RESIZE_GUEST_KEY) !== 'off';
  } catch {
    return true;
  }
}

function saveResizeGuest(on: boolean): void {
  try {
    window.localStorage.setItem(RESIZE_GUEST_KEY, on ? 'on' : 'off');
  } catch {
    // Storage refused (private mode): the choice lasts this window's life.
  }
}

export interface GuestDisplaysOptions {
  readonly api: SaffronApi;
  readonly status: StatusEvent;
  /** Every monitor the guest shows. */
  readonly layout: readonly MonitorLayout[];
  /** The display area's size in CSS pixels. */
  readonly area: Size;
  readonly viewMode: ViewMode;
  /** Set in a display's own window: the monitor it shows. */
  readonly windowMonitor: number | null;
  /** How a main window opens a window per guest display (null: it does not). */
  readonly openDisplayWindow: DisplayWindowOpener | null;
}

export interface GuestDisplaysView {
  /** The monitors this window shows. */
  readonly shown: readonly MonitorLayout[];
  /** Props for the Displays menu. */
  readonly menu: DisplaysMenuProps;
  /** The latest thing the host or the window manager said during this session, until dismissed. */
  readonly notice: string | null;
  readonly dismissNotice: () => void;
}

/**
 * The guest's displays as this window sees them: which monitors it shows (a display's window its
 * own; a main window those without a window of their own), the windows a main window opens for
 * the others, the guest's resolution following this window's size, and the Displays menu.
 */
export function useGuestDisplays({ api, status, layout, area, viewMode, windowMonitor, openDisplayWindow }: GuestDisplaysOptions): GuestDisplaysView {
  const [shownElsewhere, setShownElsewhere] = useState<ReadonlySet<number>>(new Set());
  const [maxAllowed, setMaxAllowed] = useState(0);
  const [resizeGuest, setResizeGuest] = useState(loadResizeGuest);
  const [notice, setNotice] = useState<string | null>(null);
  const connected = status.state === 'connected';

  // Another window of this app (a display's window, or the main one) switched following on or off.
  useEffect(() => {
    const changed = (event: StorageEvent): void => {
      if (event.key === RESIZE_GUEST_KEY) setResizeGuest(event.newValue !== 'off');
    };
    window.addEventListener('storage', changed);
    return () => window.removeEventListener('storage', changed);
  }, []);
  useEffect(
    () =>
      api.on('monitors', (event) => {
        if (event.displayId === 0 && event.maxAllowed !== undefined) setMaxAllowed(event.maxAllowed);
      }),
    [api],
  );
  // What the host says during the session (no agent to follow the window...) shows over the display.
  useEffect(() => api.on('notice', (event) => setNotice(event.message)), [api]);
  useEffect(() => {
    if (status.state === 'disconnected' || status.state === 'idle') {
      setMaxAllowed(0);
      setNotice(null);
    }
  }, [status.state]);

  const windows = useMemo(
    () =>
      openDisplayWindow
        ? new DisplayWindows({
            open: openDisplayWindow,
            onShownElsewhere: setShownElsewhere,
            notice: setNotice,
            placement: (monitor, size) => cascadePlacement({ left: window.screenX, top: window.screenY }, monitor, size, STATUS_BAR_HEIGHT),
          })
        : null,
    [openDisplayWindow],
  );

  // A main window opens a window for each monitor past the first, and closes those the guest dropped.
  useEffect(() => {
    if (!windows) return;
    if (!connected) {
      windows.closeAll();
      return;
    }
    const ratio = window.devicePixelRatio || 1;
    windows.sync(layout.map((m) => ({ monitor: m.inputDisplayId, width: Math.round(m.width / ratio), height: Math.round(m.height / ratio) })));
  }, [windows, layout, connected]);
  useEffect(() => () => windows?.closeAll(), [windows]);

  const shown = useMemo(
    () => (windowMonitor !== null ? layout.filter((m) => m.inputDisplayId === windowMonitor) : layout.filter((m) => !shownElsewhere.has(m.inputDisplayId))),
    [layout, windowMonitor, shownElsewhere],
  );

  // A display's window whose monitor the guest dropped has nothing left to show.
  const hadMonitor = useRef(false);
  useEffect(() => {
    if (windowMonitor === null) return;
    if (shown.length > 0) hadMonitor.current = true;
    else if (hadMonitor.current && connected) window.close();
  }, [windowMonitor, shown, connected]);
  useEffect(() => {
    if (windowMonitor !== null) document.title = `Remote display ${windowMonitor + 1} — Saffron`;
  }, [windowMonitor]);

  // The guest follows this window's size: only when it shows exactly one monitor.
  const target = useRef<number | null>(null);
  const follower = useMemo(() => new GuestResizeFollower((size) => {
    if (target.current !== null) api.resizeGuestDisplay(target.current, size.width, size.height);
  }), [api]);
  useEffect(() => () => follower.dispose(), [follower]);
  const monitor = shown.length === 1 ? shown[0].inputDisplayId : null;
  useEffect(() => {
    if (target.current !== monitor) follower.forget();
    target.current = monitor;
    follower.want(connected && resizeGuest && monitor !== null ? guestSizeFor(area, window.devicePixelRatio || 1, viewMode) : null);
  }, [follower, connected, resizeGuest, monitor, area, viewMode]);
  useEffect(() => {
    if (!connected) follower.forget();
  }, [follower, connected]);

  const enabled = useMemo(() => new Set(layout.map((m) => m.inputDisplayId)), [layout]);
  const count = Math.max(maxAllowed, ...layout.map((m) => m.inputDisplayId + 1));
  const shownHere = useMemo(() => new Set(windowMonitor === null ? shown.map((m) => m.inputDisplayId) : []), [shown, windowMonitor]);
  return {
    shown,
    notice,
    dismissNotice: () => setNotice(null),
    menu: {
      count: windowMonitor === null ? count : 0,
      enabled,
      shownHere,
      resizeGuest,
      onResizeGuest: (on) => {
        saveResizeGuest(on);
        if (on) follower.forget();
        setResizeGuest(on);
      },
      onEnable: (monitor, on) => api.setGuestDisplayEnabled(monitor, on),
      onOpenWindow: (monitor) => {
        const ratio = window.devicePixelRatio || 1;
        const m = layout.find((l) => l.inputDisplayId === monitor);
        if (m) windows?.reopen(monitor, Math.round(m.width / ratio), Math.round(m.height / ratio));
      },
    },
  };
}
