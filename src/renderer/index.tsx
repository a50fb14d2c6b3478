import { createRoot } from 'react-dom/client';
import type { SaffronApi } from '../shared/ipc';
import { App } from './App';
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
  return createWebSocketApi(new WebSocket(ipcUrlFor(window.location)), (message) => console.warn(`saffron: ${message}`));
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(<App api={connectApi()} />);
