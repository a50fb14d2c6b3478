// The renderer's pure logic: lock-key synchronisation, monitor layout and names, view scaling,
// hotkeys. (The DOM parts are exercised end to end in tests/e2e.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LockBits, LockKeySync, localLockBits } from '../../../src/renderer/input/lock-keys';
import { layoutMonitors, type ShownSurface } from '../../../src/renderer/view/layout';
import { nextZoom, viewScale } from '../../../src/renderer/view/view-scale';
import { describeHotkey, hotkeyHeld, parseHotkey } from '../../../src/shared/hotkeys';
import type { MonitorArea } from '../../../src/shared/ipc';

test('lock keys: the guest is corrected before a key when it differs; a lock key toggles what we expect', () => {
  const sent: number[] = [];
  const sync = new LockKeySync((m) => sent.push(m));
  sync.guestReported(LockBits.CAPS | LockBits.NUM);
  sync.beforeKeyDown('KeyA', LockBits.NUM);
  assert.deepEqual(sent, [LockBits.NUM], 'Caps Lock off, as locally');
  sync.beforeKeyDown('KeyB', LockBits.NUM);
  assert.equal(sent.length, 1, 'in step: nothing more');
  sync.beforeKeyDown('CapsLock', LockBits.NUM | LockBits.CAPS);
  sync.beforeKeyDown('KeyC', LockBits.NUM | LockBits.CAPS);
  assert.equal(sent.length, 1, 'the Caps Lock key itself toggled the guest: no correction');
  sync.sync(0);
  assert.deepEqual(sent, [LockBits.NUM, 0]);
  assert.equal(localLockBits({ getModifierState: (key) => key === 'CapsLock' || key === 'ScrollLock' }), LockBits.CAPS | LockBits.SCROLL);
});

test('lock keys: a key or click before the inputs channel reported the guest is applied as soon as it does, once', () => {
  const sent: number[] = [];
  const sync = new LockKeySync((m) => sent.push(m));
  sync.sync(LockBits.NUM); // the display was clicked: the local state is known, the guest's not yet
  sync.beforeKeyDown('KeyA', LockBits.NUM);
  assert.deepEqual(sent, [], 'nothing before the server said where the guest stands');
  sync.guestReported(LockBits.CAPS);
  assert.deepEqual(sent, [LockBits.NUM], 'corrected when the guest is first reported');
  sync.guestReported(LockBits.CAPS);
  assert.deepEqual(sent, [LockBits.NUM], 'a later report (the guest changed it) waits for the next key');
  sync.beforeKeyDown('KeyB', LockBits.NUM);
  assert.deepEqual(sent, [LockBits.NUM, LockBits.NUM]);
  sync.reset();
  sync.guestReported(LockBits.CAPS);
  assert.equal(sent.length, 2, 'after a reset nothing local is known');
});

const surface = (displayId: number, width: number, height: number): ShownSurface => ({ displayId, surfaceId: 0, width, height });

test('monitor layout: one monitor is "Remote display"; several are numbered; heads that do not fit are ignored', () => {
  const one = layoutMonitors(new Map([[0, surface(0, 1024, 768)]]), new Map());
  assert.deepEqual(one, [{ key: '0:0', displayId: 0, surfaceId: 0, x: 0, y: 0, width: 1024, height: 768, inputDisplayId: 0, name: 'Remote display' }]);
  const heads: MonitorArea[] = [
    { monitorId: 1, x: 1024, y: 0, width: 1024, height: 768 },
    { monitorId: 0, x: 0, y: 0, width: 1024, height: 768 },
  ];
  const two = layoutMonitors(new Map([[0, surface(0, 2048, 768)]]), new Map([[0, heads]]));
  assert.deepEqual(two.map((m) => [m.name, m.x, m.inputDisplayId]), [['Remote display 1', 0, 0], ['Remote display 2', 1024, 1]]);
  const channels = layoutMonitors(new Map([[1, surface(1, 800, 600)], [0, surface(0, 1024, 768)]]), new Map());
  assert.deepEqual(channels.map((m) => [m.name, m.displayId, m.inputDisplayId]), [['Remote display 1', 0, 0], ['Remote display 2', 1, 1]]);
  const stale = layoutMonitors(new Map([[0, surface(0, 1024, 768)]]), new Map([[0, heads]]));
  assert.equal(stale.length, 1, 'heads beyond a (smaller, new) surface: the whole surface');
});

test('view scale: 1:1 in device pixels when it fits, shrunk to fit otherwise; fit scales up; zoom is fixed', () => {
  const content = { width: 1024, height: 768 };
  assert.equal(viewScale({ kind: 'auto' }, content, { width: 1280, height: 900 }, 1), 1);
  assert.equal(viewScale({ kind: 'auto' }, content, { width: 1280, height: 900 }, 2), 0.5, 'one guest pixel on one device pixel');
  assert.equal(viewScale({ kind: 'auto' }, content, { width: 512, height: 900 }, 1), 0.5);
  assert.equal(viewScale({ kind: 'fit' }, content, { width: 2048, height: 2000 }, 1), 2);
  assert.equal(viewScale({ kind: 'zoom', factor: 1.5 }, content, { width: 10, height: 10 }, 1), 1.5);
  assert.equal(nextZoom(1, 1), 1.1);
  assert.equal(nextZoom(1, -1), 0.9);
  assert.equal(nextZoom(0.8, 1), 0.9);
  assert.equal(nextZoom(4, 1), 4);
});

test('hotkeys in spice-gtk format: parsed, described, and matched against the keys held', () => {
  const ctrlAlt = parseHotkey('ctrl+alt')!;
  assert.equal(describeHotkey(ctrlAlt), 'Ctrl+Alt');
  assert.ok(hotkeyHeld(ctrlAlt, new Set(['ControlRight', 'AltLeft'])));
  assert.ok(!hotkeyHeld(ctrlAlt, new Set(['ControlLeft'])));
  const shiftF12 = parseHotkey('Shift+F12')!;
  assert.deepEqual(shiftF12, { modifiers: ['shift'], code: 'F12' });
  assert.ok(hotkeyHeld(shiftF12, new Set(['ShiftLeft', 'F12'])));
  for (const bad of ['', 'f12', 'ctrl', 'ctrl+ctrl', 'ctrl+a+b', 'ctrl+nosuchkey', 'x'.repeat(100)]) assert.equal(parseHotkey(bad), null, bad);
});
