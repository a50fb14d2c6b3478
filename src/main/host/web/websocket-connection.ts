import type { Duplex } from 'node:stream';
import { TypedEmitter } from '../../../core/util/typed-emitter';
import {
  CloseCode,
  decodeUtf8,
  encodeClosePayload,
  encodeFrame,
  encodeFrameHeader,
  FrameParser,
  isSendableCloseCode,
  Opcode,
  parseClosePayload,
  WebSocketProtocolError,
} from './websocket-frames';

export interface WebSocketEvents {
  [event: string]: unknown;
  /** A whole message: text frames as a string, binary frames as bytes. */
  message: string | Buffer;
  /** The connection is gone; emitted once. 1006 when it ended without a close frame. */
  close: { code: number; reason: string };
}

export interface WebSocketOptions {
  /** Largest message (all fragments together) accepted from the peer. */
  readonly maxMessageBytes?: number;
  /** How long to wait for the peer's close frame after sending ours before cutting the socket. */
  readonly closeTimeoutMs?: number;
}

const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;
const DEFAULT_CLOSE_TIMEOUT_MS = 2000;

/**
 * The server end of one WebSocket after the handshake: reassembles fragmented messages,
 * answers pings, runs the closing handshake, and reports each message and the close once.
 * Any protocol violation by the peer closes the connection with the matching close code.
 */
export class WebSocketConnection extends TypedEmitter<WebSocketEvents> {
  private readonly parser: FrameParser;
  private readonly maxMessageBytes: number;
  private fragments: Buffer[] = [];
  private fragmentBytes = 0;
  private fragmentOpcode: number | null = null;
  private closeSent = false;
  private closed = false;
  private closeTimer: ReturnType<typeof setTimeout> | null = null;
  private closeReport: { code: number; reason: string } = { code: CloseCode.ABNORMAL, reason: '' };

  constructor(private readonly socket: Duplex, head: Buffer, private readonly options: WebSocketOptions = {}) {
    super();
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.parser = new FrameParser(this.maxMessageBytes);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.finish());
    if (head.length > 0) queueMicrotask(() => this.receive(head));
  }

  get isOpen(): boolean {
    return !this.closeSent && !this.closed;
  }

  /** Bytes written but not yet taken by the kernel: how far behind the peer is. */
  get bufferedBytes(): number {
    return this.socket.writableLength;
  }

  send(data: string | Uint8Array): void {
    if (!this.isOpen) return;
    const payload = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const opcode = typeof data === 'string' ? Opcode.TEXT : Opcode.BINARY;
    // Header and payload as two writes under cork: no copy of a large payload into a new buffer.
    this.socket.cork();
    this.socket.write(encodeFrameHeader(opcode, payload.length));
    this.socket.write(payload);
    process.nextTick(() => this.socket.uncork());
  }

  /** Starts the closing handshake; the socket ends when the peer answers (or after a timeout). */
  close(code: number = CloseCode.NORMAL, reason = ''): void {
    if (this.closeSent || this.closed) return;
    this.closeSent = true;
    this.closeReport = { code, reason };
    this.socket.write(encodeFrame(Opcode.CLOSE, isSendableCloseCode(code) ? encodeClosePayload(code, reason) : Buffer.alloc(0)));
    this.closeTimer = setTimeout(() => this.socket.destroy(), this.options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS);
    this.closeTimer.unref?.();
  }

  private receive(chunk: Buffer): void {
    if (this.closed) return;
    try {
      for (const frame of this.parser.push(chunk)) {
        this.handleFrame(frame.fin, frame.opcode, frame.payload);
        if (this.closed) return;
      }
    } catch (error) {
      if (!(error instanceof WebSocketProtocolError)) throw error;
      this.fail(error.closeCode, error.message);
    }
  }

  private handleFrame(fin: boolean, opcode: number, payload: Buffer): void {
    switch (opcode) {
      case Opcode.PING:
        if (this.isOpen) this.socket.write(encodeFrame(Opcode.PONG, payload));
        return;
      case Opcode.PONG:
        return;
      case Opcode.CLOSE: {
        const { code, reason } = parseClosePayload(payload);
        if (!this.closeSent) {
          // Echo the peer's code, as RFC 6455 section 5.5.1 asks, then let the peer close TCP.
          this.closeSent = true;
          this.closeReport = { code, reason };
          this.socket.write(encodeFrame(Opcode.CLOSE, code === CloseCode.NO_STATUS ? Buffer.alloc(0) : encodeClosePayload(code, '')));
        } else if (this.closeReport.code === CloseCode.ABNORMAL) {
          this.closeReport = { code, reason };
        }
        this.socket.end();
        this.closeTimer ??= setTimeout(() => this.socket.destroy(), this.options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS);
        this.closeTimer.unref?.();
        return;
      }
      case Opcode.CONTINUATION:
        if (this.fragmentOpcode === null) throw new WebSocketProtocolError(CloseCode.PROTOCOL_ERROR, 'continuation frame without a message to continue');
        this.addFragment(payload);
        if (fin) this.deliver(this.fragmentOpcode, Buffer.concat(this.fragments));
        return;
      default: // TEXT or BINARY
        if (this.fragmentOpcode !== null) throw new WebSocketProtocolError(CloseCode.PROTOCOL_ERROR, 'new message before the previous one ended');
        if (fin) {
          this.deliver(opcode, payload);
          return;
        }
        this.fragmentOpcode = opcode;
        this.addFragment(payload);
    }
  }

  private addFragment(payload: Buffer): void {
    this.fragmentBytes += payload.length;
    if (this.fragmentBytes > this.maxMessageBytes) {
      throw new WebSocketProtocolError(CloseCode.TOO_BIG, `message exceeds the limit of ${this.maxMessageBytes} bytes`);
    }
    this.fragments.push(payload);
  }

  private deliver(opcode: number, data: Buffer): void {
    this.fragments = [];
    this.fragmentBytes = 0;
    this.fragmentOpcode = null;
    if (this.closeSent) return; // after a close, data is discarded (RFC 6455 section 1.4)
    if (opcode === Opcode.TEXT) {
      const text = decodeUtf8(data);
      if (text === null) throw new WebSocketProtocolError(CloseCode.INVALID_DATA, 'text message is not UTF-8');
      this.emit('message', text);
    } else {
      this.emit('message', data);
    }
  }

  private fail(code: number, reason: string): void {
    this.close(code, reason);
    // A peer that broke the protocol gets no more of our patience than the close frame.
    this.socket.end();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.closeTimer) clearTimeout(this.closeTimer);
    this.emit('close', this.closeReport);
    this.removeAllListeners();
  }
}
