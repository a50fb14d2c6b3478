import type { StaticFile } from '../host/web/static-files';
import { CONTENT_SECURITY_POLICY } from '../../shared/content-security-policy';
import { APP_HOST, APP_SCHEME } from './window-security';

export interface ProtocolAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer | string;
}

/**
 * Answers an app:// request from the built renderer's files (read once, served by exact name):
 * nothing outside dist/renderer is reachable, whatever the URL says.
 */
export function answerAppRequest(url: string, files: ReadonlyMap<string, StaticFile>): ProtocolAnswer {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { status: 400, headers: { 'Content-Type': 'text/plain' }, body: 'bad URL' };
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) {
    return { status: 404, headers: { 'Content-Type': 'text/plain' }, body: 'not found' };
  }
  const file = files.get(parsed.pathname);
  if (!file) return { status: 404, headers: { 'Content-Type': 'text/plain' }, body: 'not found' };
  return {
    status: 200,
    headers: {
      'Content-Type': file.contentType,
      // The same policy as the page's own meta tag, sent as a header on every app:// response too.
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
    },
    body: file.body,
  };
}
