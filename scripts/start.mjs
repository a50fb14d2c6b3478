// npm start: the Electron app where Electron's binary is installed, else the browser shell
// (`saffron web`), saying so in one line. Builds first when dist/ is missing.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
process.chdir(root);

/** The Electron executable, when its install step fetched the binary (path.txt names it inside dist/). */
function electronBinary() {
  const dir = join(root, 'node_modules', 'electron');
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

if (!existsSync('dist/src/main/host/cli/main.js') || !existsSync('dist/renderer/index.html')) {
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const electron = electronBinary();
const [command, args] = electron
  ? [electron, ['.', ...process.argv.slice(2)]]
  : [process.execPath, ['bin/saffron.js', 'web', ...process.argv.slice(2)]];
if (!electron) console.error('saffron: Electron is not installed here; starting the browser shell (saffron web) instead');

const child = spawn(command, args, { stdio: 'inherit' });
// Ctrl+C reaches the child through the terminal's process group by itself (forwarding it would
// deliver it twice); SIGTERM is meant for us alone, so pass it on. Either way, wait for the child.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
