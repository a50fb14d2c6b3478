/**
 * Loads spice-html5's JavaScript QUIC decoder (Debian's package installs it at
 * /usr/share/spice-html5/quic.js) as a second, independent reference for tests. It is an ES
 * module written for browsers; we drop its export list and run it inside a function in a fresh
 * VM context (a function so that its top-level variables are locals, not slow context globals).
 *
 * It decodes RGB32, RGB24 and RGBA only. Returns undefined when the file is not installed.
 */
import { existsSync, readFileSync } from 'node:fs';
import vm from 'node:vm';

export const SPICE_HTML5_QUIC = '/usr/share/spice-html5/quic.js';

interface Html5Encoder {
  simple_quic_decode(buf: Uint8Array): Uint8Array | undefined;
  type: number;
  width: number;
  height: number;
}

let cached: Html5Encoder | null | undefined;

function load(): Html5Encoder | null {
  if (cached !== undefined) return cached;
  if (!existsSync(SPICE_HTML5_QUIC)) return (cached = null);
  const source = readFileSync(SPICE_HTML5_QUIC, 'utf8').replace(/export\s*\{[^}]*\};?/, '');
  const context = vm.createContext({ console: { log: () => undefined } });
  cached = vm.runInContext(`(function () {\n${source}\nreturn encoder;\n})()`, context) as Html5Encoder;
  return cached;
}

export function spiceHtml5Available(): boolean {
  return load() !== null;
}

/**
 * Decodes a QUIC payload with spice-html5 into 0xAARRGGBB words (alpha 0xFF unless RGBA), or
 * returns undefined if spice-html5 is missing or does not support the image type. Throws what
 * spice-html5 throws (a string) on a truncated stream.
 */
export function decodeWithSpiceHtml5(data: Uint8Array): Uint32Array | undefined {
  const encoder = load();
  if (!encoder) return undefined;
  const bytes = encoder.simple_quic_decode(new Uint8Array(data));
  if (!bytes) return undefined;
  const n = encoder.width * encoder.height;
  const out = new Uint32Array(n);
  const rgba = encoder.type === 5;
  for (let i = 0; i < n; i++) {
    // Its buffer holds B, G, R, then alpha (RGBA) or 0. (Its canvas conversion later uses
    // 255 - alpha; the decoded value itself is what spice-common produces.)
    const a = rgba ? bytes[i * 4 + 3]! : 0xff;
    out[i] = ((a << 24) | (bytes[i * 4 + 2]! << 16) | (bytes[i * 4 + 1]! << 8) | bytes[i * 4]!) >>> 0;
  }
  return out;
}
