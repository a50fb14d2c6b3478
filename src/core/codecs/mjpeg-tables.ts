// MJPEG frames as spice-server sends them are not all complete JPEGs: its encoder keeps one
// libjpeg compressor per stream and asks it to write all tables only for the first frame
// (jpeg_start_compress(..., first_frame)). Later frames carry the quantisation tables (they are
// set anew for every frame) but not the Huffman tables, which a decoder is expected to remember
// from earlier frames of the stream, as spice-gtk's one libjpeg decompressor per stream does.
// Checked on Debian's spice-server 0.15: frame 1 has DQT DQT SOF0 DHT×4, frame 2 DQT DQT SOF0.
//
// MjpegTables does that remembering, so every frame it returns is a self-contained JPEG that any
// decoder (jpeg-js, the browser's ImageDecoder) can take on its own: it records the tables each
// frame defines, and inserts before the scan those remembered tables a frame does not redefine.
//
// Segments read here (ITU T.81 B.2.4): DHT 0xFFC4, u16 length, then tables of
// u8 class<<4|id, u8 counts[16], u8 values[sum(counts)]; DQT 0xFFDB, u16 length, then tables of
// u8 precision<<4|id, 64 (precision 0) or 128 (precision 1) bytes.
import { ProtocolError } from '../protocol/errors';

const DHT = 0xc4;
const DQT = 0xdb;
const SOS = 0xda;
const SOI = 0xd8;

/** One table definition (without the marker and length), keyed by what it defines. */
type Tables = Map<number, Uint8Array>;

export class MjpegTables {
  private readonly huffman: Tables = new Map();
  private readonly quantisation: Tables = new Map();

  /**
   * The frame with every remembered table it lacks inserted before its scan (the same bytes,
   * not a copy, when it lacks none). Throws a ProtocolError for a frame whose header is corrupt.
   */
  complete(frame: Uint8Array, what = 'MJPEG frame'): Uint8Array {
    if (frame.length < 4 || frame[0] !== 0xff || frame[1] !== SOI) throw new ProtocolError(`${what}: not a JPEG (no start-of-image marker)`);
    const huffman: Tables = new Map();
    const quantisation: Tables = new Map();
    let at = 2;
    let scanAt = -1;
    while (scanAt < 0) {
      if (at >= frame.length || frame[at] !== 0xff) throw new ProtocolError(`${what}: truncated or corrupt header at offset ${at}`);
      while (at < frame.length && frame[at] === 0xff) at++;
      if (at >= frame.length) throw new ProtocolError(`${what}: truncated header`);
      const marker = frame[at++];
      if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) continue;
      if (marker === SOS) {
        scanAt = at - 2;
        break;
      }
      if (at + 2 > frame.length) throw new ProtocolError(`${what}: truncated header`);
      const length = (frame[at] << 8) | frame[at + 1];
      if (length < 2 || at + length > frame.length) throw new ProtocolError(`${what}: segment of ${length} bytes beyond the frame`);
      if (marker === DHT) readHuffmanTables(frame, at + 2, at + length, huffman, what);
      else if (marker === DQT) readQuantisationTables(frame, at + 2, at + length, quantisation, what);
      at += length;
    }
    const missing: Uint8Array[] = [];
    const missingQuantisation = missingTables(this.quantisation, quantisation);
    const missingHuffman = missingTables(this.huffman, huffman);
    if (missingQuantisation.length > 0) missing.push(segment(DQT, missingQuantisation));
    if (missingHuffman.length > 0) missing.push(segment(DHT, missingHuffman));
    for (const [key, table] of huffman) this.huffman.set(key, table.slice());
    for (const [key, table] of quantisation) this.quantisation.set(key, table.slice());
    if (missing.length === 0) return frame;
    const extra = missing.reduce((n, s) => n + s.length, 0);
    const out = new Uint8Array(frame.length + extra);
    out.set(frame.subarray(0, scanAt), 0);
    let op = scanAt;
    for (const s of missing) {
      out.set(s, op);
      op += s.length;
    }
    out.set(frame.subarray(scanAt), op);
    return out;
  }
}

function readHuffmanTables(frame: Uint8Array, at: number, end: number, into: Tables, what: string): void {
  while (at < end) {
    if (at + 17 > end) throw new ProtocolError(`${what}: truncated Huffman table`);
    const key = frame[at];
    // Class 0 (DC) or 1 (AC), id 0-3: at most 8 tables, so a rebuilt DHT segment stays small.
    if (key >>> 4 > 1 || (key & 0x0f) > 3) throw new ProtocolError(`${what}: Huffman table class/id 0x${key.toString(16)}`);
    let values = 0;
    for (let i = 1; i <= 16; i++) values += frame[at + i];
    const size = 17 + values;
    if (at + size > end) throw new ProtocolError(`${what}: truncated Huffman table`);
    into.set(key, frame.subarray(at, at + size));
    at += size;
  }
}

function readQuantisationTables(frame: Uint8Array, at: number, end: number, into: Tables, what: string): void {
  while (at < end) {
    const key = frame[at];
    if (key >>> 4 > 1 || (key & 0x0f) > 3) throw new ProtocolError(`${what}: quantisation table precision/id 0x${key.toString(16)}`);
    const size = 1 + (key >>> 4 === 0 ? 64 : 128);
    if (at + size > end) throw new ProtocolError(`${what}: truncated quantisation table`);
    into.set(key & 0x0f, frame.subarray(at, at + size));
    at += size;
  }
}

function missingTables(remembered: Tables, present: Tables): Uint8Array[] {
  const missing: Uint8Array[] = [];
  for (const [key, table] of remembered) if (!present.has(key)) missing.push(table);
  return missing;
}

/** A marker segment holding the given table definitions (each well under 64 KB together). */
function segment(marker: number, tables: readonly Uint8Array[]): Uint8Array {
  const length = 2 + tables.reduce((n, t) => n + t.length, 0);
  const out = new Uint8Array(2 + length);
  out[0] = 0xff;
  out[1] = marker;
  out[2] = length >>> 8;
  out[3] = length & 0xff;
  let op = 4;
  for (const t of tables) {
    out.set(t, op);
    op += t.length;
  }
  return out;
}
