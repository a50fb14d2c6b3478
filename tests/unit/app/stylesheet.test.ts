import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

/**
 * The renderer's stylesheet uses no CSS nesting, so every rule must open at the top level. A
 * closing brace lost in a merge does not fail the build: Chromium reads the rules after it as
 * nested inside the unclosed one, and they silently never match (it happened: the sound
 * controls, the microphone question and the Displays menu lost their styles).
 */
test('styles.css: every rule opens at the top level and every brace is closed', () => {
  // Comments go, their line breaks stay (so line numbers hold).
  const css = readFileSync(join(__dirname, '../../../src/renderer/styles.css'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ''));
  let depth = 0;
  let line = 1;
  const nested: string[] = [];
  for (const ch of css) {
    if (ch === '\n') line++;
    if (ch === '{') {
      // @media and similar at-rules would hold rules; this stylesheet has none.
      if (depth > 0) nested.push(`line ${line}`);
      depth++;
    } else if (ch === '}') {
      depth--;
      assert.ok(depth >= 0, `a closing brace without its rule at line ${line}`);
    }
  }
  assert.deepEqual(nested, [], 'rules opened inside another rule');
  assert.equal(depth, 0, 'braces left open at the end');
});
