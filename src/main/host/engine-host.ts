import type { Failure } from '../../shared/errors';
import {
  validateHostRequest,
  type ConnectParams,
  type DamagePatch,
  type HostEvent,
  type HostRequest,
  type MenuCommand,
  type MonitorArea,
  type ShellEvent,
  type StatusEvent,
} from '../../shared/ipc';
import type { MouseModeName } from '../../shared/session-types';
import type { VideoCodecName, VideoEvent, VideoRect } from '../../shared/video-ipc';
import type { CursorShape } from '../channels/cursor-shape';
import type { Logger } from '../session/logger';
import { SessionError } from '../session/session-error';
import { AudioBridge } from './audio-bridge';
import { planFromForm, planFromLaunch, PlanError, type ConnectPlan, type LaunchSource } from './connect-plan';
import { DamageCoalescer } from './damage-coalescer';
import { copyAreaEvent } from './copy-area';
import type { SurfaceMove } from '../surfaces/copy-bits-move';
import type { DamageArea, EngineSession, EngineSessionEvents, SessionFactory, SurfacePixels } from './engine-session';
import { isKeyComboName, KEY_COMBOS, sendKeyCombo } from './key-combos';
import { LibraryRequests } from './library-requests';
import type { EngineMetrics } from './engine-metrics';
import { GuestDisplays } from './guest-displays';
import { PixelBudget } from './pixel-budget';
import type { PixelBufferPool } from '../../shared/pixel-buffer-pool';
import { ShownPixels } from './shown-pixels';
import { takeBand } from './damage-bands';
import { HandedUpdates } from './handed-updates';
import type { ProfileLibrary } from './store/profile-library';
import type { AgentRequest, ClipboardItemData } from '../../shared/agent-ipc';
import { clipboardShared } from '../../shared/profiles';
import { AgentBridge } from './agent-bridge';

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
  /** Shortest time between two damage flushes. */
  readonly flushIntervalMs?: number;
  /** Sustained pixel bytes per second handed to the front end (bursts of three 1080p frames pass at once). */
  readonly pixelBytesPerSecond?: number;
  readonly statsIntervalMs?: number;
  /** Called when the front end says it is listening (a shell may start a pending connection then). */
  readonly onReady?: () => void;
  /** Ask for client mouse mode (absolute positions) as soon as the server says it is in server mode. */
  readonly preferClientMouse?: boolean;
  /** Saved connections and settings; null when they could not be opened (the reason is `libraryProblem`). */
  readonly library?: ProfileLibrary | null;
  readonly libraryProblem?: string;
  /** Which shell this is, and whether the window is a kiosk. */
  readonly shell?: Omit<ShellEvent, 'type'>;
  /** Told when each update is handed to the front end (the bench's latency figure). */
  readonly metrics?: EngineMetrics;
  /**
   * Where text or an image the guest copied goes. Default: a 'clipboard' event to the page (the
   * browser shell's renderer writes the local clipboard); Electron's main process takes it instead.
   */
  readonly guestClipboard?: (item: ClipboardItemData) => void;
  /** Asked for the local clipboard when a session's agent is ready (Electron's main process answers). */
  readonly localClipboardWanted?: () => void;
  /** Where damage pixel buffers come from, when the front end gives them back (pixel-buffer-pool.ts). */
  readonly pixelBuffers?: PixelBufferPool;
}

interface SurfaceState {
  readonly displayId: number;
  readonly surfaceId: number;
  surface: SurfacePixels;
  readonly pending: DamageCoalescer;
  /** The updates whose pixels have not all been handed yet (only kept for metrics). */
  readonly handed: HandedUpdates | null;
  /** What the front end shows of it (made at the first flush): only pixels it lacks are sent. */
  shown: ShownPixels | null;
  /** Where the next band of its damage starts (damage-bands.ts). */
  sweepRow: number;
}

/**
 * Damage goes out as soon as the display is quiet (nothing more to read: setImmediate runs after
 * the I/O the loop has ready), but at most once per interval while updates keep coming. Short,
 * so an update waits little (the bench's latency target is 10 ms); long enough that a stream of
 * small draws (a terminal's lines) merges into a few patches.
 */
const DEFAULT_FLUSH_INTERVAL_MS = 6;
const DEFAULT_STATS_INTERVAL_MS = 1000;
/**
 * Past this many unsent bytes the front end is behind: keep coalescing instead of queueing more.
 * About half a 1080p frame: a queue longer than that is latency, and damage that waits merges.
 */
const MAX_BACKLOG_BYTES = 4 * 1024 * 1024;
/** How often a flush held back by the backlog looks again. */
const BACKLOG_RETRY_MS = 2;
/**
 * At most this many pixel bytes are converted and sent in one turn of the event loop (1920x256
 * pixels): a full 1080p frame goes as a few bands, so input and acks are served between them
 * instead of waiting for 8 MB of conversion and socket writes (docs/architecture.md).
 */
const MAX_FLUSH_BYTES = 2 * 1024 * 1024;
/** Sustained pixel bytes per second to the front end (pixel-budget.ts): about 7 full 1080p frames. */
const DEFAULT_PIXEL_BYTES_PER_SECOND = 60_000_000;
/**
 * What may go at once whatever came before: three full 1080p frames. A window appearing full
 * screen is drawn as its background and then its picture (Xspice sends the picture twice):
 * with room for two frames the last, the one that matters, waited about 140 ms for the budget
 * (photo bench: drawn -> handed p95 80-141 ms; 17-22 ms with three). Scrolling text, which
 * runs at the sustained rate, sends the same pixels either way (694-711 MB a run).
 */
const PIXEL_BURST_BYTES = 3 * 1920 * 1080 * 4;

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
  /** Where each playing video stream paints (by display/stream): pixels the host no longer knows. */
  private readonly videoAreas = new Map<string, { readonly surface: string; readonly areas: VideoRect[] }>();
  private readonly monitors = new Map<number, MonitorArea[]>();
  private readonly maxAllowed = new Map<number, number>();
  /** The pending flush (a timer or an immediate), or null. */
  private flushTimer: { cancel(): void } | null = null;
  private statsTimer: ReturnType<typeof setInterval> | null = null;
  private lastFlushAt = -Infinity;
  private framesSinceStats = 0;
  private pixelBytesSinceStats = 0;
  private lastStatsAt = 0;
  private lastBytesReceived: number | null = null;
  private askedForClientMouse = false;
  private lastStatus: StatusEvent = { type: 'status', state: 'idle' };
  private mouseMode: MouseModeName | null = null;
  private cursorShape: CursorShape | null = null;
  private keyModifiers: number | null = null;
  /** The last connection asked for, so a refused password can be retried with its options. */
  private lastPlan: ConnectPlan | null = null;
  /** What the renderer said it decodes (videoCodecs); null: it never said, the engine plays video itself. */
  private videoCodecs: readonly VideoCodecName[] | null = null;
  private disposed = false;
  /** The guest agent's clipboard and file transfers for the current session. */
  private agentBridge: AgentBridge | null = null;
  private readonly flushIntervalMs: number;
  private readonly budget: PixelBudget;
  private readonly library: LibraryRequests;
  private readonly audio = new AudioBridge((event, transfer) => this.send(event, transfer));
  /** The session's monitors configuration (resize to window, Displays list); the leader's when following. */
  private displays: GuestDisplays | null = null;
  /** Set when this host shows one monitor of another host's session (a window per guest display). */
  private following: { readonly leader: EngineHost; readonly monitor: number } | null = null;

  constructor(private readonly options: EngineHostOptions) {
    this.flushIntervalMs = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
    this.budget = new PixelBudget(options.pixelBytesPerSecond ?? DEFAULT_PIXEL_BYTES_PER_SECOND, PIXEL_BURST_BYTES);
    this.library = new LibraryRequests(options.library ?? null, options.libraryProblem, {
      emit: (event) => this.emit(event),
      connect: (plan) => this.start(plan),
      log: options.log,
    });
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
      case 'retry':
        this.retry(request.password);
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
      case 'setKeyModifiers':
        session?.setKeyModifiers(request.modifiers);
        return;
      case 'sendKeyCombo':
        this.sendKeyCombo(request.combo);
        return;
      case 'audioSupport':
        this.audio.setSupport(request);
        return;
      case 'recordSamples':
        this.audio.recordSamples(session, request.data);
        return;
      case 'connectProfile':
      case 'saveProfile':
      case 'deleteProfile':
      case 'duplicateProfile':
      case 'importVv':
      case 'saveSettings':
        this.library.handle(request);
        return;
      case 'videoCodecs':
        // Applies to the sessions started from now on: the codecs are advertised when the display channel links.
        this.videoCodecs = request.codecs;
        return;
      case 'videoStreamFailed':
        session?.failVideoStream?.(request.displayId, request.streamId);
        return;
      case 'resizeGuestDisplay':
        this.guestDisplays()?.resize(request.monitor, request.width, request.height);
        return;
      case 'setGuestDisplayEnabled':
        this.guestDisplays()?.setEnabled(request.monitor, request.enabled);
        return;
      case 'clipboardOffer':
      case 'fileSend':
      case 'fileChunk':
      case 'fileCancel':
        this.agentRequest(request);
        return;
    }
  }

  /** The local clipboard changed (Electron's main process saw it): offered to the guest. */
  offerLocalClipboard(items: readonly ClipboardItemData[]): void {
    if (!this.disposed) this.agentBridge?.offerLocal(items);
  }

  private agentRequest(request: AgentRequest): void {
    if (this.agentBridge) {
      this.agentBridge.handle(request);
      return;
    }
    if (request.type === 'fileSend') {
      this.emit({ type: 'fileTransfer', transferId: request.transferId, name: request.name, state: 'failed', sentBytes: 0, totalBytes: request.size, message: `${request.name} was not sent: ${this.session ? 'this session has no guest agent' : 'no session is open'}` });
    }
  }

  /** Starts a session from the connection form (ending the current one). */
  connect(params: ConnectParams): void {
    let plan: ConnectPlan;
    try {
      plan = planFromForm(params);
    } catch (error) {
      if (!(error instanceof PlanError)) throw error;
      this.emit({ type: 'status', state: 'disconnected', failure: { kind: 'connect', message: error.message } });
      return;
    }
    this.start(plan);
  }

  /** Opens what a shell was asked to open (a spice:// URI or a .vv file); problems become a failed status. */
  open(source: LaunchSource): void {
    try {
      this.start(planFromLaunch(source));
    } catch (error) {
      if (!(error instanceof PlanError)) throw error;
      this.emit({ type: 'status', state: 'disconnected', failure: { kind: 'connect', message: error.message } });
    }
  }

  /** Sends a key combination from a menu (Ctrl+Alt+Del...): pressed in order, released in reverse. */
  sendKeyCombo(name: string): void {
    if (isKeyComboName(name) && this.session) sendKeyCombo(KEY_COMBOS[name], this.session);
  }

  /** Passes a menu command (zoom, full screen...) to the front end. */
  command(command: MenuCommand): void {
    this.emit({ type: 'command', command });
  }

  /**
   * Shows `leader`'s session in this host's front end too: another window for guest monitor
   * `monitor`. Input goes to the same session; the session stays the leader's (ending this host
   * does not end it). When this window goes away, its monitor is switched off in the guest, as
   * remote-viewer does when a display's window is closed. Returns false when the leader has no session.
   */
  follow(leader: EngineHost, monitor: number): boolean {
    const session = leader.session;
    if (this.disposed || !session || leader.following) return false;
    this.endSession();
    this.following = { leader, monitor };
    this.session = session;
    this.lastPlan = null;
    this.lastStatus = leader.lastStatus;
    this.mouseMode = leader.mouseMode;
    this.cursorShape = leader.cursorShape;
    this.keyModifiers = leader.keyModifiers;
    for (const [key, state] of leader.surfaces) {
      this.surfaces.set(key, { displayId: state.displayId, surfaceId: state.surfaceId, surface: state.surface, pending: new DamageCoalescer(state.surface.width, state.surface.height), handed: this.handedUpdates(state.surface), shown: null, sweepRow: 0 });
    }
    for (const [displayId, monitors] of leader.monitors) this.monitors.set(displayId, monitors);
    for (const [displayId, maxAllowed] of leader.maxAllowed) this.maxAllowed.set(displayId, maxAllowed);
    const status = leader.lastStatus;
    const base = { ...(status.target ? { target: status.target } : {}), ...(status.profileId !== undefined ? { profileId: status.profileId } : {}) };
    this.subscribe(session, null, base, status.state === 'connected');
    if (status.state === 'connected') this.startStats(session);
    return true;
  }

  /** The guest monitor this host's window shows when it follows another host's session. */
  get followedMonitor(): number | null {
    return this.following?.monitor ?? null;
  }

  /** Ends the session and stops every timer; the host sends nothing afterwards. */
  dispose(): void {
    if (this.disposed) return;
    const following = this.following;
    if (following && this.session && following.leader.session === this.session) following.leader.displays?.setEnabled(following.monitor, false);
    this.endSession();
    this.library.dispose();
    this.disposed = true;
  }

  private retry(password: string | undefined): void {
    const plan = this.lastPlan;
    if (!plan) return;
    const { password: _old, ...options } = plan.options;
    this.start({ ...plan, options: password !== undefined ? { ...options, password } : plan.options });
  }

  private start(plan: ConnectPlan): void {
    if (this.disposed) return;
    this.endSession();
    this.lastPlan = plan;
    const target = plan.options.target;
    const base = { target, ...(plan.profileId !== undefined ? { profileId: plan.profileId } : {}) };
    this.emit({ type: 'status', state: 'connecting', ...base });
    let session: EngineSession;
    try {
      const audio = this.audio.sessionOptions();
      session = this.options.createSession(audio ? { ...plan.options, audio } : plan.options, this.videoCodecs ? { codecs: this.videoCodecs } : undefined);
    } catch (error) {
      this.emit({ type: 'status', state: 'disconnected', ...base, failure: failureOf(error), canRetry: true });
      return;
    }
    this.session = session;
    this.askedForClientMouse = false;
    if (session.agent) {
      this.agentBridge = new AgentBridge({
        agent: session.agent,
        send: (event, transfer) => this.send(event, transfer),
        sharing: () => clipboardShared(this.options.library?.settings),
        log: this.options.log,
        ...(this.options.guestClipboard ? { guestClipboard: this.options.guestClipboard } : {}),
        ...(this.options.localClipboardWanted ? { localClipboardWanted: this.options.localClipboardWanted } : {}),
      });
    }
    const displays = new GuestDisplays({
      agentState: () => session.agentState?.() ?? 'absent',
      setGuestMonitors: (monitors) => {
        const described = monitors.map((m) => (m ? `${m.width}x${m.height}+${m.x}+${m.y}` : 'off')).join(', ');
        this.options.log.debug(`guest displays: sending the agent a monitors configuration: ${described}`);
        session.setGuestMonitors?.(monitors);
      },
      notice: (message) => this.emit({ type: 'notice', message }),
    });
    this.displays = displays;
    this.subscribe(session, plan, base);
    session.connect().catch(() => {
      // Reported through the session's 'closed' event, which every failure goes through.
    });
  }

  /** `plan` is null for a host following another's session (it neither owns nor remembers it). */
  private subscribe(session: EngineSession, plan: ConnectPlan | null, base: Pick<StatusEvent, 'target' | 'profileId'>, alreadyConnected = false): void {
    const on = <E extends keyof EngineSessionEvents>(event: E, listener: (payload: EngineSessionEvents[E]) => void): void => {
      this.unsubscribers.push(session.on(event, listener));
    };
    let connected = alreadyConnected;
    let guestName: string | undefined;
    let detail: string | null = null;
    const report = (state: 'connecting' | 'connected'): void =>
      this.emit({
        type: 'status',
        state,
        ...base,
        ...(guestName !== undefined ? { guestName } : {}),
        ...(detail !== null ? { detail } : {}),
      });
    on('state', (state) => {
      if (state === 'connected' && !connected) {
        connected = true;
        report('connected');
        this.startStats(session);
        if (plan) this.library.remember(plan);
      }
    });
    on('closed', (failure) => {
      if (this.session !== session) return;
      this.teardown();
      this.emit({ type: 'status', state: 'disconnected', ...base, ...(failure ? { failure } : {}), canRetry: true });
    });
    on('guestName', (name) => {
      guestName = name;
      if (connected) report('connected');
    });
    on('detail', (text) => {
      detail = text;
      report(text === null && connected ? 'connected' : 'connecting');
    });
    on('surfaceCreated', ({ displayId, surfaceId, surface }) => {
      this.displays?.surfaceChanged(displayId, surface);
      this.surfaceCreated(displayId, surfaceId, surface);
    });
    on('surfaceDestroyed', ({ displayId, surfaceId }) => {
      if (this.surfaces.has(surfaceKey(displayId, surfaceId))) this.displays?.surfaceChanged(displayId, null);
      this.surfaceDestroyed(displayId, surfaceId);
    });
    on('agent', (state) => this.displays?.agentChanged(state));
    // The surface whose COPY_BITS just went to the renderer as a move: its damage (next) is not sent.
    let movedOn: string | null = null;
    on('damage', ({ displayId, surfaceId, surface, area, receivedAt, moved }) => {
      const key = surfaceKey(displayId, surfaceId);
      const skip = moved === true && movedOn === key;
      movedOn = null;
      // A COPY_BITS's damage: the renderer was told to redo the move (copyArea), no pixels need go.
      if (!skip) this.damaged(displayId, surfaceId, surface, area, receivedAt);
    });
    on('copyArea', ({ displayId, surfaceId, move }) => {
      movedOn = null;
      const state = this.surfaces.get(surfaceKey(displayId, surfaceId));
      if (!state || !this.copyAffordable(move)) return;
      // Before the move: what was drawn earlier goes first, read while the surface still holds it.
      this.sendPendingDamage();
      const event = copyAreaEvent(displayId, surfaceId, move);
      this.emit(event);
      // The renderer moves pixels there itself: cheaper to forget them than to follow the move.
      state.shown?.forget({ left: event.destX, top: event.destY, right: event.destX + event.source.width, bottom: event.destY + event.source.height });
      this.budget.spend(copyCharge(move));
      movedOn = surfaceKey(displayId, surfaceId);
      this.options.metrics?.copied?.();
    });
    on('video', ({ event, transfer }) => {
      // In order with the damage: whatever was drawn before this stream event goes first.
      this.sendPendingDamage();
      this.send(event, transfer);
      this.videoPainted(event);
    });
    on('monitors', ({ displayId, monitors, maxAllowed }) => {
      this.monitors.set(displayId, monitors);
      if (maxAllowed !== undefined) this.maxAllowed.set(displayId, maxAllowed);
      this.displays?.monitorsChanged(displayId, monitors, maxAllowed);
      this.emit({ type: 'monitors', displayId, monitors, ...(maxAllowed !== undefined ? { maxAllowed } : {}) });
    });
    on('mouseMode', (mode) => {
      this.mouseMode = mode;
      this.emit({ type: 'mouseMode', mode });
      if (mode === 'server' && this.options.preferClientMouse !== false && !this.askedForClientMouse) {
        this.askedForClientMouse = true;
        session.requestMouseMode('client');
      }
    });
    on('cursor', ({ x, y, visible }) => this.emit({ type: 'cursor', x, y, visible }));
    on('cursorShape', (shape) => {
      this.cursorShape = shape;
      this.emitCursorShape();
    });
    on('keyModifiers', (modifiers) => {
      this.keyModifiers = modifiers;
      this.emit({ type: 'keyModifiers', modifiers });
    });
    this.unsubscribers.push(...this.audio.attach(session));
    // The server's NOTIFY messages: said as the server's, so they are not taken for Saffron's own.
    on('notice', (message) => this.emit({ type: 'notice', message: `The server says: ${message}` }));
  }

  private emitCursorShape(): void {
    const shape = this.cursorShape;
    if (!shape) {
      this.emit({ type: 'cursorShape', shape: null });
      return;
    }
    // A copy: the cached shape stays whole whatever the transport does with the buffer.
    const rgba = shape.rgba.slice().buffer;
    this.send({ type: 'cursorShape', shape: { width: shape.width, height: shape.height, hotX: shape.hotX, hotY: shape.hotY, rgba } }, [rgba]);
  }

  /** Tells a (re)started front end where things stand: the shell, settings, library, status, and each surface in full. */
  private replay(): void {
    this.emit({ type: 'shell', shell: this.options.shell?.shell ?? 'browser', kiosk: this.options.shell?.kiosk ?? false });
    this.library.replay();
    this.emit(this.lastStatus);
    if (this.mouseMode) this.emit({ type: 'mouseMode', mode: this.mouseMode });
    if (this.keyModifiers !== null) this.emit({ type: 'keyModifiers', modifiers: this.keyModifiers });
    if (this.session) this.emitCursorShape();
    for (const state of this.surfaces.values()) {
      const { displayId, surfaceId, surface } = state;
      // A new canvas: it shows nothing yet.
      state.shown = null;
      this.emit({ type: 'surfaceCreated', displayId, surfaceId, width: surface.width, height: surface.height, primary: true });
      this.damaged(displayId, surfaceId, surface, { left: 0, top: 0, right: surface.width, bottom: surface.height });
    }
    for (const [displayId, monitors] of this.monitors) {
      const maxAllowed = this.maxAllowed.get(displayId);
      this.emit({ type: 'monitors', displayId, monitors, ...(maxAllowed !== undefined ? { maxAllowed } : {}) });
    }
    this.audio.replay(this.session);
  }

  /**
   * Video frames change what the renderer shows without the host's pixels: it forgets the area a
   * stream paints at each frame, and again when its clip changes or it ends (the last frame stays).
   */
  private videoPainted(event: VideoEvent): void {
    const key = `${event.displayId}/${event.streamId}`;
    const known = this.videoAreas.get(key);
    const forget = (surface: string, rect: VideoRect): void =>
      this.surfaces.get(surface)?.shown?.forget({ left: rect.x, top: rect.y, right: rect.x + rect.width, bottom: rect.y + rect.height });
    switch (event.type) {
      case 'videoStreamCreated': {
        const surface = surfaceKey(event.displayId, event.surfaceId);
        this.videoAreas.set(key, { surface, areas: [event.dest] });
        forget(surface, event.dest);
        return;
      }
      case 'videoFrame':
        if (!known) {
          // A stream that began before this host followed the session: any surface of its display.
          for (const [surface, state] of this.surfaces) if (state.displayId === event.displayId) forget(surface, event.dest);
          return;
        }
        if (!known.areas.some((area) => sameRect(area, event.dest))) known.areas.push(event.dest);
        forget(known.surface, event.dest);
        return;
      case 'videoStreamClip':
        // What the new clip uncovers keeps the frame the page painted there, which the host never had.
        if (known) for (const area of known.areas) forget(known.surface, area);
        return;
      case 'videoStreamDestroyed':
        if (!known) return;
        for (const area of known.areas) forget(known.surface, area);
        this.videoAreas.delete(key);
        return;
    }
  }

  private handedUpdates(surface: SurfacePixels): HandedUpdates | null {
    return this.options.metrics ? new HandedUpdates(surface.width, surface.height) : null;
  }

  private surfaceCreated(displayId: number, surfaceId: number, surface: SurfacePixels): void {
    const state: SurfaceState = { displayId, surfaceId, surface, pending: new DamageCoalescer(surface.width, surface.height), handed: this.handedUpdates(surface), shown: null, sweepRow: 0 };
    this.surfaces.set(surfaceKey(displayId, surfaceId), state);
    this.emit({ type: 'surfaceCreated', displayId, surfaceId, width: surface.width, height: surface.height, primary: true });
    // The renderer's new canvas is blank; send what the surface holds now.
    this.damaged(displayId, surfaceId, surface, { left: 0, top: 0, right: surface.width, bottom: surface.height });
  }

  private surfaceDestroyed(displayId: number, surfaceId: number): void {
    if (!this.surfaces.delete(surfaceKey(displayId, surfaceId))) return;
    this.emit({ type: 'surfaceDestroyed', displayId, surfaceId });
  }

  private damaged(displayId: number, surfaceId: number, surface: SurfacePixels, area: DamageArea, receivedAt?: number): void {
    const state = this.surfaces.get(surfaceKey(displayId, surfaceId));
    if (!state) return;
    state.surface = surface;
    state.pending.add(area);
    if (receivedAt !== undefined) {
      state.handed?.drawn(area, receivedAt, performance.now());
    }
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushTimer !== null) return;
    const wait = this.lastFlushAt + this.flushIntervalMs - performance.now();
    if (wait <= 0) {
      // Leading edge: once the I/O ready now is handled (the display is quiet), flush.
      const immediate = setImmediate(() => this.flush());
      this.flushTimer = { cancel: () => clearImmediate(immediate) };
    } else {
      const timer = setTimeout(() => this.flush(), wait);
      this.flushTimer = { cancel: () => clearTimeout(timer) };
    }
  }

  private flush(): void {
    this.flushTimer = null;
    if ((this.options.backlogBytes?.() ?? 0) > MAX_BACKLOG_BYTES) {
      // The front end is behind: let damage pile up in the coalescers, where it merges.
      const timer = setTimeout(() => this.flush(), BACKLOG_RETRY_MS);
      this.flushTimer = { cancel: () => clearTimeout(timer) };
      return;
    }
    let pendingBytes = 0;
    for (const state of this.surfaces.values()) pendingBytes += state.pending.pixels * 4;
    const wait = this.budget.waitMs(pendingBytes);
    if (wait > 0) {
      // Over the budget: damage keeps merging until the bucket holds enough.
      const timer = setTimeout(() => this.flush(), Math.max(1, wait));
      this.flushTimer = { cancel: () => clearTimeout(timer) };
      return;
    }
    if (this.sendDamage(MAX_FLUSH_BYTES)) {
      // The rest of a large update goes in the next turn of the loop, after input and acks.
      const immediate = setImmediate(() => this.flush());
      this.flushTimer = { cancel: () => clearImmediate(immediate) };
    }
  }

  /**
   * Whether a COPY_BITS may go to the renderer as a move now: the pending damage has to go first,
   * and the renderer's work for the move counts too, within the pixel budget. A terminal
   * scrolling faster than anyone reads would otherwise cost the renderer a full-screen move per
   * line (15 s of renderer CPU for 2,900 lines here); past the budget, the move is damage like
   * any draw and merges with the rest (docs/architecture.md).
   */
  private copyAffordable(move: SurfaceMove): boolean {
    if ((this.options.backlogBytes?.() ?? 0) > MAX_BACKLOG_BYTES) return false;
    let pendingBytes = 0;
    for (const state of this.surfaces.values()) pendingBytes += state.pending.pixels * 4;
    return this.budget.waitMs(pendingBytes + copyCharge(move)) === 0;
  }

  /**
   * Sends every surface's pending damage now, whatever the interval and budget say (a video
   * stream event must not overtake what was drawn before it).
   */
  private sendPendingDamage(): void {
    this.sendDamage(Number.POSITIVE_INFINITY);
  }

  /** Sends pending damage up to `room` bytes of pixels; true when some is left for later. */
  private sendDamage(maxBytes: number): boolean {
    this.lastFlushAt = performance.now();
    const pool = this.options.pixelBuffers;
    let room = maxBytes;
    let sent = 0;
    let more = false;
    for (const state of this.surfaces.values()) {
      if (state.pending.isEmpty) continue;
      const { rects: band, nextRow } = takeBand(state.pending, room, state.sweepRow, state.surface.height);
      state.sweepRow = nextRow;
      if (band.length === 0) {
        more = true;
        continue;
      }
      // Only what the renderer does not show already: damage covers whole lines of a terminal,
      // most of them background that was background before.
      if (state.shown?.width !== state.surface.width || state.shown.height !== state.surface.height) {
        state.shown = new ShownPixels(state.surface.width, state.surface.height);
      }
      const shown = state.shown;
      const parts = band.flatMap((rect) => shown.refresh(state.surface, rect));
      const patches: DamagePatch[] = parts.map((rect) => ({
        x: rect.left,
        y: rect.top,
        width: rect.right - rect.left,
        height: rect.bottom - rect.top,
        rgba: pool ? shown.rgba(rect, (bytes) => pool.take(bytes)) : shown.rgba(rect),
      }));
      const buffers = patches.map((patch) => patch.rgba);
      const bytes = buffers.reduce((sum, buffer) => sum + buffer.byteLength, 0);
      // The turn and the budget count the damage looked at: the engine's work per turn, and the
      // pace of full-screen updates (the front end's frames), stay as they were; the bytes shrink.
      const examined = band.reduce((sum, rect) => sum + (rect.right - rect.left) * (rect.bottom - rect.top) * 4, 0);
      room -= examined;
      sent += examined;
      const done = state.pending.isEmpty;
      if (!done) more = true;
      if (done) this.framesSinceStats++;
      this.pixelBytesSinceStats += bytes;
      if (patches.length > 0) this.send({ type: 'damage', displayId: state.displayId, surfaceId: state.surfaceId, patches }, buffers);
      const metrics = this.options.metrics;
      if (metrics) {
        metrics.flushed(bytes);
        // An update counts as handed once bands sent after it was drawn have covered its area.
        state.handed?.sent(band, performance.now(), (latencyMs, addedMs) => metrics.updateHanded(latencyMs, addedMs));
      }
    }
    this.budget.spend(sent);
    return more;
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
        latencyMs: session.latencyMs(),
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
    const followed = this.following !== null;
    this.teardown();
    // A followed session is the leader's to end.
    if (!followed) session.disconnect();
  }

  private guestDisplays(): GuestDisplays | null {
    return this.following ? this.following.leader.displays : this.displays;
  }

  private teardown(): void {
    for (const off of this.unsubscribers) off();
    this.unsubscribers = [];
    this.agentBridge?.dispose();
    this.agentBridge = null;
    this.session = null;
    this.audio.reset();
    this.surfaces.clear();
    this.videoAreas.clear();
    this.monitors.clear();
    this.maxAllowed.clear();
    this.displays = null;
    this.following = null;
    this.mouseMode = null;
    this.cursorShape = null;
    this.keyModifiers = null;
    this.flushTimer?.cancel();
    if (this.statsTimer !== null) clearInterval(this.statsTimer);
    this.flushTimer = null;
    this.statsTimer = null;
  }

  private emit(event: HostEvent): void {
    this.send(event, []);
  }

  private send(event: HostEvent, transfer: readonly ArrayBuffer[]): void {
    if (event.type === 'status') this.lastStatus = event;
    if (!this.disposed) this.options.send(event, transfer);
  }
}

/**
 * What a move costs in the pixel budget: a quarter of its RGBA bytes. The engine converts and
 * sends nothing for it; the renderer moves the pixels in its copy and on its canvas (a 1080p
 * self-drawImage is 4.6 ms, against about 2 ms per MB of damage taken in and painted).
 */
const COPY_CHARGE_DIVISOR = 4;

function copyCharge(move: SurfaceMove): number {
  return ((move.source.right - move.source.left) * (move.source.bottom - move.source.top) * 4) / COPY_CHARGE_DIVISOR;
}

function surfaceKey(displayId: number, surfaceId: number): string {
  return `${displayId}:${surfaceId}`;
}

function failureOf(error: unknown): Failure {
  if (error instanceof SessionError) return error.toFailure();
  return { kind: 'connect', message: error instanceof Error ? error.message : 'the session could not start' };
}

function sameRect(a: VideoRect, b: VideoRect): boolean {
  return a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;
}
