import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CONTENT_SECURITY_POLICY } from '../../../src/shared/content-security-policy';
import { SECURITY_HEADERS } from '../../../src/main/host/web/security-headers';

test("index.html's meta policy is the shells' header policy, less frame-ancestors (ignored in a meta tag)", () => {
  const html = readFileSync(join(__dirname, '../../../src/renderer/index.html'), 'utf8');
  const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
  assert.ok(meta, 'index.html has a Content-Security-Policy meta tag');
  const headerDirectives = CONTENT_SECURITY_POLICY.split('; ').filter((directive) => !directive.startsWith('frame-ancestors'));
  assert.deepEqual(meta[1].split('; '), headerDirectives);
  assert.equal(SECURITY_HEADERS['Content-Security-Policy'], CONTENT_SECURITY_POLICY);
});
