import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { WebServer } from '../../../src/main/host/web/web-server';
import { CloseCode } from '../../../src/main/host/web/websocket-frames';
import { decodeWireMessage, encodeWireMessage } from '../../../src/shared/ipc-wire';
import { fakeSessionFactory, patternSurface, quietLog } from './fake-session';
import { openRawClient, Opcode, upgradeHeaders } from './ws-client';

let dir = '';
let server: WebServer;
const fakes = fakeSessionFactory();

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers: { Host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function loginCookie(): Promise<string> {
  const response = await get(new URL(server.loginUrl).pathname + new URL(server.loginUrl).search);
  const setCookie = response.headers['set-cookie'];
  assert.ok(Array.isArray(setCookie));
  return setCookie[0].split(';')[0];
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'saffron-web-test-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(dir, 'app.js'), 'console.log(1)');
  server = await WebServer.start({ port: 0, rendererDir: dir, createSession: fakes.factory, log: quietLog });
});

after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the login URL names 127.0.0.1 and carries a 64-hex-digit token', () => {
  assert.match(server.loginUrl, new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/\\?token=[0-9a-f]{64}$`));
});

test('every file needs the cookie; the token buys it with a redirect to /', async () => {
  assert.equal((await get('/')).status, 401);
  assert.equal((await get('/app.js')).status, 401);
  assert.equal((await get('/?token=nope')).status, 403);
  const login = await get(new URL(server.loginUrl).pathname + new URL(server.loginUrl).search);
  assert.equal(login.status, 303);
  assert.equal(login.headers.location, '/');
  const cookieLine = (login.headers['set-cookie'] as string[])[0];
  assert.match(cookieLine, /HttpOnly/);
  assert.match(cookieLine, /SameSite=Strict/);
  assert.ok(!cookieLine.includes(new URL(server.loginUrl).searchParams.get('token')!), 'the cookie is not the token');
  const cookie = cookieLine.split(';')[0];
  const page = await get('/', { Cookie: cookie });
  assert.equal(page.status, 200);
  assert.match(String(page.headers['content-security-policy']), /default-src 'none'/);
  assert.equal(page.headers['x-content-type-options'], 'nosniff');
  assert.equal((await get('/app.js', { Cookie: cookie })).status, 200);
  assert.equal((await get('/../package.json', { Cookie: cookie })).status, 404);
  assert.equal((await get('/nothing', { Cookie: cookie })).status, 404);
});

test('wrong Host (DNS rebinding) and foreign Origin are refused even with the cookie', async () => {
  const cookie = await loginCookie();
  assert.equal((await get('/', { Cookie: cookie, Host: `attacker.example:${server.port}` })).status, 403);
  assert.equal((await get('/', { Cookie: cookie, Origin: 'http://attacker.example' })).status, 403);
  assert.equal((await get('/', { Cookie: cookie, Host: `localhost:${server.port}` })).status, 200);
});

test('a launch link logs in once, then is spent', async () => {
  const path = new URL(server.createLaunchUrl()).pathname;
  assert.equal((await get(path)).status, 303);
  assert.equal((await get(path)).status, 403);
});

test('WebSocket upgrades need the cookie, our Origin and our Host', async () => {
  const cookie = await loginCookie();
  const port = server.port;
  const refused = [
    upgradeHeaders(port),
    upgradeHeaders(port, { Cookie: cookie, Origin: 'http://attacker.example' }),
    upgradeHeaders(port, { Cookie: cookie, Host: `rebound.example:${port}` }),
  ];
  for (const headers of refused) {
    const client = await openRawClient(port, headers);
    assert.match(client.response, /^HTTP\/1\.1 40[13]/);
    client.socket.destroy();
  }
  const noOrigin = upgradeHeaders(port, { Cookie: cookie });
  delete noOrigin.Origin;
  const client = await openRawClient(port, noOrigin);
  assert.match(client.response, /^HTTP\/1\.1 403/);
  client.socket.destroy();
  const wrongPath = await openRawClient(port, upgradeHeaders(port, { Cookie: cookie }), '/elsewhere');
  assert.match(wrongPath.response, /^HTTP\/1\.1 404/);
  wrongPath.socket.destroy();
});

test('over the WebSocket: requests drive a session, events come back (pixels as binary frames)', async () => {
  const cookie = await loginCookie();
  const client = await openRawClient(server.port, upgradeHeaders(server.port, { Cookie: cookie }));
  assert.match(client.response, /^HTTP\/1\.1 101/);
  const connect = JSON.stringify({ type: 'connect', host: '127.0.0.1', port: 5900, password: 'secret' });
  // Fragmented across three frames, as a client may send it.
  client.sendFrame(Opcode.TEXT, connect.slice(0, 10), false);
  client.sendFrame(Opcode.PING, 'are you there');
  client.sendFrame(Opcode.CONTINUATION, connect.slice(10, 20), false);
  client.sendFrame(Opcode.CONTINUATION, connect.slice(20), true);
  const pong = await client.nextFrame();
  assert.equal(pong.opcode, Opcode.PONG);
  assert.equal(pong.payload.toString(), 'are you there');
  const status = await client.nextFrame();
  assert.equal(status.opcode, Opcode.TEXT);
  assert.deepEqual(decodeWireMessage(status.payload.toString()), { type: 'status', state: 'connecting', target: { host: '127.0.0.1', port: 5900 } });
  const session = fakes.sessions.at(-1)!;
  assert.equal(session.request.password, 'secret');

  session.fire('state', 'connected');
  session.fire('surfaceCreated', { displayId: 0, surfaceId: 0, surface: patternSurface(8, 4) });
  assert.equal((decodeWireMessage((await client.nextFrame()).payload.toString()) as { state: string }).state, 'connected');
  assert.equal((decodeWireMessage((await client.nextFrame()).payload.toString()) as { type: string }).type, 'surfaceCreated');
  const damage = await client.nextFrame();
  assert.equal(damage.opcode, Opcode.BINARY);
  const event = decodeWireMessage(new Uint8Array(damage.payload)) as { type: string; patches: { width: number; height: number; rgba: ArrayBuffer }[] };
  assert.equal(event.type, 'damage');
  assert.equal(event.patches[0].rgba.byteLength, 8 * 4 * 4);

  client.sendFrame(Opcode.TEXT, JSON.stringify({ type: 'keyDown', scancode: 0x1e }));
  client.sendFrame(Opcode.TEXT, JSON.stringify({ type: 'keyDown', scancode: 'A' })); // invalid: dropped
  client.sendFrame(Opcode.TEXT, JSON.stringify({ type: 'keyUp', scancode: 0x1e }));
  client.sendFrame(Opcode.PING, '');
  await client.nextFrame(); // the pong: everything before it was handled
  assert.deepEqual(session.calls, [['keyDown', 0x1e], ['keyUp', 0x1e]]);

  // Requests carrying buffers (microphone samples) come as binary frames.
  session.fire('recordStart', { mode: 'raw', channels: 2, frequency: 48_000 });
  assert.equal((decodeWireMessage((await client.nextFrame()).payload.toString()) as { type: string }).type, 'recordStart');
  client.sendFrame(Opcode.BINARY, Buffer.from(encodeWireMessage({ type: 'recordSamples', data: new Uint8Array([1, 2, 3, 4]).buffer })));
  client.sendFrame(Opcode.PING, '');
  await client.nextFrame();
  assert.deepEqual(session.recordSamples.map((samples) => [...samples]), [[1, 2, 3, 4]]);

  client.sendFrame(Opcode.CLOSE, Buffer.from([0x03, 0xe8]));
  const close = await client.nextFrame();
  assert.equal(close.opcode, Opcode.CLOSE);
  assert.equal(close.payload.readUInt16BE(0), CloseCode.NORMAL);
  client.socket.end();
  await client.closed;
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(session.disconnected, true, 'closing the page ends its session');
});

test('protocol violations close the WebSocket with the matching code', async () => {
  const cookie = await loginCookie();
  const cases: [string, (client: Awaited<ReturnType<typeof openRawClient>>) => void, number][] = [
    ['a binary request shorter than its header', (c) => c.sendFrame(Opcode.BINARY, Buffer.from([1, 2, 3])), CloseCode.INVALID_DATA],
    ['a binary request over the clipboard limit', (c) => c.sendFrame(Opcode.BINARY, Buffer.alloc(17 * 1024 * 1024 + 1)), CloseCode.TOO_BIG],
    ['invalid UTF-8', (c) => c.sendFrame(Opcode.TEXT, Buffer.from([0xc3, 0x28])), CloseCode.INVALID_DATA],
    ['an unmasked frame', (c) => c.sendRaw(Buffer.from([0x81, 0x01, 0x41])), CloseCode.PROTOCOL_ERROR],
    ['a stray continuation', (c) => c.sendFrame(Opcode.CONTINUATION, 'x'), CloseCode.PROTOCOL_ERROR],
    ['a message over 64 KiB', (c) => c.sendFrame(Opcode.TEXT, 'x'.repeat(70_000)), CloseCode.TOO_BIG],
    ['JSON that is not JSON', (c) => c.sendFrame(Opcode.TEXT, '{nope'), CloseCode.INVALID_DATA],
  ];
  for (const [what, misbehave, code] of cases) {
    const client = await openRawClient(server.port, upgradeHeaders(server.port, { Cookie: cookie }));
    misbehave(client);
    const close = await client.nextFrame();
    assert.equal(close.opcode, Opcode.CLOSE, what);
    assert.equal(close.payload.readUInt16BE(0), code, what);
    await client.closed;
  }
});

test('a display window joins the session of the page whose pipe it names, behind the same gate', async () => {
  const cookie = await loginCookie();
  const leaderPipe = 'a'.repeat(32);
  const leader = await openRawClient(server.port, upgradeHeaders(server.port, { Cookie: cookie }), `/ipc?pipe=${leaderPipe}`);
  assert.match(leader.response, /^HTTP\/1\.1 101/);
  leader.sendFrame(Opcode.TEXT, JSON.stringify({ type: 'connect', host: '127.0.0.1', port: 5900 }));
  leader.sendFrame(Opcode.PING, '');
  await leader.nextFrame();
  const session = fakes.sessions.at(-1)!;
  session.fire('state', 'connected');
  session.fire('surfaceCreated', { displayId: 0, surfaceId: 0, surface: patternSurface(8, 4) });

  const followPath = `/ipc?pipe=${'b'.repeat(32)}&follow=${leaderPipe}&monitor=1`;
  const noCookie = await openRawClient(server.port, upgradeHeaders(server.port), followPath);
  assert.match(noCookie.response, /^HTTP\/1\.1 401/);
  const badMonitor = await openRawClient(server.port, upgradeHeaders(server.port, { Cookie: cookie }), `/ipc?pipe=${'b'.repeat(32)}&follow=${leaderPipe}&monitor=99`);
  assert.match(badMonitor.response, /^HTTP\/1\.1 404/);
  const unknown = await openRawClient(server.port, upgradeHeaders(server.port, { Cookie: cookie }), `/ipc?pipe=${'b'.repeat(32)}&follow=${'c'.repeat(32)}&monitor=1`);
  const refused = await unknown.nextFrame();
  assert.equal(refused.opcode, Opcode.CLOSE);
  assert.equal(refused.payload.readUInt16BE(0), CloseCode.POLICY_VIOLATION);

  const display = await openRawClient(server.port, upgradeHeaders(server.port, { Cookie: cookie }), followPath);
  assert.match(display.response, /^HTTP\/1\.1 101/);
  display.sendFrame(Opcode.TEXT, JSON.stringify({ type: 'mousePosition', x: 3, y: 2, displayId: 1 }));
  display.sendFrame(Opcode.PING, '');
  await display.nextFrame();
  assert.deepEqual(session.calls.at(-1), ['mousePosition', 3, 2, 1]);
  assert.equal(fakes.sessions.at(-1), session, 'no session of its own');
  const closeNormally = async (client: typeof display): Promise<void> => {
    client.sendFrame(Opcode.CLOSE, Buffer.from([0x03, 0xe8]));
    while ((await client.nextFrame()).opcode !== Opcode.CLOSE);
    client.socket.end();
    await client.closed;
    await new Promise((resolve) => setTimeout(resolve, 20));
  };
  await closeNormally(display);
  assert.equal(session.disconnected, false, 'closing a display window leaves the session running');
  assert.deepEqual(session.monitorConfigs.at(-1), [{ width: 8, height: 4, x: 0, y: 0 }, null], 'and switches its monitor off');
  await closeNormally(leader);
  assert.equal(session.disconnected, true, 'closing the page that owns it ends it');
});
