import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DecodedImage } from '../../../src/core/codecs/types';
import { SurfaceFormat } from '../../../src/core/protocol/constants';
import {
  parseDrawAlphaBlend,
  parseDrawComposite,
  parseDrawRop3,
  parseDrawStroke,
  parseDrawText,
  parseDrawTransparent,
} from '../../../src/core/protocol/display-messages';
import type { Image, Rect } from '../../../src/core/protocol/display-types';
import { ProtocolError } from '../../../src/core/protocol/errors';
import { drawAlphaBlend } from '../../../src/main/surfaces/alpha-blend';
import { drawComposite } from '../../../src/main/surfaces/composite';
import { drawRop3 } from '../../../src/main/surfaces/rop3';
import { drawStroke } from '../../../src/main/surfaces/stroke';
import { Surface } from '../../../src/main/surfaces/surface';
import { drawText } from '../../../src/main/surfaces/text';
import { drawTransparent } from '../../../src/main/surfaces/transparent';
import { alphaBlendBody, ALL_COMPOSITE, compositeBody, rop3Body, strokeBody, textBody, transparentBody } from '../protocol/draw-bodies';

// Hostile drawing messages: valid bodies with a few random bytes changed, parsed and drawn on
// surfaces of every format. Each must draw, or fail with a ProtocolError; never anything else,
// and never take long.

const FORMATS = [SurfaceFormat.XRGB32, SurfaceFormat.ARGB32, SurfaceFormat.RGB16_555, SurfaceFormat.RGB16_565, SurfaceFormat.A8, SurfaceFormat.A1];

type Draw = (dest: Surface, body: Uint8Array, resolve: (image: Image) => DecodedImage, surfaceOf: (image: Image) => Surface | undefined) => Rect | null;

const DRAWS: [string, () => Uint8Array, Draw][] = [
  ['DRAW_ROP3', rop3Body, (d, b, r) => drawRop3(d, parseDrawRop3(b), r)],
  ['DRAW_STROKE', strokeBody, (d, b, r) => drawStroke(d, parseDrawStroke(b), r)],
  ['DRAW_TEXT', textBody, (d, b, r) => drawText(d, parseDrawText(b), r)],
  ['DRAW_TRANSPARENT', transparentBody, (d, b, r) => drawTransparent(d, parseDrawTransparent(b), r)],
  ['DRAW_ALPHA_BLEND', alphaBlendBody, (d, b, r, s) => drawAlphaBlend(d, parseDrawAlphaBlend(b), r, s)],
  ['DRAW_COMPOSITE', () => compositeBody(ALL_COMPOSITE), (d, b, r, s) => drawComposite(d, parseDrawComposite(b), r, s)],
];

test('mutated drawing messages draw or fail with a ProtocolError, on every surface format', () => {
  let seed = 0x5eed;
  const rand = (n: number): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  let drawn = 0;
  let refused = 0;
  for (const [name, body, draw] of DRAWS) {
    for (let iteration = 0; iteration < 400; iteration++) {
      const bytes = body().slice();
      for (let k = 1 + rand(4); k > 0; k--) bytes[rand(bytes.length)] = rand(256);
      const format = FORMATS[rand(FORMATS.length)];
      const surfaces = new Map<number, Surface>();
      for (const id of [2, 5, 9, 10]) {
        const s = new Surface(id, 4, 3, FORMATS[(id + iteration) % FORMATS.length]);
        for (let i = 0; i < s.pixels.length; i++) s.pixels[i] = (Math.imul(i + id, 0x9e3779b1) | s.opaqueBits) >>> 0;
        s.normalize({ left: 0, top: 0, right: 4, bottom: 3 });
        surfaces.set(id, s);
      }
      const dest = new Surface(3, 16, 12, format);
      surfaces.set(3, dest);
      const surfaceOf = (image: Image): Surface | undefined => (image.payload.kind === 'surface' ? surfaces.get(image.payload.surfaceId) : undefined);
      const resolve = (image: Image): DecodedImage => {
        const s = surfaceOf(image);
        if (!s) throw new ProtocolError(`no surface for image ${image.payload.kind}`);
        return s.asImage();
      };
      const started = Date.now();
      try {
        draw(dest, bytes, resolve, surfaceOf);
        drawn++;
      } catch (error) {
        if (!(error instanceof ProtocolError)) throw new Error(`${name} iteration ${iteration}: ${(error as Error).stack}`, { cause: error });
        refused++;
      }
      assert.ok(Date.now() - started < 2000, `${name} iteration ${iteration} took ${Date.now() - started} ms`);
    }
  }
  assert.ok(drawn > 100 && refused > 100, `${drawn} drawn, ${refused} refused`);
});
