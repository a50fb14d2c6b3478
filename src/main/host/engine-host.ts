import type { Failure } from '../../shared/errors';
import { validateHostRequest, type ConnectParams, type DamagePatch, type HostEvent, type HostRequest, type StatusEvent } from '../../shared/ipc';
import type { ConnectTarget } from '../../shared/session-types';
import type { Logger } from '../session/logger';
import { SessionError } from '../session/session-error';
import { DamageCoalescer } from './damage-coalescer';
import { isKeyComboName, KEY_COMBOS, sendKeyCombo } from './key-combos';
import type { DamageArea, EngineSession, EngineSessionEvents, SessionFactory, SurfacePixels } from './engine-session';
import { surfaceRectToRgba } from './rgba';

/** SPICE's wheel: one press and release of button 4 (up) or 5 (down) per notch. */
const WHEEL_UP_BUTTON = 4;
const WHEEL_DOWN_BUTTON = 5;

export interface EngineHostOptions {
  readonly createSession: SessionFactory;
  /** Delivers an event to the front end; `transfer` lists the buffers it may move instead of copy. */
  readonly send: (event: HostEvent, transfer: readonly ArrayBuffer[]) => void;
  /** Bytes queued towards the front end and not yet taken; damage waits while this is large. */
  readonly backlogBytes?: () => number;
  readonly log: Logger;
  /** Shortest time between two damage flushes (one animation frame). */
  readonly flushIntervalMs?: number;
  readonly statsIntervalMs?: number;
  /** Called when the front end says it is listening (a shell may start a pending connection then). */
  readonly onReady?: () => void;
  /** Ask for client mouse mode (absolute positions) as soon as the server says it is in server mode. */
  readonly preferClientMouse?: boolean;
}

interface SurfaceState {
  readonly displayId: number;
  readonly surfaceId: number;
  surface: SurfacePixels;
  readonly pending: DamageCoalescer;
}

const DEFAULT_FLUSH_INTERVAL_MS = 16;
const DEFAULT_STATS_INTERVAL_MS = 1000;
/** Past this many unsent bytes the front end is behind: keep coalescing instead of queueing more. */
const MAX_BACKLOG_BYTES = 16 * 1024 * 1024;

/**
 * One front end's side of the engine: owns at most one Session at a time, takes validated
 * requests, drives the Session with them, and turns Session events into IPC events. Damage is
 * coalesced per surface and flushed at most once per flush interval (at once when the display
 * was idle), as RGBA patches of just the damaged rectangles. The same object serves the Electron
 * shell and the browser shell; they differ only in how `send` and incoming messages travel.
 */
export class EngineHost {
  private session: EngineSession | null = null;
  private unsubscribers: (() => void)[] = [];
  private readonly surfaces = new Map<string, SurfaceState>();
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private statsTimer: ReturnType<typeof setInterval> | null = null;
  private lastFlushAt = -Infinity;
  private framesSinceStats = 0;
  private pixelBytesSinceStats = 0;
  private lastStatsAt = 0;
  private lastBytesReceived: number | null = null;
  private askedForClientMouse = false;
  private lastStatus: StatusEvent = { type: 'status', state: 'idle' };
  private disposed = false;
  private readonly flushIntervalMs: number;

  constructor(private readonly options: EngineHostOptions) {
    this.flushIntervalMs = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
  }

  /** Entry point for anything a front end sent: validated here, dropped with a warning if bad. */
  handleMessage(raw: unknown): void {
    const checked = validateHostRequest(raw);
    if (!checked.ok) {
      // The reason names the field, never its value: a bad connect may still carry a password.
      this.options.log.warn(`ignoring an invalid request from the front end: ${checked.error}`);
      return;
    }
    this.handle(checked.value);
  }

  handle(request: HostRequest): void {
    if (this.disposed) return;
    const session = this.session;
    switch (request.type) {
      case 'ready':
        this.replay();
        this.options.onReady?.();
        return;
      case 'connect':
        this.connect(request);
        return;
      case 'disconnect':
        session?.disconnect();
        return;
      case 'keyDown':
        session?.keyDown(request.scancode);
        return;
      case 'keyUp':
        session?.keyUp(request.scancode);
        return;
      case 'mousePosition':
        session?.mousePosition(request.x, request.y, request.displayId);
        return;
      case 'mouseMotion':
        session?.mouseMotion(request.dx, request.dy);
        return;
      case 'mouseButton':
        session?.mouseButton(request.button, request.pressed);
        return;
      case 'mouseWheel': {
        if (!session) return;
        const button = request.steps < 0 ? WHEEL_UP_BUTTON : WHEEL_DOWN_BUTTON;
        for (let i = 0; i < Math.abs(request.steps); i++) {
          session.mouseButton(button, true);
          session.mouseButton(button, false);
        }
        return;
      }
      case 'requestMouseMode':
        session?.requestMouseMode(request.mode);
        return;
    }
  }

  /** Starts a session (ending the current one). Also used by shells that open a spice:// URI or .vv file. */
  connect(params: ConnectParams): void {
    if (this.disposed) return;
    this.endSession();
    const target: ConnectTarget = {
      host: params.host,
      ...(params.port !== undefined ? { port: params.port } : {}),
      ...(params.tlsPort !== undefined ? { tlsPort: params.tlsPort } : {}),
    };
    this.emit({ type: 'status', state: 'connecting', target });
    let session: EngineSession;
    try {
      session = this.options.createSession({ target, password: params.password ?? '' });
    } catch (error) {
      this.emit({ type: 'status', state: 'disconnected', target, failure: failureOf(error) });
      return;
    }
    this.session = session;
    this.askedForClientMouse = false;
    this.subscribe(session, target);
    session.connect().catch(() => {
      // Reported through the session's 'closed' event, which every failure goes through.
    });
  }

  /** Sends a key combination from a menu (Ctrl+Alt+Del...): pressed in order, released in reverse. */
  sendKeyCombo(name: string): void {
    if (isKeyComboName(name) && this.session) sendKeyCombo(KEY_COMBOS[name], this.session);
  }

  /** Ends the session and stops every timer; the host sends nothing afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.endSession();
    this.disposed = true;
  }

  private subscribe(session: EngineSession, target: ConnectTarget): void {
    const on = <E extends keyof EngineSessionEvents>(event: E, listener: (payload: EngineSessionEvents[E]) => void): void => {
      this.unsubscribers.push(session.on(event, listener));
    };
    let connected = false;
    let guestName: string | undefined;
    const reportConnected = (): void => this.emit({ type: 'status', state: 'connected', target, ...(guestName !== undefined ? { guestName } : {}) });
    on('state', (state) => {
      if (state === 'connected' && !connected) {
        connected = true;
        reportConnected();
        this.startStats(session);
      }
    });
    on('closed', (failure) => {
      if (this.session !== session) return;
      this.teardown();
      this.emit({ type: 'status', state: 'disconnected', target, ...(failure ? { failure } : {}) });
    });
    on('guestName', (name) => {
      guestName = name;
      if (connected) reportConnected();
    });
    on('surfaceCreated', ({ displayId, surfaceId, surface }) => this.surfaceCreated(displayId, surfaceId, surface));
    on('surfaceDestroyed', ({ displayId, surfaceId }) => this.surfaceDestroyed(displayId, surfaceId));
    on('damage', ({ displayId, surfaceId, surface, area }) => this.damaged(displayId, surfaceId, surface, area));
    on('mouseMode', (mode) => {
      this.emit({ type: 'mouseMode', mode });
      if (mode === 'server' && this.options.preferClientMouse !== false && !this.askedForClientMouse) {
        this.askedForClientMouse = true;
        session.requestMouseMode('client');
      }
    });
    on('cursor', ({ x, y, visible }) => this.emit({ type: 'cursor', x, y, visible }));
    on('notice', (message) => this.emit({ type: 'notice', message }));
  }

  /** Tells a (re)started front end where things stand: the status, and each surface in full. */
  private replay(): void {
    this.emit(this.lastStatus);
    for (const state of this.surfaces.values()) {
      const { displayId, surfaceId, surface } = state;
      this.emit({ type: 'surfaceCreated', displayId, surfaceId, width: surface.width, height: surface.height, primary: true });
      this.damaged(displayId, surfaceId, surface, { left: 0, top: 0, right: surface.width, bottom: surface.height });
    }
  }

  private surfaceCreated(displayId: number, surfaceId: number, surface: SurfacePixels): void {
    const state: SurfaceState = { displayId, surfaceId, surface, pending: new DamageCoalescer(surface.width, surface.height) };
    this.surfaces.set(surfaceKey(displayId, surfaceId), state);
    this.emit({ type: 'surfaceCreated', displayId, surfaceId, width: surface.width, height: surface.height, primary: true });
    // The renderer's new canvas is blank; send what the surface holds now.
    this.damaged(displayId, surfaceId, surface, { left: 0, top: 0, right: surface.width, bottom: surface.height });
  }

  private surfaceDestroyed(displayId: number, surfaceId: number): void {
    if (!this.surfaces.delete(surfaceKey(displayId, surfaceId))) return;
    this.emit({ type: 'surfaceDestroyed', displayId, surfaceId });
  }

  private damaged(displayId: number, surfaceId: number, surface: SurfacePixels, area: DamageArea): void {
    const state = this.surfaces.get(surfaceKey(displayId, surfaceId));
    if (!state) return;
    state.surface = surface;
    state.pending.add(area);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushTimer !== null) return;
    // Leading edge: after a quiet spell the first damage goes out in the next tick.
    const wait = Math.max(0, this.lastFlushAt + this.flushIntervalMs - performance.now());
    this.flushTimer = setTimeout(() => this.flush(), wait);
  }

  private flush(): void {
    this.flushTimer = null;
    if ((this.options.backlogBytes?.() ?? 0) > MAX_BACKLOG_BYTES) {
      // The front end is behind: let damage pile up in the coalescers, where it merges.
      this.flushTimer = setTimeout(() => this.flush(), this.flushIntervalMs);
      return;
    }
    this.lastFlushAt = performance.now();
    for (const state of this.surfaces.values()) {
      if (state.pending.isEmpty) continue;
      const patches: DamagePatch[] = state.pending.take().map((rect) => ({
        x: rect.left,
        y: rect.top,
        width: rect.right - rect.left,
        height: rect.bottom - rect.top,
        rgba: surfaceRectToRgba(state.surface, rect),
      }));
      const buffers = patches.map((patch) => patch.rgba);
      this.framesSinceStats++;
      for (const buffer of buffers) this.pixelBytesSinceStats += buffer.byteLength;
      this.options.send({ type: 'damage', displayId: state.displayId, surfaceId: state.surfaceId, patches }, buffers);
    }
  }

  private startStats(session: EngineSession): void {
    this.lastStatsAt = performance.now();
    this.lastBytesReceived = session.bytesReceived();
    this.framesSinceStats = 0;
    this.pixelBytesSinceStats = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      const seconds = Math.max(0.001, (now - this.lastStatsAt) / 1000);
      const received = session.bytesReceived();
      const network = received !== null && this.lastBytesReceived !== null ? (received - this.lastBytesReceived) / seconds : null;
      this.emit({
        type: 'stats',
        framesPerSecond: this.framesSinceStats / seconds,
        pixelBytesPerSecond: this.pixelBytesSinceStats / seconds,
        networkBytesPerSecond: network,
      });
      this.lastStatsAt = now;
      this.lastBytesReceived = received;
      this.framesSinceStats = 0;
      this.pixelBytesSinceStats = 0;
    }, this.options.statsIntervalMs ?? DEFAULT_STATS_INTERVAL_MS);
    timer.unref?.();
    this.statsTimer = timer;
  }

  /** Ends the current session without reporting it (a new one follows, or the host goes away). */
  private endSession(): void {
    const session = this.session;
    if (!session) return;
    this.teardown();
    session.disconnect();
  }

  private teardown(): void {
    for (const off of this.unsubscribers) off();
    this.unsubscribers = [];
    this.session = null;
    this.surfaces.clear();
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    if (this.statsTimer !== null) clearInterval(this.statsTimer);
    this.flushTimer = null;
    this.statsTimer = null;
  }

  private emit(event: HostEvent): void {
    if (event.type === 'status') this.lastStatus = event;
    if (!this.disposed) this.options.send(event, []);
  }
}

function surfaceKey(displayId: number, surfaceId: number): string {
  return `${displayId}:${surfaceId}`;
}

function failureOf(error: unknown): Failure {
  if (error instanceof SessionError) return error.toFailure();
  return { kind: 'connect', message: error instanceof Error ? error.message : 'the session could not start' };
}
