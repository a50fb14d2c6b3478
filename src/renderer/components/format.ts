import type { ConnectTarget } from '../../shared/session-types';

/** Bytes per second as people read it: 850 B/s, 12.3 kB/s, 48.0 MB/s. */
export function formatRate(bytesPerSecond: number): string {
  if (bytesPerSecond < 1000) return `${Math.round(bytesPerSecond)} B/s`;
  if (bytesPerSecond < 1_000_000) return `${(bytesPerSecond / 1000).toFixed(1)} kB/s`;
  return `${(bytesPerSecond / 1_000_000).toFixed(1)} MB/s`;
}

/** host:port (IPv6 in brackets), the TLS port when there is no plain one. */
export function describeTarget(target: ConnectTarget): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `${host}:${target.port ?? target.tlsPort}`;
}

/** A size as people read it: 850 B, 12.3 kB, 48.0 MB, 2.1 GB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  if (bytes < 1_000_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  return `${(bytes / 1_000_000_000).toFixed(1)} GB`;
}
