import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DisplayMsg } from '../../../src/core/protocol/constants';
import { Session } from '../../../src/main/session/session';
import { mainWithDisplay, startFakeServer } from '../../support/fake-spice-server';
import { Bytes } from '../../support/chunking';

/**
 * The display channel announces a COPY_BITS (the Session's 'copyBits' event) before it applies
 * it, so the engine host can still read what was drawn before the move, and marks the damage the
 * copy makes as moved. A scripted server fills the bottom rows, scrolls everything up, and ends
 * with a MARK.
 */

const WIDTH = 16;
const HEIGHT = 12;
const RED = 0xff0000;

/** DisplayBase on surface 0 with box (left, top, right, bottom), no clip. */
function base(b: Bytes, left: number, top: number, right: number, bottom: number): Bytes {
  return b.u32(0).i32(top).i32(left).i32(bottom).i32(right).u8(0);
}

test('COPY_BITS is announced before it is applied, then its damage comes marked as moved', { timeout: 30_000 }, async () => {
  const server = await startFakeServer(async (c, index) => {
    if (index === 0) return mainWithDisplay(c);
    await c.acceptLink();
    c.sendMessage(DisplayMsg.SURFACE_CREATE, new Bytes().u32(0).u32(WIDTH).u32(HEIGHT).u32(32).u32(1).build());
    // DRAW_FILL: solid red over the last 4 rows, rop OP_PUT, no mask.
    c.sendMessage(DisplayMsg.DRAW_FILL, base(new Bytes(), 0, HEIGHT - 4, WIDTH, HEIGHT).u8(1).u32(RED).u16(1 << 3).u8(0).i32(0).i32(0).u32(0).build());
    // COPY_BITS: rows 4.. move up to 0.. (a scroll of 4 rows).
    c.sendMessage(DisplayMsg.COPY_BITS, base(new Bytes(), 0, 0, WIDTH, HEIGHT - 4).i32(0).i32(4).build());
    c.sendMessage(DisplayMsg.MARK, new Uint8Array(0));
    await new Promise((r) => c.socket.once('close', r));
  });
  const session = new Session({ target: { host: '127.0.0.1', port: server.port } });
  try {
    const seen: string[] = [];
    let redRowsWhenAnnounced = -1;
    session.on('copyBits', ({ surface, move }) => {
      redRowsWhenAnnounced = 0;
      for (let y = 0; y < HEIGHT; y++) if ((surface.pixels[y * WIDTH] & 0xffffff) === RED) redRowsWhenAnnounced++;
      seen.push(`copy ${JSON.stringify(move)}`);
    });
    session.on('damage', ({ rect, moved }) => seen.push(`damage ${rect.top}-${rect.bottom}${moved ? ' moved' : ''}`));
    const marked = new Promise<void>((resolve) => session.on('displayMark', () => resolve()));
    await session.connect();
    await marked;
    assert.deepEqual(seen, [
      `damage ${HEIGHT - 4}-${HEIGHT}`,
      `copy ${JSON.stringify({ source: { left: 0, top: 4, right: WIDTH, bottom: HEIGHT }, destX: 0, destY: 0, clip: null })}`,
      `damage 0-${HEIGHT - 4} moved`,
    ]);
    assert.equal(redRowsWhenAnnounced, 4, 'announced while the surface still held the picture before the copy');
    const pixels = session.primarySurface!.pixels;
    assert.equal(pixels[(HEIGHT - 8) * WIDTH] & 0xffffff, RED, 'then applied: the red rows moved up');
  } finally {
    session.disconnect();
    await server.stop();
  }
});
