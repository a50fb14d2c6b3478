import { BufferReader } from './buffer-reader';
import { BufferWriter } from './buffer-writer';

/**
 * Record-channel messages (spice.proto, RecordChannel): the server starts and stops the
 * microphone; the client sends the samples. VOLUME and MUTE share the playback layouts
 * (parseAudioVolume, parseAudioMute in playback-messages.ts).
 */

export const RecordMsg = {
  START: 101,
  STOP: 102,
  VOLUME: 103,
  MUTE: 104,
} as const;

export const RecordMsgc = {
  DATA: 101,
  MODE: 102,
  START_MARK: 103,
} as const;

export const RecordCap = {
  CELT_0_5_1: 0,
  VOLUME: 1,
  OPUS: 2,
} as const;

/** START: uint32 channels, uint16 format (audio_fmt), uint32 frequency. */
export interface RecordStart {
  readonly channels: number;
  readonly format: number;
  readonly frequency: number;
}
export function parseRecordStart(body: Uint8Array): RecordStart {
  const r = new BufferReader(body, 0, 'RECORD_START');
  return { channels: r.u32('channels'), format: r.u16('format'), frequency: r.u32('frequency') };
}

/** DATA (client): uint32 time, uint8 data[] (PCM or one Opus packet). */
export function encodeRecordData(time: number, data: Uint8Array): Uint8Array {
  return new BufferWriter(4 + data.byteLength).u32(time).bytes(data).finish();
}

/** MODE (client): uint32 time, uint16 mode (audio_data_mode), uint8 data[] (empty for RAW and OPUS). */
export function encodeRecordMode(time: number, mode: number): Uint8Array {
  return new BufferWriter(6).u32(time).u16(mode).finish();
}

/** START_MARK (client): uint32 time — the multimedia time of the first sample that follows. */
export function encodeRecordStartMark(time: number): Uint8Array {
  return new BufferWriter(4).u32(time).finish();
}
