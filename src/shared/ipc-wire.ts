/**
 * How IPC messages travel over the browser shell's WebSocket. A message without binary data is
 * one text frame of JSON. A message carrying ArrayBuffers (damage pixels) is one binary frame:
 *
 *   uint32 LE  json byte length J
 *   J bytes    UTF-8 JSON, each ArrayBuffer replaced by {"$buffer": index}
 *   repeated:  uint32 LE byte length N, then N bytes   (buffer 0, 1, ...)
 *
 * Decoding only rebuilds structure; the receiver still validates the result as a message.
 */

export type WireData = string | Uint8Array;

const BUFFER_KEY = '$buffer';

function isArrayBuffer(value: unknown): value is ArrayBuffer {
  return Object.prototype.toString.call(value) === '[object ArrayBuffer]';
}

/** A message as JSON text with each ArrayBuffer replaced by {"$buffer": index}, and those buffers. */
export function splitWireMessage(message: object): { json: string; buffers: ArrayBuffer[] } {
  const buffers: ArrayBuffer[] = [];
  const json = JSON.stringify(message, (_key, value: unknown) => {
    if (isArrayBuffer(value)) {
      buffers.push(value);
      return { [BUFFER_KEY]: buffers.length - 1 };
    }
    return value;
  });
  return { json, buffers };
}

export function encodeWireMessage(message: object): WireData {
  const { json, buffers } = splitWireMessage(message);
  if (buffers.length === 0) return json;
  const jsonBytes = new TextEncoder().encode(json);
  let total = 4 + jsonBytes.length;
  for (const buffer of buffers) total += 4 + buffer.byteLength;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, jsonBytes.length, true);
  out.set(jsonBytes, 4);
  let offset = 4 + jsonBytes.length;
  for (const buffer of buffers) {
    view.setUint32(offset, buffer.byteLength, true);
    out.set(new Uint8Array(buffer), offset + 4);
    offset += 4 + buffer.byteLength;
  }
  return out;
}

export class WireFormatError extends Error {
  override readonly name = 'WireFormatError';
}

/** Rebuilds a message; throws WireFormatError on malformed input. */
export function decodeWireMessage(data: WireData): unknown {
  if (typeof data === 'string') return parseJson(data, []);
  if (data.length < 4) throw new WireFormatError('binary message shorter than its header');
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const jsonLength = view.getUint32(0, true);
  if (jsonLength > data.length - 4) throw new WireFormatError('binary message: JSON length beyond the end');
  let json: string;
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(data.subarray(4, 4 + jsonLength));
  } catch {
    throw new WireFormatError('binary message: JSON part is not UTF-8');
  }
  const buffers: ArrayBuffer[] = [];
  let offset = 4 + jsonLength;
  while (offset < data.length) {
    if (offset + 4 > data.length) throw new WireFormatError('binary message: truncated buffer length');
    const length = view.getUint32(offset, true);
    const start = offset + 4;
    if (length > data.length - start) throw new WireFormatError('binary message: buffer beyond the end');
    // A copy into a buffer of its own, so each stands alone (and the frame's memory can go).
    // Not data.slice(): on a Node Buffer that is a view, and .buffer the whole shared pool.
    const copy = new Uint8Array(length);
    copy.set(data.subarray(start, start + length));
    buffers.push(copy.buffer);
    offset = start + length;
  }
  return parseJson(json, buffers);
}

/** The inverse of splitWireMessage: every buffer must be referenced exactly once. Throws WireFormatError. */
export function joinWireMessage(json: string, buffers: readonly ArrayBuffer[]): unknown {
  return parseJson(json, buffers);
}

function parseJson(json: string, buffers: readonly ArrayBuffer[]): unknown {
  const used = new Set<number>();
  let parsed: unknown;
  try {
    parsed = JSON.parse(json, (_key, value: unknown) => {
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        const keys = Object.keys(value);
        if (keys.length === 1 && keys[0] === BUFFER_KEY) {
          const index = (value as Record<string, unknown>)[BUFFER_KEY];
          if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= buffers.length || used.has(index)) {
            throw new WireFormatError('binary message: bad buffer reference');
          }
          used.add(index);
          return buffers[index];
        }
      }
      return value;
    });
  } catch (error) {
    if (error instanceof WireFormatError) throw error;
    throw new WireFormatError('message is not JSON');
  }
  if (used.size !== buffers.length) throw new WireFormatError('binary message: unreferenced buffers');
  return parsed;
}
