import { TypedEmitter } from '../../core/util/typed-emitter';
import type { MouseModeName } from '../../shared/session-types';
import type { Logger } from '../session/logger';
import { Session } from '../session/session';
import type { EngineSession, EngineSessionEvents, SessionFactory, SessionRequest } from './engine-session';

/**
 * Adapts the engine's Session to what the host needs: primary surfaces only, ids instead of
 * channel objects, and input that is dropped (not queued) while the inputs channel is not up.
 */
class SpiceSessionAdapter extends TypedEmitter<EngineSessionEvents> implements EngineSession {
  private readonly session: Session;

  constructor(request: SessionRequest, log: Logger) {
    super();
    this.session = new Session({ target: request.target, password: request.password, connectTimeoutMs: 10_000, log });
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
    s.on('damage', ({ display, surface, rect }) => {
      if (surface !== display.primarySurface || display.primarySurfaceId === null) return;
      this.emit('damage', { displayId: display.id, surfaceId: display.primarySurfaceId, surface, area: rect });
    });
    s.on('mouseMode', (mode) => this.emit('mouseMode', mode));
    s.on('cursor', (cursor) => this.emit('cursor', { x: cursor.x, y: cursor.y, visible: cursor.visible }));
    s.on('guestName', (name) => this.emit('guestName', name));
    s.on('notice', (message) => this.emit('notice', message));
  }

  connect(): Promise<void> {
    return this.session.connect();
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

  bytesReceived(): number | null {
    return this.session.bytesReceived;
  }
}

export function spiceSessionFactory(log: Logger): SessionFactory {
  return (request) => new SpiceSessionAdapter(request, log);
}
