import { createSaffronApi, IPC_CHANNELS, type HostRequest, type SaffronApi } from '../shared/ipc';

/** The renderer end of the MessagePort to the engine (a DOM MessagePort in Electron). */
export interface EnginePortLike {
  postMessage(message: HostRequest): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  start?(): void;
}

/** The two things the preload does with ipcRenderer (a fake in tests). */
export interface PreloadIpc {
  on(channel: typeof IPC_CHANNELS.port, listener: (event: { readonly ports: readonly EnginePortLike[] }) => void): void;
  send(channel: typeof IPC_CHANNELS.openPort): void;
}

/**
 * The Electron preload's SaffronApi: asks the main process for a MessagePort to this window's
 * engine host, then speaks the IPC contract over it. Requests made before the port arrives wait
 * for it; only the first port is taken (a second one would be someone else's).
 */
export function createPreloadApi(ipc: PreloadIpc, warn: (message: string) => void = () => {}): SaffronApi {
  let port: EnginePortLike | null = null;
  const queued: HostRequest[] = [];
  const listeners = new Set<(message: unknown) => void>();

  ipc.on(IPC_CHANNELS.port, (event) => {
    const offered = event.ports[0];
    if (port || !offered) return;
    port = offered;
    offered.onmessage = (message) => {
      for (const listener of [...listeners]) listener(message.data);
    };
    offered.start?.();
    for (const request of queued.splice(0)) offered.postMessage(request);
  });
  ipc.send(IPC_CHANNELS.openPort);

  return createSaffronApi({
    post(request) {
      if (port) port.postMessage(request);
      else queued.push(request);
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onInvalid: (reason) => warn(`dropped an invalid event from the engine: ${reason}`),
  });
}
