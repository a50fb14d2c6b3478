import { createRoot } from 'react-dom/client';
import type { SaffronApi } from '../shared/ipc';
import { App } from './App';
import { eventsUrlFor, newPipeId, openEventStream } from './transport/event-stream';
import { createWebSocketApi, ipcUrlFor } from './transport/websocket-api';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in the browser shell. */
    readonly saffron?: SaffronApi;
  }
}

/** Electron's preload API when present, else the browser shell's WebSocket to the page's own server. */
function connectApi(): SaffronApi {
  if (window.saffron) return window.saffron;
  // Events (pixels above all) come on a streamed HTTP response, requests go on the WebSocket;
  // the pipe ID pairs the two (docs/architecture.md, "Moving pixels to the renderer").
  const pipe = newPipeId();
  const events = openEventStream(eventsUrlFor(pipe));
  const log = (message: string): void => console.warn(`saffron: ${message}`);
  return createWebSocketApi(new WebSocket(`${ipcUrlFor(window.location)}?pipe=${pipe}`), log, events);
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(<App api={connectApi()} />);
