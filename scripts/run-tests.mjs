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
console.log(`run-tests: ${files.length} files: ${files.map((f) => relative(root, f)).join(' ')}`);
const concurrency = process.env.SAFFRON_TEST_CONCURRENCY ?? '2';
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=300000', ...files], {
  stdio: 'inherit',
  cwd: root,
});
process.exit(result.status ?? 1);
