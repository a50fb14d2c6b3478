/**
 * The session contract every front end shares (CLI, Electron, browser shell): what one connects
 * to, the states a session goes through, and what it reports. Plain data only, so it crosses IPC.
 */
import type { Failure } from './errors';

/** Where to connect: remote-viewer's spice://host:port or spice://host?port=P&tls-port=T. */
export interface ConnectTarget {
  readonly host: string;
  readonly port?: number;
  readonly tlsPort?: number;
}

export type SessionState = 'idle' | 'connecting' | 'connected' | 'disconnected';

export interface SessionStatus {
  readonly state: SessionState;
  /** Set when state is 'disconnected' because something failed. */
  readonly failure?: Failure;
}

/** Mouse modes as SPICE numbers them. */
export type MouseModeName = 'server' | 'client';

export interface SurfaceInfo {
  readonly displayChannel: number;
  readonly surfaceId: number;
  readonly width: number;
  readonly height: number;
  readonly primary: boolean;
}

export interface DamageRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}
