/** A window that shows one more guest monitor of a session another window opened. */
export interface DisplayWindowRole {
  /** The guest monitor (0 = the first). */
  readonly monitor: number;
  /** Browser shell: the pipe ID of the page whose session it joins (Electron knows the opener itself). */
  readonly follow: string | null;
}

const PIPE_ID = /^[0-9a-f]{16,64}$/;
const MAX_MONITOR = 15;

/** `?monitor=N` (and `&follow=PIPE` in the browser shell) in the page's address; null for a main window. */
export function displayWindowRole(search: string): DisplayWindowRole | null {
  const params = new URLSearchParams(search);
  const monitor = params.get('monitor');
  if (monitor === null || !/^\d{1,2}$/.test(monitor) || Number(monitor) > MAX_MONITOR) return null;
  const follow = params.get('follow');
  if (follow !== null && !PIPE_ID.test(follow)) return null;
  return { monitor: Number(monitor), follow };
}

/** The address of a display's window: relative to the page, so it stays on the same origin. */
export function displayWindowUrl(monitor: number, follow: string | null): string {
  return follow !== null ? `/?follow=${follow}&monitor=${monitor}` : `?monitor=${monitor}`;
}
