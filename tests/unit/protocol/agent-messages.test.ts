import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AGENT_MAX_DATA_SIZE,
  AgentCap,
  AgentMessageAssembler,
  AgentMsg,
  ClipboardSelection,
  ClipboardType,
  encodeAgentMessage,
  encodeAnnounceCapabilities,
  encodeClipboardData,
  encodeClipboardGrab,
  encodeClipboardRelease,
  encodeClipboardRequest,
  encodeFileXferData,
  encodeFileXferStart,
  encodeFileXferStatus,
  encodeMonitorsConfig,
  escapeKeyFileValue,
  FileXferStatus,
  MonitorsConfigFlag,
  parseAgentReply,
  parseAnnounceCapabilities,
  parseClipboardData,
  parseClipboardGrab,
  parseClipboardRelease,
  parseClipboardRequest,
  parseFileXferStatus,
  splitAgentData,
  type ClipboardFraming,
} from '../../../src/core/protocol/agent-messages';
import { ProtocolError } from '../../../src/core/protocol/errors';
import { Bytes, chunkings, concatBytes } from '../../support/chunking';

const FULL: ClipboardFraming = { selection: true, grabSerial: true };
const PLAIN: ClipboardFraming = { selection: false, grabSerial: false };

test('an agent message: the 20-byte VDAgentMessage header, then the payload', () => {
  const message = encodeAgentMessage(AgentMsg.CLIPBOARD_RELEASE, Uint8Array.of(1, 0, 0, 0));
  assert.deepEqual([...message], [...new Bytes().u32(1).u32(9).u64(0).u32(4).raw([1, 0, 0, 0]).build()]);
});

test('agent data is cut into AGENT_DATA bodies of at most 2048 bytes, header included', () => {
  const payload = Uint8Array.from({ length: 5000 }, (_, i) => i & 0xff);
  const chunks = splitAgentData(encodeAgentMessage(AgentMsg.CLIPBOARD, payload));
  assert.deepEqual(chunks.map((c) => c.byteLength), [2048, 2048, 924]);
  assert.ok(chunks.every((c) => c.byteLength <= AGENT_MAX_DATA_SIZE));
  assert.deepEqual(splitAgentData(encodeAgentMessage(AgentMsg.REPLY, new Uint8Array(2028))).map((c) => c.byteLength), [2048]);
  assert.deepEqual(splitAgentData(encodeAgentMessage(AgentMsg.REPLY, new Uint8Array(2029))).map((c) => c.byteLength), [2048, 1]);
});

test('the assembler rebuilds messages from any cut of the stream, several per body or one over many', () => {
  const first = encodeAgentMessage(AgentMsg.ANNOUNCE_CAPABILITIES, encodeAnnounceCapabilities(true, [AgentCap.CLIPBOARD_BY_DEMAND]));
  const empty = encodeAgentMessage(AgentMsg.CLIENT_DISCONNECTED, new Uint8Array(0));
  const big = encodeAgentMessage(AgentMsg.CLIPBOARD, Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) & 0xff));
  const stream = concatBytes(first, empty, big);
  for (const pieces of chunkings(stream)) {
    const assembler = new AgentMessageAssembler();
    const messages = pieces.flatMap((piece) => assembler.feed(piece));
    assert.deepEqual(messages.map((m) => [m.type, m.data.byteLength]), [[6, 8], [13, 0], [4, 3000]]);
    assert.equal(messages[2].data[2999], (2999 * 7) & 0xff);
    assert.equal(assembler.pending, 0);
  }
});

test('the assembler copies: a received buffer reused afterwards does not change a message', () => {
  const body = encodeAgentMessage(AgentMsg.CLIPBOARD, Uint8Array.of(1, 2, 3));
  const assembler = new AgentMessageAssembler();
  const [message] = assembler.feed(body);
  body.fill(0xee);
  assert.deepEqual([...message.data], [1, 2, 3]);
});

test('the assembler refuses a wrong protocol and a size beyond its limit', () => {
  const wrongProtocol = new Bytes().u32(2).u32(4).u64(0).u32(0).build();
  assert.throws(() => new AgentMessageAssembler().feed(wrongProtocol), (e: unknown) => e instanceof ProtocolError && /protocol 2/.test(e.message));
  const huge = new Bytes().u32(1).u32(4).u64(0).u32(0xffffffff).build();
  assert.throws(() => new AgentMessageAssembler(1 << 20).feed(huge), /size 4294967295 is beyond the limit/);
});

test('capabilities: request flag and bit words, both ways', () => {
  const payload = encodeAnnounceCapabilities(true, [AgentCap.MONITORS_CONFIG, AgentCap.CLIPBOARD_GRAB_SERIAL]);
  assert.deepEqual([...payload], [...new Bytes().u32(1).u32((1 << 1) | (1 << 17)).build()]);
  assert.deepEqual(parseAnnounceCapabilities(new Bytes().u32(0).u32(0x38de7).u32(5).build()), { request: false, caps: [0x38de7, 5] });
  assert.throws(() => parseAnnounceCapabilities(new Uint8Array(2)), ProtocolError);
});

test('clipboard messages with selection and grab serial, and without', () => {
  const grab = encodeClipboardGrab(FULL, ClipboardSelection.PRIMARY, 7, [ClipboardType.UTF8_TEXT, ClipboardType.IMAGE_PNG]);
  assert.deepEqual([...grab], [...new Bytes().u8(1).u8(0).u8(0).u8(0).u32(7).u32(1).u32(2).build()]);
  assert.deepEqual(parseClipboardGrab(FULL, grab), { selection: 1, serial: 7, types: [1, 2] });
  const plainGrab = encodeClipboardGrab(PLAIN, ClipboardSelection.CLIPBOARD, 0, [ClipboardType.UTF8_TEXT]);
  assert.deepEqual([...plainGrab], [1, 0, 0, 0]);
  assert.deepEqual(parseClipboardGrab(PLAIN, plainGrab), { selection: 0, serial: null, types: [1] });
  assert.throws(() => encodeClipboardGrab(PLAIN, ClipboardSelection.PRIMARY, 0, [1]), /only the CLIPBOARD selection/);

  const request = encodeClipboardRequest(FULL, ClipboardSelection.CLIPBOARD, ClipboardType.IMAGE_PNG);
  assert.deepEqual(parseClipboardRequest(FULL, request), { selection: 0, type: 2 });
  const data = encodeClipboardData(FULL, ClipboardSelection.PRIMARY, ClipboardType.UTF8_TEXT, new TextEncoder().encode('hé'));
  const parsed = parseClipboardData(FULL, data);
  assert.deepEqual([parsed.selection, parsed.type, new TextDecoder().decode(parsed.data)], [1, 1, 'hé']);
  const none = parseClipboardData(FULL, encodeClipboardData(FULL, 0, ClipboardType.NONE, new Uint8Array(0)));
  assert.deepEqual([none.type, none.data.byteLength], [0, 0]);
  assert.equal(parseClipboardRelease(FULL, encodeClipboardRelease(FULL, ClipboardSelection.PRIMARY)), 1);
  assert.equal(encodeClipboardRelease(PLAIN, ClipboardSelection.CLIPBOARD).byteLength, 0);
  assert.throws(() => parseClipboardRequest(FULL, Uint8Array.of(0, 0, 0)), ProtocolError);
});

test('MONITORS_CONFIG: count, flags, then height before width per monitor', () => {
  const payload = encodeMonitorsConfig([{ width: 1280, height: 800, x: 0, y: 0 }, { width: 800, height: 600, x: 1280, y: -10, depth: 16 }], MonitorsConfigFlag.USE_POS);
  assert.deepEqual([...payload], [...new Bytes().u32(2).u32(1)
    .u32(800).u32(1280).u32(32).i32(0).i32(0)
    .u32(600).u32(800).u32(16).i32(1280).i32(-10).build()]);
  assert.deepEqual(parseAgentReply(new Bytes().u32(AgentMsg.MONITORS_CONFIG).u32(1).build()), { type: 2, error: 1 });
});

test('file transfer: START holds an escaped key file with a NUL, DATA a 64-bit size, STATUS details', () => {
  const start = encodeFileXferStart(5, ' a\\b\nc.txt', 1234);
  assert.equal(new DataView(start.buffer, start.byteOffset).getUint32(0, true), 5);
  assert.equal(start[start.byteLength - 1], 0);
  assert.equal(new TextDecoder().decode(start.subarray(4, -1)), '[vdagent-file-xfer]\nname=\\sa\\\\b\\nc.txt\nsize=1234\n');
  assert.equal(escapeKeyFileValue('plain name.bin'), 'plain name.bin');
  assert.deepEqual([...encodeFileXferData(9, Uint8Array.of(7, 7))], [...new Bytes().u32(9).u64(2).raw([7, 7]).build()]);
  assert.deepEqual([...encodeFileXferStatus(9, FileXferStatus.CANCELLED)], [...new Bytes().u32(9).u32(1).build()]);
  assert.deepEqual(parseFileXferStatus(new Bytes().u32(3).u32(FileXferStatus.NOT_ENOUGH_SPACE).u64(4096).build()), { id: 3, result: 4, freeSpace: 4096n });
  assert.deepEqual(parseFileXferStatus(new Bytes().u32(3).u32(FileXferStatus.ERROR).u8(0).u32(24).build()), { id: 3, result: 2, ioErrorCode: 24 });
  assert.deepEqual(parseFileXferStatus(new Bytes().u32(3).u32(FileXferStatus.SUCCESS).build()), { id: 3, result: 3 });
  assert.throws(() => parseFileXferStatus(new Uint8Array(7)), ProtocolError);
});
