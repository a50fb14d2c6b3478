import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appMenuTemplate } from '../../../src/main/electron/app-menu';
import { answerAppRequest } from '../../../src/main/electron/renderer-protocol';
import {
  APP_ENTRY_URL,
  hardenWebContents,
  isAppUrl,
  isPermissionAllowed,
  isTrustedSender,
  secureWebPreferences,
  type PreventableEvent,
  type WebContentsLike,
} from '../../../src/main/electron/window-security';

/** A webContents that records its listeners, so tests can fire Electron's events at it. */
class FakeWebContents implements WebContentsLike {
  readonly listeners = new Map<string, (event: PreventableEvent, url: string) => void>();
  openHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;

  on(event: string, listener: (event: PreventableEvent, url: string) => void): this {
    this.listeners.set(event, listener);
    return this;
  }

  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.openHandler = handler;
  }

  /** Fires an event; returns whether a listener prevented its default. */
  fire(event: string, url = ''): boolean {
    let prevented = false;
    this.listeners.get(event)?.({ preventDefault: () => (prevented = true) }, url);
    return prevented;
  }
}

test('web preferences: isolation, sandbox, no Node, web security, no webviews', () => {
  const prefs = secureWebPreferences('/app/preload.js');
  assert.equal(prefs.preload, '/app/preload.js');
  assert.equal(prefs.contextIsolation, true);
  assert.equal(prefs.sandbox, true);
  assert.equal(prefs.nodeIntegration, false);
  assert.equal(prefs.nodeIntegrationInWorker, false);
  assert.equal(prefs.nodeIntegrationInSubFrames, false);
  assert.equal(prefs.webSecurity, true);
  assert.equal(prefs.allowRunningInsecureContent, false);
  assert.equal(prefs.webviewTag, false);
});

test('navigation, redirects away, webviews and new windows are all blocked', () => {
  const contents = new FakeWebContents();
  const blocked: string[] = [];
  hardenWebContents(contents, (what) => blocked.push(what));
  assert.equal(contents.fire('will-navigate', 'https://evil.example/'), true);
  assert.equal(contents.fire('will-navigate', APP_ENTRY_URL), true, 'even to ourselves: the page never navigates');
  assert.equal(contents.fire('will-redirect', 'https://evil.example/'), true);
  assert.equal(contents.fire('will-redirect', 'app://saffron/index.html'), false);
  assert.equal(contents.fire('will-attach-webview'), true);
  assert.deepEqual(contents.openHandler?.({ url: 'https://evil.example/' }), { action: 'deny' });
  assert.equal(blocked.length, 5);
});

test('permissions: only pointer lock, full screen, keyboard lock and the microphone, only for our pages', () => {
  assert.equal(isPermissionAllowed('pointerLock', 'app://saffron/index.html'), true);
  assert.equal(isPermissionAllowed('fullscreen', 'app://saffron/'), true);
  for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'hid', 'usb', 'serial']) {
    assert.equal(isPermissionAllowed(permission, 'app://saffron/index.html'), false, permission);
  }
  assert.equal(isPermissionAllowed('pointerLock', 'https://evil.example/'), false);
  // The microphone (the page asks the person once per session); never a camera.
  assert.equal(isPermissionAllowed('media', 'app://saffron/index.html', ['audio']), true);
  for (const types of [[], ['video'], ['audio', 'video']]) assert.equal(isPermissionAllowed('media', 'app://saffron/index.html', types), false, types.join('+'));
  assert.equal(isPermissionAllowed('media', 'https://evil.example/', ['audio']), false);
  assert.equal(isAppUrl('app://saffron.evil/x'), false);
  assert.equal(isAppUrl('not a url'), false);
});

test('IPC is accepted only from the top frame of the window, showing our page', () => {
  const top = { url: APP_ENTRY_URL, parent: null };
  assert.equal(isTrustedSender({ sender: { id: 7 }, senderFrame: top }, 7), true);
  assert.equal(isTrustedSender({ sender: { id: 8 }, senderFrame: top }, 7), false, 'another webContents');
  assert.equal(isTrustedSender({ sender: { id: 7 }, senderFrame: { url: APP_ENTRY_URL, parent: {} } }, 7), false, 'a subframe');
  assert.equal(isTrustedSender({ sender: { id: 7 }, senderFrame: { url: 'https://evil.example/', parent: null } }, 7), false, 'navigated away');
  assert.equal(isTrustedSender({ sender: { id: 7 }, senderFrame: null }, 7), false, 'a frame already gone');
  assert.equal(isTrustedSender({ sender: { id: 7 }, senderFrame: top }, undefined), false, 'no such window');
});

test('app:// serves only the renderer files, with the CSP', () => {
  const files = new Map([
    ['/index.html', { body: Buffer.from('<html>'), contentType: 'text/html; charset=utf-8' }],
    ['/app.js', { body: Buffer.from('x'), contentType: 'text/javascript; charset=utf-8' }],
  ]);
  const page = answerAppRequest('app://saffron/index.html', files);
  assert.equal(page.status, 200);
  assert.match(page.headers['Content-Security-Policy'], /script-src 'self'/);
  assert.equal(answerAppRequest('app://saffron/../../etc/passwd', files).status, 404);
  assert.equal(answerAppRequest('app://saffron/%2e%2e/package.json', files).status, 404);
  assert.equal(answerAppRequest('app://other/index.html', files).status, 404);
  assert.equal(answerAppRequest('file:///etc/passwd', files).status, 404);
});

test('the app menu offers Send Key combinations that reach the engine by name', () => {
  const sent: string[] = [];
  const commands: string[] = [];
  const template = appMenuTemplate({ newWindow() {}, openFile() {}, sendKeys: (combo) => sent.push(combo), command: (c) => commands.push(c), toggleFullScreen() {}, quit() {} }, 'linux');
  const sendKey = template.find((item) => item.label === '&Send Key');
  assert.ok(sendKey && Array.isArray(sendKey.submenu));
  const items = sendKey.submenu as { label?: string; click?: () => void }[];
  const ctrlAltDel = items.find((item) => item.label === 'Ctrl+Alt+Del');
  ctrlAltDel?.click?.();
  assert.deepEqual(sent, ['ctrl-alt-del']);
  assert.ok(items.some((item) => item.label === 'Ctrl+Alt+F12'));
  assert.ok(items.some((item) => item.label === 'Alt+Tab'));
  assert.ok(items.some((item) => item.label?.startsWith('Super')));
  const viewMenu = template.find((item) => item.label === '&View');
  const viewItems = viewMenu!.submenu as { label?: string; click?: () => void }[];
  for (const label of ['Zoom In', 'Zoom Out', 'Actual Size (1:1)', 'Scale to Fit Window', 'Release Keyboard and Mouse']) viewItems.find((item) => item.label === label)!.click!();
  assert.deepEqual(commands, ['zoomIn', 'zoomOut', 'zoomActual', 'scaleToFit', 'releaseGrab']);
});
