import { TypedEmitter } from '../../core/util/typed-emitter';
import type { MonitorArea } from '../../shared/ipc';
import type { MouseModeName } from '../../shared/session-types';
import type { CursorShape } from '../channels/cursor-shape';
import type { Logger } from '../session/logger';
import { Session } from '../session/session';
import type { HostAgent } from './host-agent';
import type { AgentStatus } from '../agent/guest-agent';
import { offThreadDecoder } from '../codecs/off-thread-decoder';
import { rendererVideoSinks } from '../streams/renderer-video-sink';
import type { EngineSession, EngineSessionEvents, GuestAgentState, GuestMonitorRequest, SessionFactory, SessionRequest, SessionVideo } from './engine-session';

const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Adapts the engine's Session to what the host needs: primary surfaces only, ids instead of
 * channel objects, cursor images only when they change, and input that is dropped (not queued)
 * while there is no inputs channel (between connections; one that is linking holds it).
 */
class SpiceSessionAdapter extends TypedEmitter<EngineSessionEvents> implements EngineSession {
  private readonly session: Session;
  private lastShape: CursorShape | null | undefined = undefined;
  /** Reports renderer decode failures to the video sinks; null when the engine plays video itself. */
  private readonly failVideo: ((displayId: number, streamId: number) => void) | null = null;

  constructor(request: SessionRequest, log: Logger, video?: SessionVideo) {
    super();
    // A renderer that decodes video gets the streams (renderer-video-sink.ts); otherwise the
    // engine's default sink plays MJPEG into the surface, as the command line does.
    const sinks = video && video.codecs.length > 0 ? rendererVideoSinks(video.codecs, (event, transfer) => this.emit('video', { event, transfer })) : null;
    this.failVideo = sinks?.fail ?? null;
    // Large QUIC images decode on a worker thread: input and acks never wait for a photo.
    const decoder = offThreadDecoder();
    const display = { ...(sinks ? { videoSink: sinks.factory } : {}), ...(decoder ? { offThreadDecoder: decoder } : {}) };
    this.session = new Session({ ...request, connectTimeoutMs: CONNECT_TIMEOUT_MS, log, display });
    const s = this.session;
    s.on('state', (state) => this.emit('state', state));
    s.on('closed', (failure) => this.emit('closed', failure));
    s.on('surfaceCreated', ({ display, surface, primary }) => {
      if (!primary || display.primarySurfaceId === null) return;
      this.emit('surfaceCreated', { displayId: display.id, surfaceId: display.primarySurfaceId, surface });
    });
    s.on('surfaceDestroyed', ({ display, surfaceId }) => {
      // Off-screen surfaces were never announced; the host ignores ids it does not know.
      this.emit('surfaceDestroyed', { displayId: display.id, surfaceId });
    });
    s.on('damage', ({ display, surface, rect, receivedAt, moved }) => {
      if (surface !== display.primarySurface || display.primarySurfaceId === null) return;
      this.emit('damage', { displayId: display.id, surfaceId: display.primarySurfaceId, surface, area: rect, receivedAt: receivedAt ?? s.lastReceivedAt, ...(moved ? { moved } : {}) });
    });
    s.on('copyBits', ({ display, surface, move }) => {
      // Only moves on what a monitor shows; their damage is dropped above like any off-screen draw.
      if (surface !== display.primarySurface || display.primarySurfaceId === null) return;
      this.emit('copyArea', { displayId: display.id, surfaceId: display.primarySurfaceId, move });
    });
    s.on('monitors', ({ display, heads, maxAllowed }) => {
      // Heads of zero size are monitors the guest has switched off.
      const monitors: MonitorArea[] = heads
        .filter((head) => head.width > 0 && head.height > 0)
        .map((head) => ({ monitorId: head.monitorId, x: head.x, y: head.y, width: head.width, height: head.height }));
      this.emit('monitors', { displayId: display.id, monitors, maxAllowed });
    });
    s.agent.on('status', (status) => this.emit('agent', agentStateOf(status)));
    s.on('mouseMode', (mode) => this.emit('mouseMode', mode));
    s.on('cursor', (cursor) => {
      if (cursor.shape !== this.lastShape) {
        this.lastShape = cursor.shape;
        this.emit('cursorShape', cursor.shape);
      }
      this.emit('cursor', { x: cursor.x, y: cursor.y, visible: cursor.visible });
    });
    s.on('keyModifiers', (modifiers) => this.emit('keyModifiers', modifiers));
    s.on('guestName', (name) => this.emit('guestName', name));
    s.on('notice', (message) => this.emit('notice', message));
    s.on('reconnecting', ({ attempt, maxAttempts, reason }) => {
      this.lastShape = undefined;
      this.emit('detail', `Connection lost (${reason}); reconnecting, attempt ${attempt} of ${maxAttempts}`);
    });
    s.on('reconnected', () => this.emit('detail', null));
    // Sound passes through unchanged: the Session's events are plain data already.
    s.on('playbackStart', (format) => this.emit('playbackStart', format));
    s.on('playbackData', (packet) => this.emit('playbackData', packet));
    s.on('playbackStop', () => this.emit('playbackStop', null));
    s.on('playbackVolume', (volume) => this.emit('playbackVolume', volume));
    s.on('playbackMute', (mute) => this.emit('playbackMute', mute));
    s.on('playbackLatency', (latency) => this.emit('playbackLatency', latency));
    s.on('recordStart', (format) => this.emit('recordStart', format));
    s.on('recordStop', () => this.emit('recordStop', null));
  }

  connect(): Promise<void> {
    return this.session.connect();
  }

  get agent(): HostAgent {
    return this.session.agent;
  }

  disconnect(): void {
    this.session.disconnect();
  }

  keyDown(scancode: number): void {
    this.session.inputs?.keyDown(scancode);
  }

  keyUp(scancode: number): void {
    this.session.inputs?.keyUp(scancode);
  }

  mousePosition(x: number, y: number, displayId: number): void {
    this.session.inputs?.mousePosition(x, y, displayId);
  }

  mouseMotion(dx: number, dy: number): void {
    this.session.inputs?.mouseMotion(dx, dy);
  }

  mouseButton(button: number, pressed: boolean): void {
    this.session.inputs?.mouseButton(button, pressed);
  }

  requestMouseMode(mode: MouseModeName): void {
    this.session.requestMouseMode(mode);
  }

  setKeyModifiers(modifiers: number): void {
    this.session.inputs?.setKeyModifiers(modifiers);
  }

  agentState(): GuestAgentState {
    return agentStateOf(this.session.agent.status);
  }

  setGuestMonitors(monitors: readonly (GuestMonitorRequest | null)[]): void {
    this.session.agent.setMonitors(monitors);
  }

  failVideoStream(displayId: number, streamId: number): void {
    this.failVideo?.(displayId, streamId);
  }

  bytesReceived(): number | null {
    return this.session.bytesReceived;
  }

  latencyMs(): number | null {
    // SPICE gives the client no ping of its own; the motion-ack round trip is the input latency users feel.
    return this.session.inputs?.lastRoundTripMs ?? null;
  }

  sendRecordSamples(data: Uint8Array): void {
    this.session.sendRecordSamples(data);
  }

  multimediaTime(): number {
    return this.session.multimediaTime();
  }
}

/** A broken agent is as good as none until it reconnects; one that is starting is pending. */
function agentStateOf(status: AgentStatus): GuestAgentState {
  if (status === 'ready') return 'ready';
  return status === 'absent' || status === 'broken' ? 'absent' : 'pending';
}

export function spiceSessionFactory(log: Logger): SessionFactory {
  return (request, video) => new SpiceSessionAdapter(request, log, video);
}
