import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { WebServer } from '../../../src/main/host/web/web-server';
import { StreamRecordReader } from '../../../src/shared/ipc-stream';
import { fakeSessionFactory, patternSurface, quietLog } from './fake-session';
import { openRawClient, Opcode, upgradeHeaders } from './ws-client';

let dir = '';
let server: WebServer;
const fakes = fakeSessionFactory();

function open(path: string, headers: Record<string, string>): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers: { Host: `127.0.0.1:${server.port}`, ...headers } }, resolve);
    req.on('error', reject);
    req.end();
  });
}

async function loginCookie(): Promise<string> {
  const response = await open(new URL(server.loginUrl).pathname + new URL(server.loginUrl).search, {});
  response.resume();
  return (response.headers['set-cookie'] as string[])[0].split(';')[0];
}

/** Reads messages off an event stream as they come. */
function messagesOf(response: IncomingMessage): { next(): Promise<{ type: string } & Record<string, unknown>> } {
  const reader = new StreamRecordReader();
  const ready: unknown[] = [];
  const waiting: ((message: unknown) => void)[] = [];
  response.on('data', (chunk: Buffer) => {
    for (const message of reader.push(new Uint8Array(chunk))) {
      const waiter = waiting.shift();
      if (waiter) waiter(message);
      else ready.push(message);
    }
  });
  return {
    next: () => new Promise((resolve) => (ready.length > 0 ? resolve(ready.shift() as never) : waiting.push(resolve as never))),
  };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'saffron-events-test-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
  server = await WebServer.start({ port: 0, rendererDir: dir, createSession: fakes.factory, log: quietLog });
});

after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the event stream needs the cookie and a well-formed pipe ID', { timeout: 10_000 }, async () => {
  const cookie = await loginCookie();
  for (const [path, headers, status] of [
    ['/events?pipe=0123456789abcdef0123456789abcdef', {}, 401],
    ['/events', { Cookie: cookie }, 400],
    ['/events?pipe=not-hex', { Cookie: cookie }, 400],
  ] as const) {
    const response = await open(path, headers);
    response.resume();
    assert.equal(response.statusCode, status, path);
  }
  const client = await openRawClient(server.port, upgradeHeaders(server.port, { Cookie: cookie }), '/ipc?pipe=xyz');
  assert.match(client.response, /^HTTP\/1\.1 404/);
  client.socket.destroy();
});

test('with a pipe, requests go on the WebSocket and events (pixels too) come on the stream, in order', { timeout: 10_000 }, async () => {
  const cookie = await loginCookie();
  const pipe = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
  // The WebSocket first this time: events wait for the stream.
  const client = await openRawClient(server.port, upgradeHeaders(server.port, { Cookie: cookie }), `/ipc?pipe=${pipe}`);
  assert.match(client.response, /^HTTP\/1\.1 101/);
  client.sendFrame(Opcode.TEXT, JSON.stringify({ type: 'connect', host: '127.0.0.1', port: 5900 }));
  await new Promise((r) => setTimeout(r, 50));
  const response = await open(`/events?pipe=${pipe}`, { Cookie: cookie });
  assert.equal(response.statusCode, 200);
  assert.equal(response.headers['cache-control'], 'no-store');
  const events = messagesOf(response);
  assert.deepEqual(await events.next(), { type: 'status', state: 'connecting', target: { host: '127.0.0.1', port: 5900 } });

  const session = fakes.sessions.at(-1)!;
  session.fire('state', 'connected');
  session.fire('surfaceCreated', { displayId: 0, surfaceId: 0, surface: patternSurface(8, 4) });
  assert.equal((await events.next()).state, 'connected');
  assert.equal((await events.next()).type, 'surfaceCreated');
  const damage = await events.next();
  assert.equal(damage.type, 'damage');
  const patches = damage.patches as { width: number; height: number; rgba: ArrayBuffer }[];
  assert.equal(patches[0].rgba.byteLength, 8 * 4 * 4);
  // The WebSocket carries nothing back.
  await assert.rejects(client.nextFrame(100));

  const ended = new Promise<void>((resolve) => response.on('end', () => resolve()));
  // The page goes: its WebSocket closes, and the stream ends with it.
  client.sendFrame(Opcode.CLOSE, new Uint8Array([0x03, 0xe8]));
  await ended;
  client.socket.destroy();
});
