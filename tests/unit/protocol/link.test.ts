import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeLinkRequest, parseLinkHeader, parseLinkReply, parseLinkResult, linkErrorText } from '../../../src/core/protocol/link';
import { capsToWords, hasCap } from '../../../src/core/protocol/capabilities';
import { ProtocolError } from '../../../src/core/protocol/errors';
import { BufferReader } from '../../../src/core/protocol/buffer-reader';
import { Bytes } from '../../support/chunking';

test('the link request has the SPICE 2.2 layout with capabilities after the 18-byte SpiceLinkMess', () => {
  const bytes = encodeLinkRequest({ connectionId: 0x1234, channelType: 2, channelId: 1, commonCaps: [0, 1, 3], channelCaps: [33] });
  const r = new BufferReader(bytes);
  assert.equal(r.u32(), 0x51444552);
  assert.equal(r.u32(), 2);
  assert.equal(r.u32(), 2);
  assert.equal(r.u32(), 18 + 4 * 3);
  assert.equal(r.u32(), 0x1234);
  assert.equal(r.u8(), 2);
  assert.equal(r.u8(), 1);
  assert.equal(r.u32(), 1, 'one common caps word');
  assert.equal(r.u32(), 2, 'two channel caps words for bit 33');
  assert.equal(r.u32(), 18, 'caps offset');
  assert.equal(r.u32(), 0b1011);
  assert.equal(r.u32(), 0);
  assert.equal(r.u32(), 2);
  assert.equal(r.remaining, 0);
});

test('capability words round-trip', () => {
  const words = capsToWords([0, 5, 31, 32, 70]);
  for (const bit of [0, 5, 31, 32, 70]) assert.ok(hasCap(words, bit), `bit ${bit}`);
  for (const bit of [1, 30, 33, 69, 200]) assert.ok(!hasCap(words, bit), `bit ${bit}`);
});

function linkReply(error: number, key = new Uint8Array(162).fill(7), common = [0b1011], channel = [0b10]): Uint8Array {
  return new Bytes().u32(error).raw(key).u32(common.length).u32(channel.length).u32(178).raw(new Bytes().raw(common.flatMap((w) => [...new Bytes().u32(w).build()])).build()).raw(channel.flatMap((w) => [...new Bytes().u32(w).build()])).build();
}

test('a link reply gives its key and capabilities', () => {
  const reply = parseLinkReply(linkReply(0));
  assert.equal(reply.error, 0);
  assert.equal(reply.publicKey.byteLength, 162);
  assert.deepEqual(reply.commonCaps, [0b1011]);
  assert.deepEqual(reply.channelCaps, [0b10]);
});

test('an error reply is reported with its code even when short', () => {
  assert.equal(parseLinkReply(new Bytes().u32(7).build()).error, 7);
  assert.match(linkErrorText(7), /permission denied/);
  assert.match(linkErrorText(5), /TLS/);
});

test('a truncated link reply is a ProtocolError, as are caps beyond the reply', () => {
  const full = linkReply(0);
  for (let n = 4; n < full.byteLength; n++) {
    assert.throws(() => parseLinkReply(full.subarray(0, n)), ProtocolError, `prefix ${n}`);
  }
});

test('the link header is checked: magic, major version, sane size', () => {
  const header = (magic: number, major: number, size: number) => new Bytes().u32(magic).u32(major).u32(2).u32(size).build();
  assert.deepEqual(parseLinkHeader(header(0x51444552, 2, 178)), { major: 2, minor: 2, size: 178 });
  assert.throws(() => parseLinkHeader(header(0x50545448, 2, 178)), /SPICE magic/);
  assert.throws(() => parseLinkHeader(header(0x51444552, 1, 178)), /protocol 1\.2/);
  assert.throws(() => parseLinkHeader(header(0x51444552, 2, 1 << 30)), /not sane/);
  assert.equal(parseLinkResult(new Bytes().u32(7).build()), 7);
});
