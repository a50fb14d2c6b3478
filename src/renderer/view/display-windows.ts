/** Where a display's window should appear and how big its display area is, in CSS pixels. */
export interface WindowPlacement {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** What the main window needs of another window it opened: whether it is still open, and closing it. */
export interface OpenedWindow {
  readonly closed: boolean;
  close(): void;
}

/** Opens a window showing guest monitor `monitor` of this session; null when the browser refused (pop-ups blocked). */
export type DisplayWindowOpener = (monitor: number, placement: WindowPlacement) => OpenedWindow | null;

export interface DisplayWindowsOptions {
  readonly open: DisplayWindowOpener;
  /** The monitors shown in windows of their own changed (the main window shows the others). */
  readonly onShownElsewhere: (monitors: ReadonlySet<number>) => void;
  readonly notice: (message: string) => void;
  /** Where the n-th extra window goes (cascaded from the main window by default). */
  readonly placement: (monitor: number, size: { width: number; height: number }) => WindowPlacement;
}

/**
 * One window per guest monitor, as remote-viewer has: the main window shows monitor 1 and this
 * opens a window for every other monitor the guest shows, and closes it when the guest drops
 * that monitor. A window the person closed is not opened again until its monitor goes away and
 * comes back (its host switches the monitor off in the guest, as remote-viewer does); a window the
 * browser refused leaves its monitor in the main window, with one notice.
 */
export class DisplayWindows {
  private readonly windows = new Map<number, OpenedWindow>();
  /** Monitors whose window the person closed, or the browser refused: shown in the main window. */
  private readonly declined = new Set<number>();
  private toldBlocked = false;
  private poll: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly options: DisplayWindowsOptions) {}

  /** The guest's monitors now (number and size, CSS pixels): opens and closes windows to match. */
  sync(monitors: readonly { monitor: number; width: number; height: number }[]): void {
    const present = new Set(monitors.map((m) => m.monitor));
    let changed = false;
    for (const [monitor, window] of this.windows) {
      if (present.has(monitor)) continue;
      this.windows.delete(monitor);
      window.close();
      changed = true;
    }
    for (const monitor of [...this.declined]) if (!present.has(monitor)) this.declined.delete(monitor);
    for (const { monitor, width, height } of monitors) {
      if (monitor === 0 || this.windows.has(monitor) || this.declined.has(monitor)) continue;
      changed = this.openWindow(monitor, width, height) || changed;
    }
    if (changed) this.report();
  }

  /** Opens (again) the window of a monitor shown in the main window: a person's click, so no pop-up blocker refuses it. */
  reopen(monitor: number, width: number, height: number): void {
    if (this.windows.has(monitor) || monitor === 0) return;
    this.declined.delete(monitor);
    if (this.openWindow(monitor, width, height)) this.report();
  }

  /** Closes every window (the session ended). */
  closeAll(): void {
    for (const window of this.windows.values()) window.close();
    const had = this.windows.size > 0 || this.declined.size > 0;
    this.windows.clear();
    this.declined.clear();
    this.stopPolling();
    if (had) this.report();
  }

  /** Looks for windows the person closed (browsers tell the opener nothing else). */
  checkClosed(): void {
    let changed = false;
    for (const [monitor, window] of this.windows) {
      if (!window.closed) continue;
      this.windows.delete(monitor);
      this.declined.add(monitor);
      changed = true;
    }
    if (changed) this.report();
  }

  private openWindow(monitor: number, width: number, height: number): boolean {
    const opened = this.options.open(monitor, this.options.placement(monitor, { width, height }));
    if (!opened) {
      this.declined.add(monitor);
      if (!this.toldBlocked) {
        this.toldBlocked = true;
        this.options.notice(`A window for Remote display ${monitor + 1} could not be opened (pop-ups blocked?): it is shown here; Displays → Open window tries again.`);
      }
      return false;
    }
    this.windows.set(monitor, opened);
    this.poll ??= setInterval(() => this.checkClosed(), 500);
    return true;
  }

  private stopPolling(): void {
    if (this.poll !== null) clearInterval(this.poll);
    this.poll = null;
  }

  private report(): void {
    if (this.windows.size === 0) this.stopPolling();
    this.options.onShownElsewhere(new Set(this.windows.keys()));
  }
}

/** Extra windows cascade from the main window, each 40 px further right and down. */
export function cascadePlacement(origin: { left: number; top: number }, monitor: number, size: { width: number; height: number }, extraHeight: number): WindowPlacement {
  return { left: origin.left + 40 * monitor, top: origin.top + 40 * monitor, width: size.width, height: size.height + extraHeight };
}
