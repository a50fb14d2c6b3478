/**
 * Headers on every answer of the browser shell. The CSP matches the one in index.html: our own
 * scripts and styles only, and connections to this origin only (the IPC WebSocket).
 */
import { CONTENT_SECURITY_POLICY } from '../../../shared/content-security-policy';

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};
