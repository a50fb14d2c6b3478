/**
 * What the engine host needs from a session, as an interface: the real Session is adapted to it
 * (spice-session-adapter.ts), and tests drive the host with a fake. Surfaces are seen through
 * SurfacePixels only: the host reads pixels, it never draws.
 */
import type { Failure } from '../../shared/errors';
import type { ConnectTarget, MouseModeName, SessionState } from '../../shared/session-types';

export interface SurfacePixels {
  readonly width: number;
  readonly height: number;
  /** Row-major 0xAARRGGBB words, width × height of them. */
  readonly pixels: Uint32Array;
}

/** A damaged area in surface pixels: right and bottom are exclusive. */
export interface DamageArea {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

export interface EngineSessionEvents {
  [event: string]: unknown;
  state: SessionState;
  /** The session ended: null when we asked for it. Emitted once. */
  closed: Failure | null;
  /** Only primary surfaces (what a monitor shows) reach the host; off-screen ones stay in the engine. */
  surfaceCreated: { displayId: number; surfaceId: number; surface: SurfacePixels };
  surfaceDestroyed: { displayId: number; surfaceId: number };
  damage: { displayId: number; surfaceId: number; surface: SurfacePixels; area: DamageArea };
  mouseMode: MouseModeName;
  cursor: { x: number; y: number; visible: boolean };
  guestName: string;
  notice: string;
}

export interface EngineSession {
  connect(): Promise<void>;
  disconnect(): void;
  on<E extends keyof EngineSessionEvents>(event: E, listener: (payload: EngineSessionEvents[E]) => void): () => void;
  keyDown(scancode: number): void;
  keyUp(scancode: number): void;
  mousePosition(x: number, y: number, displayId: number): void;
  mouseMotion(dx: number, dy: number): void;
  /** SPICE button numbers, wheel included (4 up, 5 down). */
  mouseButton(button: number, pressed: boolean): void;
  requestMouseMode(mode: MouseModeName): void;
  /** Bytes received from the server so far, or null when the engine does not count them. */
  bytesReceived(): number | null;
}

export interface SessionRequest {
  readonly target: ConnectTarget;
  readonly password: string;
}

export type SessionFactory = (request: SessionRequest) => EngineSession;
