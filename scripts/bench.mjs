// npm run bench: prints figures and ratios against the reference implementations. Needs a build
// of nothing (TypeScript runs through tsx) but the Debian packages of the test suite.
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const benches = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['decoders', 'end-to-end'];
let failed = false;
for (const name of benches) {
  console.log(`\n== bench/${name}.ts`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', `bench/${name}.ts`], { stdio: 'inherit', cwd: root });
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
