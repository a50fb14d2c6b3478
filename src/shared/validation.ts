/**
 * The checks every part of the IPC contract validates with (ipc-validators.ts and the validators
 * of the agent, sound, video and copy messages): plain data only, extra fields refused, errors
 * naming the field and never echoing a value.
 */

/** A message or nested object as received, before it is checked. */
export type Fields = Readonly<Record<string, unknown>>;

/** Largest guest surface accepted (SPICE heads are at most 16384 wide in practice). */
export const MAX_SURFACE_SIDE = 16_384;

/** A rectangle of whole pixels on a surface (the damage, copy and video messages' shape). */
export interface SurfaceRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isInteger(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

export function isArrayBuffer(value: unknown): value is ArrayBuffer {
  // Not instanceof: buffers may come from another realm (a MessagePort, the context bridge).
  return Object.prototype.toString.call(value) === '[object ArrayBuffer]';
}

export function isOneOf<T extends string>(value: unknown, allowed: readonly T[]): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

/**
 * The first field not in `allowed`, or null. A message's own `type` is always allowed; a nested
 * object (`nested`) has none, so there `type` counts like any other field.
 */
export function unexpectedKey(fields: Fields, allowed: readonly string[], nested = false): string | null {
  for (const key of Object.keys(fields)) if ((nested || key !== 'type') && !allowed.includes(key)) return key;
  return null;
}

/** `unexpected field "name"` for the first field not in `allowed` (see unexpectedKey), or null. */
export function only(fields: Fields, allowed: readonly string[], nested = false): string | null {
  const key = unexpectedKey(fields, allowed, nested);
  return key === null ? null : `unexpected field "${key}"`;
}

/** `{x, y, width, height}` and nothing else: a non-empty rectangle inside the largest surface. */
export function validateSurfaceRect(value: unknown, what: string): SurfaceRect | string {
  if (!isRecord(value)) return `${what} must be an object`;
  if (only(value, ['x', 'y', 'width', 'height'], true)) return `${what} has unexpected fields`;
  const { x, y, width, height } = value;
  if (!isInteger(x, 0, MAX_SURFACE_SIDE - 1) || !isInteger(y, 0, MAX_SURFACE_SIDE - 1)) return `${what} x and y must be inside a surface`;
  if (!isInteger(width, 1, MAX_SURFACE_SIDE - x) || !isInteger(height, 1, MAX_SURFACE_SIDE - y)) return `${what} size is out of range`;
  return { x, y, width, height };
}
