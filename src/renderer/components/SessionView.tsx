import { useEffect, useRef, useState } from 'react';
import type { SaffronApi, StatsEvent, StatusEvent } from '../../shared/ipc';
import type { MouseModeName } from '../../shared/session-types';
import { DisplayInput } from '../input/display-input';
import { CanvasPainter, type ShownSurface } from '../paint/canvas-painter';
import { StatusBar } from './StatusBar';

interface Props {
  readonly api: SaffronApi;
  readonly status: StatusEvent;
  /** Hidden but mounted between sessions, so no display event is ever missed. */
  readonly hidden: boolean;
}

/**
 * The session: status bar and the guest's display. The canvas is managed outside React (its
 * size and pixels change far more often than React should render); React owns only its place.
 */
export function SessionView({ api, status, hidden }: Props) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const inputRef = useRef<DisplayInput | null>(null);
  const [surface, setSurface] = useState<ShownSurface | null>(null);
  const [stats, setStats] = useState<StatsEvent | null>(null);
  const [mouseMode, setMouseMode] = useState<MouseModeName>('server');

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const painter = new CanvasPainter(canvas, setSurface);
    const input = new DisplayInput(canvas, api, () => painter.surface);
    inputRef.current = input;
    const refit = (): void => painter.fitCssSize();
    window.addEventListener('resize', refit);
    const offs = [
      api.on('surfaceCreated', (event) => painter.surfaceCreated(event)),
      api.on('surfaceDestroyed', (event) => painter.surfaceDestroyed(event)),
      api.on('damage', (event) => painter.damage(event)),
      api.on('stats', setStats),
      api.on('mouseMode', (event) => {
        setMouseMode(event.mode);
        input.setMouseMode(event.mode);
      }),
    ];
    return () => {
      for (const off of offs) off();
      window.removeEventListener('resize', refit);
      input.dispose();
      inputRef.current = null;
    };
  }, [api]);

  useEffect(() => {
    if (status.state === 'disconnected' || status.state === 'idle') {
      inputRef.current?.reset();
      setStats(null);
      setSurface(null);
    }
  }, [status.state]);

  return (
    <div className="session" hidden={hidden}>
      <StatusBar status={status} stats={stats} mouseMode={mouseMode} onDisconnect={() => api.disconnect()} />
      <div className="display-area">
        {/* Exactly the guest's pixels: no border, padding or overlay on the canvas. */}
        <canvas ref={canvasRef} className="display" hidden={!surface} role="img" aria-label="Remote display" tabIndex={0} data-surface={surface ? `${surface.width}x${surface.height}` : ''} />
        {status.state === 'connected' && !surface && <p className="display-waiting">Waiting for the guest's display…</p>}
      </div>
    </div>
  );
}
