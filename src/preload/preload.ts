// The sandboxed preload: the renderer's one window onto the rest of Saffron. It exposes exactly
// the SaffronApi (src/shared/ipc.ts) as window.saffron and nothing of Electron or Node.
import { contextBridge, ipcRenderer } from 'electron';
import { SAFFRON_API_METHODS, type SaffronApi } from '../shared/ipc';
import { createPreloadApi, type EnginePortLike, type PreloadIpc } from './port-api';

const ipc: PreloadIpc = {
  on: (channel, listener) => {
    // Ports from the main process are DOM MessagePorts: the shape EnginePortLike describes.
    ipcRenderer.on(channel, (event) => listener({ ports: event.ports as readonly EnginePortLike[] }));
  },
  send: (channel) => ipcRenderer.send(channel),
};

const api = createPreloadApi(ipc, (message) => console.warn(`saffron: ${message}`));

// Only the contract's methods cross the bridge, each bound: no prototype, no extra properties.
const exposed = Object.fromEntries(SAFFRON_API_METHODS.map((name) => [name, api[name].bind(api)])) as unknown as SaffronApi;
contextBridge.exposeInMainWorld('saffron', exposed);
