// Runs test files with Node's own test runner (TypeScript through tsx).
// Usage: node scripts/run-tests.mjs [unit|integration|e2e ...] [--file PATTERN]
// Node 20's --test does not expand globs, so this collects the files itself.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const filterIndex = args.indexOf('--file');
const filter = filterIndex >= 0 ? args.splice(filterIndex, 2)[1] : undefined;
const suites = args.length > 0 ? args : ['unit', 'integration', 'e2e'];

function collect(dir) {
  let out = [];
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries.sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(collect(path));
    else if (/\.test\.tsx?$/.test(name)) out.push(path);
  }
  return out;
}

let files = suites.flatMap((suite) => collect(join(root, 'tests', suite)));
if (filter) files = files.filter((f) => f.includes(filter));
if (files.length === 0) {
  console.error(`run-tests: no test files found for ${suites.join(', ')}${filter ? ` matching ${filter}` : ''}`);
  process.exit(1);
}
// Files that measure real-time output (sound played by the page, timed to the millisecond) run
// alone after the others: beside another browser test on a 2-core machine, Chromium's audio
// thread can be starved and the sound glitch, which would fail them for the machine's sake.
const ALONE = ['tests/e2e/audio.test.ts'];
const alone = files.filter((f) => ALONE.includes(relative(root, f)));
const together = files.filter((f) => !alone.includes(f));
const concurrency = process.env.SAFFRON_TEST_CONCURRENCY ?? '2';
let status = 0;
for (const [group, groupConcurrency] of [[together, concurrency], [alone, '1']]) {
  if (group.length === 0) continue;
  console.log(`run-tests: ${group.length} files${groupConcurrency === '1' ? ', one at a time' : ''}: ${group.map((f) => relative(root, f)).join(' ')}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${groupConcurrency}`, '--test-timeout=300000', ...group], {
    stdio: 'inherit',
    cwd: root,
  });
  if (result.status !== 0) status = result.status ?? 1;
}
process.exit(status);
