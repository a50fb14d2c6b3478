import { createSaffronApi, type HostEvent, type HostRequest, type SaffronApi } from '../../shared/ipc';
import { decodeWireMessage, encodeWireMessage, WireFormatError } from '../../shared/ipc-wire';
import type { EventFeed } from './event-stream';

/** The minimum of a WebSocket this adapter uses, so tests can hand in a fake. */
export interface WebSocketLike {
  binaryType: 'blob' | 'arraybuffer';
  readonly readyState: number;
  /** Text for plain requests; binary for requests carrying buffers (microphone samples). */
  send(data: string | Uint8Array<ArrayBuffer>): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

const OPEN = 1;

/** The IPC endpoint of the server that served this page (same origin, so the cookie goes along). */
export function ipcUrlFor(location: { protocol: string; host: string }): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ipc`;
}

/**
 * The browser shell's SaffronApi: the same interface the Electron preload exposes, over the
 * local server's WebSocket. Requests made before the socket opens wait for it; if the socket
 * closes, listeners hear one 'disconnected' status saying the local server is gone.
 */
export function createWebSocketApi(socket: WebSocketLike, log: (message: string) => void = () => {}, events?: EventFeed): SaffronApi {
  socket.binaryType = 'arraybuffer';
  const queued: (string | Uint8Array<ArrayBuffer>)[] = [];
  const listeners = new Set<(message: unknown) => void>();
  const deliver = (message: unknown): void => {
    for (const listener of [...listeners]) listener(message);
  };
  let lostReported = false;
  const reportLost = (): void => {
    if (lostReported) return;
    lostReported = true;
    const lost: HostEvent = {
      type: 'status',
      state: 'disconnected',
      failure: { kind: 'closed', message: 'the connection to the Saffron server closed (was saffron web stopped?)' },
    };
    deliver(lost);
  };
  // With an event stream, events come from it and the socket only carries requests.
  events?.listen(deliver, (reason) => {
    log(reason);
    reportLost();
  });

  socket.addEventListener('open', () => {
    for (const text of queued.splice(0)) socket.send(text);
  });
  socket.addEventListener('message', (event) => {
    if (events) return;
    let message: unknown;
    try {
      const data = event.data;
      message = decodeWireMessage(typeof data === 'string' ? data : new Uint8Array(data as ArrayBuffer));
    } catch (error) {
      if (!(error instanceof WireFormatError)) throw error;
      log(`dropped a malformed message from the host: ${error.message}`);
      return;
    }
    deliver(message);
  });
  socket.addEventListener('close', reportLost);

  return createSaffronApi({
    post(request: HostRequest) {
      // Requests with buffers (microphone samples) go as one binary frame (ipc-wire.ts).
      const wire = encodeWireMessage(request) as string | Uint8Array<ArrayBuffer>;
      if (socket.readyState === OPEN) socket.send(wire);
      else queued.push(wire);
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onInvalid: (reason) => log(`dropped an invalid event from the host: ${reason}`),
  });
}
