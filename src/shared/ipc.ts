/**
 * The IPC contract between the engine host (Node side: Electron utility process or the browser
 * shell's server) and the renderer. Requests go renderer → host, events host → renderer.
 * Every message is plain data (structured-clone and JSON friendly, pixels as ArrayBuffers), and
 * each side validates what it receives with the hand-written validators below: a renderer is
 * untrusted input to the host, and the host's events are checked before React ever sees them.
 */
import type { Failure, FailureKind } from './errors';
import type { ConnectTarget, MouseModeName, SessionState } from './session-types';

// ---------------------------------------------------------------------------------------------
// Requests: renderer → host

export interface ConnectParams {
  readonly host: string;
  readonly port?: number;
  readonly tlsPort?: number;
  /** The SPICE ticket; never logged, never echoed back in an event. */
  readonly password?: string;
}

export type HostRequest =
  /** The renderer is listening: the host replies with the current status (and display, if any). */
  | { readonly type: 'ready' }
  | ({ readonly type: 'connect' } & ConnectParams)
  | { readonly type: 'disconnect' }
  | { readonly type: 'keyDown'; readonly scancode: number }
  | { readonly type: 'keyUp'; readonly scancode: number }
  /** Client mouse mode: absolute guest pixels on one display. */
  | { readonly type: 'mousePosition'; readonly x: number; readonly y: number; readonly displayId: number }
  /** Server mouse mode: relative motion (pointer lock). */
  | { readonly type: 'mouseMotion'; readonly dx: number; readonly dy: number }
  /** Buttons as SPICE numbers them: 1 left, 2 middle, 3 right, 6 side, 7 extra. */
  | { readonly type: 'mouseButton'; readonly button: number; readonly pressed: boolean }
  /** Wheel notches: negative is up, positive is down (sent as presses of buttons 4 and 5). */
  | { readonly type: 'mouseWheel'; readonly steps: number }
  | { readonly type: 'requestMouseMode'; readonly mode: MouseModeName };

export type HostRequestType = HostRequest['type'];

// ---------------------------------------------------------------------------------------------
// Events: host → renderer

export interface StatusEvent {
  readonly type: 'status';
  readonly state: SessionState;
  /** Where the session goes or went (never the password). */
  readonly target?: ConnectTarget;
  /** Set when state is 'disconnected' because something failed. */
  readonly failure?: Failure;
  readonly guestName?: string;
}

export interface SurfaceCreatedEvent {
  readonly type: 'surfaceCreated';
  readonly displayId: number;
  readonly surfaceId: number;
  readonly width: number;
  readonly height: number;
  readonly primary: boolean;
}

export interface SurfaceDestroyedEvent {
  readonly type: 'surfaceDestroyed';
  readonly displayId: number;
  readonly surfaceId: number;
}

/** The pixels of one damaged rectangle: RGBA bytes, row-major, exactly width × height × 4. */
export interface DamagePatch {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly rgba: ArrayBuffer;
}

/** The changes to one surface since the previous damage event: paint all patches together. */
export interface DamageEvent {
  readonly type: 'damage';
  readonly displayId: number;
  readonly surfaceId: number;
  readonly patches: readonly DamagePatch[];
}

export interface MouseModeEvent {
  readonly type: 'mouseMode';
  readonly mode: MouseModeName;
}

export interface CursorEvent {
  readonly type: 'cursor';
  readonly x: number;
  readonly y: number;
  readonly visible: boolean;
}

export interface StatsEvent {
  readonly type: 'stats';
  /** Damage events sent in the last interval, per second. */
  readonly framesPerSecond: number;
  /** RGBA bytes sent to the renderer per second. */
  readonly pixelBytesPerSecond: number;
  /** Bytes received from the SPICE server per second; null while the engine does not count them. */
  readonly networkBytesPerSecond: number | null;
}

export interface NoticeEvent {
  readonly type: 'notice';
  readonly message: string;
}

export type HostEvent =
  | StatusEvent
  | SurfaceCreatedEvent
  | SurfaceDestroyedEvent
  | DamageEvent
  | MouseModeEvent
  | CursorEvent
  | StatsEvent
  | NoticeEvent;

export type HostEventType = HostEvent['type'];
export type HostEventOf<T extends HostEventType> = Extract<HostEvent, { type: T }>;

export const HOST_EVENT_TYPES: readonly HostEventType[] = [
  'status',
  'surfaceCreated',
  'surfaceDestroyed',
  'damage',
  'mouseMode',
  'cursor',
  'stats',
  'notice',
];

// ---------------------------------------------------------------------------------------------
// The API the renderer sees (window.saffron in Electron; the WebSocket adapter in a browser)

export interface SaffronApi {
  /** Call once listeners are in place: the host then reports where things stand. */
  ready(): void;
  connect(params: ConnectParams): void;
  disconnect(): void;
  keyDown(scancode: number): void;
  keyUp(scancode: number): void;
  mousePosition(x: number, y: number, displayId: number): void;
  mouseMotion(dx: number, dy: number): void;
  mouseButton(button: number, pressed: boolean): void;
  mouseWheel(steps: number): void;
  requestMouseMode(mode: MouseModeName): void;
  /** Subscribes to one event type; unknown types throw. Returns the unsubscribe function. */
  on<T extends HostEventType>(type: T, listener: (event: HostEventOf<T>) => void): () => void;
}

/** The method names of SaffronApi, so adapters and tests can check they expose exactly these. */
export const SAFFRON_API_METHODS = [
  'ready',
  'connect',
  'disconnect',
  'keyDown',
  'keyUp',
  'mousePosition',
  'mouseMotion',
  'mouseButton',
  'mouseWheel',
  'requestMouseMode',
  'on',
] as const satisfies readonly (keyof SaffronApi)[];

/** What an adapter needs underneath the API: a way to post requests and to hear raw events. */
export interface ApiTransport {
  post(request: HostRequest): void;
  /** Delivers every raw message the host sent; returns its unsubscribe. */
  listen(listener: (message: unknown) => void): () => void;
  /** Called with a short reason when the host sent something invalid (it is dropped). */
  onInvalid?(reason: string): void;
}

/**
 * Builds the SaffronApi over a transport. Every request is validated before it leaves (a bug in
 * the renderer shows up here, not as a confused host), every event before it is delivered.
 */
export function createSaffronApi(transport: ApiTransport): SaffronApi {
  const listeners = new Map<HostEventType, Set<(event: HostEvent) => void>>();
  let unlisten: (() => void) | null = null;

  const post = (request: HostRequest): void => {
    const checked = validateHostRequest(request);
    if (!checked.ok) throw new TypeError(`saffron: invalid ${request.type} request: ${checked.error}`);
    transport.post(checked.value);
  };
  const deliver = (message: unknown): void => {
    const checked = validateHostEvent(message);
    if (!checked.ok) {
      transport.onInvalid?.(checked.error);
      return;
    }
    const set = listeners.get(checked.value.type);
    if (set) for (const listener of [...set]) listener(checked.value);
  };

  return {
    ready: () => post({ type: 'ready' }),
    connect: (params) => post({ type: 'connect', ...pickConnectParams(params) }),
    disconnect: () => post({ type: 'disconnect' }),
    keyDown: (scancode) => post({ type: 'keyDown', scancode }),
    keyUp: (scancode) => post({ type: 'keyUp', scancode }),
    mousePosition: (x, y, displayId) => post({ type: 'mousePosition', x, y, displayId }),
    mouseMotion: (dx, dy) => post({ type: 'mouseMotion', dx, dy }),
    mouseButton: (button, pressed) => post({ type: 'mouseButton', button, pressed }),
    mouseWheel: (steps) => post({ type: 'mouseWheel', steps }),
    requestMouseMode: (mode) => post({ type: 'requestMouseMode', mode }),
    on(type, listener) {
      if (!(HOST_EVENT_TYPES as readonly string[]).includes(type)) throw new TypeError(`saffron: unknown event "${String(type)}"`);
      if (typeof listener !== 'function') throw new TypeError('saffron: a listener must be a function');
      let set = listeners.get(type);
      if (!set) {
        set = new Set();
        listeners.set(type, set);
      }
      // The set is typed by event type at the call site; store the listener widened.
      const stored = listener as (event: HostEvent) => void;
      set.add(stored);
      unlisten ??= transport.listen(deliver);
      return () => {
        set.delete(stored);
      };
    },
  };
}

/** Copies only the known connect fields, so a caller's extra properties never cross. */
function pickConnectParams(params: ConnectParams): ConnectParams {
  return {
    host: params.host,
    ...(params.port !== undefined ? { port: params.port } : {}),
    ...(params.tlsPort !== undefined ? { tlsPort: params.tlsPort } : {}),
    ...(params.password !== undefined ? { password: params.password } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Validators: one per message, nothing accepted that the types do not describe

export type Validated<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

type Fields = Readonly<Record<string, unknown>>;
/** A validator returns the typed message, or a string saying what is wrong. */
type MessageValidator<T> = (fields: Fields) => T | string;

/** Largest guest surface accepted (SPICE heads are at most 16384 wide in practice). */
export const MAX_SURFACE_SIDE = 16_384;
const MAX_SCANCODE_PLAIN = 0x7f;
/** E0-prefixed keys are 0x100 | code; E1-prefixed (only Pause's first half) 0x200 | code. */
const E0 = 0x100;
const E1 = 0x200;
const MAX_WHEEL_STEPS = 64;
const MAX_MOTION = 65_535;
const MAX_HOST_LENGTH = 255;
/** Generous: SPICE tickets are 60 bytes; the session reports a clearer error for long ones. */
const MAX_PASSWORD_LENGTH = 1024;
const MAX_TEXT_LENGTH = 4096;
const MAX_PATCHES = 4096;
const FAILURE_KINDS: readonly FailureKind[] = ['connect', 'tls', 'auth', 'protocol', 'closed', 'timeout', 'unsupported'];
const SESSION_STATES: readonly SessionState[] = ['idle', 'connecting', 'connected', 'disconnected'];
const MOUSE_MODES: readonly MouseModeName[] = ['server', 'client'];
const MOUSE_BUTTONS: readonly number[] = [1, 2, 3, 6, 7];

function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isInteger(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isArrayBuffer(value: unknown): value is ArrayBuffer {
  // Not instanceof: buffers may come from another realm (a MessagePort, the context bridge).
  return Object.prototype.toString.call(value) === '[object ArrayBuffer]';
}

function isOneOf<T extends string>(value: unknown, allowed: readonly T[]): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

/** Names a field the message type does not have, if any (extra fields are refused). */
function unexpectedField(fields: Fields, allowed: readonly string[]): string | null {
  for (const key of Object.keys(fields)) if (key !== 'type' && !allowed.includes(key)) return key;
  return null;
}

function only(fields: Fields, allowed: readonly string[]): string | null {
  const extra = unexpectedField(fields, allowed);
  return extra === null ? null : `unexpected field "${extra}"`;
}

export function isValidScancode(value: unknown): value is number {
  if (!isInteger(value, 1, E1 | MAX_SCANCODE_PLAIN)) return false;
  if (value <= MAX_SCANCODE_PLAIN) return true;
  if (value >= E0 && value <= (E0 | MAX_SCANCODE_PLAIN)) return true;
  return value === (E1 | 0x1d); // Pause: E1 1D 45, the only E1 key
}

/** A host name or address a person may type: no spaces or control characters. */
function isHostName(value: unknown): value is string {
  // eslint-disable-next-line no-control-regex
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_HOST_LENGTH && !/[\s\u0000-\u001f\u007f/?#@]/.test(value);
}

function isPort(value: unknown): value is number {
  return isInteger(value, 1, 65_535);
}

function checkText(value: unknown, what: string): string | null {
  return typeof value === 'string' && value.length <= MAX_TEXT_LENGTH ? null : `${what} must be a string of at most ${MAX_TEXT_LENGTH} characters`;
}

const validateConnect: MessageValidator<HostRequest> = (f) => {
  const extra = only(f, ['host', 'port', 'tlsPort', 'password']);
  if (extra) return extra;
  if (!isHostName(f.host)) return 'host must be a host name or address';
  if (f.port !== undefined && !isPort(f.port)) return 'port must be a whole number from 1 to 65535';
  if (f.tlsPort !== undefined && !isPort(f.tlsPort)) return 'tlsPort must be a whole number from 1 to 65535';
  if (f.port === undefined && f.tlsPort === undefined) return 'a port or a TLS port is required';
  if (f.password !== undefined && (typeof f.password !== 'string' || f.password.length > MAX_PASSWORD_LENGTH)) {
    return 'password must be a string';
  }
  return {
    type: 'connect',
    host: f.host,
    ...(f.port !== undefined ? { port: f.port } : {}),
    ...(f.tlsPort !== undefined ? { tlsPort: f.tlsPort } : {}),
    ...(typeof f.password === 'string' ? { password: f.password } : {}),
  };
};

const REQUEST_VALIDATORS: { readonly [K in HostRequestType]: MessageValidator<HostRequest> } = {
  ready: (f) => only(f, []) ?? { type: 'ready' },
  connect: validateConnect,
  disconnect: (f) => only(f, []) ?? { type: 'disconnect' },
  keyDown: (f) => only(f, ['scancode']) ?? (isValidScancode(f.scancode) ? { type: 'keyDown', scancode: f.scancode } : 'scancode is not a PC AT set-1 code'),
  keyUp: (f) => only(f, ['scancode']) ?? (isValidScancode(f.scancode) ? { type: 'keyUp', scancode: f.scancode } : 'scancode is not a PC AT set-1 code'),
  mousePosition: (f) => {
    const extra = only(f, ['x', 'y', 'displayId']);
    if (extra) return extra;
    if (!isInteger(f.x, 0, MAX_SURFACE_SIDE) || !isInteger(f.y, 0, MAX_SURFACE_SIDE)) return 'x and y must be whole guest pixels';
    if (!isInteger(f.displayId, 0, 255)) return 'displayId must be 0-255';
    return { type: 'mousePosition', x: f.x, y: f.y, displayId: f.displayId };
  },
  mouseMotion: (f) => {
    const extra = only(f, ['dx', 'dy']);
    if (extra) return extra;
    if (!isInteger(f.dx, -MAX_MOTION, MAX_MOTION) || !isInteger(f.dy, -MAX_MOTION, MAX_MOTION)) return 'dx and dy must be whole pixels';
    return { type: 'mouseMotion', dx: f.dx, dy: f.dy };
  },
  mouseButton: (f) => {
    const extra = only(f, ['button', 'pressed']);
    if (extra) return extra;
    if (typeof f.button !== 'number' || !MOUSE_BUTTONS.includes(f.button)) return 'button must be 1, 2, 3, 6 or 7 (the wheel is mouseWheel)';
    if (typeof f.pressed !== 'boolean') return 'pressed must be a boolean';
    return { type: 'mouseButton', button: f.button, pressed: f.pressed };
  },
  mouseWheel: (f) => {
    const extra = only(f, ['steps']);
    if (extra) return extra;
    if (!isInteger(f.steps, -MAX_WHEEL_STEPS, MAX_WHEEL_STEPS) || f.steps === 0) return `steps must be a non-zero whole number within ±${MAX_WHEEL_STEPS}`;
    return { type: 'mouseWheel', steps: f.steps };
  },
  requestMouseMode: (f) => only(f, ['mode']) ?? (isOneOf(f.mode, MOUSE_MODES) ? { type: 'requestMouseMode', mode: f.mode } : 'mode must be "server" or "client"'),
};

function validateTarget(value: unknown): ConnectTarget | string {
  if (!isRecord(value)) return 'target must be an object';
  const extra = unexpectedField(value, ['host', 'port', 'tlsPort']);
  if (extra !== null || 'type' in value) return `target has an unexpected field "${extra ?? 'type'}"`;
  if (!isHostName(value.host)) return 'target.host must be a host name';
  if (value.port !== undefined && !isPort(value.port)) return 'target.port must be a port';
  if (value.tlsPort !== undefined && !isPort(value.tlsPort)) return 'target.tlsPort must be a port';
  return {
    host: value.host,
    ...(value.port !== undefined ? { port: value.port } : {}),
    ...(value.tlsPort !== undefined ? { tlsPort: value.tlsPort } : {}),
  };
}

function validateFailure(value: unknown): Failure | string {
  if (!isRecord(value)) return 'failure must be an object';
  if (unexpectedField(value, ['kind', 'message']) !== null || 'type' in value) return 'failure has unexpected fields';
  if (!isOneOf(value.kind, FAILURE_KINDS)) return 'failure.kind is unknown';
  return checkText(value.message, 'failure.message') ?? { kind: value.kind, message: value.message as string };
}

function validatePatch(value: unknown): DamagePatch | string {
  if (!isRecord(value)) return 'a patch must be an object';
  if (unexpectedField(value, ['x', 'y', 'width', 'height', 'rgba']) !== null || 'type' in value) return 'a patch has unexpected fields';
  const { x, y, width, height, rgba } = value;
  if (!isInteger(x, 0, MAX_SURFACE_SIDE - 1) || !isInteger(y, 0, MAX_SURFACE_SIDE - 1)) return 'patch x and y must be inside a surface';
  if (!isInteger(width, 1, MAX_SURFACE_SIDE - x) || !isInteger(height, 1, MAX_SURFACE_SIDE - y)) return 'patch size is out of range';
  if (!isArrayBuffer(rgba)) return 'patch rgba must be an ArrayBuffer';
  if (rgba.byteLength !== width * height * 4) return `patch rgba holds ${rgba.byteLength} bytes, ${width}x${height} needs ${width * height * 4}`;
  return { x, y, width, height, rgba };
}

const EVENT_VALIDATORS: { readonly [K in HostEventType]: MessageValidator<HostEvent> } = {
  status: (f) => {
    const extra = only(f, ['state', 'target', 'failure', 'guestName']);
    if (extra) return extra;
    if (!isOneOf(f.state, SESSION_STATES)) return 'state is unknown';
    let target: ConnectTarget | undefined;
    if (f.target !== undefined) {
      const checked = validateTarget(f.target);
      if (typeof checked === 'string') return checked;
      target = checked;
    }
    let failure: Failure | undefined;
    if (f.failure !== undefined) {
      const checked = validateFailure(f.failure);
      if (typeof checked === 'string') return checked;
      failure = checked;
    }
    if (f.guestName !== undefined) {
      const problem = checkText(f.guestName, 'guestName');
      if (problem) return problem;
    }
    return {
      type: 'status',
      state: f.state,
      ...(target ? { target } : {}),
      ...(failure ? { failure } : {}),
      ...(typeof f.guestName === 'string' ? { guestName: f.guestName } : {}),
    };
  },
  surfaceCreated: (f) => {
    const extra = only(f, ['displayId', 'surfaceId', 'width', 'height', 'primary']);
    if (extra) return extra;
    if (!isInteger(f.displayId, 0, 255) || !isInteger(f.surfaceId, 0, 0xffff_ffff)) return 'displayId or surfaceId out of range';
    if (!isInteger(f.width, 1, MAX_SURFACE_SIDE) || !isInteger(f.height, 1, MAX_SURFACE_SIDE)) return 'surface size out of range';
    if (typeof f.primary !== 'boolean') return 'primary must be a boolean';
    return { type: 'surfaceCreated', displayId: f.displayId, surfaceId: f.surfaceId, width: f.width, height: f.height, primary: f.primary };
  },
  surfaceDestroyed: (f) => {
    const extra = only(f, ['displayId', 'surfaceId']);
    if (extra) return extra;
    if (!isInteger(f.displayId, 0, 255) || !isInteger(f.surfaceId, 0, 0xffff_ffff)) return 'displayId or surfaceId out of range';
    return { type: 'surfaceDestroyed', displayId: f.displayId, surfaceId: f.surfaceId };
  },
  damage: (f) => {
    const extra = only(f, ['displayId', 'surfaceId', 'patches']);
    if (extra) return extra;
    if (!isInteger(f.displayId, 0, 255) || !isInteger(f.surfaceId, 0, 0xffff_ffff)) return 'displayId or surfaceId out of range';
    if (!Array.isArray(f.patches) || f.patches.length === 0 || f.patches.length > MAX_PATCHES) return `patches must be a list of 1 to ${MAX_PATCHES}`;
    const patches: DamagePatch[] = [];
    for (const raw of f.patches as unknown[]) {
      const patch = validatePatch(raw);
      if (typeof patch === 'string') return patch;
      patches.push(patch);
    }
    return { type: 'damage', displayId: f.displayId, surfaceId: f.surfaceId, patches };
  },
  mouseMode: (f) => only(f, ['mode']) ?? (isOneOf(f.mode, MOUSE_MODES) ? { type: 'mouseMode', mode: f.mode } : 'mode must be "server" or "client"'),
  cursor: (f) => {
    const extra = only(f, ['x', 'y', 'visible']);
    if (extra) return extra;
    if (!isInteger(f.x, -MAX_MOTION, MAX_MOTION) || !isInteger(f.y, -MAX_MOTION, MAX_MOTION)) return 'cursor x and y must be whole pixels';
    if (typeof f.visible !== 'boolean') return 'visible must be a boolean';
    return { type: 'cursor', x: f.x, y: f.y, visible: f.visible };
  },
  stats: (f) => {
    const extra = only(f, ['framesPerSecond', 'pixelBytesPerSecond', 'networkBytesPerSecond']);
    if (extra) return extra;
    const { framesPerSecond, pixelBytesPerSecond, networkBytesPerSecond } = f;
    if (!isFiniteNumber(framesPerSecond) || framesPerSecond < 0) return 'framesPerSecond must be a number ≥ 0';
    if (!isFiniteNumber(pixelBytesPerSecond) || pixelBytesPerSecond < 0) return 'pixelBytesPerSecond must be a number ≥ 0';
    if (networkBytesPerSecond !== null && (!isFiniteNumber(networkBytesPerSecond) || networkBytesPerSecond < 0)) {
      return 'networkBytesPerSecond must be a number ≥ 0 or null';
    }
    return { type: 'stats', framesPerSecond, pixelBytesPerSecond, networkBytesPerSecond };
  },
  notice: (f) => only(f, ['message']) ?? checkText(f.message, 'message') ?? { type: 'notice', message: f.message as string },
};

function validateWith<T>(value: unknown, validators: Readonly<Record<string, MessageValidator<T>>>, what: string): Validated<T> {
  if (!isRecord(value)) return { ok: false, error: `a ${what} must be an object` };
  const type = value.type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(validators, type)) {
    return { ok: false, error: `unknown ${what} type ${JSON.stringify(typeof type === 'string' ? type.slice(0, 40) : type ?? null)}` };
  }
  const result = validators[type](value);
  return typeof result === 'string' ? { ok: false, error: `${type}: ${result}` } : { ok: true, value: result };
}

/** Checks a request the host received from a renderer. */
export function validateHostRequest(value: unknown): Validated<HostRequest> {
  return validateWith(value, REQUEST_VALIDATORS, 'request');
}

/** Checks an event the renderer received from the host. */
export function validateHostEvent(value: unknown): Validated<HostEvent> {
  return validateWith(value, EVENT_VALIDATORS, 'event');
}

// ---------------------------------------------------------------------------------------------
// Electron channel names (the preload refuses anything else)

export const IPC_CHANNELS = {
  /** renderer → main (invoke): asks for this window's MessagePort to the engine. */
  openPort: 'saffron:open-port',
  /** main → renderer: the MessagePort, delivered with postMessage. */
  port: 'saffron:port',
} as const;
