import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CloseCode,
  encodeClientFrame,
  encodeClosePayload,
  encodeFrame,
  encodeFrameHeader,
  FrameParser,
  Opcode,
  parseClosePayload,
  WebSocketProtocolError,
} from '../../../src/main/host/web/websocket-frames';
import { acceptKeyFor } from '../../../src/main/host/web/websocket-handshake';

const MASK = Uint8Array.from([0x37, 0xfa, 0x21, 0x3d]);

function protocolError(code: number): (error: unknown) => boolean {
  return (error) => error instanceof WebSocketProtocolError && error.closeCode === code;
}

test('Sec-WebSocket-Accept matches the example of RFC 6455 section 1.3', () => {
  assert.equal(acceptKeyFor('dGhlIHNhbXBsZSBub25jZQ=='), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
});

test('a masked text frame is unmasked (RFC 6455 section 5.7 example "Hello")', () => {
  const frame = Buffer.from([0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]);
  const [parsed] = new FrameParser(1024).push(frame);
  assert.equal(parsed.fin, true);
  assert.equal(parsed.opcode, Opcode.TEXT);
  assert.equal(parsed.payload.toString(), 'Hello');
});

test('frames split anywhere across chunks come out whole, in order', () => {
  const bytes = Buffer.concat([
    encodeClientFrame(Opcode.TEXT, Buffer.from('first'), MASK),
    encodeClientFrame(Opcode.BINARY, Buffer.alloc(300, 7), MASK),
    encodeClientFrame(Opcode.BINARY, Buffer.alloc(70_000, 9), MASK),
  ]);
  for (const cut of [1, 2, 5, 11, 100, 305, 400, bytes.length - 1]) {
    const parser = new FrameParser(1 << 20);
    const frames = [...parser.push(bytes.subarray(0, cut)), ...parser.push(bytes.subarray(cut))];
    assert.deepEqual(frames.map((f) => f.payload.length), [5, 300, 70_000], `cut at ${cut}`);
    assert.equal(frames[2].payload[69_999], 9);
  }
  // And byte by byte.
  const parser = new FrameParser(1 << 20);
  const frames = [];
  for (let i = 0; i < bytes.length; i++) frames.push(...parser.push(bytes.subarray(i, i + 1)));
  assert.equal(frames.length, 3);
});

test('unmasked client frames, reserved bits and unknown opcodes are protocol errors', () => {
  assert.throws(() => new FrameParser(1024).push(encodeFrame(Opcode.TEXT, Buffer.from('x'))), protocolError(CloseCode.PROTOCOL_ERROR));
  const rsv = encodeClientFrame(Opcode.TEXT, Buffer.from('x'), MASK);
  rsv[0] |= 0x40;
  assert.throws(() => new FrameParser(1024).push(rsv), protocolError(CloseCode.PROTOCOL_ERROR));
  assert.throws(() => new FrameParser(1024).push(encodeClientFrame(0x3, Buffer.from('x'), MASK)), protocolError(CloseCode.PROTOCOL_ERROR));
});

test('control frames must be short and unfragmented', () => {
  assert.throws(() => new FrameParser(1024).push(encodeClientFrame(Opcode.PING, Buffer.alloc(126), MASK)), protocolError(CloseCode.PROTOCOL_ERROR));
  assert.throws(() => new FrameParser(1024).push(encodeClientFrame(Opcode.PING, Buffer.alloc(1), MASK, false)), protocolError(CloseCode.PROTOCOL_ERROR));
});

test('a frame over the size limit is refused from its header, before its payload arrives', () => {
  const header = encodeFrameHeader(Opcode.BINARY, 5000);
  header[1] |= 0x80;
  assert.throws(() => new FrameParser(4096).push(header), protocolError(CloseCode.TOO_BIG));
  const huge = Buffer.from([0x82, 0xff, 0, 0, 0x01, 0, 0, 0, 0, 0]);
  assert.throws(() => new FrameParser(4096).push(huge), protocolError(CloseCode.TOO_BIG));
  const topBit = Buffer.from([0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0]);
  assert.throws(() => new FrameParser(4096).push(topBit), protocolError(CloseCode.PROTOCOL_ERROR));
});

test('server frame headers use the shortest length encoding', () => {
  assert.deepEqual([...encodeFrameHeader(Opcode.TEXT, 125)], [0x81, 125]);
  assert.deepEqual([...encodeFrameHeader(Opcode.BINARY, 126)], [0x82, 126, 0, 126]);
  assert.deepEqual([...encodeFrameHeader(Opcode.BINARY, 65_535)], [0x82, 126, 0xff, 0xff]);
  assert.deepEqual([...encodeFrameHeader(Opcode.BINARY, 65_536)], [0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0]);
  assert.deepEqual([...encodeFrameHeader(Opcode.CONTINUATION, 1, false)], [0x00, 1]);
  // Round trip through a parser that accepts unmasked frames (as a client does).
  const [frame] = new FrameParser(1 << 20, false).push(encodeFrame(Opcode.BINARY, Buffer.alloc(70_000, 3)));
  assert.equal(frame.payload.length, 70_000);
});

test('close payloads: code and UTF-8 reason; bad codes and bad UTF-8 are refused', () => {
  assert.deepEqual(parseClosePayload(encodeClosePayload(1000, 'bye')), { code: 1000, reason: 'bye' });
  assert.deepEqual(parseClosePayload(Buffer.alloc(0)), { code: CloseCode.NO_STATUS, reason: '' });
  assert.throws(() => parseClosePayload(Buffer.from([0x03])), protocolError(CloseCode.PROTOCOL_ERROR));
  for (const code of [999, 1004, 1005, 1006, 1016, 2999, 5000]) {
    assert.throws(() => parseClosePayload(encodeClosePayload(code, '')), protocolError(CloseCode.PROTOCOL_ERROR), `code ${code}`);
  }
  assert.throws(() => parseClosePayload(Buffer.from([0x03, 0xe8, 0xff])), protocolError(CloseCode.INVALID_DATA));
  assert.ok(encodeClosePayload(1000, 'é'.repeat(100)).length <= 125, 'long reasons are cut to fit a control frame');
});
