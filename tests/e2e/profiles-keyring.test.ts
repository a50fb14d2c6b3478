// Saved connections in the browser shell with a real Secret Service (gnome-keyring in its own
// D-Bus session): a profile saved with its password survives a restart of `saffron web` and
// connects to a password-protected Xspice; the password is in the keychain and in no file.
// Also: duplicate, delete, .vv import, recent connections, the password prompt after a refused
// ticket, and a shell without any Secret Service. Needs `npm run build` first.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { KeytarModule } from '../../src/main/host/store/keychain';
import { startKeyring, type Keyring } from '../support/keyring';
import { startXspice, type XspiceServer } from '../support/servers';
import { launchBrowser, openApp, startWebShell, tempDir, waitFor } from '../support/web-shell';

const PASSWORD = `Ticket-${process.pid}-x7`;
const home = tempDir('saffron-profiles-home-');
const configDir = join(home.path, 'config');
let keyring: Keyring;
let xspice: XspiceServer;
let browser: Browser;
let keytar: KeytarModule;

before(async () => {
  [keyring, xspice, browser] = await Promise.all([startKeyring(home.path), startXspice({ env: { XSPICE_PASSWORD: PASSWORD } }), launchBrowser()]);
  // This test process asks the same keyring (libsecret reads the address when it first connects).
  process.env.DBUS_SESSION_BUS_ADDRESS = keyring.busAddress;
  keytar = createRequire(__filename)('keytar') as KeytarModule;
});

after(async () => {
  await browser?.close();
  await xspice?.stop();
  await keyring?.stop();
  home.remove();
});

function shellEnv(): Record<string, string> {
  return { SAFFRON_CONFIG_DIR: configDir, DBUS_SESSION_BUS_ADDRESS: keyring.busAddress, HOME: home.path };
}

/** Every regular file under a directory, recursively (the keyring's sockets are not files). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    const stat = statSync(path);
    return stat.isDirectory() ? filesUnder(path) : stat.isFile() ? [path] : [];
  });
}

function savedProfiles(): { id: string; name: string; hasPassword: boolean }[] {
  return (JSON.parse(readFileSync(join(configDir, 'profiles.json'), 'utf8')) as { profiles: { id: string; name: string; hasPassword: boolean }[] }).profiles;
}

async function expectConnected(page: Page): Promise<void> {
  await page.getByRole('img', { name: 'Remote display' }).waitFor({ state: 'visible', timeout: 20_000 });
  await page.getByText('Connected', { exact: false }).first().waitFor();
}

test('a profile saved with its password survives a restart, connects, and its password is in the keychain and in no file', async () => {
  let web = await startWebShell(shellEnv());
  let { page } = await openApp(browser, web.url);
  await page.getByLabel('Host', { exact: true }).fill('127.0.0.1');
  await page.getByLabel('Port', { exact: true }).fill(String(xspice.port));
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByText('Options').click();
  await page.getByLabel('Name', { exact: true }).fill('Lab VM');
  const save = page.getByLabel('Save password in the keychain');
  assert.equal(await save.isEnabled(), true, 'a keychain answered');
  await save.check();
  await page.getByRole('button', { name: 'Save profile' }).click();
  await page.getByRole('button', { name: 'Open Lab VM', exact: true }).waitFor();
  assert.ok(!web.stderr().includes('passwords cannot be saved'), web.stderr());
  await page.close();
  assert.equal(await web.stop(), 0);

  // A new shell, a new page: the profile is there and connects with the password from the keychain.
  web = await startWebShell(shellEnv());
  ({ page } = await openApp(browser, web.url));
  await page.getByRole('button', { name: 'Open Lab VM', exact: true }).click();
  await expectConnected(page);
  await page.getByRole('button', { name: 'Disconnect' }).click();
  await page.getByRole('button', { name: 'Open Lab VM (recent)', exact: true }).waitFor();
  await page.close();
  assert.equal(await web.stop(), 0);

  const [profile] = savedProfiles();
  assert.equal(profile.name, 'Lab VM');
  assert.equal(profile.hasPassword, true);
  assert.equal(await keytar.getPassword('saffron', `profile:${profile.id}`), PASSWORD, 'the keychain holds it');
  // Not in Saffron's files, not in the keyring's own (encrypted) file, nowhere under HOME.
  const files = filesUnder(home.path);
  assert.ok(files.some((file) => file.endsWith('.keyring')), `the keyring wrote its file (${files.join(', ')})`);
  for (const file of files) {
    const bytes = readFileSync(file);
    assert.equal(bytes.includes(PASSWORD), false, `${file} holds the password`);
    assert.equal(bytes.includes(Buffer.from(PASSWORD, 'utf16le')), false, `${file} holds the password (UTF-16)`);
  }
});

test('duplicate copies the saved password, delete removes profile and password; a .vv import keeps its password in the keychain', async () => {
  const web = await startWebShell(shellEnv());
  const { page, problems } = await openApp(browser, web.url);
  await page.getByRole('button', { name: 'Duplicate Lab VM', exact: true }).click();
  await page.getByRole('button', { name: 'Open Lab VM (copy)', exact: true }).waitFor();
  const copy = savedProfiles().find((p) => p.name === 'Lab VM (copy)')!;
  assert.equal(await keytar.getPassword('saffron', `profile:${copy.id}`), PASSWORD);
  await page.getByRole('button', { name: 'Delete Lab VM (copy)', exact: true }).click();
  await page.getByRole('button', { name: 'Really delete Lab VM (copy)' }).click();
  // The confirmation replaces the row's Open button at once, so wait for the row itself: it goes
  // when the library reports the deletion, which is after the keychain removal.
  await waitFor('the copy to go', async () => (await page.getByRole('button', { name: 'Really delete Lab VM (copy)' }).count()) === 0);
  assert.equal(savedProfiles().some((p) => p.id === copy.id), false, 'the profile file no longer lists the copy');
  assert.equal(await keytar.getPassword('saffron', `profile:${copy.id}`), null);

  const vv = join(home.path, 'console.vv');
  writeFileSync(vv, `[virt-viewer]\ntype=spice\nhost=127.0.0.1\nport=${xspice.port}\npassword=${PASSWORD}\ntitle=Imported console\n`);
  await page.getByLabel('Import .vv file').setInputFiles(vv);
  await page.getByRole('button', { name: 'Open Imported console', exact: true }).waitFor();
  await page.getByRole('button', { name: 'Open Imported console', exact: true }).click();
  await expectConnected(page);
  const imported = savedProfiles().find((p) => p.name === 'Imported console')!;
  assert.equal(await keytar.getPassword('saffron', `profile:${imported.id}`), PASSWORD);
  assert.ok(!readFileSync(join(configDir, 'profiles.json'), 'utf8').includes(PASSWORD));
  assert.deepEqual(problems, []);
  await page.close();
  assert.equal(await web.stop(), 0);
});

test('a refused ticket brings a password prompt, and the password typed there connects', async () => {
  const web = await startWebShell(shellEnv());
  const { page } = await openApp(browser, web.url);
  await page.getByLabel('Host', { exact: true }).fill('127.0.0.1');
  await page.getByLabel('Port', { exact: true }).fill(String(xspice.port));
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await page.getByRole('heading', { name: 'The server refused the password' }).waitFor({ timeout: 15_000 });
  await page.getByLabel(`Password for 127.0.0.1:${xspice.port}`).fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expectConnected(page);
  await page.close();
  assert.equal(await web.stop(), 0);
});

test('with no Secret Service: one warning line, saving passwords is off, connecting works', async () => {
  const config = tempDir('saffron-nokeyring-');
  const web = await startWebShell({ SAFFRON_CONFIG_DIR: config.path, DBUS_SESSION_BUS_ADDRESS: '' });
  try {
    const { page } = await openApp(browser, web.url);
    await page.getByText('Options').click();
    assert.equal(await page.getByLabel('Save password in the keychain').isDisabled(), true);
    await page.getByText('Passwords cannot be saved').waitFor();
    await page.getByLabel('Host', { exact: true }).fill('127.0.0.1');
    await page.getByLabel('Port', { exact: true }).fill(String(xspice.port));
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await expectConnected(page);
    const warnings = web.stderr().split('\n').filter((line) => /keychain|passwords? cannot be saved/i.test(line));
    assert.equal(warnings.length, 1, web.stderr());
    assert.match(warnings[0], /^saffron: warning: passwords cannot be saved: .*\(connecting still works\)$/);
    await page.close();
  } finally {
    assert.equal(await web.stop(), 0);
    config.remove();
  }
});
