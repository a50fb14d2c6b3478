import { queryOf, wellFormedPipeId } from './event-stream';

/** Guest monitors are numbered 0-15 (ipc-validators.ts). */
const MAX_MONITOR = 15;

export interface FollowRequest {
  /** The pipe ID of the page whose session this window joins. */
  readonly pipe: string;
  /** The guest monitor the window shows (0 = the first). */
  readonly monitor: number;
}

/**
 * `/ipc?pipe=NEW&follow=PIPE&monitor=N` → which page's session a display's window joins and which
 * monitor it shows; null when the request is an ordinary page's (or malformed: then it is one).
 */
export function followRequestOf(url: string): FollowRequest | null {
  const query = queryOf(url);
  const monitor = query?.get('monitor') ?? null;
  if (monitor === null || !/^\d{1,2}$/.test(monitor)) return null;
  const pipe = wellFormedPipeId(query?.get('follow') ?? null);
  const number = Number(monitor);
  if (pipe === null || number > MAX_MONITOR) return null;
  return { pipe, monitor: number };
}
