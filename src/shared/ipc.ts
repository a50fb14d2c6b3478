/**
 * The IPC contract between the engine host (Node side: Electron utility process or the browser
 * shell's server) and the renderer. Requests go renderer → host, events host → renderer.
 * Every message is plain data (structured-clone and JSON friendly, pixels as ArrayBuffers), and
 * each side validates what it receives (ipc-validators.ts): a renderer is untrusted input to the
 * host, and the host's events are checked before React ever sees them.
 */
import type { Failure } from './errors';
import type { LibraryState, ProfileFields, Settings } from './profiles';
import type { ConnectTarget, MouseModeName, SessionState } from './session-types';
import { validateHostEvent, validateHostRequest } from './ipc-validators';
import type { AgentEvent, AgentRequest, ClipboardItemData, FileSendParams } from './agent-ipc';

export type { ClipboardEvent, ClipboardItemData, ClipboardMimeType, FileChunkWantedEvent, FileSendParams, FileTransferEvent, FileTransferState } from './agent-ipc';
import { AUDIO_HOST_EVENT_TYPES, type AudioHostEvent, type AudioHostRequest, type AudioSupport } from './ipc-audio';

export * from './ipc-audio';
import { COPY_AREA_EVENT_TYPES, type CopyAreaEvent } from './copy-area-ipc';
import { VIDEO_EVENT_TYPES, type VideoCodecName, type VideoEvent, type VideoRequest } from './video-ipc';

export { isValidScancode, validateHostEvent, validateHostRequest, type Validated } from './ipc-validators';
export { MAX_SURFACE_SIDE } from './validation';

// ---------------------------------------------------------------------------------------------
// Requests: renderer → host

/** The form's options: the same meaning as in a saved profile (profiles.ts). */
export type ConnectOptionFields = Pick<ProfileFields, 'username' | 'tlsOnly' | 'caPem' | 'hostSubject' | 'proxy'>;

export interface ConnectParams extends Partial<ConnectOptionFields> {
  readonly host: string;
  readonly port?: number;
  readonly tlsPort?: number;
  /** The SPICE ticket; never logged, never echoed back in an event. */
  readonly password?: string;
}

/** A profile to save: `id` absent creates one. `password` undefined keeps the saved one. */
export interface SaveProfileParams {
  readonly id?: string;
  readonly fields: ProfileFields;
  /** A new password to keep in the keychain; '' or forgetPassword removes it. */
  readonly password?: string;
  readonly forgetPassword?: boolean;
}

/** Commands from the Electron menu (the browser shell has them in the page). */
export type MenuCommand = 'toggleFullScreen' | 'zoomIn' | 'zoomOut' | 'zoomActual' | 'scaleToFit' | 'releaseGrab';
export const MENU_COMMANDS: readonly MenuCommand[] = ['toggleFullScreen', 'zoomIn', 'zoomOut', 'zoomActual', 'scaleToFit', 'releaseGrab'];

export type HostRequest =
  /** The renderer is listening: the host replies with where things stand. */
  | { readonly type: 'ready' }
  | ({ readonly type: 'connect' } & ConnectParams)
  /** Opens a saved profile; `password` (from a prompt) replaces the saved one for this attempt. */
  | { readonly type: 'connectProfile'; readonly id: string; readonly password?: string }
  /** Connects again to the last target with its options (after the server refused the password). */
  | { readonly type: 'retry'; readonly password?: string }
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
  | { readonly type: 'requestMouseMode'; readonly mode: MouseModeName }
  /** Sets the guest's lock keys: SCROLL_LOCK 1, NUM_LOCK 2, CAPS_LOCK 4. */
  | { readonly type: 'setKeyModifiers'; readonly modifiers: number }
  /** Presses a combination from the Send Key menu (names in key-combos.ts). */
  | { readonly type: 'sendKeyCombo'; readonly combo: string }
  | ({ readonly type: 'saveProfile' } & SaveProfileParams)
  | { readonly type: 'deleteProfile'; readonly id: string }
  | { readonly type: 'duplicateProfile'; readonly id: string }
  /** A .vv file the person picked: its text becomes a profile (its password goes to the keychain). */
  | { readonly type: 'importVv'; readonly fileName: string; readonly text: string }
  | { readonly type: 'saveSettings'; readonly settings: Settings }
  /** The guest agent (agent-ipc.ts): the local clipboard offered to the guest, files sent in. */
  | AgentRequest
  | AudioHostRequest
  /**
   * The window showing guest monitor `monitor` (0 = the first) has this much room, in device
   * pixels: the guest should use that resolution there (guest-displays.ts keeps the others).
   */
  | { readonly type: 'resizeGuestDisplay'; readonly monitor: number; readonly width: number; readonly height: number }
  /** Switches a guest monitor on or off (the Displays list; closing a display's window). */
  | { readonly type: 'setGuestDisplayEnabled'; readonly monitor: number; readonly enabled: boolean }
  /** Video streams decoded in the renderer (video-ipc.ts). */
  | VideoRequest;

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
  /** What is happening now, in a few words ("Reconnecting, attempt 2 of 10"). */
  readonly detail?: string;
  /** The saved profile this session came from. */
  readonly profileId?: string;
  /** The password typed can be retried (the target is known to the host). */
  readonly canRetry?: boolean;
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

/** One monitor: the part of a display channel's primary surface it shows. */
export interface MonitorArea {
  readonly monitorId: number;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** The monitors of one display channel (none: the whole primary surface is one monitor). */
export interface MonitorsEvent {
  readonly type: 'monitors';
  readonly displayId: number;
  readonly monitors: readonly MonitorArea[];
  /** How many monitors this display channel can show (MONITORS_CONFIG max_allowed), when known. */
  readonly maxAllowed?: number;
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

/** The guest's pointer image: straight RGBA; null means the default pointer. */
export interface CursorImage {
  readonly width: number;
  readonly height: number;
  readonly hotX: number;
  readonly hotY: number;
  readonly rgba: ArrayBuffer;
}

export interface CursorShapeEvent {
  readonly type: 'cursorShape';
  readonly shape: CursorImage | null;
}

/** The guest's lock keys (SCROLL_LOCK 1, NUM_LOCK 2, CAPS_LOCK 4). */
export interface KeyModifiersEvent {
  readonly type: 'keyModifiers';
  readonly modifiers: number;
}

export interface StatsEvent {
  readonly type: 'stats';
  /** Damage events sent in the last interval, per second. */
  readonly framesPerSecond: number;
  /** RGBA bytes sent to the renderer per second. */
  readonly pixelBytesPerSecond: number;
  /** Bytes received from the SPICE server per second; null while the engine does not count them. */
  readonly networkBytesPerSecond: number | null;
  /** Round trip to the server in ms; null while the engine does not measure it. */
  readonly latencyMs: number | null;
}

export interface NoticeEvent {
  readonly type: 'notice';
  readonly message: string;
}

export interface LibraryEvent extends LibraryState {
  readonly type: 'library';
}

export interface SettingsEvent {
  readonly type: 'settings';
  readonly settings: Settings;
}

/** How the shell runs this window. */
export interface ShellEvent {
  readonly type: 'shell';
  readonly shell: 'electron' | 'browser';
  /** Kiosk: the display only, full screen, no menus or status bar. */
  readonly kiosk: boolean;
}

export interface CommandEvent {
  readonly type: 'command';
  readonly command: MenuCommand;
}

export type HostEvent =
  | StatusEvent
  | SurfaceCreatedEvent
  | SurfaceDestroyedEvent
  | DamageEvent
  /** Pixels moved inside a surface the renderer has (COPY_BITS; copy-area-ipc.ts). */
  | CopyAreaEvent
  | MonitorsEvent
  | MouseModeEvent
  | CursorEvent
  | CursorShapeEvent
  | KeyModifiersEvent
  | StatsEvent
  | NoticeEvent
  | LibraryEvent
  | SettingsEvent
  | ShellEvent
  | CommandEvent
  | AgentEvent
  | AudioHostEvent
  /** Video streams decoded in the renderer (video-ipc.ts). */
  | VideoEvent;

export type HostEventType = HostEvent['type'];
export type HostEventOf<T extends HostEventType> = Extract<HostEvent, { type: T }>;

export const HOST_EVENT_TYPES: readonly HostEventType[] = [
  'status',
  'surfaceCreated',
  'surfaceDestroyed',
  'damage',
  'monitors',
  'mouseMode',
  'cursor',
  'cursorShape',
  'keyModifiers',
  'stats',
  'notice',
  'library',
  'settings',
  'shell',
  'command',
  'clipboard',
  'fileChunkWanted',
  'fileTransfer',
  ...AUDIO_HOST_EVENT_TYPES,
  ...VIDEO_EVENT_TYPES,
  ...COPY_AREA_EVENT_TYPES,
];

// ---------------------------------------------------------------------------------------------
// The API the renderer sees (window.saffron in Electron; the WebSocket adapter in a browser)

export interface SaffronApi {
  /** Call once listeners are in place: the host then reports where things stand. */
  ready(): void;
  connect(params: ConnectParams): void;
  connectProfile(id: string, password?: string): void;
  retry(password?: string): void;
  disconnect(): void;
  keyDown(scancode: number): void;
  keyUp(scancode: number): void;
  mousePosition(x: number, y: number, displayId: number): void;
  mouseMotion(dx: number, dy: number): void;
  mouseButton(button: number, pressed: boolean): void;
  mouseWheel(steps: number): void;
  requestMouseMode(mode: MouseModeName): void;
  setKeyModifiers(modifiers: number): void;
  sendKeyCombo(combo: string): void;
  saveProfile(params: SaveProfileParams): void;
  deleteProfile(id: string): void;
  duplicateProfile(id: string): void;
  importVv(fileName: string, text: string): void;
  saveSettings(settings: Settings): void;
  /** Offers the local clipboard's content to the guest (what it pastes next). */
  offerClipboard(items: readonly ClipboardItemData[]): void;
  /** Starts sending a dropped file; the host then asks for its bytes with fileChunkWanted. */
  sendFile(params: FileSendParams): void;
  sendFileChunk(transferId: number, offset: number, data: ArrayBuffer): void;
  cancelFile(transferId: number): void;
  /** What WebCodecs can do here (Opus both ways); sessions started afterwards use it. */
  audioSupport(support: AudioSupport): void;
  /** Microphone samples for the guest, in the mode of the last recordStart. */
  sendRecordSamples(data: ArrayBuffer): void;
  resizeGuestDisplay(monitor: number, width: number, height: number): void;
  setGuestDisplayEnabled(monitor: number, enabled: boolean): void;
  /** What this renderer can decode (send before connecting): the engine advertises exactly these. */
  videoCodecs(codecs: readonly VideoCodecName[]): void;
  /** A stream could not be decoded here: the engine drops it and the server sends images instead. */
  videoStreamFailed(displayId: number, streamId: number): void;
  /** Subscribes to one event type; unknown types throw. Returns the unsubscribe function. */
  on<T extends HostEventType>(type: T, listener: (event: HostEventOf<T>) => void): () => void;
}

/** The method names of SaffronApi, so adapters and tests can check they expose exactly these. */
export const SAFFRON_API_METHODS = [
  'ready',
  'connect',
  'connectProfile',
  'retry',
  'disconnect',
  'keyDown',
  'keyUp',
  'mousePosition',
  'mouseMotion',
  'mouseButton',
  'mouseWheel',
  'requestMouseMode',
  'setKeyModifiers',
  'sendKeyCombo',
  'saveProfile',
  'deleteProfile',
  'duplicateProfile',
  'importVv',
  'saveSettings',
  'offerClipboard',
  'sendFile',
  'sendFileChunk',
  'cancelFile',
  'audioSupport',
  'sendRecordSamples',
  'resizeGuestDisplay',
  'setGuestDisplayEnabled',
  'videoCodecs',
  'videoStreamFailed',
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

/** Drops undefined optional fields, so a request carries only what was given. */
function defined<T extends object>(fields: T): T {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as T;
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
    connect: (params) =>
      post(
        defined({
          type: 'connect',
          host: params.host,
          port: params.port,
          tlsPort: params.tlsPort,
          password: params.password,
          username: params.username,
          tlsOnly: params.tlsOnly,
          caPem: params.caPem,
          hostSubject: params.hostSubject,
          proxy: params.proxy,
        }),
      ),
    connectProfile: (id, password) => post(defined({ type: 'connectProfile', id, password })),
    retry: (password) => post(defined({ type: 'retry', password })),
    disconnect: () => post({ type: 'disconnect' }),
    keyDown: (scancode) => post({ type: 'keyDown', scancode }),
    keyUp: (scancode) => post({ type: 'keyUp', scancode }),
    mousePosition: (x, y, displayId) => post({ type: 'mousePosition', x, y, displayId }),
    mouseMotion: (dx, dy) => post({ type: 'mouseMotion', dx, dy }),
    mouseButton: (button, pressed) => post({ type: 'mouseButton', button, pressed }),
    mouseWheel: (steps) => post({ type: 'mouseWheel', steps }),
    requestMouseMode: (mode) => post({ type: 'requestMouseMode', mode }),
    setKeyModifiers: (modifiers) => post({ type: 'setKeyModifiers', modifiers }),
    sendKeyCombo: (combo) => post({ type: 'sendKeyCombo', combo }),
    saveProfile: (params) =>
      post(defined({ type: 'saveProfile', id: params.id, fields: params.fields, password: params.password, forgetPassword: params.forgetPassword })),
    deleteProfile: (id) => post({ type: 'deleteProfile', id }),
    duplicateProfile: (id) => post({ type: 'duplicateProfile', id }),
    importVv: (fileName, text) => post({ type: 'importVv', fileName, text }),
    saveSettings: (settings) => post({ type: 'saveSettings', settings }),
    offerClipboard: (items) => post({ type: 'clipboardOffer', items: items.map((item) => ({ mimeType: item.mimeType, data: item.data })) }),
    sendFile: (params) => post({ type: 'fileSend', transferId: params.transferId, name: params.name, size: params.size }),
    sendFileChunk: (transferId, offset, data) => post({ type: 'fileChunk', transferId, offset, data }),
    cancelFile: (transferId) => post({ type: 'fileCancel', transferId }),
    audioSupport: (support) => post({ type: 'audioSupport', playbackOpus: support.playbackOpus, recordOpus: support.recordOpus }),
    sendRecordSamples: (data) => post({ type: 'recordSamples', data }),
    resizeGuestDisplay: (monitor, width, height) => post({ type: 'resizeGuestDisplay', monitor, width, height }),
    setGuestDisplayEnabled: (monitor, enabled) => post({ type: 'setGuestDisplayEnabled', monitor, enabled }),
    videoCodecs: (codecs) => post({ type: 'videoCodecs', codecs: [...codecs] }),
    videoStreamFailed: (displayId, streamId) => post({ type: 'videoStreamFailed', displayId, streamId }),
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

// ---------------------------------------------------------------------------------------------
// Electron channel names (the preload refuses anything else)

export const IPC_CHANNELS = {
  /** renderer → main (invoke): asks for this window's MessagePort to the engine. */
  openPort: 'saffron:open-port',
  /** main → renderer: the MessagePort, delivered with postMessage. */
  port: 'saffron:port',
} as const;
