interface Props {
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
export function DisplaysMenu({ count, enabled, shownHere, resizeGuest, onResizeGuest, onEnable, onOpenWindow }: Props) {
  const monitors = count > 1 ? Array.from({ length: count }, (_, index) => index) : [];
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
                checked={enabled.has(monitor)}
                // The guest always keeps one display.
                disabled={enabled.has(monitor) && enabled.size <= 1}
                onChange={(event) => onEnable(monitor, event.target.checked)}
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
