import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../../src/main/session/session';
import type { ReconnectedEvent, ReconnectingEvent } from '../../src/main/session/reconnect';
import type { Failure } from '../../src/shared/errors';
import { assertImagesMatch, type RgbImage } from '../support/images';
import { startFrozenQemu } from '../support/frozen-qemu';

/**
 * A server killed mid-session: the session reports it (reconnecting events the UI can show),
 * reconnects with backoff once the server is back on the same port, and shows its pixels again.
 * A server that comes back with another password ends the session: no retry after an
 * authentication error.
 */

const FAST = { initialDelayMs: 200, factor: 2, maxDelayMs: 1000, maxAttempts: 60, jitter: 0 };

function surfacePixels(session: Session): RgbImage {
  const surface = session.primarySurface;
  assert.ok(surface, 'no primary surface');
  const data = new Uint8Array(surface.width * surface.height * 3);
  for (let i = 0; i < surface.width * surface.height; i++) {
    const word = surface.pixels[i];
    data[i * 3] = (word >>> 16) & 0xff;
    data[i * 3 + 1] = (word >>> 8) & 0xff;
    data[i * 3 + 2] = word & 0xff;
  }
  return { width: surface.width, height: surface.height, data };
}

async function waitFor(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until no display message arrived for quietMs. */
async function waitForQuietDisplay(session: Session, quietMs: number, timeoutMs: number): Promise<void> {
  let last = Date.now();
  const off = session.on('displayActivity', () => { last = Date.now(); });
  try {
    await waitFor('a quiet display', () => session.primarySurface !== undefined && Date.now() - last > quietMs, timeoutMs);
  } finally {
    off();
  }
}

test('a server killed mid-session: reported, reconnected with backoff when it returns, pixels equal again', { timeout: 180_000 }, async () => {
  const first = await startFrozenQemu();
  const port = first.server.port;
  const reconnecting: ReconnectingEvent[] = [];
  const reconnected: ReconnectedEvent[] = [];
  const states: string[] = [];
  let closed: Failure | null | undefined;
  const session = new Session({ target: { host: '127.0.0.1', port }, reconnect: FAST, connectTimeoutMs: 5000 });
  session.on('reconnecting', (event) => reconnecting.push(event));
  session.on('reconnected', (event) => reconnected.push(event));
  session.on('state', (state) => states.push(state));
  session.on('closed', (failure) => { closed = failure; });
  let second: Awaited<ReturnType<typeof startFrozenQemu>> | undefined;
  try {
    await session.connect();
    await waitForQuietDisplay(session, 700, 30_000);
    assertImagesMatch(surfacePixels(session), first.truth, { label: 'reconnect-before' });

    process.kill(first.server.pid, 'SIGKILL');
    await waitFor('the drop to be reported', () => reconnecting.length >= 3, 20_000);
    assert.match(reconnecting[0].reason, /closed|reset/);
    assert.equal(session.state, 'connecting');
    assert.ok(reconnecting[1].delayMs > reconnecting[0].delayMs, `backoff: ${reconnecting.map((e) => e.delayMs).join(', ')}`);
    await first.server.stop();

    second = await startFrozenQemu({ port });
    await waitFor('the reconnection', () => reconnected.length === 1, 30_000);
    assert.equal(session.state, 'connected');
    assert.equal(closed, undefined, 'the session must not end while reconnecting');
    assert.ok(reconnected[0].attempts >= 3, `attempts ${reconnected[0].attempts}`);
    await waitForQuietDisplay(session, 700, 30_000);
    assertImagesMatch(surfacePixels(session), second.truth, { label: 'reconnect-after' });
    process.stdout.write(`# reconnected after ${reconnected[0].attempts} attempts, ${reconnected[0].downtimeMs} ms down\n`);
    assert.deepEqual(states.slice(0, 3), ['connecting', 'connected', 'connecting']);
  } finally {
    session.disconnect();
    await first.server.stop();
    await second?.server.stop();
  }
});

test('no retry after an authentication error: a server back with another password ends the session', { timeout: 180_000 }, async () => {
  const first = await startFrozenQemu({ spiceOptions: ['password-secret=s0'], extraArgs: ['-object', 'secret,id=s0,data=first-pass'] });
  const port = first.server.port;
  const reconnecting: ReconnectingEvent[] = [];
  const session = new Session({ target: { host: '127.0.0.1', port }, password: 'first-pass', reconnect: FAST, connectTimeoutMs: 5000 });
  session.on('reconnecting', (event) => reconnecting.push(event));
  const ended = new Promise<Failure | null>((resolve) => session.once('closed', resolve));
  let second: Awaited<ReturnType<typeof startFrozenQemu>> | undefined;
  try {
    await session.connect();
    process.kill(first.server.pid, 'SIGKILL');
    await waitFor('the drop to be reported', () => reconnecting.length >= 1, 20_000);
    await first.server.stop();
    second = await startFrozenQemu({ port, spiceOptions: ['password-secret=s0'], extraArgs: ['-object', 'secret,id=s0,data=changed-pass'] });
    const failure = await ended;
    assert.equal(failure?.kind, 'auth');
    assert.match(failure!.message, /refused the password .*not retrying/);
    const attempts = reconnecting.length;
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(reconnecting.length, attempts, 'the session tried again after an authentication error');
    assert.equal(session.state, 'disconnected');

    // And a wrong password on the first connection is never retried either.
    const wrong = new Session({ target: { host: '127.0.0.1', port }, password: 'nope', reconnect: FAST });
    let retried = false;
    wrong.on('reconnecting', () => { retried = true; });
    await assert.rejects(wrong.connect(), /refused the password/);
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(retried, false);
  } finally {
    session.disconnect();
    await first.server.stop();
    await second?.server.stop();
  }
});
