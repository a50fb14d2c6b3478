import type { RecentConnection } from '../../shared/profiles';

interface Props {
  readonly recent: readonly RecentConnection[];
  readonly onOpen: (recent: RecentConnection) => void;
}

/** The last places connected to, newest first. */
export function RecentConnections({ recent, onOpen }: Props) {
  if (recent.length === 0) return null;
  return (
    <section className="recent" aria-labelledby="recent-heading">
      <h2 id="recent-heading">Recent connections</h2>
      <ul>
        {recent.map((entry) => (
          <li key={`${entry.profileId ?? ''}|${entry.host}|${entry.port ?? ''}|${entry.tlsPort ?? ''}`}>
            <button type="button" className="secondary" aria-label={`Open ${entry.label} (recent)`} onClick={() => onOpen(entry)}>
              {entry.label}
            </button>
            <time dateTime={new Date(entry.at).toISOString()}>{new Date(entry.at).toLocaleString()}</time>
          </li>
        ))}
      </ul>
    </section>
  );
}
