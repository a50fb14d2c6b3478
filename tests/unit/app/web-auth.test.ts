import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gateHttpRequest, gateUpgrade, type RequestFacts } from '../../../src/main/host/web/request-gate';
import { readCookie, WebAuth } from '../../../src/main/host/web/web-auth';

const PORT = 41234;

function facts(overrides: Partial<RequestFacts> = {}): RequestFacts {
  return { method: 'GET', url: '/', host: `127.0.0.1:${PORT}`, origin: undefined, cookie: undefined, ...overrides };
}

function loggedIn(auth: WebAuth): string {
  return auth.setCookieHeader.split(';')[0];
}

test('the token is 32 random bytes in hex, different per launch; the cookie holds another secret', () => {
  const a = new WebAuth(PORT);
  const b = new WebAuth(PORT);
  assert.match(a.token, /^[0-9a-f]{64}$/);
  assert.notEqual(a.token, b.token);
  assert.ok(!a.setCookieHeader.includes(a.token));
  assert.match(a.setCookieHeader, new RegExp(`^saffron_${PORT}=[0-9a-f]{64}; HttpOnly; SameSite=Strict; Path=/$`));
});

test('cookies are read by exact name', () => {
  assert.equal(readCookie('a=1; saffron_1=xyz; b=2', 'saffron_1'), 'xyz');
  assert.equal(readCookie('xsaffron_1=xyz', 'saffron_1'), undefined);
  assert.equal(readCookie(undefined, 'a'), undefined);
});

test('HTTP: token logs in; no cookie is 401; wrong token, host or origin is 403', () => {
  const auth = new WebAuth(PORT);
  assert.deepEqual(gateHttpRequest(auth, facts({ url: `/?token=${auth.token}` })), { kind: 'login' });
  assert.equal(gateHttpRequest(auth, facts()).kind === 'refuse' && (gateHttpRequest(auth, facts()) as { status: number }).status, 401);
  const refusals: [Partial<RequestFacts>, number][] = [
    [{ url: `/?token=${'a'.repeat(64)}` }, 403],
    [{ url: '/?token=' }, 403],
    [{ url: `/?token=${auth.token}`, host: `evil.example:${PORT}` }, 403],
    [{ url: `/?token=${auth.token}`, host: `127.0.0.1:${PORT + 1}` }, 403],
    [{ url: `/?token=${auth.token}`, host: undefined }, 403],
    [{ cookie: loggedIn(auth), origin: 'http://evil.example' }, 403],
    [{ cookie: loggedIn(auth), origin: 'null' }, 403],
    [{ cookie: loggedIn(auth), method: 'POST' }, 405],
    [{ cookie: `saffron_${PORT}=${'0'.repeat(64)}` }, 401],
    [{ cookie: `saffron_${PORT + 1}=${loggedIn(auth).split('=')[1]}` }, 401],
  ];
  for (const [overrides, status] of refusals) {
    const decision = gateHttpRequest(auth, facts(overrides));
    assert.equal(decision.kind, 'refuse', JSON.stringify(overrides));
    assert.equal(decision.kind === 'refuse' && decision.status, status, JSON.stringify(overrides));
  }
  assert.deepEqual(gateHttpRequest(auth, facts({ cookie: loggedIn(auth), url: '/app.js' })), { kind: 'serve', path: '/app.js' });
  assert.deepEqual(gateHttpRequest(auth, facts({ cookie: loggedIn(auth), host: `localhost:${PORT}`, origin: `http://localhost:${PORT}` })), { kind: 'serve', path: '/' });
});

test('launch nonces work once and expire within seconds', () => {
  let now = 1_000_000;
  const auth = new WebAuth(PORT, () => now);
  const nonce = auth.createLaunchNonce();
  assert.deepEqual(gateHttpRequest(auth, facts({ url: `/launch/${nonce}` })), { kind: 'login' });
  assert.equal(gateHttpRequest(auth, facts({ url: `/launch/${nonce}` })).kind, 'refuse');
  const late = auth.createLaunchNonce();
  now += 60_000;
  assert.equal(auth.consumeLaunchNonce(late), false);
  assert.equal(gateHttpRequest(auth, facts({ url: '/launch/' })).kind, 'refuse');
});

test('upgrades need cookie, our Origin (present), our Host and the /ipc path', () => {
  const auth = new WebAuth(PORT);
  const ok = facts({ url: '/ipc', cookie: loggedIn(auth), origin: `http://127.0.0.1:${PORT}` });
  assert.equal(gateUpgrade(auth, ok), null);
  assert.equal(gateUpgrade(auth, { ...ok, cookie: undefined })?.status, 401);
  assert.equal(gateUpgrade(auth, { ...ok, origin: undefined })?.status, 403);
  assert.equal(gateUpgrade(auth, { ...ok, origin: 'https://127.0.0.1:' + PORT })?.status, 403);
  assert.equal(gateUpgrade(auth, { ...ok, host: `attacker:${PORT}` })?.status, 403);
  assert.equal(gateUpgrade(auth, { ...ok, url: '/ipc?token=x' })?.status, 404);
  assert.equal(gateUpgrade(auth, { ...ok, url: `/?token=${auth.token}` })?.status, 404, 'the token alone opens no socket');
});
