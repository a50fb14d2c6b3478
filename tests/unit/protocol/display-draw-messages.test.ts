import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CompositeFlags, DisplayMsg, LineFlags, PathFlags, StringFlags } from '../../../src/core/protocol/constants';
import {
  parseDrawAlphaBlend,
  parseDrawComposite,
  parseDrawRop3,
  parseDrawStroke,
  parseDrawText,
  parseDrawTransparent,
} from '../../../src/core/protocol/display-messages';
import { encodeMessage, MessageFramer } from '../../../src/core/protocol/framing';
import { ProtocolError } from '../../../src/core/protocol/errors';
import { Bytes, chunkings } from '../../support/chunking';
import { ALL_COMPOSITE, alphaBlendBody, BASE_SIZE, compositeBody, displayBase, rop3Body, strokeBody, T_MASK, T_SRC, textBody, transparentBody } from './draw-bodies';

// The drawing messages of protocol 2.2 that display-messages.test.ts does not cover, built by
// hand from spice.proto's layouts. Each is also fed through the framer under every chunking
// and cut at every length.

const CASES: { name: string; type: number; body: () => Uint8Array; parse: (body: Uint8Array) => unknown }[] = [
  { name: 'DRAW_ROP3', type: DisplayMsg.DRAW_ROP3, body: rop3Body, parse: parseDrawRop3 },
  { name: 'DRAW_STROKE', type: DisplayMsg.DRAW_STROKE, body: strokeBody, parse: parseDrawStroke },
  { name: 'DRAW_TEXT', type: DisplayMsg.DRAW_TEXT, body: () => textBody(), parse: parseDrawText },
  { name: 'DRAW_TRANSPARENT', type: DisplayMsg.DRAW_TRANSPARENT, body: transparentBody, parse: parseDrawTransparent },
  { name: 'DRAW_ALPHA_BLEND', type: DisplayMsg.DRAW_ALPHA_BLEND, body: alphaBlendBody, parse: parseDrawAlphaBlend },
  { name: 'DRAW_COMPOSITE', type: DisplayMsg.DRAW_COMPOSITE, body: () => compositeBody(ALL_COMPOSITE), parse: parseDrawComposite },
];

test('DRAW_ROP3: source, area, brush, rop3 code, scale mode and mask', () => {
  const op = parseDrawRop3(rop3Body());
  assert.equal(op.base.surfaceId, 3);
  assert.deepEqual(op.sourceArea, { top: 0, left: 1, bottom: 2, right: 4 });
  assert.deepEqual(op.brush, { type: 'solid', color: 0x123456 });
  assert.equal(op.rop3, 0xb8);
  assert.equal(op.scaleMode, 0);
  assert.deepEqual(op.source?.payload, { kind: 'surface', surfaceId: 9 });
  assert.equal(op.mask.flags, 1);
  assert.deepEqual(op.mask.pos, { x: 5, y: 6 });
  assert.deepEqual(op.mask.bitmap?.payload, { kind: 'surface', surfaceId: 10 });
});

test('DRAW_STROKE: path segments in 28.4, dash style behind its pointer, brush and modes', () => {
  const op = parseDrawStroke(strokeBody());
  assert.deepEqual(op.path, [
    { flags: PathFlags.BEGIN, points: [{ x: 16, y: 32 }, { x: -48, y: 64 }] },
    { flags: PathFlags.BEZIER | PathFlags.END | PathFlags.CLOSE, points: [{ x: 1, y: 2 }, { x: 3, y: 4 }, { x: 5, y: 6 }] },
  ]);
  assert.deepEqual(op.attr, { flags: LineFlags.STYLED | LineFlags.START_WITH_GAP, style: [48, 80] });
  assert.deepEqual(op.brush, { type: 'solid', color: 0xff0000 });
  assert.deepEqual([op.foreMode, op.backMode], [1 << 3, 1 << 6]);
});

test('DRAW_STROKE: an unstyled LineAttr is one byte, with no count and no pointer', () => {
  const b = displayBase(new Bytes()).u32(BASE_SIZE + 4 + 1 + 5 + 4).u8(0).u8(1).u32(7).u16(8).u16(8);
  b.u32(1).u8(PathFlags.BEGIN | PathFlags.END).u32(1).i32(0).i32(0);
  const op = parseDrawStroke(b.build());
  assert.deepEqual(op.attr, { flags: 0, style: [] });
  assert.deepEqual(op.brush, { type: 'solid', color: 7 });
  assert.equal(op.path.length, 1);
});

test('DRAW_TEXT: glyphs with their boxes and raster rows, brushes and modes', () => {
  const op = parseDrawText(textBody());
  assert.equal(op.text.bitsPerPixel, 4);
  assert.equal(op.text.glyphs.length, 2);
  const [g1, g2] = op.text.glyphs;
  assert.deepEqual([g1.renderPos, g1.origin, g1.width, g1.height, [...g1.data]], [{ x: 10, y: 20 }, { x: -1, y: -2 }, 3, 2, [0x12, 0x30, 0x45, 0x60]]);
  assert.deepEqual([g2.renderPos, g2.width, g2.height, [...g2.data]], [{ x: 13, y: 20 }, 1, 1, [0xf0]]);
  assert.deepEqual(op.foreBrush, { type: 'solid', color: 0x00ffffff });
  assert.deepEqual(op.backBrush, { type: 'none' });
  assert.deepEqual(op.backArea, { top: 0, left: 0, bottom: 0, right: 0 });
});

test('DRAW_TEXT: A1 glyph rows are ceil(width / 8) bytes; A1 wins when several raster flags are set', () => {
  const fixed = BASE_SIZE + 4 + 16 + 5 + 1 + 4;
  const b = displayBase(new Bytes()).u32(fixed).i32(0).i32(0).i32(0).i32(0).u8(1).u32(0).u8(0).u16(8).u16(8);
  b.u16(1).u8(StringFlags.RASTER_A1 | StringFlags.RASTER_A8);
  b.i32(0).i32(0).i32(0).i32(0).u16(9).u16(2).raw([0xff, 0x80, 0x01, 0x00]);
  const op = parseDrawText(b.build());
  assert.equal(op.text.bitsPerPixel, 1);
  assert.deepEqual([...op.text.glyphs[0].data], [0xff, 0x80, 0x01, 0x00]);
});

test('DRAW_TEXT: a string without a raster flag carries no glyphs', () => {
  const fixed = BASE_SIZE + 4 + 16 + 5 + 1 + 4;
  const b = displayBase(new Bytes()).u32(fixed).i32(0).i32(0).i32(0).i32(0).u8(1).u32(0).u8(0).u16(8).u16(8);
  b.u16(5).u8(0);
  const op = parseDrawText(b.build());
  assert.deepEqual([op.text.bitsPerPixel, op.text.glyphs.length], [0, 0]);
});

test('DRAW_TRANSPARENT and DRAW_ALPHA_BLEND', () => {
  const t = parseDrawTransparent(transparentBody());
  assert.deepEqual([t.sourceColor, t.trueColor], [0xabcdef, 0x00ff00ff]);
  assert.deepEqual(t.sourceArea, { top: 0, left: 0, bottom: 2, right: 4 });
  assert.deepEqual(t.source?.payload, { kind: 'surface', surfaceId: 2 });
  const a = parseDrawAlphaBlend(alphaBlendBody());
  assert.deepEqual([a.alphaFlags, a.alpha], [3, 0x80]);
  assert.deepEqual(a.sourceArea, { top: 0, left: 0, bottom: 2, right: 4 });
  assert.deepEqual(a.source?.payload, { kind: 'surface', surfaceId: 2 });
});

test('DRAW_COMPOSITE: optional mask and transforms follow the flags; origins are int16', () => {
  const all = parseDrawComposite(compositeBody(ALL_COMPOSITE));
  assert.equal(all.flags, ALL_COMPOSITE);
  assert.deepEqual(all.source.payload, { kind: 'surface', surfaceId: 2 });
  assert.deepEqual(all.mask?.payload, { kind: 'surface', surfaceId: 5 });
  assert.deepEqual(all.sourceTransform, T_SRC);
  assert.deepEqual(all.maskTransform, T_MASK);
  assert.deepEqual(all.sourceOrigin, { x: -3, y: 4 });
  assert.deepEqual(all.maskOrigin, { x: 7, y: -8 });
  for (const flags of [0, CompositeFlags.HAS_MASK, CompositeFlags.HAS_SRC_TRANSFORM, CompositeFlags.HAS_MASK | CompositeFlags.HAS_MASK_TRANSFORM]) {
    const op = parseDrawComposite(compositeBody(flags));
    assert.equal(op.mask !== null, (flags & CompositeFlags.HAS_MASK) !== 0);
    assert.deepEqual(op.sourceTransform, flags & CompositeFlags.HAS_SRC_TRANSFORM ? T_SRC : null);
    assert.deepEqual(op.maskTransform, flags & CompositeFlags.HAS_MASK_TRANSFORM ? T_MASK : null);
    assert.deepEqual([op.sourceOrigin, op.maskOrigin], [{ x: -3, y: 4 }, { x: 7, y: -8 }]);
  }
});

for (const { name, type, body, parse } of CASES) {
  test(`${name} parses the same through the framer under every chunking`, () => {
    const bytes = body();
    const expected = parse(bytes);
    const stream = encodeMessage(type, bytes, true, 0n);
    for (const pieces of chunkings(stream)) {
      const framer = new MessageFramer(true);
      const messages = pieces.flatMap((p) => framer.feed(p));
      assert.equal(messages.length, 1);
      assert.equal(messages[0].type, type);
      assert.deepEqual(parse(messages[0].body), expected);
    }
  });

  test(`every truncation of ${name} is a ProtocolError`, () => {
    const bytes = body();
    for (let n = 0; n < bytes.byteLength; n++) {
      assert.throws(() => parse(bytes.subarray(0, n)), ProtocolError, `prefix ${n}`);
    }
  });
}

test('null pointers where the protocol requires a target are errors', () => {
  const stroke = strokeBody();
  new DataView(stroke.buffer).setUint32(BASE_SIZE, 0, true);
  assert.throws(() => parseDrawStroke(stroke), /without a path/);
  const text = textBody();
  new DataView(text.buffer).setUint32(BASE_SIZE, 0, true);
  assert.throws(() => parseDrawText(text), /without a string/);
  const composite = compositeBody(0);
  new DataView(composite.buffer).setUint32(BASE_SIZE + 4, 0, true);
  assert.throws(() => parseDrawComposite(composite), /without a source image/);
});

test('path and glyph counts beyond the message are refused before any allocation', () => {
  const stroke = strokeBody();
  const pathOffset = BASE_SIZE + 4 + 6 + 5 + 4;
  new DataView(stroke.buffer).setUint32(pathOffset, 0xffffffff, true);
  assert.throws(() => parseDrawStroke(stroke), /segments, more than the message holds/);
  const points = strokeBody();
  new DataView(points.buffer).setUint32(pathOffset + 4 + 1, 0x7fffffff, true);
  assert.throws(() => parseDrawStroke(points), /points, more than the message holds/);
  const text = textBody();
  new DataView(text.buffer).setUint16(BASE_SIZE + 4 + 16 + 5 + 1 + 4, 500, true);
  assert.throws(() => parseDrawText(text), ProtocolError);
});
