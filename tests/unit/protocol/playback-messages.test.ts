import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AudioDataMode,
  audioModeName,
  parseAudioMute,
  parseAudioVolume,
  parsePlaybackData,
  parsePlaybackLatency,
  parsePlaybackMode,
  parsePlaybackStart,
  PlaybackMsg,
} from '../../../src/core/protocol/playback-messages';
import { encodeRecordData, encodeRecordMode, encodeRecordStartMark, parseRecordStart } from '../../../src/core/protocol/record-messages';
import { encodeMessage, MessageFramer } from '../../../src/core/protocol/framing';
import { ProtocolError } from '../../../src/core/protocol/errors';
import { Bytes, chunkings, concatBytes } from '../../support/chunking';

test('PLAYBACK_START: channels, S16, frequency, time', () => {
  assert.deepEqual(parsePlaybackStart(new Bytes().u32(2).u16(1).u32(48_000).u32(0xfffffff0).build()), {
    channels: 2, format: 1, frequency: 48_000, time: 0xfffffff0,
  });
  assert.throws(() => parsePlaybackStart(new Bytes().u32(2).u16(1).u32(48_000).build()), /PLAYBACK_START: time needs 4 bytes/);
});

test('PLAYBACK_MODE and PLAYBACK_DATA: the data is the rest of the message', () => {
  const mode = parsePlaybackMode(new Bytes().u32(77).u16(AudioDataMode.OPUS).build());
  assert.deepEqual({ time: mode.time, mode: mode.mode, data: [...mode.data] }, { time: 77, mode: 3, data: [] });
  const data = parsePlaybackData(new Bytes().u32(1234).raw([1, 2, 3, 4, 5, 6, 7, 8]).build());
  assert.equal(data.time, 1234);
  assert.deepEqual([...data.data], [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.throws(() => parsePlaybackData(new Uint8Array(3)), ProtocolError);
  assert.equal(audioModeName(AudioDataMode.RAW), 'raw');
  assert.equal(audioModeName(AudioDataMode.OPUS), 'opus');
  assert.equal(audioModeName(AudioDataMode.CELT_0_5_1), null);
});

test('VOLUME, MUTE, LATENCY; a lying channel count is refused', () => {
  assert.deepEqual(parseAudioVolume(new Bytes().u8(2).u16(65535).u16(1000).build()), [65535, 1000]);
  assert.deepEqual(parseAudioVolume(new Bytes().u8(0).build()), []);
  assert.throws(() => parseAudioVolume(new Bytes().u8(3).u16(1).u16(2).build(), 'PLAYBACK_VOLUME'), /PLAYBACK_VOLUME: volume\[2\]/);
  assert.equal(parseAudioMute(new Bytes().u8(1).build()), true);
  assert.equal(parseAudioMute(new Bytes().u8(0).build()), false);
  assert.throws(() => parseAudioMute(new Uint8Array(0)), ProtocolError);
  assert.equal(parsePlaybackLatency(new Bytes().u32(180).build()), 180);
});

test('record: START parsed; MODE, START_MARK and DATA laid out as spice.proto says', () => {
  assert.deepEqual(parseRecordStart(new Bytes().u32(2).u16(1).u32(44_100).build()), { channels: 2, format: 1, frequency: 44_100 });
  assert.deepEqual([...encodeRecordMode(0x01020304, AudioDataMode.RAW)], [4, 3, 2, 1, 1, 0]);
  assert.deepEqual([...encodeRecordStartMark(5)], [5, 0, 0, 0]);
  assert.deepEqual([...encodeRecordData(6, Uint8Array.of(9, 8))], [6, 0, 0, 0, 9, 8]);
});

test('playback messages survive any TCP chunking', () => {
  const start = new Bytes().u32(2).u16(1).u32(48_000).u32(500).build();
  const pcm = Uint8Array.from({ length: 64 }, (_, i) => i);
  const data = concatBytes(new Bytes().u32(510).build(), pcm);
  const stream = concatBytes(encodeMessage(PlaybackMsg.START, start, true, 1n), encodeMessage(PlaybackMsg.DATA, data, true, 2n));
  for (const pieces of chunkings(stream)) {
    const framer = new MessageFramer(true);
    const messages = pieces.flatMap((piece) => framer.feed(piece));
    assert.equal(messages.length, 2);
    assert.equal(parsePlaybackStart(messages[0].body).time, 500);
    const packet = parsePlaybackData(messages[1].body);
    assert.equal(packet.time, 510);
    assert.deepEqual([...packet.data], [...pcm]);
  }
});
