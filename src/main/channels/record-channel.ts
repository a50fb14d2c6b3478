import { ChannelType } from '../../core/protocol/constants';
import type { SpiceMessage } from '../../core/protocol/framing';
import { AudioFormat, parseAudioMute, parseAudioVolume, type AudioModeName } from '../../core/protocol/playback-messages';
import { encodeRecordData, encodeRecordMode, encodeRecordStartMark, parseRecordStart, RecordCap, RecordMsg, RecordMsgc } from '../../core/protocol/record-messages';
import { Channel, type ChannelContext, type ChannelObserver } from './channel';
import { audioModeNumber } from './playback-channel';

/** What the guest wants from the microphone. */
export interface RecordFormat {
  /** How samples must be sent: raw s16le interleaved PCM, or Opus packets (20 ms or less). */
  readonly mode: AudioModeName;
  readonly channels: number;
  readonly frequency: number;
}

export interface RecordChannelEvents {
  /** The guest opened its capture device: start capturing (after the user allows it). */
  start(format: RecordFormat): void;
  /** The guest closed it: stop capturing. */
  stop(): void;
  volume(volumes: number[]): void;
  mute(muted: boolean): void;
}

export interface RecordOptions {
  /** Advertise Opus: only for a front end that can encode it (WebCodecs AudioEncoder). */
  readonly opus?: boolean;
}

/** Raw PCM goes out in packets of at most this many sample frames (10 ms at 48 kHz, as spice-gtk). */
export const RECORD_FRAMES_PER_PACKET = 480;
/** Opus can only be used at the rate its encoder is set up for here. */
const OPUS_FREQUENCY = 48_000;

/**
 * The record channel: the server starts and stops the guest's microphone (START/STOP); while it
 * is started the front end sends samples with sendSamples(). Before the first packet the client
 * sends MODE and START_MARK, stamped with the multimedia time of that first sample.
 */
export class RecordChannel extends Channel {
  format: RecordFormat | null = null;
  volumes: number[] = [];
  muted = false;
  private marked = false;
  /** Raw bytes short of a whole frame, carried to the next call. */
  private carry = new Uint8Array(0);

  constructor(
    id: number,
    context: ChannelContext,
    observer: ChannelObserver,
    private readonly events: RecordChannelEvents,
    /** The session's multimedia clock (ms) now. */
    private readonly multimediaTime: () => number,
    private readonly options: RecordOptions = {},
  ) {
    super(ChannelType.RECORD, id, context, observer);
  }

  protected channelCaps(): number[] {
    const caps: number[] = [RecordCap.VOLUME];
    if (this.options.opus) caps.push(RecordCap.OPUS);
    return caps;
  }

  /** Whether the guest is recording now. */
  get active(): boolean {
    return this.format !== null;
  }

  /**
   * Sends captured samples: raw mode, s16le interleaved PCM of any length (cut into packets of
   * whole frames); Opus mode, one encoded packet per call. Ignored while the guest does not record.
   */
  sendSamples(data: Uint8Array, time = this.multimediaTime()): void {
    const format = this.format;
    if (format === null || this.state !== 'ready') return;
    const mmTime = time >>> 0;
    if (!this.marked) {
      this.send(RecordMsgc.MODE, encodeRecordMode(mmTime, audioModeNumber(format.mode)));
      this.send(RecordMsgc.START_MARK, encodeRecordStartMark(mmTime));
      this.marked = true;
    }
    if (format.mode === 'opus') {
      this.send(RecordMsgc.DATA, encodeRecordData(mmTime, data));
      return;
    }
    const frameBytes = 2 * format.channels;
    const packetBytes = RECORD_FRAMES_PER_PACKET * frameBytes;
    let bytes = data;
    if (this.carry.byteLength > 0) {
      bytes = new Uint8Array(this.carry.byteLength + data.byteLength);
      bytes.set(this.carry);
      bytes.set(data, this.carry.byteLength);
    }
    let at = 0;
    let packetTime = mmTime;
    while (bytes.byteLength - at >= frameBytes) {
      const length = Math.min(packetBytes, Math.floor((bytes.byteLength - at) / frameBytes) * frameBytes);
      this.send(RecordMsgc.DATA, encodeRecordData(packetTime >>> 0, bytes.subarray(at, at + length)));
      at += length;
      packetTime += Math.round((length / frameBytes / format.frequency) * 1000);
    }
    this.carry = bytes.slice(at);
  }

  protected handleMessage(message: SpiceMessage): void {
    switch (message.type) {
      case RecordMsg.START: {
        const start = parseRecordStart(message.body);
        if (start.format !== AudioFormat.S16) {
          this.context.log.warn(`record: sample format ${start.format} is not signed 16-bit; the microphone stays off`);
          return;
        }
        const opus = this.options.opus === true && this.serverHasChannelCap(RecordCap.OPUS) && start.frequency === OPUS_FREQUENCY;
        this.format = { mode: opus ? 'opus' : 'raw', channels: start.channels, frequency: start.frequency };
        this.marked = false;
        this.carry = new Uint8Array(0);
        this.events.start(this.format);
        return;
      }
      case RecordMsg.STOP:
        if (this.format === null) return;
        this.format = null;
        this.events.stop();
        return;
      case RecordMsg.VOLUME:
        this.volumes = parseAudioVolume(message.body, 'RECORD_VOLUME');
        this.events.volume(this.volumes);
        return;
      case RecordMsg.MUTE:
        this.muted = parseAudioMute(message.body, 'RECORD_MUTE');
        this.events.mute(this.muted);
        return;
      default:
        this.context.log.debug(`record channel: ignoring message type ${message.type}`);
    }
  }
}
