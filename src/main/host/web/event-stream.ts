import type { ServerResponse } from 'node:http';
import { encodeStreamRecord } from '../../../shared/ipc-stream';

/** Where the page fetches its event stream; `?pipe=ID` pairs it with the WebSocket of the same ID. */
export const EVENTS_PATH = '/events';
/** A pipe ID: what the page generates (crypto.randomUUID without dashes, or any 16-64 hex digits). */
const PIPE_ID = /^[0-9a-f]{16,64}$/;

/** The query of a request target (`/ipc?…`, `/events?…`), or null when it does not parse. */
export function queryOf(url: string): URLSearchParams | null {
  try {
    return new URL(url, 'http://pipe.invalid').searchParams;
  } catch {
    return null;
  }
}

/** `id` when it is a well-formed pipe ID, else null. */
export function wellFormedPipeId(id: string | null): string | null {
  return id !== null && PIPE_ID.test(id) ? id : null;
}

/** The pipe ID in a request target (`/ipc?pipe=ID` or `/events?pipe=ID`), or null when absent or malformed. */
export function pipeIdOf(url: string): string | null {
  return wellFormedPipeId(queryOf(url)?.get('pipe') ?? null);
}

/**
 * Host events to one page as records (shared/ipc-stream.ts) in one long HTTP response. Pixels
 * go to the socket as they are: the record's header and JSON are one small write, each buffer
 * another, under cork, so the kernel gets them in one writev and nothing is concatenated.
 *
 * Why not the WebSocket: a WebSocket message is one unit for the browser (and for DevTools,
 * which copies every frame's payload into its protocol as base64 when a debugger is attached);
 * a response body streams in chunks straight into the page. docs/architecture.md has figures.
 */
export class EventStream {
  private ended = false;

  constructor(private readonly response: ServerResponse) {
    response.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Cache-Control': 'no-store',
      // No proxy or browser may hold back parts of the stream.
      'X-Accel-Buffering': 'no',
    });
    response.flushHeaders();
    response.socket?.setNoDelay(true);
  }

  /** Bytes written but not yet taken by the kernel: how far behind the page is. */
  get bufferedBytes(): number {
    return this.response.writableLength;
  }

  get isOpen(): boolean {
    return !this.ended && !this.response.destroyed;
  }

  /**
   * `recycle`, when given, gets each of the message's buffers back once the socket has taken its
   * bytes (the write callback): nothing refers to them after that.
   */
  send(message: object, recycle?: (buffer: ArrayBuffer) => void): void {
    if (!this.isOpen) return;
    const parts = encodeStreamRecord(message);
    const socket = this.response.socket;
    socket?.cork();
    this.response.write(parts[0]);
    for (let i = 1; i < parts.length; i++) {
      const part = parts[i];
      if (recycle) this.response.write(part, () => recycle(part.buffer as ArrayBuffer));
      else this.response.write(part);
    }
    if (socket) process.nextTick(() => socket.uncork());
  }

  /** Calls `listener` once when the page goes away (or the stream is ended). */
  onClose(listener: () => void): void {
    this.response.once('close', listener);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.response.end();
  }
}

/**
 * The events of one page's EngineHost: queued until the page's event stream arrives, then
 * written to it. The page opens the stream and the WebSocket at the same time; either may come
 * first.
 */
export class PipedEvents {
  private stream: EventStream | null = null;
  private queued: { message: object; recycle?: (buffer: ArrayBuffer) => void }[] = [];
  private closed = false;
  private readonly closeListeners: (() => void)[] = [];

  send(message: object, recycle?: (buffer: ArrayBuffer) => void): void {
    if (this.closed) return;
    if (this.stream) this.stream.send(message, recycle);
    else this.queued.push({ message, ...(recycle ? { recycle } : {}) });
  }

  get bufferedBytes(): number {
    return this.stream?.bufferedBytes ?? 0;
  }

  attach(stream: EventStream): void {
    if (this.closed) {
      stream.end();
      return;
    }
    this.stream = stream;
    for (const { message, recycle } of this.queued.splice(0)) stream.send(message, recycle);
    stream.onClose(() => this.end());
  }

  /** Calls `listener` once when the stream ends (the page went away, or end() was called). */
  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.queued = [];
    this.stream?.end();
    for (const listener of this.closeListeners.splice(0)) listener();
  }
}

/** How long a stream or a WebSocket waits for its partner before it is given up. */
const PAIRING_TIMEOUT_MS = 10_000;

/** Pairs each page's event stream with its WebSocket by the pipe ID the page chose. */
export class EventPipes {
  private readonly streams = new Map<string, EventStream>();
  private readonly routes = new Map<string, PipedEvents>();

  /** A page's GET /events?pipe=ID. */
  openStream(id: string, response: ServerResponse): void {
    const stream = new EventStream(response);
    const route = this.routes.get(id);
    if (route) {
      this.routes.delete(id);
      route.attach(stream);
      return;
    }
    this.streams.get(id)?.end();
    this.streams.set(id, stream);
    const forget = (): void => {
      if (this.streams.get(id) !== stream) return;
      this.streams.delete(id);
      stream.end();
    };
    stream.onClose(forget);
    setTimeout(forget, PAIRING_TIMEOUT_MS).unref();
  }

  /** A page's WebSocket with ?pipe=ID: where its host's events go. */
  route(id: string): PipedEvents {
    const route = new PipedEvents();
    const stream = this.streams.get(id);
    if (stream) {
      this.streams.delete(id);
      route.attach(stream);
      return route;
    }
    this.routes.get(id)?.end();
    this.routes.set(id, route);
    const forget = (): void => {
      if (this.routes.get(id) !== route) return;
      this.routes.delete(id);
      route.end();
    };
    route.onClose(forget);
    setTimeout(forget, PAIRING_TIMEOUT_MS).unref();
    return route;
  }

  /** Ends every stream still waiting (the server is closing). */
  close(): void {
    for (const stream of this.streams.values()) stream.end();
    for (const route of this.routes.values()) route.end();
    this.streams.clear();
    this.routes.clear();
  }
}
