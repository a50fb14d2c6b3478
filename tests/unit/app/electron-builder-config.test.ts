// electron-builder.yml, loaded and validated by electron-builder itself (its own YAML loader and
// its JSON schema, app-builder-lib's scheme.json): packaging cannot run here (no Electron
// binary), but a config electron-builder would reject, or one that forgets a target, an
// association or the keychain's library, fails this test.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = join(__dirname, '..', '..', '..');

interface BuilderConfig {
  readonly appId?: string;
  readonly extraMetadata?: { readonly main?: string };
  /** Normalised by electron-builder to file sets. */
  readonly files?: readonly { readonly filter: readonly string[] }[];
  readonly protocols?: readonly { readonly schemes: readonly string[] }[];
  readonly fileAssociations?: readonly { readonly ext: string; readonly mimeType?: string }[];
  readonly linux?: { readonly target?: readonly string[]; readonly mimeTypes?: readonly string[]; readonly icon?: string };
  readonly deb?: { readonly depends?: readonly string[] };
  readonly rpm?: { readonly depends?: readonly string[] };
  readonly win?: { readonly target?: readonly string[] };
  readonly mac?: { readonly target?: readonly string[] };
}

interface ConfigModule {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: null): Promise<BuilderConfig>;
  validateConfiguration(config: BuilderConfig, debugLogger: unknown): Promise<void>;
}

// electron-builder's own loader and validator.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as ConfigModule;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DebugLogger, log: builderLog } = require('builder-util') as {
  DebugLogger: new (enabled: boolean) => unknown;
  log: { stream: { write(text: string): boolean } };
};
// Its log lines go raw to stdout, which node's test runner reads as its own protocol and can
// misparse under load ("Unable to deserialize cloned data"): keep them instead.
const builderLines: string[] = [];
builderLog.stream = { write: (text) => builderLines.push(text) > 0 };

test('electron-builder loads electron-builder.yml and its schema accepts it', async () => {
  const config = await getConfig(ROOT, join(ROOT, 'electron-builder.yml'), null);
  await validateConfiguration(config, new DebugLogger(false));
  assert.equal(config.appId, 'org.saffron.client');
});

test('it builds AppImage, deb and rpm, NSIS and dmg, from the built Electron entry, with spice:// and .vv associations', async () => {
  const config = await getConfig(ROOT, join(ROOT, 'electron-builder.yml'), null);
  assert.deepEqual(config.linux?.target, ['AppImage', 'deb', 'rpm']);
  assert.deepEqual(config.win?.target, ['nsis']);
  assert.deepEqual(config.mac?.target, ['dmg']);
  assert.equal(config.extraMetadata?.main, 'dist/src/main/electron/main.js');
  const filters = (config.files ?? []).flatMap((set) => set.filter);
  assert.ok(filters.includes('dist/**') && filters.includes('package.json'), filters.join(' '));
  assert.ok(config.protocols?.some((p) => p.schemes.includes('spice')));
  assert.ok(config.fileAssociations?.some((a) => a.ext === 'vv' && a.mimeType === 'application/x-virt-viewer'));
  assert.ok(config.linux?.mimeTypes?.includes('x-scheme-handler/spice'));
  assert.ok(existsSync(join(ROOT, config.linux!.icon!)), 'the icon exists');
  // keytar needs libsecret; a depends list replaces electron-builder's defaults, so keep them.
  assert.equal(config.deb?.depends, undefined, "deb keeps electron-builder's defaults (they include libsecret-1-0)");
  assert.ok(config.rpm?.depends?.includes('libsecret') && config.rpm.depends.includes('gtk3') && config.rpm.depends.includes('nss'));
  // package.json names the same entry.
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string };
  assert.equal(pkg.main, config.extraMetadata?.main);
});

test('a config electron-builder would refuse is refused here too', async () => {
  const config = await getConfig(ROOT, join(ROOT, 'electron-builder.yml'), null);
  await assert.rejects(validateConfiguration({ ...config, linux: { ...config.linux, target: ['AppImage'], sandboxMode: 'off' } as BuilderConfig['linux'] }, new DebugLogger(false)), /Invalid configuration object/);
});
