import { randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a one-time launch link stays valid: long enough for a browser to start. */
const LAUNCH_NONCE_LIFETIME_MS = 15_000;

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The value of one cookie in a Cookie header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * The browser shell's guard against other local users and other web pages. A per-launch token
 * (printed once, on stdout) is exchanged for an HttpOnly, SameSite=Strict cookie holding a
 * different per-launch secret; every request and WebSocket upgrade needs that cookie. Host and
 * Origin must name this server (127.0.0.1:PORT or localhost:PORT), which defeats DNS rebinding
 * and cross-site pages. A browser we start ourselves gets a one-time launch nonce instead of the
 * token, so the token never appears on a command line.
 */
export class WebAuth {
  /** 32 random bytes, hex: the secret in the printed URL. */
  readonly token = randomHex(32);
  private readonly cookieSecret = randomHex(32);
  private readonly nonces = new Map<string, number>();

  constructor(readonly port: number, private readonly now: () => number = Date.now) {}

  /** Cookies are not port-scoped, so the name carries the port: two shells never clash. */
  get cookieName(): string {
    return `saffron_${this.port}`;
  }

  get setCookieHeader(): string {
    return `${this.cookieName}=${this.cookieSecret}; HttpOnly; SameSite=Strict; Path=/`;
  }

  isToken(candidate: string | null | undefined): boolean {
    return typeof candidate === 'string' && sameSecret(candidate, this.token);
  }

  hasSessionCookie(cookieHeader: string | undefined): boolean {
    const value = readCookie(cookieHeader, this.cookieName);
    return value !== undefined && sameSecret(value, this.cookieSecret);
  }

  /** Host header check: only our own loopback names and port (DNS rebinding sends another name). */
  isAllowedHost(hostHeader: string | undefined): boolean {
    return hostHeader === `127.0.0.1:${this.port}` || hostHeader === `localhost:${this.port}`;
  }

  /** Origin check: only pages served by this server. A missing Origin is judged by the caller. */
  isAllowedOrigin(origin: string): boolean {
    return origin === `http://127.0.0.1:${this.port}` || origin === `http://localhost:${this.port}`;
  }

  /** A single-use secret for a launch link, valid for a few seconds. */
  createLaunchNonce(): string {
    this.dropExpiredNonces();
    const nonce = randomHex(32);
    this.nonces.set(nonce, this.now() + LAUNCH_NONCE_LIFETIME_MS);
    return nonce;
  }

  /** True once per nonce, within its lifetime. */
  consumeLaunchNonce(candidate: string): boolean {
    this.dropExpiredNonces();
    for (const [nonce, expires] of this.nonces) {
      if (sameSecret(candidate, nonce)) {
        this.nonces.delete(nonce);
        return expires > this.now();
      }
    }
    return false;
  }

  private dropExpiredNonces(): void {
    const now = this.now();
    for (const [nonce, expires] of this.nonces) if (expires <= now) this.nonces.delete(nonce);
  }
}
