import type { ReactNode } from 'react';
import type { StatsEvent, StatusEvent } from '../../shared/ipc';
import { KEY_COMBOS } from '../../shared/key-combos';
import type { MouseModeName } from '../../shared/session-types';
import { describeMode, type ViewMode } from '../view/view-scale';
import { describeTarget, formatRate } from './format';

interface Props {
  readonly status: StatusEvent;
  readonly stats: StatsEvent | null;
  /** What the video streams did in this window (describe-video.ts); null: none yet. */
  readonly video?: string | null;
  readonly mouseMode: MouseModeName;
  readonly grabbed: boolean;
  readonly releaseHint: string;
  readonly viewMode: ViewMode;
  /** Device pixels per guest pixel now. */
  readonly zoom: number;
  readonly onView: (action: 'zoomIn' | 'zoomOut' | 'zoomActual' | 'scaleToFit' | 'toggleFullScreen') => void;
  readonly onSendKeys: (combo: string) => void;
  readonly onDisconnect: () => void;
  /** The sound controls (SoundStatus). */
  readonly sound?: ReactNode;
  /** More controls before Send key (the Displays menu). */
  readonly children?: ReactNode;
}

const STATE_LABELS: Readonly<Record<StatusEvent['state'], string>> = {
  idle: 'Not connected',
  connecting: 'Connecting…',
  connected: 'Connected',
  disconnected: 'Disconnected',
};

/** One line above the display: where we are, how it flows, how to view it, and the way out. */
export function StatusBar({ status, stats, video, mouseMode, grabbed, releaseHint, viewMode, zoom, onView, onSendKeys, onDisconnect, sound, children }: Props) {
  const target = status.target ? describeTarget(status.target) : '';
  const where = status.guestName ? `${status.guestName} (${target})` : target;
  const mouse = mouseMode === 'client' ? 'Mouse: client' : grabbed ? `Mouse: server (grabbed; ${releaseHint} releases)` : 'Mouse: server (click to grab)';
  return (
    <header className="status-bar" aria-label="Session status">
      <span className="status-state" role="status">
        {STATE_LABELS[status.state]}
        {where && ` — ${where}`}
        {status.detail && ` — ${status.detail}`}
      </span>
      {stats && (
        <span className="status-stats">
          <span aria-label="Frames per second">{Math.round(stats.framesPerSecond)} fps</span>
          <span aria-label="Bandwidth">{stats.networkBytesPerSecond !== null ? formatRate(stats.networkBytesPerSecond) : `${formatRate(stats.pixelBytesPerSecond)} pixels`}</span>
          <span aria-label="Latency">{stats.latencyMs !== null ? `${Math.round(stats.latencyMs)} ms` : 'latency —'}</span>
        </span>
      )}
      {video && (
        <span className="status-video" aria-label="Video">
          {video}
        </span>
      )}
      <span className="status-mouse">{mouse}</span>
      {grabbed && mouseMode === 'client' && <span className="status-grab">{releaseHint} releases the keyboard</span>}
      <span className="status-view" role="group" aria-label="View">
        <button type="button" className="secondary" onClick={() => onView('zoomOut')} aria-label="Zoom out">
          −
        </button>
        <span className="status-zoom" aria-label="Zoom">{describeMode(viewMode, zoom)}</span>
        <button type="button" className="secondary" onClick={() => onView('zoomIn')} aria-label="Zoom in">
          +
        </button>
        <button type="button" className="secondary" onClick={() => onView('zoomActual')}>
          1:1
        </button>
        <button type="button" className="secondary" onClick={() => onView('scaleToFit')}>
          Fit
        </button>
        <button type="button" className="secondary" onClick={() => onView('toggleFullScreen')}>
          Full screen
        </button>
      </span>
      {sound}
      {children}
      <select
        aria-label="Send key"
        value=""
        onChange={(event) => {
          if (event.target.value) onSendKeys(event.target.value);
        }}
      >
        <option value="">Send key…</option>
        {Object.entries(KEY_COMBOS).map(([name, combo]) => (
          <option key={name} value={name}>
            {combo.label}
          </option>
        ))}
      </select>
      <button type="button" onClick={onDisconnect}>
        Disconnect
      </button>
    </header>
  );
}
