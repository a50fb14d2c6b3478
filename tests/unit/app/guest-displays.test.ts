import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GuestDisplays, NO_AGENT_NOTICE } from '../../../src/main/host/guest-displays';
import type { GuestAgentState, GuestMonitorRequest } from '../../../src/main/host/engine-session';

function planner(initial: GuestAgentState = 'ready') {
  const sent: (GuestMonitorRequest | null)[][] = [];
  const notices: string[] = [];
  let state = initial;
  const displays = new GuestDisplays({
    agentState: () => state,
    setGuestMonitors: (monitors) => sent.push([...monitors]),
    notice: (message) => notices.push(message),
  });
  return { displays, sent, notices, setState: (next: GuestAgentState) => (state = next) };
}

/** Xspice with QXL_NUM_HEADS=2: one display channel, head 0 on, head 1 off. */
function twoHeadGuest(displays: GuestDisplays): void {
  displays.surfaceChanged(0, { width: 1024, height: 768 });
  displays.monitorsChanged(0, [{ monitorId: 0, x: 0, y: 0, width: 1024, height: 768 }], 2);
}

test('a window size becomes a monitors configuration for that monitor; the same size is not sent twice', () => {
  const { displays, sent } = planner();
  displays.surfaceChanged(0, { width: 1024, height: 768 });
  displays.resize(0, 1100, 660);
  displays.resize(0, 1100, 660);
  assert.deepEqual(sent, [[{ width: 1100, height: 660, x: 0, y: 0 }]]);
});

test('the guest answering with another size starts no loop: nothing is sent until a window asks again', () => {
  const { displays, sent } = planner();
  displays.surfaceChanged(0, { width: 1024, height: 768 });
  displays.resize(0, 1101, 661);
  // The guest rounds to what it can do, and says so.
  displays.surfaceChanged(0, { width: 1104, height: 661 });
  displays.monitorsChanged(0, [{ monitorId: 0, x: 0, y: 0, width: 1104, height: 661 }], 1);
  assert.equal(sent.length, 1);
});

test('resizing one monitor keeps the others, side by side', () => {
  const { displays, sent } = planner();
  displays.surfaceChanged(0, { width: 1824, height: 768 });
  displays.monitorsChanged(0, [{ monitorId: 0, x: 0, y: 0, width: 1024, height: 768 }, { monitorId: 1, x: 1024, y: 0, width: 800, height: 600 }], 2);
  displays.resize(1, 640, 480);
  assert.deepEqual(sent.at(-1), [{ width: 1024, height: 768, x: 0, y: 0 }, { width: 640, height: 480, x: 1024, y: 0 }]);
  displays.resize(0, 1280, 720);
  assert.deepEqual(sent.at(-1), [{ width: 1280, height: 720, x: 0, y: 0 }, { width: 640, height: 480, x: 1280, y: 0 }]);
});

test('displays are switched on (at the first monitor\'s size) and off; the last one stays on', () => {
  const { displays, sent } = planner();
  twoHeadGuest(displays);
  assert.equal(displays.monitorCount, 2);
  displays.setEnabled(1, true);
  assert.deepEqual(sent.at(-1), [{ width: 1024, height: 768, x: 0, y: 0 }, { width: 1024, height: 768, x: 1024, y: 0 }]);
  displays.monitorsChanged(0, [{ monitorId: 0, x: 0, y: 0, width: 1024, height: 768 }, { monitorId: 1, x: 1024, y: 0, width: 1024, height: 768 }], 2);
  displays.setEnabled(1, false);
  assert.deepEqual(sent.at(-1), [{ width: 1024, height: 768, x: 0, y: 0 }, null]);
  displays.monitorsChanged(0, [{ monitorId: 0, x: 0, y: 0, width: 1024, height: 768 }], 2);
  const before = sent.length;
  displays.setEnabled(0, false);
  assert.equal(sent.length, before, 'the only display cannot be switched off');
});

test('several display channels: channel N is monitor N', () => {
  const { displays, sent } = planner();
  displays.surfaceChanged(0, { width: 800, height: 600 });
  displays.surfaceChanged(1, { width: 640, height: 480 });
  assert.equal(displays.monitorCount, 2);
  displays.resize(1, 700, 500);
  assert.deepEqual(sent.at(-1), [{ width: 800, height: 600, x: 0, y: 0 }, { width: 700, height: 500, x: 800, y: 0 }]);
});

test('without an agent nothing is sent and the person is told once; a starting agent gets the latest wish when ready', () => {
  const absent = planner('absent');
  absent.displays.surfaceChanged(0, { width: 1024, height: 768 });
  absent.displays.resize(0, 800, 600);
  absent.displays.resize(0, 900, 600);
  absent.displays.setEnabled(1, true);
  assert.deepEqual(absent.sent, []);
  assert.deepEqual(absent.notices, [NO_AGENT_NOTICE]);

  const starting = planner('pending');
  starting.displays.surfaceChanged(0, { width: 1024, height: 768 });
  starting.displays.resize(0, 800, 600);
  starting.displays.resize(0, 900, 600);
  assert.deepEqual(starting.sent, []);
  starting.setState('ready');
  starting.displays.agentChanged('ready');
  assert.deepEqual(starting.sent, [[{ width: 900, height: 600, x: 0, y: 0 }]]);
  assert.deepEqual(starting.notices, []);
});

test('an agent that restarts hears the windows\' wishes again', () => {
  const { displays, sent, setState } = planner();
  displays.surfaceChanged(0, { width: 1024, height: 768 });
  displays.resize(0, 1100, 660);
  setState('pending');
  displays.agentChanged('pending');
  setState('ready');
  displays.agentChanged('ready');
  assert.deepEqual(sent, [[{ width: 1100, height: 660, x: 0, y: 0 }], [{ width: 1100, height: 660, x: 0, y: 0 }]]);
  // With no wish at all, a new agent is left alone.
  const quiet = planner();
  quiet.displays.agentChanged('ready');
  assert.deepEqual(quiet.sent, []);
});
