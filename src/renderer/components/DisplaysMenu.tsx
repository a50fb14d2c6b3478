import { useEffect, useState } from 'react';

/** How long a choice shows before the guest has answered it. */
const ASKED_TIMEOUT_MS = 15_000;

export interface DisplaysMenuProps {
  /** How many monitors the guest can have (0 or 1: no list, only the resize switch). */
  readonly count: number;
  /** Monitors the guest shows now. */
  readonly enabled: ReadonlySet<number>;
  /** Monitors shown in this window although they have windows of their own elsewhere possible (offered "Open window"). */
  readonly shownHere: ReadonlySet<number>;
  readonly resizeGuest: boolean;
  readonly onResizeGuest: (on: boolean) => void;
  readonly onEnable: (monitor: number, enabled: boolean) => void;
  readonly onOpenWindow: (monitor: number) => void;
}

/**
 * The Displays menu: whether the guest's resolution follows the window (remote-viewer's "resize
 * guest", on by default when an agent is there), and which guest displays are on.
 */
export function DisplaysMenu({ count, enabled, shownHere, resizeGuest, onResizeGuest, onEnable, onOpenWindow }: DisplaysMenuProps) {
  const monitors = count > 1 ? Array.from({ length: count }, (_, index) => index) : [];
  // What the person just asked for shows at once, until the guest agrees (or, after a while, when
  // it never does — no agent — the guest's own state shows again).
  const [asked, setAsked] = useState<ReadonlyMap<number, boolean>>(new Map());
  useEffect(() => setAsked((map) => new Map([...map].filter(([monitor, on]) => enabled.has(monitor) !== on))), [enabled]);
  useEffect(() => {
    if (asked.size === 0) return;
    const timer = setTimeout(() => setAsked(new Map()), ASKED_TIMEOUT_MS);
    return () => clearTimeout(timer);
  }, [asked]);
  const isOn = (monitor: number): boolean => asked.get(monitor) ?? enabled.has(monitor);
  const onCount = monitors.filter(isOn).length;
  return (
    <details className="displays-menu">
      <summary>Displays</summary>
      <div className="displays-menu-body" role="group" aria-label="Displays">
        <label>
          <input type="checkbox" checked={resizeGuest} onChange={(event) => onResizeGuest(event.target.checked)} /> Resize guest to window
        </label>
        {monitors.map((monitor) => (
          <span key={monitor} className="displays-menu-item">
            <label>
              <input
                type="checkbox"
                checked={isOn(monitor)}
                // The guest always keeps one display.
                disabled={isOn(monitor) && onCount <= 1}
                onChange={(event) => {
                  const on = event.target.checked;
                  setAsked((map) => new Map(map).set(monitor, on));
                  onEnable(monitor, on);
                }}
              />{' '}
              Display {monitor + 1}
            </label>
            {monitor > 0 && shownHere.has(monitor) && (
              <button type="button" className="secondary" onClick={() => onOpenWindow(monitor)}>
                Open window
              </button>
            )}
          </span>
        ))}
      </div>
    </details>
  );
}
