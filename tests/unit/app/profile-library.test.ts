// Saved connections: JSON files in the config directory, passwords only in the keychain (a fake
// keytar here; the e2e test uses a real gnome-keyring), and what each shell does without one.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { EngineHost } from '../../../src/main/host/engine-host';
import { configDir } from '../../../src/main/host/store/config-dir';
import { loadKeytar, openKeychain, type KeytarModule } from '../../../src/main/host/store/keychain';
import { openLibrary } from '../../../src/main/host/store/open-library';
import { ProfileLibrary } from '../../../src/main/host/store/profile-library';
import type { Logger } from '../../../src/main/session/logger';
import type { HostEvent, LibraryEvent } from '../../../src/shared/ipc';
import type { ProfileFields } from '../../../src/shared/profiles';
import { fakeSessionFactory, quietLog } from './fake-session';

const tick = (ms = 0): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (polling) until `check` holds: file writes and keychain calls take their time. */
async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await tick(10);
  assert.ok(check(), what);
}

/** keytar over a Map; `fail` makes every call reject as a dead Secret Service would. */
function fakeKeytar(fail: string | null = null): KeytarModule & { store: Map<string, string> } {
  const store = new Map<string, string>();
  const guard = <T>(value: () => T): Promise<T> => (fail ? Promise.reject(new Error(fail)) : Promise.resolve(value()));
  return {
    store,
    getPassword: (service, account) => guard(() => store.get(`${service}/${account}`) ?? null),
    setPassword: (service, account, password) => guard(() => void store.set(`${service}/${account}`, password)),
    deletePassword: (service, account) => guard(() => store.delete(`${service}/${account}`)),
    findCredentials: (service) => guard(() => [...store].filter(([key]) => key.startsWith(`${service}/`)).map(([key, password]) => ({ account: key.slice(service.length + 1), password }))),
  };
}

function recordingLog(): { log: Logger; warnings: string[] } {
  const warnings: string[] = [];
  return { log: { ...quietLog, warn: (m: string) => void warnings.push(m) }, warnings };
}

function tempConfig(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'saffron-library-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const FIELDS: ProfileFields = { name: 'web01', host: '10.0.0.5', port: 5900, tlsOnly: false, fullscreen: false };

test('the config directory: $SAFFRON_CONFIG_DIR, else $XDG_CONFIG_HOME/saffron, else the platform place', () => {
  assert.equal(configDir({ SAFFRON_CONFIG_DIR: '/srv/cfg', XDG_CONFIG_HOME: '/x' }, 'linux', '/home/a'), '/srv/cfg');
  assert.equal(configDir({ XDG_CONFIG_HOME: '/x' }, 'linux', '/home/a'), '/x/saffron');
  assert.equal(configDir({ XDG_CONFIG_HOME: 'relative' }, 'linux', '/home/a'), '/home/a/.config/saffron', 'a relative XDG path is ignored');
  assert.equal(configDir({}, 'linux', '/home/a'), '/home/a/.config/saffron');
  assert.equal(configDir({}, 'darwin', '/Users/a'), '/Users/a/Library/Application Support/Saffron');
});

test('profiles: saved as owner-only JSON without the password, which goes to the keychain; they load again', async () => {
  const { dir, remove } = tempConfig();
  try {
    const keytar = fakeKeytar();
    const library = await ProfileLibrary.open(dir, await openKeychain(quietLog, keytar), quietLog);
    const changes: number[] = [];
    library.on('changed', (state) => changes.push(state.profiles.length));
    const saved = await library.save({ fields: FIELDS, password: 'S3cret!' });
    assert.equal(saved.hasPassword, true);
    assert.deepEqual(changes, [1]);
    assert.equal(keytar.store.get(`saffron/profile:${saved.id}`), 'S3cret!');
    const file = join(dir, 'profiles.json');
    assert.ok(!readFileSync(file, 'utf8').includes('S3cret!'));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(dir).mode & 0o777, 0o700);

    const again = await ProfileLibrary.open(dir, await openKeychain(quietLog, keytar), quietLog);
    assert.deepEqual(again.state.profiles, [saved]);
    assert.equal(await again.password(saved.id), 'S3cret!');

    // Edit: keep the password when none is given; forget it when asked.
    await again.save({ id: saved.id, fields: { ...FIELDS, name: 'web01 (prod)' } });
    assert.equal(await again.password(saved.id), 'S3cret!');
    await again.save({ id: saved.id, fields: FIELDS, forgetPassword: true });
    assert.equal(again.profile(saved.id).hasPassword, false);
    assert.equal(keytar.store.size, 0);
    assert.deepEqual(readdirSync(dir).sort(), ['profiles.json'], 'no temporary files left behind');
  } finally {
    remove();
  }
});

test('duplicate copies fields and password under a new name; delete removes the profile, its password and its recent entries', async () => {
  const { dir, remove } = tempConfig();
  try {
    const keytar = fakeKeytar();
    const library = await ProfileLibrary.open(dir, await openKeychain(quietLog, keytar), quietLog, () => 1_700_000_000_000);
    const original = await library.save({ fields: FIELDS, password: 'pw' });
    const copy = await library.duplicate(original.id);
    const copy2 = await library.duplicate(copy.id);
    assert.equal(copy.name, 'web01 (copy)');
    assert.equal(copy2.name, 'web01 (copy 2)');
    assert.equal(await library.password(copy.id), 'pw');
    await library.remember({ label: 'web01 (copy)', host: FIELDS.host, port: 5900, profileId: copy.id });
    await library.remember({ label: '10.0.0.5:5900', host: FIELDS.host, port: 5900 });
    await library.remember({ label: '10.0.0.5:5900', host: FIELDS.host, port: 5900 }); // no duplicates
    assert.equal(library.state.recent.length, 2);
    await library.delete(copy.id);
    assert.deepEqual(library.state.profiles.map((p) => p.name), ['web01', 'web01 (copy 2)']);
    assert.equal(keytar.store.has(`saffron/profile:${copy.id}`), false);
    assert.deepEqual(library.state.recent.map((r) => r.label), ['10.0.0.5:5900']);
    await assert.rejects(library.delete(copy.id), /no longer exists/);
    await assert.rejects(library.save({ fields: { ...FIELDS, port: 0 } }), /not saved: port/);
  } finally {
    remove();
  }
});

test('a damaged profiles.json is set aside, not overwritten; bad entries are skipped with a warning', async () => {
  const { dir, remove } = tempConfig();
  try {
    writeFileSync(join(dir, 'profiles.json'), '{ not json');
    const { log, warnings } = recordingLog();
    const library = await ProfileLibrary.open(dir, await openKeychain(quietLog, fakeKeytar()), log, () => 42);
    assert.deepEqual(library.state.profiles, []);
    assert.ok(readdirSync(dir).includes('profiles.json.broken-42'));
    assert.equal(warnings.length, 1);
    writeFileSync(join(dir, 'profiles.json'), JSON.stringify({ version: 1, profiles: [{ id: 'ok1', ...FIELDS }, { id: '../x', ...FIELDS }, { id: 'bad2', ...FIELDS, port: 'x' }] }));
    const reread = await ProfileLibrary.open(dir, await openKeychain(quietLog, fakeKeytar()), log);
    assert.deepEqual(reread.state.profiles.map((p) => p.id), ['ok1']);
    assert.equal(warnings.length, 3);
  } finally {
    remove();
  }
});

test('without a Secret Service: one warning line, saving a password is refused with its reason, everything else works', async () => {
  const { dir, remove } = tempConfig();
  try {
    const { log, warnings } = recordingLog();
    const keychain = await openKeychain(log, fakeKeytar('Cannot autolaunch D-Bus without X11 $DISPLAY'));
    assert.deepEqual(keychain.status, { available: false, problem: 'no keychain (Secret Service) answered: Cannot autolaunch D-Bus without X11 $DISPLAY' });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /^passwords cannot be saved: .*\(connecting still works\)$/);
    const library = await ProfileLibrary.open(dir, keychain, log);
    await assert.rejects(library.save({ fields: FIELDS, password: 'pw' }), /not saved: .*Secret Service/);
    const saved = await library.save({ fields: FIELDS });
    assert.equal(saved.hasPassword, false);
    assert.equal(warnings.length, 1, 'still one line');
    // keytar missing altogether (npm ci without libsecret-1-dev): the same, with its own reason.
    const missing = loadKeytar(() => {
      throw Object.assign(new Error("Cannot find module 'keytar'"), { code: 'MODULE_NOT_FOUND' });
    });
    assert.equal(typeof missing, 'string');
    const none = await openKeychain(log, missing);
    assert.match(none.status.problem!, /keytar is not installed/);
  } finally {
    remove();
  }
});

test('a keychain that refuses a save later turns saving off and says why', async () => {
  const { dir, remove } = tempConfig();
  try {
    const keytar = fakeKeytar();
    const { log, warnings } = recordingLog();
    const library = await ProfileLibrary.open(dir, await openKeychain(log, keytar), log);
    keytar.setPassword = () => Promise.reject(new Error('Cannot create an item in a locked collection'));
    await assert.rejects(library.save({ fields: FIELDS, password: 'pw' }), /locked collection/);
    assert.equal(library.state.passwordStorage.available, false);
    assert.equal(warnings.length, 1);
  } finally {
    remove();
  }
});

test('the engine host: profiles over IPC, the saved password straight into the session and never into an event', async () => {
  const { dir, remove } = tempConfig();
  try {
    const keytar = fakeKeytar();
    const access = await openLibrary(quietLog, { SAFFRON_CONFIG_DIR: dir }, keytar);
    const fakes = fakeSessionFactory();
    const events: HostEvent[] = [];
    const host = new EngineHost({ createSession: fakes.factory, send: (event) => events.push(event), log: quietLog, library: access.library });
    host.handleMessage({ type: 'ready' });
    assert.deepEqual(events.map((e) => e.type), ['shell', 'settings', 'library', 'status']);
    host.handleMessage({ type: 'saveProfile', fields: { ...FIELDS, tlsPort: 5901, tlsOnly: true, hostSubject: 'CN=web01', proxy: 'http://proxy:3128' }, password: 'pw1' });
    await until('the saved profile', () => events.some((e) => e.type === 'library' && e.profiles.length === 1));
    const library = events.filter((e): e is LibraryEvent => e.type === 'library').at(-1)!;
    const id = library.profiles[0].id;
    host.handleMessage({ type: 'connectProfile', id });
    await until('a session', () => fakes.sessions.length === 1);
    const request = fakes.sessions[0].request;
    assert.deepEqual(request, {
      target: { host: '10.0.0.5', port: 5900, tlsPort: 5901 },
      password: 'pw1',
      tls: { hostSubject: 'CN=web01' },
      secureChannels: 'all',
      proxy: { host: 'proxy', port: 3128 },
    });
    fakes.sessions[0].fire('state', 'connected');
    await until('the recent entry', () => access.library!.state.recent.length === 1);
    assert.deepEqual(access.library!.state.recent.map((r) => [r.label, r.profileId]), [['web01', id]]);
    // The server refuses: retry with a typed password, same options.
    fakes.sessions[0].fire('closed', { kind: 'auth', message: 'refused' });
    const refused = events.at(-1)!;
    assert.ok(refused.type === 'status' && refused.failure?.kind === 'auth' && refused.canRetry === true);
    host.handleMessage({ type: 'retry', password: 'pw2' });
    assert.deepEqual(fakes.sessions[1].request, { ...request, password: 'pw2' });
    assert.ok(!JSON.stringify(events).includes('pw1') && !JSON.stringify(events).includes('pw2'), 'no password in any event');

    host.handleMessage({ type: 'importVv', fileName: 'console.vv', text: '[virt-viewer]\ntype=spice\nhost=h\nport=1\npassword=vvpw\ndelete-this-file=1\nenable-usbredir=1\n' });
    await until('the import notice', () => events.some((e) => e.type === 'notice'));
    const notice = events.filter((e) => e.type === 'notice').at(-1);
    assert.ok(notice && notice.type === 'notice');
    assert.match(notice.message, /^Imported "console" from console\.vv; .*USB redirection.*delete it yourself/);
    const imported = access.library!.state.profiles.find((p) => p.name === 'console')!;
    assert.equal(keytar.store.get(`saffron/profile:${imported.id}`), 'vvpw');
    host.handleMessage({ type: 'importVv', fileName: 'bad.vv', text: 'nonsense' });
    await until('the refused import', () => events.filter((e) => e.type === 'notice').length === 2);
    host.handleMessage({ type: 'connectProfile', id: 'gone' });
    await until('the refused open', () => events.filter((e) => e.type === 'notice').length === 3);
    const notices = events.filter((e) => e.type === 'notice').map((e) => (e.type === 'notice' ? e.message : ''));
    assert.match(notices.at(-2)!, /^bad\.vv: /);
    assert.equal(notices.at(-1), 'that saved connection no longer exists');
    host.handleMessage({ type: 'saveSettings', settings: { releaseHotkey: 'shift+f12' } });
    await until('the settings', () => events.at(-1)?.type === 'settings');
    assert.deepEqual(events.at(-1), { type: 'settings', settings: { releaseHotkey: 'shift+f12' } });
    host.dispose();
  } finally {
    remove();
  }
});

test('an engine host without a library answers library requests with one notice', () => {
  const events: HostEvent[] = [];
  const host = new EngineHost({ createSession: fakeSessionFactory().factory, send: (event) => events.push(event), log: quietLog, libraryProblem: '/ro: read-only file system' });
  host.handleMessage({ type: 'deleteProfile', id: 'abc' });
  assert.deepEqual(events, [{ type: 'notice', message: 'saved connections are unavailable: /ro: read-only file system' }]);
});
