import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChannelsList, parseMainInit, parseMouseMode, parseName, parseUuid } from '../../../src/core/protocol/main-messages';
import { parseNotify, parsePing, encodePong, parseSetAck, parseWaitForChannels } from '../../../src/core/protocol/base-messages';
import { encodeKeyCode, encodeMousePosition } from '../../../src/core/protocol/inputs-messages';
import { ProtocolError } from '../../../src/core/protocol/errors';
import { Bytes } from '../../support/chunking';

test('MAIN_INIT', () => {
  const init = parseMainInit(new Bytes().u32(77).u32(1).u32(3).u32(1).u32(1).u32(10).u32(12345).u32(1 << 26).build());
  assert.deepEqual(init, {
    sessionId: 77, displayChannelsHint: 1, supportedMouseModes: 3, currentMouseMode: 1,
    agentConnected: true, agentTokens: 10, multiMediaTime: 12345, ramHint: 1 << 26,
  });
  assert.throws(() => parseMainInit(new Uint8Array(31)), ProtocolError);
});

test('CHANNELS_LIST, with a lying count refused', () => {
  assert.deepEqual(parseChannelsList(new Bytes().u32(2).u8(2).u8(0).u8(3).u8(0).build()), [{ type: 2, id: 0 }, { type: 3, id: 0 }]);
  assert.throws(() => parseChannelsList(new Bytes().u32(0xffffffff).u8(2).u8(0).build()), ProtocolError);
});

test('MOUSE_MODE, NAME, UUID', () => {
  assert.deepEqual(parseMouseMode(new Bytes().u16(3).u16(2).build()), { supported: 3, current: 2 });
  assert.equal(parseName(new Bytes().u32(4).raw([0x76, 0x6d, 0x31, 0]).build()), 'vm1');
  assert.equal(parseUuid(Uint8Array.from({ length: 16 }, (_, i) => i)), '00010203-0405-0607-0809-0a0b0c0d0e0f');
});

test('base messages: SET_ACK, PING/PONG, NOTIFY, WAIT_FOR_CHANNELS', () => {
  assert.deepEqual(parseSetAck(new Bytes().u32(1).u32(20).build()), { generation: 1, window: 20 });
  const ping = parsePing(new Bytes().u32(9).u64(123456789012n).raw([1, 2, 3]).build());
  assert.deepEqual(ping, { id: 9, timestamp: 123456789012n });
  assert.deepEqual([...encodePong(ping)], [...new Bytes().u32(9).u64(123456789012n).build()]);
  const text = [...new TextEncoder().encode('keyboard channel is insecure'), 0];
  const notify = parseNotify(new Bytes().u64(0).u32(1).u32(1).u32(0).u32(text.length).raw(text).build());
  assert.equal(notify.message, 'keyboard channel is insecure');
  assert.deepEqual(parseWaitForChannels(new Bytes().u8(1).u8(2).u8(0).u64(5).build()), [{ channelType: 2, channelId: 0, serial: 5n }]);
});

test('key codes: plain, E0-prefixed, releases', () => {
  const code = (bytes: Uint8Array) => new DataView(bytes.buffer).getUint32(0, true);
  assert.equal(code(encodeKeyCode(0x1e, false)), 0x1e);
  assert.equal(code(encodeKeyCode(0x1e, true)), 0x9e);
  assert.equal(code(encodeKeyCode(0x148, false)), 0x48e0);
  assert.equal(code(encodeKeyCode(0x148, true)), 0xc8e0);
  // Pause's E1 half, as spice-gtk sends it: E1 1D on press, E1 9D on release.
  assert.equal(code(encodeKeyCode(0x21d, false)), 0x1de1);
  assert.equal(code(encodeKeyCode(0x21d, true)), 0x9de1);
  assert.equal(encodeMousePosition(10, 20, 1, 0).byteLength, 11);
});
