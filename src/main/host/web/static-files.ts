import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';

export interface StaticFile {
  readonly body: Buffer;
  readonly contentType: string;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * The renderer bundle, read once at start into memory and served by exact name only: no path
 * from a request ever reaches the file system, so there is nothing to traverse.
 */
export function loadStaticFiles(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const contentType = CONTENT_TYPES[extname(name)];
    if (!contentType || !statSync(path).isFile()) continue;
    files.set(`/${name}`, { body: readFileSync(path), contentType });
  }
  const index = files.get('/index.html');
  if (!index) throw new Error(`${dir} has no index.html`);
  files.set('/', index);
  return files;
}
