import { StreamRecordReader } from '../../shared/ipc-stream';
import { WireFormatError } from '../../shared/ipc-wire';
import { PixelBufferPool } from '../../shared/pixel-buffer-pool';

/** Host events arriving on a stream: each message as it completes, then one end. */
export interface EventFeed {
  /** `onMessage` gets each raw message (not yet validated); `onEnd` once, with a reason. */
  listen(onMessage: (message: unknown) => void, onEnd: (reason: string) => void): void;
}

/** The path the browser shell serves event streams on (web/event-stream.ts). */
export function eventsUrlFor(pipe: string): string {
  return `/events?pipe=${encodeURIComponent(pipe)}`;
}

/** A fresh pipe ID: 32 hex digits. */
export function newPipeId(): string {
  return crypto.randomUUID().replaceAll('-', '');
}

/**
 * Opens the page's event stream now (so it races the WebSocket, not follows it) and reads its
 * records as they arrive; messages that arrive before anyone listens wait.
 */
export function openEventStream(url: string, fetchImpl: typeof fetch = fetch): EventFeed {
  const waiting: unknown[] = [];
  let endReason: string | null = null;
  let onMessage: ((message: unknown) => void) | null = null;
  let onEnd: ((reason: string) => void) | null = null;
  // Damage pixels are copied and painted while their event is delivered (DisplayModel.damage;
  // damage that must wait behind video frames is copied: VideoPlayer.damage), so once a listener
  // has had a damage event its buffers are free for the next records.
  const pixelBuffers = new PixelBufferPool();
  const emit = (message: unknown): void => {
    if (!onMessage) {
      waiting.push(message);
      return;
    }
    onMessage(message);
    for (const buffer of damageBuffersOf(message)) pixelBuffers.give(buffer);
  };
  const end = (reason: string): void => {
    if (endReason !== null) return;
    endReason = reason;
    onEnd?.(reason);
  };
  void (async () => {
    try {
      // Same origin: the session cookie goes along. The server says no-store.
      const response = await fetchImpl(url);
      if (!response.ok || !response.body) {
        end(`the event stream was refused (HTTP ${response.status})`);
        return;
      }
      const records = new StreamRecordReader((bytes) => pixelBuffers.take(bytes));
      const byob = byobReaderOf(response.body);
      if (byob) await readIntoBuffers(byob, records, emit);
      else await readChunks(response.body.getReader(), records, emit);
      end('the event stream ended');
    } catch (error) {
      end(error instanceof WireFormatError ? `the event stream is malformed: ${error.message}` : 'the event stream broke');
    }
  })();
  return {
    listen(messageListener, endListener) {
      onMessage = messageListener;
      onEnd = endListener;
      for (const message of waiting.splice(0)) messageListener(message);
      if (endReason !== null) endListener(endReason);
    },
  };
}

/** The pixel buffers of a damage event as it arrived (not yet validated: anything else gives none). */
function damageBuffersOf(message: unknown): ArrayBuffer[] {
  if (typeof message !== 'object' || message === null || (message as { type?: unknown }).type !== 'damage') return [];
  const patches = (message as { patches?: unknown }).patches;
  if (!Array.isArray(patches)) return [];
  const buffers: ArrayBuffer[] = [];
  for (const patch of patches as unknown[]) {
    const rgba = typeof patch === 'object' && patch !== null ? (patch as { rgba?: unknown }).rgba : undefined;
    if (rgba instanceof ArrayBuffer) buffers.push(rgba);
  }
  return buffers;
}

/** A BYOB reader of the body, where the browser gives one (a byte stream), else null. */
function byobReaderOf(body: ReadableStream<Uint8Array>): ReadableStreamBYOBReader | null {
  try {
    return body.getReader({ mode: 'byob' });
  } catch {
    return null;
  }
}

/** Bytes of lengths and JSON read at most at once (a record's header and JSON are small). */
const HEADER_READ_BYTES = 64 * 1024;

/**
 * Reads buffer bytes straight into their buffers (StreamRecordReader.directTarget): no chunk
 * arrays to allocate and collect, and no copy out of them. Streaming 690 MB of pixels to a page
 * cost Chromium's renderer 0.73 CPU s this way against 1.2-1.5 s with chunks.
 */
async function readIntoBuffers(reader: ReadableStreamBYOBReader, records: StreamRecordReader, emit: (message: unknown) => void): Promise<void> {
  let scratch = new ArrayBuffer(HEADER_READ_BYTES);
  for (;;) {
    const target = records.directTarget();
    const into = target ?? new Uint8Array(scratch, 0, Math.min(records.headerBytesWanted(), HEADER_READ_BYTES));
    const { value, done } = await reader.read(into);
    if (done || !value) return;
    // A read into a Uint8Array gives a Uint8Array (over the memory it took over).
    const bytes = value as Uint8Array<ArrayBuffer>;
    if (target) {
      for (const message of records.directFilled(bytes)) emit(message);
    } else {
      // The read took the scratch memory over: the returned view's buffer is it now.
      scratch = bytes.buffer;
      for (const message of records.push(bytes)) emit(message);
    }
  }
}

async function readChunks(reader: ReadableStreamDefaultReader<Uint8Array>, records: StreamRecordReader, emit: (message: unknown) => void): Promise<void> {
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    for (const message of records.push(value)) emit(message);
  }
}
