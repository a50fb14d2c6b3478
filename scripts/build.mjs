// Builds everything: the Node side with tsc (dist/, runs with plain node), the renderer and the
// preload with esbuild (a sandboxed Electron preload must be one file; the renderer is one bundle).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
process.chdir(root);

rmSync('dist', { recursive: true, force: true });
const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.node.json'], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

if (existsSync('src/renderer/index.tsx')) {
  await build({
    entryPoints: ['src/renderer/index.tsx'],
    tsconfig: 'tsconfig.web.json', // react-jsx: the automatic JSX runtime
    bundle: true,
    outfile: 'dist/renderer/app.js',
    format: 'esm',
    target: 'chrome120',
    sourcemap: true,
    minify: true,
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  mkdirSync('dist/renderer', { recursive: true });
  cpSync('src/renderer/index.html', 'dist/renderer/index.html');
  if (existsSync('src/renderer/styles.css')) cpSync('src/renderer/styles.css', 'dist/renderer/styles.css');
}

if (existsSync('src/preload/preload.ts')) {
  await build({
    entryPoints: ['src/preload/preload.ts'],
    bundle: true,
    outfile: 'dist/preload/preload.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['electron'],
    sourcemap: true,
    logLevel: 'warning',
  });
}
console.log('build: dist/ ready');
