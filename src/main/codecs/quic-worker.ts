/**
 * The decode worker's side (worker_threads): decodes QUIC images posted by
 * OffThreadDecoder (off-thread-decoder.ts), one at a time, in the order they come.
 *
 * Request:  { id, data: SharedArrayBuffer, offset, length }   the QUIC payload is `length` bytes of data from `offset`
 *           + onto: { pixels: SharedArrayBuffer, byteOffset, words, surfaceWidth, x, y, width, height, opaque }
 *                   to decode straight onto a surface's words (decodeQuicOnto)
 * Answer:   { id, width, height, hasAlpha, pixels: SharedArrayBuffer }   0xAARRGGBB words
 *      or   { id, onto: true }                          decoded onto the surface
 *      or   { id, error: string }                       the decoder's one-line message
 * Return:   { recycle: SharedArrayBuffer }              pixels the engine no longer uses
 *
 * Both directions use SharedArrayBuffers: nothing is copied by postMessage and nothing is
 * transferred (a transfer detaches a buffer, and after the first detach V8 checks every typed
 * array access in that thread for it, which slows every decoder there). Returned pixel buffers
 * are reused (a few, by size), so a stream of full-screen photos does not leave 8 MB of shared
 * memory per frame for the collectors of two threads to find.
 */
import { parentPort } from 'node:worker_threads';
import { decodeQuic, decodeQuicOnto, type QuicDestination } from '../../core/codecs/quic';

/** A QuicDestination as it crosses: the surface's words are `words` of `pixels` from `byteOffset`. */
type Onto = Omit<QuicDestination, 'pixels'> & { readonly pixels: SharedArrayBuffer; readonly byteOffset: number; readonly words: number };

type Request =
  | { readonly id: number; readonly data: SharedArrayBuffer; readonly offset: number; readonly length: number; readonly onto?: Onto }
  | { readonly recycle: SharedArrayBuffer };

/** At most this many returned buffers wait for reuse. */
const MAX_SPARE = 3;
const spare: SharedArrayBuffer[] = [];

/** Zero-filled shared storage of `words` pixels (what decodeQuic expects from its allocator). */
function storage(words: number): Uint32Array {
  const index = spare.findIndex((buffer) => buffer.byteLength === words * 4);
  if (index < 0) return new Uint32Array(new SharedArrayBuffer(words * 4));
  const pixels = new Uint32Array(spare.splice(index, 1)[0]);
  pixels.fill(0);
  return pixels;
}

const port = parentPort;
if (!port) throw new Error('quic-worker.js runs only as a worker thread');
port.on('message', (request: Request) => {
  if ('recycle' in request) {
    if (spare.length >= MAX_SPARE) spare.shift();
    spare.push(request.recycle);
    return;
  }
  const { id, data, offset, length, onto } = request;
  try {
    if (onto) {
      const { pixels, byteOffset, words, ...place } = onto;
      decodeQuicOnto(new Uint8Array(data, offset, length), { pixels: new Uint32Array(pixels, byteOffset, words), ...place });
      port.postMessage({ id, onto: true });
      return;
    }
    // Decoded straight into shared memory: the engine's thread reads it where it is.
    const image = decodeQuic(new Uint8Array(data, offset, length), storage);
    port.postMessage({ id, width: image.width, height: image.height, hasAlpha: image.hasAlpha, pixels: image.pixels.buffer });
  } catch (error) {
    port.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
