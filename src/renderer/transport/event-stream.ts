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
  // Damage pixels are copied and painted while their event is delivered (DisplayModel.damage),
  // so once a listener has had a damage event its buffers are free for the next records.
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
      const reader = response.body.getReader();
      const records = new StreamRecordReader((bytes) => pixelBuffers.take(bytes));
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const message of records.push(value)) emit(message);
      }
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
