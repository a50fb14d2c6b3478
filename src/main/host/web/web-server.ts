import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { MAX_CLIPBOARD_BYTES } from '../../../shared/agent-ipc';
import { decodeWireMessage, encodeWireMessage, WireFormatError } from '../../../shared/ipc-wire';
import type { Logger } from '../../session/logger';
import type { LaunchSource } from '../connect-plan';
import type { EngineMetrics } from '../engine-metrics';
import type { SessionFactory } from '../engine-session';
import type { LibraryAccess } from '../store/open-library';
import { EngineHost } from '../engine-host';
import { PixelBufferPool } from '../../../shared/pixel-buffer-pool';
import { gateHttpRequest, gateUpgrade, type RequestFacts } from './request-gate';
import { SECURITY_HEADERS } from './security-headers';
import { loadStaticFiles, type StaticFile } from './static-files';
import { WebAuth } from './web-auth';
import { WebSocketConnection } from './websocket-connection';
import { CloseCode } from './websocket-frames';
import { checkUpgradeRequest, refuseUpgrade, writeUpgradeResponse } from './websocket-handshake';
import { EVENTS_PATH, EventPipes, pipeIdOf } from './event-stream';
import { followRequestOf } from './follow-request';

export interface WebServerOptions {
  /** 0 picks any free port. */
  readonly port: number;
  /** The built renderer (dist/renderer). */
  readonly rendererDir: string;
  readonly createSession: SessionFactory;
  readonly log: Logger;
  /** Saved connections shared by every page (absent: unavailable). */
  readonly library?: LibraryAccess;
  /** Pages show the display only (saffron web --kiosk). */
  readonly kiosk?: boolean;
  /** What the first page to open should connect to (saffron web spice://…). */
  readonly launch?: LaunchSource;
  /** The bench's measurements (engine-metrics.ts), when asked for. */
  readonly metrics?: EngineMetrics;
}

/** Requests from the renderer are small JSON text; anything bigger is a bug or an attack. */
const MAX_REQUEST_MESSAGE_BYTES = 64 * 1024;
/** Binary requests carry a clipboard image or a piece of a dropped file (agent-ipc.ts), plus their JSON. */
const MAX_BINARY_REQUEST_BYTES = MAX_CLIPBOARD_BYTES + MAX_REQUEST_MESSAGE_BYTES;

function factsOf(request: IncomingMessage): RequestFacts {
  const origin = request.headers.origin;
  return {
    method: request.method ?? '',
    url: request.url ?? '',
    host: request.headers.host,
    origin: typeof origin === 'string' ? origin : undefined,
    cookie: request.headers.cookie,
  };
}

/**
 * The browser shell's server: the renderer's files and one IPC WebSocket per page, each with its
 * own EngineHost (and so its own session), on 127.0.0.1 only, behind WebAuth.
 */
export class WebServer {
  private readonly connections = new Set<{ socket: WebSocketConnection; host: EngineHost }>();
  /** Each page's host by its pipe ID, so a display's window can attach to that page's session. */
  private readonly hostsByPipe = new Map<string, EngineHost>();
  /** Each page's event stream and WebSocket, paired by the pipe ID the page chose. */
  private readonly pipes = new EventPipes();
  /** Opened by the first page that says it is ready, then gone. */
  private pendingLaunch: LaunchSource | undefined;

  private constructor(
    private readonly server: Server,
    private readonly auth: WebAuth,
    private readonly options: WebServerOptions,
  ) {}

  static async start(options: WebServerOptions): Promise<WebServer> {
    const files = loadStaticFiles(options.rendererDir);
    let self: WebServer | null = null;
    const server = createServer((request, response) => self?.answer(request, response, files));
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (self) self.upgrade(request, socket, head);
      else socket.destroy();
    });
    server.on('clientError', (_error, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('the server has no TCP address');
    self = new WebServer(server, new WebAuth(address.port), options);
    self.pendingLaunch = options.launch;
    return self;
  }

  get port(): number {
    return this.auth.port;
  }

  /** The address to print: it carries the token, so it goes to stdout once and nowhere else. */
  get loginUrl(): string {
    return `http://127.0.0.1:${this.port}/?token=${this.auth.token}`;
  }

  /** A one-time link for a browser we start (its command line is visible to every local user). */
  createLaunchUrl(): string {
    return `http://127.0.0.1:${this.port}/launch/${this.auth.createLaunchNonce()}`;
  }

  get sessionCount(): number {
    return this.connections.size;
  }

  /** Ends every session and connection, then stops listening. */
  async close(): Promise<void> {
    for (const { socket, host } of this.connections) {
      host.dispose();
      socket.close(CloseCode.GOING_AWAY, 'saffron is shutting down');
    }
    this.connections.clear();
    this.pipes.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private answer(request: IncomingMessage, response: ServerResponse, files: ReadonlyMap<string, StaticFile>): void {
    const decision = gateHttpRequest(this.auth, factsOf(request));
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    switch (decision.kind) {
      case 'refuse':
        this.plain(response, decision.status, decision.message, decision.status === 405 ? { Allow: 'GET, HEAD' } : {});
        return;
      case 'login':
        this.options.log.info('web: a browser logged in');
        response.writeHead(303, { 'Set-Cookie': this.auth.setCookieHeader, Location: '/', 'Content-Length': '0' });
        response.end();
        return;
      case 'serve': {
        if (decision.path === EVENTS_PATH) {
          this.openEventStream(request, response);
          return;
        }
        const file = files.get(decision.path);
        if (!file) {
          this.plain(response, 404, 'not found');
          return;
        }
        response.writeHead(200, { 'Content-Type': file.contentType, 'Content-Length': String(file.body.length) });
        response.end(request.method === 'HEAD' ? undefined : file.body);
      }
    }
  }

  private plain(response: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
    const body = `${message}\n`;
    response.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) });
    response.end(body);
  }

  /** GET /events?pipe=ID: the page's event stream (event-stream.ts). */
  private openEventStream(request: IncomingMessage, response: ServerResponse): void {
    const pipe = pipeIdOf(request.url ?? '');
    if (request.method !== 'GET' || pipe === null) {
      this.plain(response, 400, 'the event stream needs GET /events?pipe=ID');
      return;
    }
    this.pipes.openStream(pipe, response);
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const refusal = gateUpgrade(this.auth, factsOf(request));
    if (refusal) {
      refuseUpgrade(socket, refusal);
      return;
    }
    const handshake = checkUpgradeRequest(request);
    if (!('key' in handshake)) {
      refuseUpgrade(socket, handshake);
      return;
    }
    writeUpgradeResponse(socket, handshake.key);
    const ws = new WebSocketConnection(socket, head, { maxMessageBytes: MAX_BINARY_REQUEST_BYTES });
    // A page that opened an event stream gets its events there; otherwise on the WebSocket.
    const pipe = pipeIdOf(request.url ?? '');
    const events = pipe !== null ? this.pipes.route(pipe) : null;
    events?.onClose(() => ws.close(CloseCode.GOING_AWAY, 'the event stream ended'));
    const library = this.options.library;
    // Damage buffers come back once written to the event stream, for the next flush.
    const pixelBuffers = events ? new PixelBufferPool() : undefined;
    const recycle = pixelBuffers ? (buffer: ArrayBuffer): void => pixelBuffers.give(buffer) : undefined;
    const host: EngineHost = new EngineHost({
      createSession: this.options.createSession,
      send: (event) => (events ? events.send(event, event.type === 'damage' ? recycle : undefined) : ws.send(encodeWireMessage(event))),
      ...(pixelBuffers ? { pixelBuffers } : {}),
      backlogBytes: () => (events ? events.bufferedBytes : ws.bufferedBytes),
      log: this.options.log,
      ...(this.options.metrics ? { metrics: this.options.metrics } : {}),
      library: library?.library ?? null,
      libraryProblem: library?.problem ?? 'saved connections are not enabled in this server',
      shell: { shell: 'browser', kiosk: this.options.kiosk ?? false },
      onReady: () => {
        // A display's window joins a session; only a page of its own may start the launch.
        if (host.followedMonitor !== null) return;
        const launch = this.pendingLaunch;
        this.pendingLaunch = undefined;
        if (launch) host.open(launch);
      },
    });
    const entry = { socket: ws, host };
    this.connections.add(entry);
    this.options.log.info(`web: a page connected (${this.connections.size} open)`);
    if (pipe !== null) this.hostsByPipe.set(pipe, host);
    // A window for one more guest display (?follow=PIPE&monitor=N): the same cookie, Host and
    // Origin checks as any page got it here; it joins the session of the page with that pipe.
    const follow = followRequestOf(request.url ?? '');
    if (follow) {
      const leader = this.hostsByPipe.get(follow.pipe);
      if (!leader || !host.follow(leader, follow.monitor)) {
        host.dispose();
        this.connections.delete(entry);
        ws.close(CloseCode.POLICY_VIOLATION, 'that session has ended');
        return;
      }
      this.options.log.info(`web: a window for guest display ${follow.monitor + 1} joined a session`);
    }
    ws.on('message', (data) => {
      if (typeof data === 'string' && Buffer.byteLength(data) > MAX_REQUEST_MESSAGE_BYTES) {
        ws.close(CloseCode.TOO_BIG, 'text requests are small');
        return;
      }
      let message: unknown;
      try {
        // Binary frames: requests with buffers (ipc-wire.ts); the validators bound each one.
        message = decodeWireMessage(typeof data === 'string' ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      } catch (error) {
        if (!(error instanceof WireFormatError)) throw error;
        ws.close(CloseCode.INVALID_DATA, error.message);
        return;
      }
      host.handleMessage(message);
    });
    ws.on('close', () => {
      if (pipe !== null && this.hostsByPipe.get(pipe) === host) this.hostsByPipe.delete(pipe);
      host.dispose();
      events?.end();
      this.connections.delete(entry);
    });
  }
}
