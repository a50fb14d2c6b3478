import { copyFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * spice-html5's decoders (Debian package spice-html5), loaded at bench time as the ES modules they
 * are — from a temporary copy, never committed. Loaded this way they run at full speed; inside a
 * `vm` context they would run ~30x slower, which would flatter us unfairly.
 */
const SOURCE = '/usr/share/spice-html5';

interface ImageDataLike {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}
const context = {
  createImageData: (width: number, height: number): ImageDataLike => ({ width, height, data: new Uint8ClampedArray(width * height * 4) }),
};

export interface Html5Decoders {
  /** QUIC payload (after data_size) → the decoder's raw output (what spice-html5 then converts). */
  decodeQuic(payload: Uint8Array): Uint8Array;
  /** LZ_RGB payload (after data_size) → RGBA ImageData, as spice-html5 produces it for a canvas. */
  decodeLzRgb(payload: Uint8Array): Uint8ClampedArray;
}

interface QuicModule {
  SpiceQuic: new () => { from_dv(dv: DataView, at: number, buffer: ArrayBuffer): number; outptr: Uint8Array | undefined };
}
interface LzModule {
  convert_spice_lz_to_web(ctx: typeof context, image: { type: number; width: number; height: number; top_down: number; data: ArrayBuffer }): ImageDataLike | undefined;
}

export async function loadSpiceHtml5(): Promise<Html5Decoders> {
  for (const file of ['quic.js', 'lz.js', 'enums.js']) {
    if (!existsSync(join(SOURCE, file))) throw new Error(`${SOURCE}/${file} is missing: install the Debian package spice-html5`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'saffron-spice-html5-'));
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  for (const file of ['quic.js', 'lz.js', 'enums.js']) copyFileSync(join(SOURCE, file), join(dir, file));
  const quic = (await import(pathToFileURL(join(dir, 'quic.js')).href)) as QuicModule;
  const lz = (await import(pathToFileURL(join(dir, 'lz.js')).href)) as LzModule;
  return {
    decodeQuic(payload) {
      // SpiceQuic.from_dv reads data_size then decodes; give it that framing.
      const framed = new Uint8Array(4 + payload.byteLength);
      new DataView(framed.buffer).setUint32(0, payload.byteLength, true);
      framed.set(payload, 4);
      const image = new quic.SpiceQuic();
      image.from_dv(new DataView(framed.buffer), 0, framed.buffer);
      if (!image.outptr) throw new Error('spice-html5 could not decode a QUIC payload');
      return image.outptr;
    },
    decodeLzRgb(payload) {
      const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
      const result = lz.convert_spice_lz_to_web(context, {
        type: view.getUint32(8),
        width: view.getUint32(12),
        height: view.getUint32(16),
        top_down: view.getUint32(24),
        data: payload.slice(28).buffer,
      });
      if (!result) throw new Error('spice-html5 does not decode this LZ image type');
      return result.data;
    },
  };
}
