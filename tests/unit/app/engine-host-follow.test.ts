import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EngineHost } from '../../../src/main/host/engine-host';
import type { HostEvent } from '../../../src/shared/ipc';
import { fakeSessionFactory, patternSurface, quietLog } from './fake-session';

const tick = (ms = 0): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function makeHost(factory = fakeSessionFactory()) {
  const events: HostEvent[] = [];
  const host = new EngineHost({ createSession: factory.factory, send: (event) => events.push(event), log: quietLog, flushIntervalMs: 1, statsIntervalMs: 10_000 });
  return { host, fakes: factory, events };
}

const twoHeads = [{ monitorId: 0, x: 0, y: 0, width: 1024, height: 768 }, { monitorId: 1, x: 1024, y: 0, width: 800, height: 600 }];

test('resize and enable requests become the session\'s monitors configuration; monitors events carry max_allowed', () => {
  const { host, fakes, events } = makeHost();
  host.connect({ host: 'h', port: 1 });
  const session = fakes.sessions[0];
  session.fire('state', 'connected');
  session.fire('surfaceCreated', { displayId: 0, surfaceId: 0, surface: patternSurface(1024, 768) });
  session.fire('monitors', { displayId: 0, monitors: [twoHeads[0]], maxAllowed: 2 });
  assert.deepEqual(events.filter((e) => e.type === 'monitors').at(-1), { type: 'monitors', displayId: 0, monitors: [twoHeads[0]], maxAllowed: 2 });
  host.handleMessage({ type: 'resizeGuestDisplay', monitor: 0, width: 1100, height: 660 });
  host.handleMessage({ type: 'setGuestDisplayEnabled', monitor: 1, enabled: true });
  assert.deepEqual(session.monitorConfigs, [
    [{ width: 1100, height: 660, x: 0, y: 0 }],
    [{ width: 1100, height: 660, x: 0, y: 0 }, { width: 1100, height: 660, x: 1100, y: 0 }],
  ]);
  host.handleMessage({ type: 'resizeGuestDisplay', monitor: 0, width: 0, height: 660 });
  assert.equal(session.monitorConfigs.length, 2, 'an invalid request is dropped');
  host.dispose();
});

test('without an agent a resize sends nothing and says so once', () => {
  const { host, fakes, events } = makeHost();
  host.connect({ host: 'h', port: 1 });
  const session = fakes.sessions[0];
  session.agentNow = 'absent';
  session.fire('surfaceCreated', { displayId: 0, surfaceId: 0, surface: patternSurface(1024, 768) });
  host.handleMessage({ type: 'resizeGuestDisplay', monitor: 0, width: 800, height: 600 });
  host.handleMessage({ type: 'resizeGuestDisplay', monitor: 0, width: 900, height: 600 });
  assert.deepEqual(session.monitorConfigs, []);
  assert.equal(events.filter((e) => e.type === 'notice' && /no agent/.test(e.message)).length, 1);
  host.dispose();
});

test('a display window follows the leader\'s session: same pixels and input, its close switches its monitor off, the leader ends it', async () => {
  const fakes = fakeSessionFactory();
  const leader = makeHost(fakes);
  leader.host.connect({ host: 'h', port: 1 });
  const session = fakes.sessions[0];
  session.fire('state', 'connected');
  session.fire('surfaceCreated', { displayId: 0, surfaceId: 0, surface: patternSurface(1824, 768) });
  session.fire('monitors', { displayId: 0, monitors: twoHeads, maxAllowed: 2 });

  const follower = makeHost(fakes);
  assert.equal(follower.host.follow(leader.host, 1), true);
  assert.equal(follower.host.followedMonitor, 1);
  follower.host.handleMessage({ type: 'ready' });
  await tick(5);
  const types: string[] = follower.events.map((e) => e.type);
  for (const type of ['status', 'surfaceCreated', 'damage', 'monitors']) assert.ok(types.includes(type), `${type} replayed`);
  const status = follower.events.find((e) => e.type === 'status');
  assert.equal(status?.type === 'status' && status.state, 'connected');

  follower.host.handleMessage({ type: 'mousePosition', x: 10, y: 20, displayId: 1 });
  assert.deepEqual(session.calls.at(-1), ['mousePosition', 10, 20, 1]);
  follower.host.handleMessage({ type: 'resizeGuestDisplay', monitor: 1, width: 640, height: 480 });
  assert.deepEqual(session.monitorConfigs.at(-1), [{ width: 1024, height: 768, x: 0, y: 0 }, { width: 640, height: 480, x: 1024, y: 0 }]);

  // Closing the display's window switches its monitor off, and leaves the session running.
  follower.host.dispose();
  assert.deepEqual(session.monitorConfigs.at(-1), [{ width: 1024, height: 768, x: 0, y: 0 }, null]);
  assert.equal(session.disconnected, false);

  // A second window; the session ends: it hears so.
  const second = makeHost(fakes);
  assert.equal(second.host.follow(leader.host, 1), true);
  session.fire('closed', null);
  assert.equal(second.events.filter((e) => e.type === 'status' && e.state === 'disconnected').length, 1);
  assert.equal(second.host.follow(leader.host, 1), false, 'nothing to follow once the session ended');
  leader.host.dispose();
  second.host.dispose();
});
