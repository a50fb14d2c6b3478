import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDrawCopy } from '../../src/core/protocol/display-messages';
import { Bytes } from '../support/chunking';
import { mainWithDisplay, startFakeServer, type FakeConnection } from '../support/fake-spice-server';
import { requireJpegDecoder } from '../support/jpeg';
import { failureLine, runSaffron } from '../support/saffron-cli';

/**
 * Broken codec payloads and video streams from a scripted server, through the whole CLI: a
 * corrupt image ends the session with one protocol-error line; a video frame the client cannot
 * decode does not — the stream goes back to the server (STREAM_REPORT "not supported", which
 * makes spice-server send that area as images) and the session goes on.
 */
const FIXTURES = join(__dirname, '..', 'fixtures', 'display-codecs');
const outDir = mkdtempSync(join(tmpdir(), 'saffron-lossy-hostile-'));
test.after(() => rmSync(outDir, { recursive: true, force: true }));

const DISPLAY_CAP_STREAM_REPORT = 1 << 4;
const DISPLAY_CAP_PREF_COMPRESSION = 1 << 6;


/** Reads client messages (mini header: u16 type, u32 size) until one of `type` arrives. */
async function readClientMessage(c: FakeConnection, type: number): Promise<Buffer> {
  for (;;) {
    const header = await c.read(6);
    const body = await c.read(header.readUInt32LE(2));
    if (header.readUInt16LE(0) === type) return body;
  }
}

const surfaceCreate = (): Uint8Array => new Bytes().u32(0).u32(1024).u32(768).u32(32).u32(1).build();

test('a corrupt LZ4 image: one protocol-error line naming it', async () => {
  const body = new Uint8Array(readFileSync(join(FIXTURES, 'lz4-drawcopy-200x150.bin')));
  // The image's payload starts after its descriptor; make the first block size lie.
  const source = parseDrawCopy(body).source;
  assert.ok(source?.payload.kind === 'lz4');
  const corrupt = Uint8Array.from(body);
  // The payload is u8 top_down, u8 format, then the first block's u32 big-endian size.
  corrupt[source.payload.data.byteOffset - body.byteOffset + 2] = 0x7f;
  const server = await startFakeServer(async (c, index) => {
    if (index === 0) return mainWithDisplay(c);
    await c.acceptLink();
    c.sendMessage(314, surfaceCreate());
    c.sendMessage(304, corrupt);
    await new Promise((r) => c.socket.once('close', r));
  });
  const out = join(outDir, 'lz4.png');
  try {
    const result = await runSaffron(['screenshot', `spice://127.0.0.1:${server.port}`, '--out', out, '--timeout-ms', '5000'], { killAfterMs: 30_000 });
    assert.match(failureLine(result), /^saffron: protocol error: display channel: LZ4 image: block of \d+ bytes beyond the payload$/);
    assert.equal(result.code, 7);
    assert.ok(!existsSync(out));
    await server.allClosed();
  } finally {
    await server.stop();
  }
});

test('an undecodable MJPEG frame: the stream is handed back to the server, the session goes on', async () => {
  requireJpegDecoder(); // without it the CLI offers no video codec and this path is not reached
  const create = new Uint8Array(readFileSync(join(FIXTURES, 'mjpeg-stream', '000-STREAM_CREATE.bin')));
  // The stream's second frame without its first: it lacks the Huffman tables, so no decoder can
  // take it (a server that skipped the first frame, or a corrupt one, looks like this).
  const frame = new Uint8Array(readFileSync(join(FIXTURES, 'mjpeg-stream', '003-STREAM_DATA.bin')));
  let report: Buffer | undefined;
  const server = await startFakeServer(async (c, index) => {
    if (index === 0) return mainWithDisplay(c);
    if (index !== 1) {
      await c.acceptLink();
      await new Promise((r) => c.socket.once('close', r));
      return;
    }
    await c.acceptLink([DISPLAY_CAP_STREAM_REPORT | DISPLAY_CAP_PREF_COMPRESSION]);
    c.sendMessage(314, surfaceCreate());
    c.sendMessage(122, create);
    c.sendMessage(123, frame);
    report = await readClientMessage(c, 102);
    await new Promise((r) => c.socket.once('close', r));
  });
  const out = join(outDir, 'mjpeg.png');
  try {
    const result = await runSaffron(['screenshot', `spice://127.0.0.1:${server.port}`, '--out', out, '--timeout-ms', '5000'], { killAfterMs: 30_000 });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /warning: display: MJPEG frame of video stream 49: .*; dropping video stream 49 \(the server falls back to images\)/);
    assert.ok(existsSync(out));
    assert.ok(report, 'the client sent a STREAM_REPORT');
    // stream 49, 0 frames, 0xFFFFFFFF drops: "this client cannot play the stream".
    assert.deepEqual([report.readUInt32LE(0), report.readUInt32LE(16), report.readUInt32LE(20)], [49, 0, 0xffffffff]);
    await server.allClosed();
  } finally {
    await server.stop();
  }
});
