import { pipeIdOf } from './event-stream';
import { followRequestOf } from './follow-request';
import type { WebAuth } from './web-auth';

/** The parts of a request the gate looks at (plain data, so tests need no sockets). */
export interface RequestFacts {
  readonly method: string;
  readonly url: string;
  readonly host: string | undefined;
  readonly origin: string | undefined;
  readonly cookie: string | undefined;
}

export type Refusal = { readonly kind: 'refuse'; readonly status: 400 | 401 | 403 | 404 | 405; readonly message: string };

export type HttpDecision =
  | Refusal
  /** Set the session cookie and redirect to `/` (the secret leaves the address bar). */
  | { readonly kind: 'login' }
  | { readonly kind: 'serve'; readonly path: string };

/** Where the renderer opens its IPC WebSocket. */
export const IPC_PATH = '/ipc';
/** One-time launch links: /launch/NONCE. */
const LAUNCH_PREFIX = '/launch/';

function parsePath(url: string): URL | null {
  try {
    return new URL(url, 'http://gate.invalid');
  } catch {
    return null;
  }
}

/** Host and Origin: shared by plain requests and upgrades. */
function checkPlace(auth: WebAuth, facts: RequestFacts, originRequired: boolean): Refusal | null {
  if (!auth.isAllowedHost(facts.host)) return { kind: 'refuse', status: 403, message: 'this server answers only to its own loopback address' };
  if (facts.origin === undefined) {
    return originRequired ? { kind: 'refuse', status: 403, message: 'a WebSocket needs an Origin' } : null;
  }
  return auth.isAllowedOrigin(facts.origin) ? null : { kind: 'refuse', status: 403, message: 'requests from other sites are refused' };
}

/**
 * Decides what to do with a plain HTTP request: log in (token or launch nonce), serve a file, or
 * refuse. Without the session cookie nothing but the login itself is answered.
 */
export function gateHttpRequest(auth: WebAuth, facts: RequestFacts): HttpDecision {
  const misplaced = checkPlace(auth, facts, false);
  if (misplaced) return misplaced;
  if (facts.method !== 'GET' && facts.method !== 'HEAD') return { kind: 'refuse', status: 405, message: 'only GET and HEAD' };
  const url = parsePath(facts.url);
  if (!url) return { kind: 'refuse', status: 400, message: 'bad request target' };
  const token = url.searchParams.get('token');
  if (url.pathname === '/' && token !== null) {
    return auth.isToken(token) ? { kind: 'login' } : { kind: 'refuse', status: 403, message: 'wrong token' };
  }
  if (url.pathname.startsWith(LAUNCH_PREFIX)) {
    return auth.consumeLaunchNonce(url.pathname.slice(LAUNCH_PREFIX.length))
      ? { kind: 'login' }
      : { kind: 'refuse', status: 403, message: 'this launch link was used or has expired' };
  }
  if (!auth.hasSessionCookie(facts.cookie)) {
    return { kind: 'refuse', status: 401, message: 'open the address saffron web printed (it carries the access token)' };
  }
  return { kind: 'serve', path: url.pathname };
}

/** Decides whether a WebSocket upgrade may proceed: right path, place and cookie. */
export function gateUpgrade(auth: WebAuth, facts: RequestFacts): Refusal | null {
  const misplaced = checkPlace(auth, facts, true);
  if (misplaced) return misplaced;
  if (!auth.hasSessionCookie(facts.cookie)) return { kind: 'refuse', status: 401, message: 'not logged in' };
  const url = parsePath(facts.url);
  // The only query allowed is the pipe that pairs the socket with the page's event stream, and
  // for a display's window, the page whose session it joins and its monitor (follow-request.ts).
  const query = url ? [...url.searchParams.keys()].sort().join(',') : '';
  const pipeOk = pipeIdOf(facts.url) !== null;
  const queryOk = url !== null && (url.search === '' || (query === 'pipe' && pipeOk) || (query === 'follow,monitor,pipe' && pipeOk && followRequestOf(facts.url) !== null));
  if (!url || url.pathname !== IPC_PATH || !queryOk) return { kind: 'refuse', status: 404, message: 'no WebSocket here' };
  return null;
}
