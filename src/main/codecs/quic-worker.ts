/**
 * The decode worker's side (worker_threads): decodes QUIC images posted by
 * OffThreadDecoder (off-thread-decoder.ts), one at a time, in the order they come.
 *
 * Request:  { id, data: SharedArrayBuffer }            the QUIC payload
 * Answer:   { id, width, height, hasAlpha, pixels: SharedArrayBuffer }   0xAARRGGBB words
 *      or   { id, error: string }                       the decoder's one-line message
 *
 * Both directions use SharedArrayBuffers: nothing is copied by postMessage and nothing is
 * transferred (a transfer detaches a buffer, and after the first detach V8 checks every typed
 * array access in that thread for it, which slows every decoder there).
 */
import { parentPort } from 'node:worker_threads';
import { decodeQuic } from '../../core/codecs/quic';

interface DecodeRequest {
  readonly id: number;
  readonly data: SharedArrayBuffer;
}

const port = parentPort;
if (!port) throw new Error('quic-worker.js runs only as a worker thread');
port.on('message', ({ id, data }: DecodeRequest) => {
  try {
    const image = decodeQuic(new Uint8Array(data));
    const pixels = new SharedArrayBuffer(image.pixels.byteLength);
    new Uint32Array(pixels).set(image.pixels);
    port.postMessage({ id, width: image.width, height: image.height, hasAlpha: image.hasAlpha, pixels });
  } catch (error) {
    port.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
