import { STREAM_REPORT_UNSUPPORTED_DROPS, type StreamReport } from '../../core/protocol/display-client-messages';
import {
  parseStreamActivateReport,
  parseStreamClip,
  parseStreamCreate,
  parseStreamData,
  parseStreamDataSized,
  parseStreamDestroy,
  type StreamData,
} from '../../core/protocol/display-messages';
import { MjpegTables } from '../../core/codecs/mjpeg-tables';
import { VideoCodecType } from '../../core/protocol/constants';
import { checkImageSize, ProtocolError } from '../../core/protocol/errors';
import type { Logger } from '../session/logger';
import { StreamReportWindow } from './stream-report';
import type { VideoStreamInfo, VideoStreamSink } from './stream-sink';

/** STREAM_CREATE flags: bit 0 TOP_DOWN. */
const STREAM_FLAG_TOP_DOWN = 1;
/** spice-server has 50 stream slots; far more live streams is not a sane server. */
const MAX_LIVE_STREAMS = 256;
/** Frames stamped 0 (old graphics drivers) are shown this long after now, as spice-gtk does. */
const ZERO_TIMESTAMP_DELAY_MS = 100;

export interface VideoStreamsOptions {
  readonly sink: VideoStreamSink;
  /** The client's estimate of the server's multimedia clock now (ms). */
  multimediaTime(): number;
  /** Sends a STREAM_REPORT, or does nothing when the server lacks the STREAM_REPORT capability. */
  sendReport(report: StreamReport): void;
  /** Monotonic milliseconds (report windows); performance.now by default. */
  now?(): number;
  readonly log: Logger;
}

interface LiveStream {
  readonly info: VideoStreamInfo;
  report: StreamReportWindow | null;
  /** MJPEG only: the tables earlier frames defined, which later frames leave out. */
  readonly tables: MjpegTables | null;
  /** Frames handed to the sink. */
  frames: number;
}

/**
 * The video streams of one display channel: parses the stream messages, keeps the stream
 * table, times each frame against the multimedia clock, answers STREAM_ACTIVATE_REPORT with
 * STREAM_REPORTs, makes MJPEG frames self-contained (mjpeg-tables.ts: the server leaves the
 * Huffman tables out after the first frame), and hands streams and frames to the sink, so a
 * sink always gets frames any decoder can take alone. Like spice-gtk, a stream the sink
 * refuses or fails on is dropped here and reported to the server as not supported, and frames
 * for streams we do not have are ignored (after telling the server once).
 */
export class VideoStreams {
  private readonly streams = new Map<number, LiveStream>();
  /** Stream ids reported unsupported, so a server that keeps sending gets one report for each. */
  private readonly reported = new Set<number>();
  private readonly now: () => number;

  constructor(private readonly options: VideoStreamsOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  get liveStreams(): number {
    return this.streams.size;
  }

  has(streamId: number): boolean {
    return this.streams.has(streamId);
  }

  /**
   * STREAM_CREATE. `surfaceExists` says whether the channel has the surface the stream is on.
   */
  create(body: Uint8Array, surfaceExists: (surfaceId: number) => boolean): void {
    const create = parseStreamCreate(body);
    if (this.streams.has(create.id)) throw new ProtocolError(`video stream ${create.id} created twice`);
    if (this.streams.size >= MAX_LIVE_STREAMS) throw new ProtocolError(`more than ${MAX_LIVE_STREAMS} video streams at once`);
    if (!surfaceExists(create.surfaceId)) throw new ProtocolError(`video stream ${create.id} on surface ${create.surfaceId}, which does not exist`);
    checkImageSize(`video stream ${create.id}`, create.srcWidth, create.srcHeight);
    const info: VideoStreamInfo = {
      id: create.id,
      surfaceId: create.surfaceId,
      codec: create.codecType,
      topDown: (create.flags & STREAM_FLAG_TOP_DOWN) !== 0,
      frameWidth: create.srcWidth,
      frameHeight: create.srcHeight,
      dest: create.dest,
      clip: create.clip,
    };
    this.reported.delete(create.id);
    const { sink, log } = this.options;
    if (!sink.codecs.includes(create.codecType) || !sink.create(info)) {
      log.info(`display: video stream ${create.id} (codec ${create.codecType}) cannot be played here; asking the server for images instead`);
      this.reportUnsupported(create.id);
      return;
    }
    log.debug(`display: video stream ${create.id}: codec ${create.codecType}, ${create.srcWidth}x${create.srcHeight} to ${rectText(create.dest)}${info.topDown ? ', top-down' : ''}`);
    this.streams.set(create.id, { info, report: null, tables: create.codecType === VideoCodecType.MJPEG ? new MjpegTables() : null, frames: 0 });
  }

  /** STREAM_DATA and STREAM_DATA_SIZED. */
  data(body: Uint8Array, sized: boolean): void {
    const data: StreamData = sized ? parseStreamDataSized(body) : parseStreamData(body);
    const stream = this.streams.get(data.id);
    if (!stream) {
      this.unknownStream(data.id);
      return;
    }
    const clock = this.options.multimediaTime();
    const mmTime = data.multiMediaTime === 0 ? (clock + ZERO_TIMESTAMP_DELAY_MS) >>> 0 : data.multiMediaTime;
    // Both clocks are uint32 milliseconds that wrap; the difference as int32 is the margin.
    const marginMs = (mmTime - clock) | 0;
    const width = data.size ? data.size.width : stream.info.frameWidth;
    const height = data.size ? data.size.height : stream.info.frameHeight;
    checkImageSize(`video stream ${data.id} frame`, width, height);
    try {
      const what = `MJPEG frame of video stream ${data.id}`; // tables exist for MJPEG streams only
      this.options.sink.frame({
        streamId: data.id,
        // Sinks get self-contained frames: MJPEG frames get back the tables the server left out.
        data: stream.tables ? stream.tables.complete(data.data, what) : data.data,
        mmTime,
        marginMs,
        width,
        height,
        dest: data.size ? data.size.dest : stream.info.dest,
      });
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.options.log.warn(`display: ${error.message}; dropping video stream ${data.id} (the server falls back to images)`);
      this.drop(data.id);
      this.reportUnsupported(data.id);
      return;
    }
    stream.frames++;
    const report = stream.report?.frameArrived(mmTime, marginMs, this.now());
    if (report) this.options.sendReport(report);
  }

  /** STREAM_CLIP. */
  clip(body: Uint8Array): void {
    const { id, clip } = parseStreamClip(body);
    const stream = this.streams.get(id);
    if (!stream) {
      this.unknownStream(id);
      return;
    }
    this.streams.set(id, { ...stream, info: { ...stream.info, clip } });
    this.options.sink.clip(id, clip);
  }

  /** STREAM_DESTROY. */
  destroy(body: Uint8Array): void {
    this.drop(parseStreamDestroy(body));
  }

  /** STREAM_DESTROY_ALL, and the channel closing. */
  destroyAll(): void {
    for (const id of [...this.streams.keys()]) this.drop(id);
  }

  /** STREAM_ACTIVATE_REPORT. */
  activateReport(body: Uint8Array): void {
    const activation = parseStreamActivateReport(body);
    const stream = this.streams.get(activation.streamId);
    if (!stream) {
      this.unknownStream(activation.streamId);
      return;
    }
    stream.report = new StreamReportWindow(activation.streamId, activation);
  }

  private drop(id: number): void {
    const stream = this.streams.get(id);
    if (!stream) return;
    this.streams.delete(id);
    this.options.log.debug(`display: video stream ${id} ended after ${stream.frames} frames`);
    this.options.sink.destroy(id);
  }

  private unknownStream(id: number): void {
    if (this.reported.has(id)) return;
    this.options.log.debug(`display: message for video stream ${id}, which we do not have`);
    this.reportUnsupported(id);
  }

  /** num_frames 0, num_drops 0xFFFFFFFF: the server stops encoding this stream for us. */
  private reportUnsupported(id: number): void {
    if (this.reported.size >= MAX_LIVE_STREAMS) this.reported.clear();
    this.reported.add(id);
    this.options.sendReport({
      streamId: id,
      uniqueId: 0,
      startFrameMmTime: 0,
      endFrameMmTime: 0,
      frames: 0,
      drops: STREAM_REPORT_UNSUPPORTED_DROPS,
      lastFrameDelay: 0,
      audioDelay: 0, // spice-gtk sends this report zero-filled apart from the two counts
    });
  }
}

function rectText(r: { left: number; top: number; right: number; bottom: number }): string {
  return `(${r.left},${r.top})-(${r.right},${r.bottom})`;
}
