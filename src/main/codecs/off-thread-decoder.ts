import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { QuicDestination } from '../../core/codecs/quic';
import type { DecodedImage } from '../../core/codecs/types';
import { ProtocolError } from '../../core/protocol/errors';

/**
 * Decodes large QUIC images on a worker thread, so the engine's own thread stays free for input,
 * acks and the front end while a 1080p photo decodes (100-270 ms here; docs/architecture.md).
 * The display channel waits for each result before it handles its next message, so drawing
 * order is unchanged. The shells' engine and `saffron screenshot` use it.
 */
export interface OffThreadDecoder {
  /** Images at least this many pixels go to the worker; smaller ones cost less than the trip. */
  readonly minPixels: number;
  /** Rejects with a ProtocolError carrying the decoder's message when the payload is bad. */
  decodeQuic(data: Uint8Array): Promise<DecodedImage>;
  /**
   * Decodes a 32-bit colour image straight onto a surface whose pixels are shared memory
   * (decodeQuicOnto): nothing to copy afterwards. Rejects as decodeQuic does, having written
   * nothing when the image is not of that kind or size.
   */
  decodeQuicOnto(data: Uint8Array, to: QuicDestination): Promise<void>;
  /** An image from decodeQuic that nothing refers to any more (drawn, not cached): its storage may be reused. */
  recycle(image: DecodedImage): void;
}

interface Answer {
  readonly id: number;
  readonly width?: number;
  readonly height?: number;
  readonly hasAlpha?: boolean;
  readonly pixels?: SharedArrayBuffer;
  /** Decoded onto the surface it was given. */
  readonly onto?: true;
  readonly error?: string;
}

/** About a 256x256 tile: below it a decode takes a few milliseconds and the trip is not worth it. */
const DEFAULT_MIN_PIXELS = 65_536;

/** The compiled worker script beside this file, or null when running from sources (tests under tsx). */
function workerScript(): string | null {
  const compiled = join(__dirname, 'quic-worker.js');
  return existsSync(compiled) ? compiled : null;
}

class WorkerDecoder implements OffThreadDecoder {
  private worker: Worker | null = null;
  private nextId = 1;
  /** The shared buffer for compressed input, when no decode is using it. */
  private input: SharedArrayBuffer | null = null;
  private readonly waiting = new Map<number, { answered(answer: Answer): void; reject(error: Error): void }>();

  constructor(private readonly script: string, readonly minPixels: number) {}

  decodeQuic(data: Uint8Array): Promise<DecodedImage> {
    return this.ask(data, {}, (answer) => {
      if (!answer.pixels) throw new ProtocolError('QUIC image: the decode worker returned nothing');
      return { width: answer.width!, height: answer.height!, hasAlpha: answer.hasAlpha!, pixels: new Uint32Array(answer.pixels) };
    });
  }

  decodeQuicOnto(data: Uint8Array, to: QuicDestination): Promise<void> {
    const { pixels, ...place } = to;
    if (!(pixels.buffer instanceof SharedArrayBuffer)) return Promise.reject(new Error('decodeQuicOnto: the surface is not in shared memory'));
    // As quic-worker.ts takes it: the surface's memory, and where its words are in it.
    const onto = { ...place, pixels: pixels.buffer, byteOffset: pixels.byteOffset, words: pixels.length };
    return this.ask(data, { onto }, (answer) => {
      if (!answer.onto) throw new ProtocolError('QUIC image: the decode worker returned nothing');
    });
  }

  /** Posts `data` (and `extra`) to the worker; `read` makes the result of its answer. */
  private ask<T>(data: Uint8Array, extra: object, read: (answer: Answer) => T): Promise<T> {
    const worker = this.start();
    const id = this.nextId++;
    const post = (buffer: SharedArrayBuffer, offset: number): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        this.waiting.set(id, { answered: (answer) => resolve(read(answer)), reject });
        worker.postMessage({ id, data: buffer, offset, length: data.byteLength, ...extra });
      });
    // Gathered into shared memory as it arrived (framing.ts): the worker reads it where it is.
    if (data.buffer instanceof SharedArrayBuffer) return post(data.buffer, data.byteOffset);
    // One copy into shared memory, which the worker reads where it is. Its own buffer is free
    // again once the answer is in (one decode at a time), so it is reused while big enough.
    const input = this.input && this.input.byteLength >= data.byteLength ? this.input : new SharedArrayBuffer(Math.max(data.byteLength, 1 << 20));
    this.input = null;
    new Uint8Array(input).set(data);
    return post(input, 0).finally(() => {
      this.input = input;
    });
  }

  recycle(image: DecodedImage): void {
    const buffer = image.pixels.buffer;
    if (this.worker && buffer instanceof SharedArrayBuffer) this.worker.postMessage({ recycle: buffer });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script);
    worker.on('message', (answer: Answer) => this.answered(answer));
    worker.on('error', (error) => this.failAll(new Error(`the decode worker failed: ${error.message}`)));
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = null;
      this.failAll(new Error('the decode worker exited'));
    });
    // An idle decoder never keeps the process alive. After the listeners: adding a 'message'
    // listener refs the worker again.
    worker.unref();
    this.worker = worker;
    return worker;
  }

  private answered(answer: Answer): void {
    const waiter = this.waiting.get(answer.id);
    if (!waiter) return;
    this.waiting.delete(answer.id);
    if (answer.error !== undefined) {
      waiter.reject(new ProtocolError(answer.error));
      return;
    }
    try {
      waiter.answered(answer);
    } catch (error) {
      waiter.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private failAll(error: Error): void {
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }
}

let shared: OffThreadDecoder | null | undefined;

/**
 * The process's off-thread decoder (one worker, started at the first large image), or null when
 * the compiled worker script is absent (running from TypeScript sources): then images decode in line.
 */
export function offThreadDecoder(minPixels = DEFAULT_MIN_PIXELS): OffThreadDecoder | null {
  if (shared === undefined) {
    const script = workerScript();
    shared = script ? new WorkerDecoder(script, minPixels) : null;
  }
  return shared;
}
