/**
 * Hand-written validators for every IPC message: nothing is accepted that the types in ipc.ts do
 * not describe (extra fields included). Each returns the typed message rebuilt from the checked
 * fields, or a string saying what is wrong — never echoing a value, which may be a password.
 */
import type { Failure, FailureKind } from './errors';
import { parseHotkey } from './hotkeys';
import type { CursorImage, HostEvent, HostEventType, HostRequest, HostRequestType, MenuCommand, MonitorArea, DamagePatch } from './ipc';
import { AUDIO_EVENT_VALIDATORS, AUDIO_REQUEST_VALIDATORS } from './ipc-audio-validators';
import { isKeyComboName } from './key-combos';
import { AGENT_EVENT_VALIDATORS, AGENT_REQUEST_VALIDATORS } from './agent-ipc';
import { MAX_PEM_LENGTH, MAX_PROFILE_NAME, MAX_PROFILES, MAX_RECENT, type Profile, type ProfileFields, type RecentConnection, type Settings } from './profiles';
import type { ConnectTarget, MouseModeName, SessionState } from './session-types';
import { COPY_AREA_EVENT_VALIDATORS } from './copy-area-validators';
import { VIDEO_EVENT_VALIDATORS, VIDEO_REQUEST_VALIDATORS } from './video-validators';
import { isArrayBuffer, isFiniteNumber, isInteger, isOneOf, isRecord, MAX_SURFACE_SIDE, only, unexpectedKey, validateSurfaceRect, type Fields } from './validation';

export type Validated<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** A validator returns the typed message, or a string saying what is wrong. */
type MessageValidator<T> = (fields: Fields) => T | string;

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
const MAX_VV_LENGTH = 256 * 1024;
const MAX_CURSOR_SIDE = 512;
const MAX_MONITORS = 16;
const FAILURE_KINDS: readonly FailureKind[] = ['connect', 'tls', 'auth', 'protocol', 'closed', 'timeout', 'unsupported'];
const SESSION_STATES: readonly SessionState[] = ['idle', 'connecting', 'connected', 'disconnected'];
const MOUSE_MODES: readonly MouseModeName[] = ['server', 'client'];
const MOUSE_BUTTONS: readonly number[] = [1, 2, 3, 6, 7];
const MENU_COMMAND_NAMES: readonly MenuCommand[] = ['toggleFullScreen', 'zoomIn', 'zoomOut', 'zoomActual', 'scaleToFit', 'releaseGrab'];

/** For nested objects, which have no `type` of their own. */
function onlyNested(fields: Fields, allowed: readonly string[], what: string): string | null {
  const extra = unexpectedKey(fields, allowed) ?? ('type' in fields ? 'type' : null);
  return extra === null ? null : `${what} has an unexpected field "${extra}"`;
}

export function isValidScancode(value: unknown): value is number {
  if (!isInteger(value, 1, E1 | MAX_SCANCODE_PLAIN)) return false;
  if (value <= MAX_SCANCODE_PLAIN) return true;
  if (value >= E0 && value <= (E0 | MAX_SCANCODE_PLAIN)) return true;
  return value === (E1 | 0x1d); // Pause: E1 1D 45, the only E1 key
}

/** A host name or address a person may type: no spaces or control characters. */
export function isHostName(value: unknown): value is string {
  // eslint-disable-next-line no-control-regex
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_HOST_LENGTH && !/[\s\u0000-\u001f\u007f/?#@]/.test(value);
}

function isPort(value: unknown): value is number {
  return isInteger(value, 1, 65_535);
}

/** One line of text without control characters. */
function isLine(value: unknown, max: number): value is string {
  // eslint-disable-next-line no-control-regex
  return typeof value === 'string' && value.length <= max && !/[\u0000-\u001f\u007f]/.test(value);
}

export function isProfileId(value: unknown): value is string {
  return typeof value === 'string' && /^[a-z0-9-]{1,64}$/.test(value);
}

function isPassword(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_PASSWORD_LENGTH;
}

function checkText(value: unknown, what: string): string | null {
  return typeof value === 'string' && value.length <= MAX_TEXT_LENGTH ? null : `${what} must be a string of at most ${MAX_TEXT_LENGTH} characters`;
}

/** An HTTP proxy address without credentials: http://host[:port][/]. */
export function isProxyUrl(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 300 && /^http:\/\/[^\s/@?#]+(:\d{1,5})?\/?$/i.test(value);
}

/** Checks the fields of a saved profile; returns the fields rebuilt, or what is wrong. */
export function validateProfileFields(value: unknown): ProfileFields | string {
  if (!isRecord(value)) return 'profile fields must be an object';
  const extra = onlyNested(value, ['name', 'host', 'port', 'tlsPort', 'username', 'tlsOnly', 'caPem', 'hostSubject', 'proxy', 'fullscreen'], 'profile');
  if (extra) return extra;
  const f = value;
  if (!isLine(f.name, MAX_PROFILE_NAME) || f.name.trim() === '') return `name must be 1 to ${MAX_PROFILE_NAME} characters on one line`;
  if (!isHostName(f.host)) return 'host must be a host name or address';
  if (f.port !== undefined && !isPort(f.port)) return 'port must be a whole number from 1 to 65535';
  if (f.tlsPort !== undefined && !isPort(f.tlsPort)) return 'tlsPort must be a whole number from 1 to 65535';
  if (f.port === undefined && f.tlsPort === undefined) return 'a port or a TLS port is required';
  if (f.username !== undefined && (!isLine(f.username, 255) || f.username === '')) return 'username must be one line of at most 255 characters';
  if (typeof f.tlsOnly !== 'boolean') return 'tlsOnly must be a boolean';
  if (f.tlsOnly && f.tlsPort === undefined) return 'TLS only needs a TLS port';
  if (f.caPem !== undefined && (typeof f.caPem !== 'string' || f.caPem.length > MAX_PEM_LENGTH || !f.caPem.includes('-----BEGIN CERTIFICATE-----'))) {
    return 'caPem must be PEM certificates (-----BEGIN CERTIFICATE-----)';
  }
  if (f.hostSubject !== undefined && (!isLine(f.hostSubject, 1024) || f.hostSubject === '')) return 'hostSubject must be one line';
  if (f.proxy !== undefined && !isProxyUrl(f.proxy)) return 'proxy must be http://host:port (without a user or password)';
  if (typeof f.fullscreen !== 'boolean') return 'fullscreen must be a boolean';
  return {
    name: f.name.trim(),
    host: f.host,
    ...(f.port !== undefined ? { port: f.port } : {}),
    ...(f.tlsPort !== undefined ? { tlsPort: f.tlsPort } : {}),
    ...(f.username !== undefined ? { username: f.username } : {}),
    tlsOnly: f.tlsOnly,
    ...(f.caPem !== undefined ? { caPem: f.caPem } : {}),
    ...(f.hostSubject !== undefined ? { hostSubject: f.hostSubject } : {}),
    ...(f.proxy !== undefined ? { proxy: f.proxy } : {}),
    fullscreen: f.fullscreen,
  };
}

export function validateSettings(value: unknown): Settings | string {
  if (!isRecord(value)) return 'settings must be an object';
  const extra = onlyNested(value, ['releaseHotkey', 'shareClipboard'], 'settings');
  if (extra) return extra;
  if (typeof value.releaseHotkey !== 'string' || parseHotkey(value.releaseHotkey) === null) return 'releaseHotkey must be a hotkey such as ctrl+alt';
  if (value.shareClipboard !== undefined && typeof value.shareClipboard !== 'boolean') return 'shareClipboard must be a boolean';
  return { releaseHotkey: value.releaseHotkey.toLowerCase(), ...(typeof value.shareClipboard === 'boolean' ? { shareClipboard: value.shareClipboard } : {}) };
}

const validateConnect: MessageValidator<HostRequest> = (f) => {
  const extra = only(f, ['host', 'port', 'tlsPort', 'password', 'username', 'tlsOnly', 'caPem', 'hostSubject', 'proxy']);
  if (extra) return extra;
  if (f.password !== undefined && !isPassword(f.password)) return 'password must be a string';
  // The same rules as a saved profile's fields (the name is not part of a connection).
  const { password, ...rest } = f;
  const { type: _type, ...fields } = rest;
  const checked = validateProfileFields({ ...fields, name: 'connection', tlsOnly: f.tlsOnly ?? false, fullscreen: false });
  if (typeof checked === 'string') return checked;
  const { name: _name, fullscreen: _fullscreen, tlsOnly, ...options } = checked;
  return {
    type: 'connect',
    ...options,
    ...(tlsOnly ? { tlsOnly } : {}),
    ...(typeof password === 'string' ? { password } : {}),
  };
};

const validateSaveProfile: MessageValidator<HostRequest> = (f) => {
  const extra = only(f, ['id', 'fields', 'password', 'forgetPassword']);
  if (extra) return extra;
  if (f.id !== undefined && !isProfileId(f.id)) return 'id is not a profile id';
  const fields = validateProfileFields(f.fields);
  if (typeof fields === 'string') return fields;
  if (f.password !== undefined && !isPassword(f.password)) return 'password must be a string';
  if (f.forgetPassword !== undefined && typeof f.forgetPassword !== 'boolean') return 'forgetPassword must be a boolean';
  return {
    type: 'saveProfile',
    ...(f.id !== undefined ? { id: f.id } : {}),
    fields,
    ...(typeof f.password === 'string' ? { password: f.password } : {}),
    ...(f.forgetPassword !== undefined ? { forgetPassword: f.forgetPassword } : {}),
  };
};

const idRequest =
  (type: 'deleteProfile' | 'duplicateProfile'): MessageValidator<HostRequest> =>
  (f) =>
    only(f, ['id']) ?? (isProfileId(f.id) ? { type, id: f.id } : 'id is not a profile id');

const REQUEST_VALIDATORS: { readonly [K in HostRequestType]: MessageValidator<HostRequest> } = {
  ready: (f) => only(f, []) ?? { type: 'ready' },
  connect: validateConnect,
  connectProfile: (f) => {
    const extra = only(f, ['id', 'password']);
    if (extra) return extra;
    if (!isProfileId(f.id)) return 'id is not a profile id';
    if (f.password !== undefined && !isPassword(f.password)) return 'password must be a string';
    return { type: 'connectProfile', id: f.id, ...(typeof f.password === 'string' ? { password: f.password } : {}) };
  },
  retry: (f) => {
    const extra = only(f, ['password']);
    if (extra) return extra;
    if (f.password !== undefined && !isPassword(f.password)) return 'password must be a string';
    return { type: 'retry', ...(typeof f.password === 'string' ? { password: f.password } : {}) };
  },
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
  setKeyModifiers: (f) =>
    only(f, ['modifiers']) ?? (isInteger(f.modifiers, 0, 7) ? { type: 'setKeyModifiers', modifiers: f.modifiers } : 'modifiers must be 0-7 (scroll 1, num 2, caps 4)'),
  sendKeyCombo: (f) => only(f, ['combo']) ?? (isKeyComboName(f.combo) ? { type: 'sendKeyCombo', combo: f.combo } : 'combo is not a known key combination'),
  saveProfile: validateSaveProfile,
  deleteProfile: idRequest('deleteProfile'),
  duplicateProfile: idRequest('duplicateProfile'),
  importVv: (f) => {
    const extra = only(f, ['fileName', 'text']);
    if (extra) return extra;
    if (!isLine(f.fileName, 255)) return 'fileName must be one line';
    if (typeof f.text !== 'string' || f.text.length > MAX_VV_LENGTH) return `text must be a string of at most ${MAX_VV_LENGTH} characters`;
    return { type: 'importVv', fileName: f.fileName, text: f.text };
  },
  saveSettings: (f) => {
    const extra = only(f, ['settings']);
    if (extra) return extra;
    const settings = validateSettings(f.settings);
    return typeof settings === 'string' ? settings : { type: 'saveSettings', settings };
  },
  ...AGENT_REQUEST_VALIDATORS,
  ...AUDIO_REQUEST_VALIDATORS,
  resizeGuestDisplay: (f) => {
    const extra = only(f, ['monitor', 'width', 'height']);
    if (extra) return extra;
    if (!isInteger(f.monitor, 0, MAX_MONITORS - 1)) return `monitor must be 0-${MAX_MONITORS - 1}`;
    if (!isInteger(f.width, 1, MAX_SURFACE_SIDE) || !isInteger(f.height, 1, MAX_SURFACE_SIDE)) return `width and height must be whole pixels, 1-${MAX_SURFACE_SIDE}`;
    return { type: 'resizeGuestDisplay', monitor: f.monitor, width: f.width, height: f.height };
  },
  setGuestDisplayEnabled: (f) => {
    const extra = only(f, ['monitor', 'enabled']);
    if (extra) return extra;
    if (!isInteger(f.monitor, 0, MAX_MONITORS - 1)) return `monitor must be 0-${MAX_MONITORS - 1}`;
    if (typeof f.enabled !== 'boolean') return 'enabled must be a boolean';
    return { type: 'setGuestDisplayEnabled', monitor: f.monitor, enabled: f.enabled };
  },
  ...VIDEO_REQUEST_VALIDATORS,
};

function validateTarget(value: unknown): ConnectTarget | string {
  if (!isRecord(value)) return 'target must be an object';
  const extra = onlyNested(value, ['host', 'port', 'tlsPort'], 'target');
  if (extra) return extra;
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
  if (onlyNested(value, ['kind', 'message'], 'failure')) return 'failure has unexpected fields';
  if (!isOneOf(value.kind, FAILURE_KINDS)) return 'failure.kind is unknown';
  return checkText(value.message, 'failure.message') ?? { kind: value.kind, message: value.message as string };
}

function validatePatch(value: unknown): DamagePatch | string {
  if (!isRecord(value)) return 'a patch must be an object';
  if (onlyNested(value, ['x', 'y', 'width', 'height', 'rgba'], 'patch')) return 'a patch has unexpected fields';
  const { rgba, ...area } = value;
  const rect = validateSurfaceRect(area, 'patch');
  if (typeof rect === 'string') return rect;
  const { x, y, width, height } = rect;
  if (!isArrayBuffer(rgba)) return 'patch rgba must be an ArrayBuffer';
  if (rgba.byteLength !== width * height * 4) return `patch rgba holds ${rgba.byteLength} bytes, ${width}x${height} needs ${width * height * 4}`;
  return { x, y, width, height, rgba };
}

function validateMonitor(value: unknown): MonitorArea | string {
  if (!isRecord(value)) return 'a monitor must be an object';
  const extra = onlyNested(value, ['monitorId', 'x', 'y', 'width', 'height'], 'monitor');
  if (extra) return extra;
  const { monitorId, x, y, width, height } = value;
  if (!isInteger(monitorId, 0, 255)) return 'monitorId out of range';
  if (!isInteger(x, 0, MAX_SURFACE_SIDE - 1) || !isInteger(y, 0, MAX_SURFACE_SIDE - 1)) return 'monitor x and y out of range';
  if (!isInteger(width, 1, MAX_SURFACE_SIDE) || !isInteger(height, 1, MAX_SURFACE_SIDE)) return 'monitor size out of range';
  return { monitorId, x, y, width, height };
}

function validateCursorImage(value: unknown): CursorImage | null | string {
  if (value === null) return null;
  if (!isRecord(value)) return 'shape must be an object or null';
  const extra = onlyNested(value, ['width', 'height', 'hotX', 'hotY', 'rgba'], 'shape');
  if (extra) return extra;
  const { width, height, hotX, hotY, rgba } = value;
  if (!isInteger(width, 1, MAX_CURSOR_SIDE) || !isInteger(height, 1, MAX_CURSOR_SIDE)) return 'cursor size out of range';
  if (!isInteger(hotX, 0, width) || !isInteger(hotY, 0, height)) return 'cursor hot spot outside the image';
  if (!isArrayBuffer(rgba) || rgba.byteLength !== width * height * 4) return 'cursor rgba must be width × height × 4 bytes';
  return { width, height, hotX, hotY, rgba };
}

function validateProfile(value: unknown): Profile | string {
  if (!isRecord(value)) return 'a profile must be an object';
  const { id, hasPassword, ...rest } = value;
  if (!isProfileId(id)) return 'profile id is invalid';
  if (typeof hasPassword !== 'boolean') return 'hasPassword must be a boolean';
  const fields = validateProfileFields(rest);
  return typeof fields === 'string' ? fields : { id, hasPassword, ...fields };
}

export function validateRecent(value: unknown): RecentConnection | string {
  if (!isRecord(value)) return 'a recent connection must be an object';
  const extra = onlyNested(value, ['label', 'host', 'port', 'tlsPort', 'profileId', 'at'], 'recent connection');
  if (extra) return extra;
  if (!isLine(value.label, MAX_PROFILE_NAME + 8) || value.label === '') return 'recent label must be one line';
  const target = validateTarget({ host: value.host, port: value.port, tlsPort: value.tlsPort });
  if (typeof target === 'string') return target;
  if (value.profileId !== undefined && !isProfileId(value.profileId)) return 'recent profileId is invalid';
  if (!isInteger(value.at, 0, Number.MAX_SAFE_INTEGER)) return 'recent at must be a time';
  return { label: value.label, ...target, ...(value.profileId !== undefined ? { profileId: value.profileId } : {}), at: value.at };
}

function listOf<T>(value: unknown, max: number, item: (v: unknown) => T | string, what: string): T[] | string {
  if (!Array.isArray(value) || value.length > max) return `${what} must be a list of at most ${max}`;
  const out: T[] = [];
  for (const raw of value as unknown[]) {
    const checked = item(raw);
    if (typeof checked === 'string') return checked;
    out.push(checked);
  }
  return out;
}

const EVENT_VALIDATORS: { readonly [K in HostEventType]: MessageValidator<HostEvent> } = {
  status: (f) => {
    const extra = only(f, ['state', 'target', 'failure', 'guestName', 'detail', 'profileId', 'canRetry']);
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
    for (const key of ['guestName', 'detail'] as const) {
      if (f[key] !== undefined) {
        const problem = checkText(f[key], key);
        if (problem) return problem;
      }
    }
    if (f.profileId !== undefined && !isProfileId(f.profileId)) return 'profileId is invalid';
    if (f.canRetry !== undefined && typeof f.canRetry !== 'boolean') return 'canRetry must be a boolean';
    return {
      type: 'status',
      state: f.state,
      ...(target ? { target } : {}),
      ...(failure ? { failure } : {}),
      ...(typeof f.guestName === 'string' ? { guestName: f.guestName } : {}),
      ...(typeof f.detail === 'string' ? { detail: f.detail } : {}),
      ...(typeof f.profileId === 'string' ? { profileId: f.profileId } : {}),
      ...(typeof f.canRetry === 'boolean' ? { canRetry: f.canRetry } : {}),
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
    if (!Array.isArray(f.patches) || f.patches.length === 0) return `patches must be a list of 1 to ${MAX_PATCHES}`;
    const patches = listOf(f.patches, MAX_PATCHES, validatePatch, 'patches');
    if (typeof patches === 'string') return patches;
    return { type: 'damage', displayId: f.displayId, surfaceId: f.surfaceId, patches };
  },
  monitors: (f) => {
    const extra = only(f, ['displayId', 'monitors', 'maxAllowed']);
    if (extra) return extra;
    if (!isInteger(f.displayId, 0, 255)) return 'displayId out of range';
    if (f.maxAllowed !== undefined && !isInteger(f.maxAllowed, 0, 0xffff)) return 'maxAllowed out of range';
    const monitors = listOf(f.monitors, MAX_MONITORS, validateMonitor, 'monitors');
    if (typeof monitors === 'string') return monitors;
    return { type: 'monitors', displayId: f.displayId, monitors, ...(typeof f.maxAllowed === 'number' ? { maxAllowed: f.maxAllowed } : {}) };
  },
  mouseMode: (f) => only(f, ['mode']) ?? (isOneOf(f.mode, MOUSE_MODES) ? { type: 'mouseMode', mode: f.mode } : 'mode must be "server" or "client"'),
  cursor: (f) => {
    const extra = only(f, ['x', 'y', 'visible']);
    if (extra) return extra;
    if (!isInteger(f.x, -MAX_MOTION, MAX_MOTION) || !isInteger(f.y, -MAX_MOTION, MAX_MOTION)) return 'cursor x and y must be whole pixels';
    if (typeof f.visible !== 'boolean') return 'visible must be a boolean';
    return { type: 'cursor', x: f.x, y: f.y, visible: f.visible };
  },
  cursorShape: (f) => {
    const extra = only(f, ['shape']);
    if (extra) return extra;
    const shape = validateCursorImage(f.shape);
    return typeof shape === 'string' ? shape : { type: 'cursorShape', shape };
  },
  keyModifiers: (f) => only(f, ['modifiers']) ?? (isInteger(f.modifiers, 0, 0xffff) ? { type: 'keyModifiers', modifiers: f.modifiers } : 'modifiers out of range'),
  stats: (f) => {
    const extra = only(f, ['framesPerSecond', 'pixelBytesPerSecond', 'networkBytesPerSecond', 'latencyMs']);
    if (extra) return extra;
    const { framesPerSecond, pixelBytesPerSecond, networkBytesPerSecond, latencyMs } = f;
    if (!isFiniteNumber(framesPerSecond) || framesPerSecond < 0) return 'framesPerSecond must be a number ≥ 0';
    if (!isFiniteNumber(pixelBytesPerSecond) || pixelBytesPerSecond < 0) return 'pixelBytesPerSecond must be a number ≥ 0';
    for (const [name, value] of [['networkBytesPerSecond', networkBytesPerSecond], ['latencyMs', latencyMs]] as const) {
      if (value !== null && (!isFiniteNumber(value) || value < 0)) return `${name} must be a number ≥ 0 or null`;
    }
    return {
      type: 'stats',
      framesPerSecond,
      pixelBytesPerSecond,
      networkBytesPerSecond: networkBytesPerSecond as number | null,
      latencyMs: latencyMs as number | null,
    };
  },
  notice: (f) => only(f, ['message']) ?? checkText(f.message, 'message') ?? { type: 'notice', message: f.message as string },
  library: (f) => {
    const extra = only(f, ['profiles', 'recent', 'passwordStorage']);
    if (extra) return extra;
    const profiles = listOf(f.profiles, MAX_PROFILES, validateProfile, 'profiles');
    if (typeof profiles === 'string') return profiles;
    const recent = listOf(f.recent, MAX_RECENT, validateRecent, 'recent');
    if (typeof recent === 'string') return recent;
    const storage = f.passwordStorage;
    if (!isRecord(storage) || onlyNested(storage, ['available', 'problem'], 'passwordStorage') || typeof storage.available !== 'boolean') {
      return 'passwordStorage must be { available, problem? }';
    }
    if (storage.problem !== undefined && checkText(storage.problem, 'passwordStorage.problem')) return 'passwordStorage.problem must be text';
    return {
      type: 'library',
      profiles,
      recent,
      passwordStorage: { available: storage.available, ...(typeof storage.problem === 'string' ? { problem: storage.problem } : {}) },
    };
  },
  settings: (f) => {
    const extra = only(f, ['settings']);
    if (extra) return extra;
    const settings = validateSettings(f.settings);
    return typeof settings === 'string' ? settings : { type: 'settings', settings };
  },
  shell: (f) => {
    const extra = only(f, ['shell', 'kiosk']);
    if (extra) return extra;
    if (!isOneOf(f.shell, ['electron', 'browser'] as const)) return 'shell must be "electron" or "browser"';
    if (typeof f.kiosk !== 'boolean') return 'kiosk must be a boolean';
    return { type: 'shell', shell: f.shell, kiosk: f.kiosk };
  },
  command: (f) => only(f, ['command']) ?? (isOneOf(f.command, MENU_COMMAND_NAMES) ? { type: 'command', command: f.command } : 'command is unknown'),
  ...AGENT_EVENT_VALIDATORS,
  ...AUDIO_EVENT_VALIDATORS,
  ...VIDEO_EVENT_VALIDATORS,
  ...COPY_AREA_EVENT_VALIDATORS,
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
