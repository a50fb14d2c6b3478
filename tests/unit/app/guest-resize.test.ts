import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GuestResizeFollower, guestSizeFor, type ResizeTimers } from '../../../src/renderer/view/guest-resize';
import { cascadePlacement, DisplayWindows, type OpenedWindow } from '../../../src/renderer/view/display-windows';
import { displayWindowRole, displayWindowUrl } from '../../../src/renderer/view/window-role';
import { followRequestOf } from '../../../src/main/host/web/follow-request';

/** Timers under the test's control: `advance(ms)` runs what is due. */
function manualTimers(): ResizeTimers & { advance(ms: number): void; pending(): number } {
  let now = 0;
  let next = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    set: (callback, ms) => {
      const id = next++;
      timers.set(id, { at: now + ms, callback });
      return id;
    },
    clear: (handle) => {
      timers.delete(handle as number);
    },
    advance(ms) {
      now += ms;
      for (const [id, timer] of [...timers]) {
        if (timer.at > now) continue;
        timers.delete(id);
        timer.callback();
      }
    },
    pending: () => timers.size,
  };
}

test('the guest size is the view in device pixels, divided by a fixed zoom', () => {
  assert.deepEqual(guestSizeFor({ width: 1100, height: 660 }, 1, { kind: 'auto' }), { width: 1100, height: 660 });
  assert.deepEqual(guestSizeFor({ width: 1100, height: 660 }, 1.5, { kind: 'fit' }), { width: 1650, height: 990 });
  assert.deepEqual(guestSizeFor({ width: 1100, height: 660 }, 1, { kind: 'zoom', factor: 2 }), { width: 550, height: 330 });
  assert.deepEqual(guestSizeFor({ width: 1001, height: 661 }, 1, { kind: 'zoom', factor: 2 }), { width: 500, height: 330 });
  assert.equal(guestSizeFor({ width: 0, height: 660 }, 1, { kind: 'auto' }), null);
});

test('a window being dragged makes one request, 500 ms after it stops', () => {
  const timers = manualTimers();
  const sent: string[] = [];
  const follower = new GuestResizeFollower((size) => sent.push(`${size.width}x${size.height}`), 500, timers);
  for (let width = 800; width < 1000; width += 10) {
    follower.want({ width, height: 600 });
    timers.advance(100);
  }
  assert.deepEqual(sent, []);
  timers.advance(399);
  assert.deepEqual(sent, []);
  timers.advance(1);
  assert.deepEqual(sent, ['990x600']);
});

test('the same size is never sent twice in a row; the same wish again does not restart the wait', () => {
  const timers = manualTimers();
  const sent: string[] = [];
  const follower = new GuestResizeFollower((size) => sent.push(`${size.width}x${size.height}`), 500, timers);
  follower.want({ width: 800, height: 600 });
  timers.advance(300);
  follower.want({ width: 800, height: 600 });
  timers.advance(200);
  assert.deepEqual(sent, ['800x600']);
  follower.want({ width: 800, height: 600 });
  timers.advance(1000);
  assert.deepEqual(sent, ['800x600']);
  assert.equal(timers.pending(), 0);
  // Back and forth within the wait: nothing, since the size ends where it was.
  follower.want({ width: 900, height: 600 });
  timers.advance(100);
  follower.want({ width: 800, height: 600 });
  timers.advance(1000);
  assert.deepEqual(sent, ['800x600']);
  // After forget() (a new session, following turned on again) the size goes out again.
  follower.forget();
  follower.want({ width: 800, height: 600 });
  timers.advance(500);
  assert.deepEqual(sent, ['800x600', '800x600']);
});

test('turning following off cancels what waits', () => {
  const timers = manualTimers();
  const sent: string[] = [];
  const follower = new GuestResizeFollower((size) => sent.push(`${size.width}x${size.height}`), 500, timers);
  follower.want({ width: 800, height: 600 });
  timers.advance(200);
  follower.want(null);
  timers.advance(1000);
  assert.deepEqual(sent, []);
});

class FakeWindow implements OpenedWindow {
  closed = false;
  close(): void {
    this.closed = true;
  }
}

test('a window per monitor past the first: opened, closed with its monitor, not reopened after the person closed it', () => {
  const opened: { monitor: number; window: FakeWindow }[] = [];
  let elsewhere: number[] = [];
  const notices: string[] = [];
  let refuse = false;
  const windows = new DisplayWindows({
    open: (monitor) => {
      if (refuse) return null;
      const window = new FakeWindow();
      opened.push({ monitor, window });
      return window;
    },
    onShownElsewhere: (set) => (elsewhere = [...set]),
    notice: (message) => notices.push(message),
    placement: (monitor, size) => cascadePlacement({ left: 0, top: 0 }, monitor, size, 40),
  });
  const both = [{ monitor: 0, width: 1024, height: 768 }, { monitor: 1, width: 800, height: 600 }];
  windows.sync(both);
  assert.deepEqual(opened.map((o) => o.monitor), [1]);
  assert.deepEqual(elsewhere, [1]);
  windows.sync(both);
  assert.equal(opened.length, 1);
  // The guest dropped monitor 2: its window closes.
  windows.sync([both[0]]);
  assert.equal(opened[0].window.closed, true);
  assert.deepEqual(elsewhere, []);
  // Back again: a new window; the person closes it: not reopened while the monitor stays.
  windows.sync(both);
  assert.equal(opened.length, 2);
  opened[1].window.closed = true;
  windows.checkClosed();
  assert.deepEqual(elsewhere, []);
  windows.sync(both);
  assert.equal(opened.length, 2);
  windows.reopen(1, 800, 600);
  assert.equal(opened.length, 3);
  assert.deepEqual(elsewhere, [1]);
  windows.closeAll();
  assert.equal(opened[2].window.closed, true);
  // Pop-ups blocked: the monitor stays in the main window, with one notice.
  refuse = true;
  windows.sync(both);
  windows.sync([both[0]]);
  windows.sync(both);
  assert.deepEqual(elsewhere, []);
  assert.equal(notices.length, 1);
  assert.match(notices[0], /Remote display 2 could not be opened/);
});

test('display windows are addressed by monitor (and, in the browser shell, the pipe of the page they join)', () => {
  const pipe = '0123456789abcdef0123456789abcdef';
  assert.equal(displayWindowUrl(1, pipe), `/?follow=${pipe}&monitor=1`);
  assert.deepEqual(displayWindowRole(`?follow=${pipe}&monitor=1`), { monitor: 1, follow: pipe });
  assert.deepEqual(displayWindowRole('?monitor=2'), { monitor: 2, follow: null });
  assert.equal(displayWindowRole(''), null);
  assert.equal(displayWindowRole('?monitor=16'), null);
  assert.equal(displayWindowRole('?monitor=1&follow=nothex'), null);
  assert.deepEqual(followRequestOf(`/ipc?pipe=${pipe}&follow=${pipe}&monitor=1`), { pipe, monitor: 1 });
  assert.equal(followRequestOf(`/ipc?pipe=${pipe}`), null);
  assert.equal(followRequestOf(`/ipc?pipe=${pipe}&follow=${pipe}&monitor=99`), null);
  assert.equal(followRequestOf(`/ipc?pipe=${pipe}&follow=xyz&monitor=1`), null);
});
