/**
 * What the engine host needs from a session, as an interface: the real Session is adapted to it
 * (spice-session-adapter.ts), and tests drive the host with a fake. Surfaces are seen through
 * SurfacePixels only: the host reads pixels, it never draws.
 */
import type { Failure } from '../../shared/errors';
import type { MonitorArea } from '../../shared/ipc';
import type { MouseModeName, SessionState } from '../../shared/session-types';
import type { VideoCodecName, VideoEvent } from '../../shared/video-ipc';
import type { CursorShape } from '../channels/cursor-shape';
import type { SurfaceMove } from '../surfaces/copy-bits-move';
import type { ConnectOptions } from '../profiles/connect-options';
import type { HostAgent } from './host-agent';
import type { EngineAudioEvents, SessionAudioOptions } from './audio-events';

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

export interface EngineSessionEvents extends EngineAudioEvents {
  [event: string]: unknown;
  state: SessionState;
  /** The session ended: null when we asked for it. Emitted once. */
  closed: Failure | null;
  /** Only primary surfaces (what a monitor shows) reach the host; off-screen ones stay in the engine. */
  surfaceCreated: { displayId: number; surfaceId: number; surface: SurfacePixels };
  surfaceDestroyed: { displayId: number; surfaceId: number };
  /** `receivedAt` (performance.now()): when the last byte of the message that drew it arrived. */
  /** `moved`: this damage is a COPY_BITS's, announced by `copyArea` just before (the front end may redo the move). */
  damage: { displayId: number; surfaceId: number; surface: SurfacePixels; area: DamageArea; receivedAt?: number; moved?: boolean };
  /**
   * A COPY_BITS is about to move pixels of a primary surface: emitted before the engine applies it
   * (its surface still holds what was drawn before), followed by a `damage` with `moved` set.
   */
  copyArea: { displayId: number; surfaceId: number; move: SurfaceMove };
  /** The monitors a display channel shows (from MONITORS_CONFIG); empty: the whole surface. */
  monitors: { displayId: number; monitors: MonitorArea[]; maxAllowed?: number };
  /** The guest agent came or went (what monitors configuration needs). */
  agent: GuestAgentState;
  mouseMode: MouseModeName;
  cursor: { x: number; y: number; visible: boolean };
  /** The pointer image changed; null: the default pointer. */
  cursorShape: CursorShape | null;
  /** The guest's lock keys (SCROLL_LOCK 1, NUM_LOCK 2, CAPS_LOCK 4). */
  keyModifiers: number;
  guestName: string;
  notice: string;
  /** What the session is doing now ("reconnecting, attempt 2 of 10"); null when nothing special. */
  detail: string | null;
  /** A video stream event for a renderer that decodes (only with SessionVideo codecs); `transfer` may move. */
  video: { event: VideoEvent; transfer: ArrayBuffer[] };
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
  setKeyModifiers(modifiers: number): void;
  /** Bytes received from the server so far, or null when the engine does not count them. */
  bytesReceived(): number | null;
  /** The latest round trip to the server in ms, or null when not measured. */
  latencyMs(): number | null;
  /** The guest agent (clipboard, file transfer); absent when the engine has none. */
  readonly agent?: HostAgent;
  /** Microphone samples for the guest (raw s16le PCM, or one Opus packet), dropped while it does not record. */
  sendRecordSamples(data: Uint8Array): void;
  /** The client's estimate of the server's multimedia clock (ms, uint32). */
  multimediaTime(): number;
  /** The guest agent's state now (absent from sessions that have no agent at all). */
  agentState?(): GuestAgentState;
  /** Sends the agent a monitors configuration: index = monitor, null = switched off. */
  setGuestMonitors?(monitors: readonly (GuestMonitorRequest | null)[]): void;
  /** The renderer could not decode this stream: drop it, so the server falls back to images. */
  failVideoStream?(displayId: number, streamId: number): void;
}

/** absent: no agent in the guest; pending: not known yet, or starting; ready: it takes a monitors configuration. */
export type GuestAgentState = 'absent' | 'pending' | 'ready';

/** Where one guest monitor should be, in guest pixels (agent/monitors-config.ts). */
export interface GuestMonitorRequest {
  readonly width: number;
  readonly height: number;
  readonly x: number;
  readonly y: number;
}

/** Everything needed to reach and log in to one server (secrets included: only the session sees them). */
export type SessionRequest = ConnectOptions & { readonly audio?: SessionAudioOptions };

/** How the front end plays video: the codecs its renderer decodes (none: the engine's own MJPEG sink). */
export interface SessionVideo {
  readonly codecs: readonly VideoCodecName[];
}

export type SessionFactory = (request: SessionRequest, video?: SessionVideo) => EngineSession;
