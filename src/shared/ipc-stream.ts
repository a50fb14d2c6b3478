/**
 * Host events as a byte stream of records: how the browser shell sends events to its page over
 * one long HTTP response (see docs/architecture.md, "Moving pixels to the renderer"). Each record:
 *
 *   uint32 LE  JSON byte length J
 *   uint32 LE  buffer count B
 *   B × uint32 LE  byte length of buffer 0, 1, ...
 *   J bytes    UTF-8 JSON, each ArrayBuffer replaced by {"$buffer": index} (ipc-wire.ts)
 *   the B buffers' bytes, back to back
 *
 * All lengths come before the bytes, so a reader copies each buffer's bytes straight from the
 * arriving chunks into an ArrayBuffer of its own (one copy), or has them read straight into it
 * (directTarget: no copy of ours), and a writer hands the buffers to the socket as they are. Decoding only rebuilds structure; the receiver validates.
 */
import { joinWireMessage, splitWireMessage, WireFormatError } from './ipc-wire';

/** Bounds a hostile or broken stream cannot push past. */
const MAX_JSON_BYTES = 4 * 1024 * 1024;
const MAX_BUFFERS = 4096;
const MAX_BUFFER_BYTES = 256 * 1024 * 1024;

/** A record as byte ranges to write in order: the header with the JSON, then each buffer as it is. */
export function encodeStreamRecord(message: object): Uint8Array[] {
  const { json, buffers } = splitWireMessage(message);
  const jsonBytes = new TextEncoder().encode(json);
  const headerBytes = 8 + 4 * buffers.length;
  const head = new Uint8Array(headerBytes + jsonBytes.length);
  const view = new DataView(head.buffer);
  view.setUint32(0, jsonBytes.length, true);
  view.setUint32(4, buffers.length, true);
  buffers.forEach((buffer, index) => view.setUint32(8 + 4 * index, buffer.byteLength, true));
  head.set(jsonBytes, headerBytes);
  return [head, ...buffers.map((buffer) => new Uint8Array(buffer))];
}

type Stage = 'counts' | 'lengths' | 'json' | 'buffers';

const NO_BYTES = new Uint8Array(0);

/**
 * Cuts a stream of records into messages, across any chunking. Throws WireFormatError on a
 * malformed or oversized record; the stream is then unusable (the caller closes it).
 */
export class StreamRecordReader {
  private stage: Stage = 'counts';
  /** Bytes of the fixed-size part being read (counts, lengths) or of the JSON. */
  private scratch = new Uint8Array(8);
  private scratchFill = 0;
  private jsonLength = 0;
  private lengths: number[] = [];
  private buffers: Uint8Array<ArrayBuffer>[] = [];
  private json = '';
  private bufferIndex = 0;
  private bufferFill = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  /** `allocate` gives each buffer's storage: exactly `bytes` long (a pool may reuse old ones). */
  constructor(private readonly allocate: (bytes: number) => ArrayBuffer = (bytes) => new ArrayBuffer(bytes)) {}

  /** Feeds bytes; returns the messages completed by them, in order. */
  push(chunk: Uint8Array): unknown[] {
    const out: unknown[] = [];
    let offset = 0;
    for (;;) {
      this.skipEmptyBuffers();
      if (this.recordComplete()) {
        out.push(this.finishRecord());
        continue;
      }
      if (offset >= chunk.length) break;
      if (this.stage === 'buffers') {
        const target = this.buffers[this.bufferIndex];
        const n = Math.min(target.length - this.bufferFill, chunk.length - offset);
        target.set(chunk.subarray(offset, offset + n), this.bufferFill);
        this.bufferFill += n;
        offset += n;
        if (this.bufferFill === target.length) {
          this.bufferIndex++;
          this.bufferFill = 0;
        }
        continue;
      }
      const n = Math.min(this.scratch.length - this.scratchFill, chunk.length - offset);
      this.scratch.set(chunk.subarray(offset, offset + n), this.scratchFill);
      this.scratchFill += n;
      offset += n;
      if (this.scratchFill === this.scratch.length) this.advance();
    }
    return out;
  }

  /**
   * Where the next bytes of the stream belong when they are a buffer's: the rest of that
   * buffer, for a reader that can read into memory it is given (a BYOB stream reader), so
   * pixels go from the network into their buffer with no copy of ours. Null while the stream
   * is at a record's lengths or JSON: read at most `headerBytesWanted()` bytes and push() them.
   */
  directTarget(): Uint8Array<ArrayBuffer> | null {
    if (this.stage !== 'buffers' || this.bufferIndex >= this.buffers.length) return null;
    return this.buffers[this.bufferIndex].subarray(this.bufferFill);
  }

  /**
   * The bytes a reader put at directTarget(), as the view it returned: a BYOB read transfers
   * the memory to a new ArrayBuffer, which from now on is the buffer's. Returns the messages
   * this completes.
   */
  directFilled(view: Uint8Array<ArrayBuffer>): unknown[] {
    // The buffer's old view is detached now (length 0): its length is the record's.
    const length = this.lengths[this.bufferIndex];
    if (this.stage !== 'buffers' || length === undefined || view.byteOffset !== this.bufferFill || view.length > length - this.bufferFill) {
      throw new WireFormatError('stream record: bytes read outside the buffer being filled');
    }
    this.buffers[this.bufferIndex] = new Uint8Array(view.buffer, 0, length);
    this.bufferFill += view.length;
    if (this.bufferFill === length) {
      this.bufferIndex++;
      this.bufferFill = 0;
    }
    return this.push(NO_BYTES);
  }

  /** Bytes of the record's lengths or JSON still to come (0 when at a buffer: see directTarget). */
  headerBytesWanted(): number {
    return this.stage === 'buffers' ? 0 : this.scratch.length - this.scratchFill;
  }

  /** Zero-length buffers are complete without any bytes. */
  private skipEmptyBuffers(): void {
    while (this.stage === 'buffers' && this.bufferIndex < this.buffers.length && this.buffers[this.bufferIndex].length === 0) this.bufferIndex++;
  }

  private recordComplete(): boolean {
    return this.stage === 'buffers' && this.bufferIndex === this.buffers.length;
  }

  /** The fixed-size part being read is complete: move to the next stage. */
  private advance(): void {
    const view = new DataView(this.scratch.buffer, this.scratch.byteOffset, this.scratch.byteLength);
    switch (this.stage) {
      case 'counts': {
        this.jsonLength = view.getUint32(0, true);
        const count = view.getUint32(4, true);
        if (this.jsonLength > MAX_JSON_BYTES) throw new WireFormatError(`stream record: JSON of ${this.jsonLength} bytes`);
        if (count > MAX_BUFFERS) throw new WireFormatError(`stream record: ${count} buffers`);
        this.lengths = [];
        this.expect(count > 0 ? 'lengths' : 'json', count > 0 ? 4 * count : this.jsonLength);
        return;
      }
      case 'lengths':
        for (let i = 0; i < this.scratch.length; i += 4) {
          const length = view.getUint32(i, true);
          if (length > MAX_BUFFER_BYTES) throw new WireFormatError(`stream record: a buffer of ${length} bytes`);
          this.lengths.push(length);
        }
        this.expect('json', this.jsonLength);
        return;
      case 'json':
        try {
          this.json = this.decoder.decode(this.scratch);
        } catch {
          throw new WireFormatError('stream record: JSON part is not UTF-8');
        }
        this.buffers = this.lengths.map((length) => new Uint8Array(this.allocate(length)));
        this.bufferIndex = 0;
        this.bufferFill = 0;
        this.stage = 'buffers';
        return;
      case 'buffers':
        return;
    }
  }

  private expect(stage: Stage, bytes: number): void {
    this.stage = stage;
    this.scratch = new Uint8Array(bytes);
    this.scratchFill = 0;
    // An empty part is complete at once (a record with no JSON is malformed, and says so below).
    if (bytes === 0) this.advance();
  }

  private finishRecord(): unknown {
    const message = joinWireMessage(this.json, this.buffers.map((bytes) => bytes.buffer as ArrayBuffer));
    this.buffers = [];
    this.lengths = [];
    this.json = '';
    this.expect('counts', 8);
    return message;
  }
}
