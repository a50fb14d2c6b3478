import type { FileSource } from '../agent/file-transfer';

/** Pieces asked for beyond the one being read, so the page's answer overlaps the agent's work. */
const DEFAULT_READ_AHEAD = 2;
/** A page that has not answered for this long has gone (closed, crashed, file unreadable). */
const DEFAULT_PIECE_TIMEOUT_MS = 60_000;

interface Piece {
  readonly offset: number;
  readonly length: number;
  data: Uint8Array | null;
  waiter: { resolve(data: Uint8Array): void; reject(error: Error): void } | null;
}

export interface RendererFileSourceOptions {
  readonly name: string;
  readonly size: number;
  /** Asks the page for bytes [offset, offset + length) (a fileChunkWanted event). */
  readonly want: (offset: number, length: number) => void;
  readonly readAhead?: number;
  readonly pieceTimeoutMs?: number;
}

/**
 * A file the page is sending (dropped on the display), read by the agent's file transfer as it
 * is read from disk: the transfer asks for the next piece when the agent has taken the previous
 * one, and this source asks the page for it, plus at most `readAhead` pieces beyond. So the
 * bytes on their way or waiting here are never more than (1 + readAhead) pieces, whatever the
 * file's size: the flow control is the agent's tokens, carried back to the page.
 */
export class RendererFileSource implements FileSource {
  readonly name: string;
  readonly size: number;
  private readonly pieces = new Map<number, Piece>();
  private failure: Error | null = null;
  private readonly readAhead: number;
  private readonly timeoutMs: number;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly options: RendererFileSourceOptions) {
    this.name = options.name;
    this.size = options.size;
    this.readAhead = options.readAhead ?? DEFAULT_READ_AHEAD;
    this.timeoutMs = options.pieceTimeoutMs ?? DEFAULT_PIECE_TIMEOUT_MS;
  }

  /** Bytes asked for or held and not yet read (what the backpressure bounds). */
  get bytesInFlight(): number {
    let total = 0;
    for (const piece of this.pieces.values()) total += piece.length;
    return total;
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    if (this.failure) return Promise.reject(this.failure);
    const piece = this.ask(offset, length);
    // The transfer reads in order, in pieces of one size: the next ones can be asked for now.
    let next = offset + length;
    for (let i = 0; i < this.readAhead && next < this.size; i++) {
      const ahead = Math.min(length, this.size - next);
      this.ask(next, ahead);
      next += ahead;
    }
    const data = piece.data;
    if (data) {
      this.pieces.delete(offset);
      return Promise.resolve(data);
    }
    return new Promise<Uint8Array>((resolve, reject) => {
      piece.waiter = {
        resolve: (bytes) => {
          this.clearTimer();
          this.pieces.delete(offset);
          resolve(bytes);
        },
        reject: (error) => {
          this.clearTimer();
          reject(error);
        },
      };
      this.timer = setTimeout(() => this.fail(new Error(`the page sent no data for ${this.name} within ${this.timeoutMs / 1000} s`)), this.timeoutMs);
    });
  }

  /**
   * The page's answer (fileChunk). It must be a piece that was asked for, whole; anything else
   * ends the transfer (returns why).
   */
  deliver(offset: number, data: Uint8Array): string | null {
    if (this.failure) return null;
    const piece = this.pieces.get(offset);
    if (!piece || piece.data) return this.fail(new Error(`the page sent bytes at ${offset} of ${this.name}, which were not asked for`));
    if (data.byteLength !== piece.length) return this.fail(new Error(`the page sent ${data.byteLength} bytes at ${offset} of ${this.name}, not ${piece.length} (did the file change?)`));
    if (piece.waiter) piece.waiter.resolve(data);
    else piece.data = data;
    return null;
  }

  /** Ends every read with this error (the page cannot give the file). */
  fail(error: Error): string {
    if (!this.failure) {
      this.failure = error;
      for (const piece of this.pieces.values()) piece.waiter?.reject(error);
      this.pieces.clear();
      this.clearTimer();
    }
    return this.failure.message;
  }

  close(): Promise<void> {
    this.pieces.clear();
    this.clearTimer();
    this.failure ??= new Error(`${this.name}: the transfer is over`);
    return Promise.resolve();
  }

  private ask(offset: number, length: number): Piece {
    let piece = this.pieces.get(offset);
    if (!piece) {
      piece = { offset, length, data: null, waiter: null };
      this.pieces.set(offset, piece);
      this.options.want(offset, length);
    }
    return piece;
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
