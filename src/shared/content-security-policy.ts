/**
 * The renderer's Content-Security-Policy, the same in both shells (the Electron app:// protocol
 * and the browser shell's HTTP server send it as a header; index.html repeats it in a meta tag,
 * without frame-ancestors, which browsers ignore there; a test keeps the two equal): only our
 * own scripts, styles and connections, nothing framed.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
