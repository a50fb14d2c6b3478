import type { StatsEvent, StatusEvent } from '../../shared/ipc';
import type { MouseModeName } from '../../shared/session-types';
import { formatRate } from './format';

interface Props {
  readonly status: StatusEvent;
  readonly stats: StatsEvent | null;
  readonly mouseMode: MouseModeName;
  readonly onDisconnect: () => void;
}

const STATE_LABELS: Readonly<Record<StatusEvent['state'], string>> = {
  idle: 'Not connected',
  connecting: 'Connecting…',
  connected: 'Connected',
  disconnected: 'Disconnected',
};

function describeTarget(status: StatusEvent): string {
  const target = status.target;
  if (!target) return '';
  return `${target.host}:${target.port ?? target.tlsPort}`;
}

/** One line above the display: where we are, how it flows, and the way out. */
export function StatusBar({ status, stats, mouseMode, onDisconnect }: Props) {
  const where = status.guestName ? `${status.guestName} (${describeTarget(status)})` : describeTarget(status);
  return (
    <header className="status-bar" aria-label="Session status">
      <span className="status-state" role="status">
        {STATE_LABELS[status.state]}
        {where && ` — ${where}`}
      </span>
      {stats && (
        <span className="status-stats">
          <span aria-label="Frames per second">{Math.round(stats.framesPerSecond)} fps</span>
          <span aria-label="Bandwidth">{stats.networkBytesPerSecond !== null ? formatRate(stats.networkBytesPerSecond) : `${formatRate(stats.pixelBytesPerSecond)} pixels`}</span>
        </span>
      )}
      <span className="status-mouse">{mouseMode === 'client' ? 'Mouse: client' : 'Mouse: server (click to grab, Esc to release)'}</span>
      <button type="button" onClick={onDisconnect}>
        Disconnect
      </button>
    </header>
  );
}
