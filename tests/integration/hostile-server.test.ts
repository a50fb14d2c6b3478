import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeServer, mainWithDisplay, type FakeConnection } from '../support/fake-spice-server';
import { failureLine, runSaffron } from '../support/saffron-cli';
import { Bytes } from '../support/chunking';

/**
 * Bad input from a server: each case must end with exit 1-127, one line on stderr naming the
 * problem, no output file, no hang, and every socket closed.
 */

const outDir = mkdtempSync(join(tmpdir(), 'saffron-hostile-'));
test.after(() => rmSync(outDir, { recursive: true, force: true }));

async function screenshotAgainst(script: (c: FakeConnection, index: number) => Promise<void>, expected: RegExp, killAfterMs = 30_000) {
  const server = await startFakeServer(script);
  const out = join(outDir, `shot-${server.port}.png`);
  try {
    const result = await runSaffron(['screenshot', `spice://127.0.0.1:${server.port}`, '--out', out, '--timeout-ms', '5000'], { killAfterMs });
    const line = failureLine(result);
    assert.match(line, expected);
    assert.ok(!existsSync(out), 'no screenshot file after a failure');
    await server.allClosed();
    return { line, result };
  } finally {
    await server.stop();
  }
}


test('a closed port: connection refused', async () => {
  // Port 1 (tcpmux): nothing here listens there and no test server can be given it, whereas a
  // port freed by a probe can be handed at once to a server another test starts in parallel.
  const result = await runSaffron(['screenshot', 'spice://127.0.0.1:1', '--out', join(outDir, 'x.png')]);
  assert.match(failureLine(result), /^saffron: cannot connect: 127\.0\.0\.1:\d+: connection refused/);
  assert.equal(result.code, 4);
});

test('a server that is not SPICE', async () => {
  await screenshotAgainst(async (c) => {
    await c.readLink();
    c.sendRaw(Buffer.from('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
  }, /protocol error: main channel: the server did not answer with the SPICE magic/);
});

test('a server that hangs up in the middle of the link', async () => {
  await screenshotAgainst(async (c) => {
    await c.readLink();
    c.sendRaw(new Bytes().u32(0x51444552).u32(2).u32(2).u32(178).u32(0).build());
    c.close();
  }, /connection lost: main channel: the server closed the connection during the link/);
});

test('a link reply whose size is beyond any sane limit', async () => {
  await screenshotAgainst(async (c) => {
    await c.readLink();
    c.sendRaw(new Bytes().u32(0x51444552).u32(2).u32(2).u32(0x7fffffff).build());
  }, /protocol error: main channel: link reply size 2147483647 is not sane/);
});

test('a wrong password: permission denied is an authentication failure', async () => {
  const { result } = await screenshotAgainst(async (c) => {
    await c.readLink();
    c.sendLinkReply();
    await c.readTicket();
    c.sendLinkResult(7);
  }, /authentication failed: main channel: the server refused the password/);
  assert.equal(result.code, 6);
});

test('a message announcing more bytes than any sane message', async () => {
  await screenshotAgainst(async (c) => {
    await c.acceptLink();
    c.sendRaw(new Bytes().u16(103).u32(0xfffffff0).build());
  }, /protocol error: main channel: message type 103 announces 4294967280 bytes, beyond the/);
});

test('a message whose size field runs beyond the data, then a hang-up', async () => {
  await screenshotAgainst(async (c) => {
    await c.acceptLink();
    c.sendRaw(new Bytes().u16(103).u32(1000).raw(new Uint8Array(10)).build());
    c.close();
  }, /connection lost: main channel: the server closed the connection/);
});

test('a truncated MAIN_INIT', async () => {
  await screenshotAgainst(async (c) => {
    await c.acceptLink();
    c.sendMessage(103, new Uint8Array(7));
  }, /protocol error: main channel: MAIN_INIT: /);
});

test('a drawing command whose image pointer lies outside the message', async () => {
  await screenshotAgainst(async (c, index) => {
    if (index === 0) return mainWithDisplay(c);
    await c.acceptLink();
    c.sendMessage(314, new Bytes().u32(0).u32(64).u32(48).u32(32).u32(1).build());
    const base = new Bytes().u32(0).i32(0).i32(0).i32(10).i32(10).u8(0);
    c.sendMessage(304, base.u32(0x10000).i32(0).i32(0).i32(10).i32(10).u16(8).u8(0).u8(0).i32(0).i32(0).u32(0).build());
  }, /protocol error: display channel: image: offset 65536 is outside/);
});

test('an absurd surface size is refused before allocating', async () => {
  await screenshotAgainst(async (c, index) => {
    if (index === 0) return mainWithDisplay(c);
    await c.acceptLink();
    c.sendMessage(314, new Bytes().u32(0).u32(100000).u32(100000).u32(32).u32(1).build());
  }, /protocol error: display channel: .*100000x100000/);
});

test('surface after surface, each allowed alone: refused before they take more than 1 GiB together', async () => {
  await screenshotAgainst(async (c, index) => {
    if (index === 0) return mainWithDisplay(c);
    await c.acceptLink();
    c.sendMessage(314, new Bytes().u32(0).u32(64).u32(48).u32(32).u32(1).build());
    // Off-screen 32_ARGB surfaces (format 96) of 8192x8192, 256 MB each: the fourth passes 1 GiB.
    // Destroying one first shows that freed surfaces no longer count.
    c.sendMessage(314, new Bytes().u32(1).u32(8192).u32(8192).u32(96).u32(0).build());
    c.sendMessage(315, new Bytes().u32(1).build());
    for (let id = 2; id <= 5; id++) c.sendMessage(314, new Bytes().u32(id).u32(8192).u32(8192).u32(96).u32(0).build());
  }, /^saffron: protocol error: display channel: surface 5 \(8192x8192\) would take the display's surfaces past 1024 MB$/);
});

test('a server that accepts and never answers: the 10 s link limit', async () => {
  const { result } = await screenshotAgainst(async () => {
    await new Promise(() => {});
  }, /timed out: 127\.0\.0\.1:\d+: connecting and linking took longer than 10000 ms/);
  assert.ok(result.elapsedMs < 15_000, `took ${result.elapsedMs} ms`);
});
