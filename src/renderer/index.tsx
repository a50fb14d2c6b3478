import { createRoot } from 'react-dom/client';
import type { SaffronApi } from '../shared/ipc';
import { App } from './App';
import { eventsUrlFor, newPipeId, openEventStream } from './transport/event-stream';
import { createWebSocketApi, ipcUrlFor } from './transport/websocket-api';
import type { DisplayWindowOpener } from './view/display-windows';
import { displayWindowRole, displayWindowUrl } from './view/window-role';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in the browser shell. */
    readonly saffron?: SaffronApi;
  }
}

/** This window shows one more monitor of another window's session (?monitor=N), or is a main window. */
const role = displayWindowRole(window.location.search);

/** Electron's preload API when present, else the browser shell's WebSocket to the page's own server. */
function connectApi(pipe: string): SaffronApi {
  if (window.saffron) return window.saffron;
  // Events (pixels above all) come on a streamed HTTP response, requests go on the WebSocket;
  // the pipe ID pairs the two (docs/architecture.md, "Moving pixels to the renderer").
  const events = openEventStream(eventsUrlFor(pipe));
  const log = (message: string): void => console.warn(`saffron: ${message}`);
  const follow = role?.follow ? `&follow=${role.follow}&monitor=${role.monitor}` : '';
  return createWebSocketApi(new WebSocket(`${ipcUrlFor(window.location)}?pipe=${pipe}${follow}`), log, events);
}

const pipe = newPipeId();
/** A window per guest display: a pop-up of this page's origin that joins this page's session. */
const openDisplayWindow: DisplayWindowOpener = (monitor, placement) =>
  window.open(
    displayWindowUrl(monitor, window.saffron ? null : pipe),
    `saffron-display-${monitor}-${pipe}`,
    `popup,left=${Math.round(placement.left)},top=${Math.round(placement.top)},width=${Math.round(placement.width)},height=${Math.round(placement.height)}`,
  );

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(<App api={connectApi(pipe)} displayWindow={role?.monitor ?? null} openDisplayWindow={role ? null : openDisplayWindow} />);
