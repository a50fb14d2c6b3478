import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineFlags, PathFlags, Ropd } from '../../../src/core/protocol/constants';
import type { Brush, DrawStroke, PathSegment, Rect } from '../../../src/core/protocol/display-types';
import { dashedPolyline } from '../../../src/main/surfaces/dash-line';
import { drawStroke } from '../../../src/main/surfaces/stroke';
import { walkPath } from '../../../src/main/surfaces/stroke-path';
import { zeroWidthPolyline, type Point, type SpanSink } from '../../../src/main/surfaces/zero-line';
import { base, expectRows, hex, Images, r, rows, surface } from './helpers';

const B = 0xff000000;
const W = 0xffffffff;

// --------------------------------------------------------- reference spans from spice-common

interface LineCase {
  width: number;
  height: number;
  rop: number;
  dash: number[];
  offset: number;
  points: [number, number][];
  /** One entry per FillSpans call: x, y, width triples. */
  calls: number[][];
}

/** Records each call's spans as x, y, width triples, as the fixture has them. */
function recorder(): SpanSink & { calls: number[][] } {
  const calls: number[][] = [];
  return {
    calls,
    segment(xs, ys, ws, count) {
      const call: number[] = [];
      for (let i = 0; i < count; i++) call.push(xs[i], ys[i], ws[i]);
      calls.push(call);
    },
  };
}

test('thin and dashed lines give exactly the spans of spice-common lines.c, call by call', () => {
  const { cases } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'display', 'mi-lines.json'), 'utf8')) as { cases: LineCase[] };
  let solid = 0;
  let dashed = 0;
  for (const [index, c] of cases.entries()) {
    const points: Point[] = c.points.map(([x, y]) => ({ x, y }));
    const sink = recorder();
    if (c.dash.length > 0) {
      dashedPolyline(points, c.dash, c.offset, c.rop, sink);
      dashed++;
    } else {
      zeroWidthPolyline(points, c.width, c.height, sink);
      solid++;
    }
    assert.deepEqual(sink.calls, c.calls, `case ${index}`);
  }
  assert.ok(solid >= 100 && dashed >= 100);
});

test('a thin line follows the X bias: a tie steps along the major axis in octants 2-5 only', () => {
  const pixels = (from: Point, to: Point): string[] => {
    const out: string[] = [];
    zeroWidthPolyline([from, to], 20, 20, {
      segment(xs, ys, ws, count) {
        for (let i = 0; i < count; i++) for (let x = xs[i]; x < xs[i] + ws[i]; x++) out.push(`${x},${ys[i]}`);
      },
    });
    return out;
  };
  // (0,0) → (4,2): octant 8 (right, down), no bias: the tie at x = 1 steps diagonally.
  assert.deepEqual(pixels({ x: 0, y: 0 }, { x: 4, y: 2 }), ['0,0', '1,1', '2,1', '3,2']);
  // (4,2) → (0,0): octant 4 (left, up), biased: the tie at x = 3 stays on the row.
  assert.deepEqual(pixels({ x: 4, y: 2 }, { x: 0, y: 0 }), ['3,2', '4,2', '1,1', '2,1']);
});

// ------------------------------------------------------------------------------ path walking

function seg(flags: number, pts: [number, number][]): PathSegment {
  return { flags, points: pts.map(([x, y]) => ({ x, y })) };
}

test('paths: 28.4 points round up above one half; CLOSE returns to the first point; BEGIN starts over', () => {
  const polylines: Point[][] = [];
  walkPath(
    [
      seg(PathFlags.BEGIN, [[8, 9]]),
      seg(PathFlags.END | PathFlags.CLOSE, [[40, 0], [40, 40]]),
      seg(PathFlags.BEGIN | PathFlags.END, [[160, 160], [170, 160]]),
    ],
    (points) => polylines.push([...points]),
  );
  assert.deepEqual(polylines, [
    [{ x: 0, y: 1 }, { x: 2, y: 0 }, { x: 2, y: 2 }, { x: 0, y: 1 }],
    [{ x: 10, y: 10 }, { x: 11, y: 10 }],
  ]);
});

test('paths: a Bézier flattens to the end point when straight, and into pieces when curved', () => {
  const straight: Point[][] = [];
  walkPath([seg(PathFlags.BEGIN | PathFlags.BEZIER | PathFlags.END, [[0, 0], [160, 0], [320, 0], [480, 0]])], (p) => straight.push([...p]));
  assert.deepEqual(straight, [[{ x: 0, y: 0 }, { x: 30, y: 0 }]]);
  const curved: Point[][] = [];
  walkPath([seg(PathFlags.BEGIN | PathFlags.BEZIER | PathFlags.END, [[0, 0], [0, 1600], [1600, 1600], [1600, 0]])], (p) => curved.push([...p]));
  assert.equal(curved.length, 1);
  assert.ok(curved[0].length > 8, `${curved[0].length} points`);
  assert.deepEqual(curved[0][curved[0].length - 1], { x: 100, y: 0 });
  // A Bézier point count that is not a multiple of three stops the stroke there.
  const stopped: Point[][] = [];
  walkPath([seg(PathFlags.BEGIN | PathFlags.END, [[0, 0], [160, 0]]), seg(PathFlags.BEGIN | PathFlags.BEZIER, [[0, 0], [16, 16]])], (p) => stopped.push([...p]));
  assert.equal(stopped.length, 1);
});

// ------------------------------------------------------------------------------- DRAW_STROKE

function stroke(box: Rect, path: PathSegment[], brush: Brush, foreMode: number = Ropd.OP_PUT, style: number[] = [], flags = 0, clip?: Rect[]): DrawStroke {
  return { base: base(box, clip), path, attr: { flags: style.length ? flags | LineFlags.STYLED : flags, style }, brush, foreMode, backMode: 0 };
}

test('DRAW_STROKE draws a thin polyline with the brush, not its last point (CapNotLast)', () => {
  const s = surface(5, 3);
  const damage = drawStroke(s, stroke(r(0, 0, 5, 3), [seg(PathFlags.BEGIN | PathFlags.END, [[0, 16], [64, 16], [64, 32]])], { type: 'solid', color: 0xffffff }), new Images().resolve);
  assert.deepEqual(damage, r(0, 1, 5, 2));
  assert.deepEqual(rows(s), expectRows([[B, B, B, B, B], [W, W, W, W, W], [B, B, B, B, B]]));
});

test('DRAW_STROKE with XOR: crossing segments invert their common pixel twice; clip applies', () => {
  const s = surface(3, 3);
  // (0,1) → (3,1) → (1,0) → (1,3): the second segment overlaps the first at (2,1) and the
  // third crosses it at (1,1); points at x = 3 or y = 3 are off the surface.
  const path = [seg(PathFlags.BEGIN | PathFlags.END, [[0, 16], [48, 16], [16, 0], [16, 48]])];
  drawStroke(s, stroke(r(0, 0, 3, 3), path, { type: 'solid', color: 0xffffff }, Ropd.OP_XOR), new Images().resolve);
  assert.deepEqual(rows(s), expectRows([[B, W, B], [W, B, B], [B, W, B]]));
  const clipped = surface(3, 3);
  drawStroke(clipped, stroke(r(0, 0, 3, 3), path, { type: 'solid', color: 0xffffff }, Ropd.OP_XOR, [], 0, [r(0, 0, 1, 3)]), new Images().resolve);
  assert.deepEqual(rows(clipped), expectRows([[B, B, B], [W, B, B], [B, B, B]]));
});

test('DRAW_STROKE dashes: on 2, off 1, from the first point; START_WITH_GAP rotates the pattern', () => {
  const line = [seg(PathFlags.BEGIN | PathFlags.END, [[0, 0], [160, 0]])];
  const s = surface(10, 1);
  drawStroke(s, stroke(r(0, 0, 10, 1), line, { type: 'solid', color: 0xffffff }, Ropd.OP_PUT, [32, 16]), new Images().resolve);
  assert.deepEqual(hex(s.pixels), hex([W, W, B, W, W, B, W, W, B, W]));
  const gap = surface(10, 1);
  // Style (1, 2) with START_WITH_GAP becomes dashes (2, 1) entered 2 pixels in: gap first.
  drawStroke(gap, stroke(r(0, 0, 10, 1), line, { type: 'solid', color: 0xffffff }, Ropd.OP_PUT, [16, 32], LineFlags.START_WITH_GAP), new Images().resolve);
  assert.deepEqual(hex(gap.pixels), hex([B, W, W, B, W, W, B, W, W, B]));
});

test('DRAW_STROKE with all-zero dashes draws a solid line rather than looping forever', () => {
  const s = surface(4, 1);
  drawStroke(s, stroke(r(0, 0, 4, 1), [seg(PathFlags.BEGIN | PathFlags.END, [[0, 0], [64, 0]])], { type: 'solid', color: 0xffffff }, Ropd.OP_PUT, [0, 0]), new Images().resolve);
  assert.deepEqual(hex(s.pixels), hex([W, W, W, W]));
});

test('DRAW_STROKE with a pattern brush and no visible area resolves the pattern anyway', () => {
  const images = new Images();
  const tile = images.add('tile', { width: 1, height: 1, pixels: Uint32Array.of(W), hasAlpha: false });
  const s = surface(2, 1);
  const path = [seg(PathFlags.BEGIN | PathFlags.END, [[0, 0], [32, 0]])];
  assert.equal(drawStroke(s, stroke(r(0, 0, 2, 1), path, { type: 'pattern', image: tile, pos: { x: 0, y: 0 } }, Ropd.OP_PUT, [], 0, []), images.resolve), null);
  assert.deepEqual(images.calls, ['tile']);
  drawStroke(s, stroke(r(0, 0, 2, 1), path, { type: 'pattern', image: tile, pos: { x: 0, y: 0 } }), images.resolve);
  assert.deepEqual(hex(s.pixels), hex([W, W]));
});

test('dashes wholly outside the visible bounds are skipped without changing a pixel inside', () => {
  const { cases } = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'display', 'mi-lines.json'), 'utf8')) as { cases: LineCase[] };
  const bounds = { left: 5, top: 3, right: 20, bottom: 15 };
  const inside = (calls: number[][]): string[] => {
    const pixels: string[] = [];
    for (const call of calls) {
      for (let i = 0; i < call.length; i += 3) {
        const [x, y, w] = [call[i], call[i + 1], call[i + 2]];
        if (y < bounds.top || y >= bounds.bottom) continue;
        for (let px = Math.max(x, bounds.left); px < Math.min(x + w, bounds.right); px++) pixels.push(`${px},${y}`);
      }
    }
    return pixels.sort();
  };
  for (const [index, c] of cases.entries()) {
    if (c.dash.length === 0) continue;
    const points = c.points.map(([x, y]) => ({ x, y }));
    const culled = recorder();
    dashedPolyline(points, c.dash, c.offset, c.rop, culled, bounds);
    assert.deepEqual(inside(culled.calls), inside(c.calls), `case ${index}`);
  }
});

test('DRAW_STROKE refuses a dashed line that would take millions of dash steps', () => {
  const s = surface(4, 4);
  const far = [seg(PathFlags.BEGIN | PathFlags.END, [[0, 0], [(1 << 26) * 16, 0]])];
  assert.throws(
    () => drawStroke(s, stroke(r(0, 0, 4, 4), far, { type: 'solid', color: 0xffffff }, Ropd.OP_PUT, [16, 16]), new Images().resolve),
    /beyond the limit of \d+ dashes/,
  );
});
