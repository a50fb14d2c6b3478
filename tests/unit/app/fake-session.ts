// A scripted stand-in for the engine's Session: tests fire its events and read what the host asked of it.
import { TypedEmitter } from '../../../src/core/util/typed-emitter';
import type { EngineSession, EngineSessionEvents, GuestAgentState, GuestMonitorRequest, SessionFactory, SessionRequest, SessionVideo, SurfacePixels } from '../../../src/main/host/engine-session';
import type { MouseModeName } from '../../../src/shared/session-types';

export type InputCall =
  | ['keyDown' | 'keyUp', number]
  | ['mousePosition', number, number, number]
  | ['mouseMotion', number, number]
  | ['mouseButton', number, boolean]
  | ['requestMouseMode', MouseModeName]
  | ['setKeyModifiers', number];

export class FakeSession extends TypedEmitter<EngineSessionEvents> implements EngineSession {
  readonly calls: InputCall[] = [];
  connected = false;
  disconnected = false;
  received: number | null = null;
  /** Microphone samples the host passed on. */
  readonly recordSamples: Uint8Array[] = [];
  /** What multimediaTime() answers. */
  mmTime = 0;
  agentNow: GuestAgentState = 'ready';
  /** Every monitors configuration the host sent to the guest agent. */
  readonly monitorConfigs: (GuestMonitorRequest | null)[][] = [];
  /** Streams the host said the renderer could not decode: [displayId, streamId]. */
  readonly failedVideoStreams: [number, number][] = [];

  constructor(readonly request: SessionRequest, readonly video?: SessionVideo) {
    super();
  }

  fire<E extends keyof EngineSessionEvents>(event: E, payload: EngineSessionEvents[E]): void {
    this.emit(event, payload);
  }

  connect(): Promise<void> {
    this.connected = true;
    return Promise.resolve();
  }

  disconnect(): void {
    this.disconnected = true;
  }

  keyDown(scancode: number): void {
    this.calls.push(['keyDown', scancode]);
  }

  keyUp(scancode: number): void {
    this.calls.push(['keyUp', scancode]);
  }

  mousePosition(x: number, y: number, displayId: number): void {
    this.calls.push(['mousePosition', x, y, displayId]);
  }

  mouseMotion(dx: number, dy: number): void {
    this.calls.push(['mouseMotion', dx, dy]);
  }

  mouseButton(button: number, pressed: boolean): void {
    this.calls.push(['mouseButton', button, pressed]);
  }

  requestMouseMode(mode: MouseModeName): void {
    this.calls.push(['requestMouseMode', mode]);
  }

  setKeyModifiers(modifiers: number): void {
    this.calls.push(['setKeyModifiers', modifiers]);
  }

  failVideoStream(displayId: number, streamId: number): void {
    this.failedVideoStreams.push([displayId, streamId]);
  }

  bytesReceived(): number | null {
    return this.received;
  }

  latencyMs(): number | null {
    return null;
  }

  sendRecordSamples(data: Uint8Array): void {
    this.recordSamples.push(data);
  }

  multimediaTime(): number {
    return this.mmTime;
  }

  agentState(): GuestAgentState {
    return this.agentNow;
  }

  setGuestMonitors(monitors: readonly (GuestMonitorRequest | null)[]): void {
    this.monitorConfigs.push([...monitors]);
  }
}

/** A factory that records every session it makes. */
export function fakeSessionFactory(): { factory: SessionFactory; sessions: FakeSession[] } {
  const sessions: FakeSession[] = [];
  return {
    sessions,
    factory: (request, video) => {
      const session = new FakeSession(request, video);
      sessions.push(session);
      return session;
    },
  };
}

/** A surface of 0xAARRGGBB words where each pixel encodes its own position. */
export function patternSurface(width: number, height: number): SurfacePixels & { pixels: Uint32Array } {
  const pixels = new Uint32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels[y * width + x] = ((x & 0xff) << 16) | ((y & 0xff) << 8) | ((x + y) & 0xff);
  return { width, height, pixels };
}

export const quietLog = { debug() {}, info() {}, warn() {} };
