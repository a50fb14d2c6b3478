/**
 * The Electron window's security rules, free of Electron itself: main.ts applies them to real
 * objects, tests to fakes. Follows Electron's security checklist: isolation and sandbox on,
 * no Node in the page, only our own app:// content, no navigation, no new windows, no webviews,
 * permissions denied unless the display needs them, IPC accepted only from our own frames.
 */

/** The app's own scheme: registered as standard and secure (so WebCodecs and friends work). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'saffron';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

export interface SecureWebPreferences {
  readonly preload: string;
  readonly contextIsolation: true;
  readonly sandbox: true;
  readonly nodeIntegration: false;
  readonly nodeIntegrationInWorker: false;
  readonly nodeIntegrationInSubFrames: false;
  readonly webSecurity: true;
  readonly allowRunningInsecureContent: false;
  readonly webviewTag: false;
  readonly experimentalFeatures: false;
  readonly navigateOnDragDrop: false;
  readonly spellcheck: false;
}

export function secureWebPreferences(preload: string): SecureWebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/** Whether a URL is one of our own pages. */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/** Permissions a session window may get: locking the pointer (server mouse mode) and full screen. */
const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['pointerLock', 'fullscreen', 'keyboardLock']);

/**
 * `mediaTypes`: for 'media', what is asked for (Electron's details). The microphone is allowed
 * (the page asks the person first, once per session, when the guest wants it); a camera never.
 */
export function isPermissionAllowed(permission: string, requestingUrl: string, mediaTypes?: readonly string[]): boolean {
  if (!isAppUrl(requestingUrl)) return false;
  if (permission === 'media') return mediaTypes !== undefined && mediaTypes.length > 0 && mediaTypes.every((type) => type === 'audio');
  return ALLOWED_PERMISSIONS.has(permission);
}

/** The parts of an event Electron lets us cancel. */
export interface PreventableEvent {
  preventDefault(): void;
}

/** The parts of WebContents the hardening touches. */
export interface WebContentsLike {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/**
 * No navigation away from the app (a link in a guest name, a dropped file, a compromised page),
 * no new windows, no webviews. Links people may want opened go through the menu, not the page.
 */
export function hardenWebContents(contents: WebContentsLike, onBlocked: (what: string) => void = () => {}): void {
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    onBlocked(`navigation to ${url}`);
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) {
      event.preventDefault();
      onBlocked(`redirect to ${url}`);
    }
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    onBlocked('a webview');
  });
  contents.setWindowOpenHandler(({ url }) => {
    onBlocked(`a new window for ${url}`);
    return { action: 'deny' };
  });
}

/** The sender of an IPC message, as Electron describes it. */
export interface IpcSenderLike {
  readonly sender: { readonly id: number };
  readonly senderFrame: { readonly url: string; readonly parent: unknown } | null;
}

/**
 * Accepts an IPC message only from the top frame of one of our own windows showing our own
 * page: not from a subframe, not after a navigation elsewhere, not from another webContents.
 */
export function isTrustedSender(event: IpcSenderLike, windowContentsId: number | undefined): boolean {
  if (windowContentsId === undefined || event.sender.id !== windowContentsId) return false;
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && isAppUrl(frame.url);
}
