import type { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import { encodeAckSync, encodePong, parseDisconnecting, parseNotify, parsePing, parseSetAck } from '../../core/protocol/base-messages';
import { ByteQueue } from '../../core/protocol/byte-queue';
import { hasCap } from '../../core/protocol/capabilities';
import { AuthMechanism, BaseMsg, BaseMsgc, CHANNEL_NAMES, CommonCap, LinkError, NotifySeverity } from '../../core/protocol/constants';
import { ProtocolError } from '../../core/protocol/errors';
import { encodeMessage, MessageFramer, type LargeBodies, type SpiceMessage } from '../../core/protocol/framing';
import {
  encodeAuthMechanism,
  encodeLinkRequest,
  LINK_HEADER_SIZE,
  linkErrorText,
  parseLinkHeader,
  parseLinkReply,
  parseLinkResult,
} from '../../core/protocol/link';
import { SaslExchange } from '../session/sasl-exchange';
import { SaslError } from '../session/sasl-mechanism';
import type { SaslSecurityLayer } from '../session/sasl-security-layer';
import { encryptTicket, TicketError } from '../session/ticket';
import { SessionError } from '../session/session-error';
import type { Logger } from '../session/logger';

/** Everything a channel needs from its session. */
export interface ChannelContext {
  readonly connectionId: number;
  readonly password: string;
  /** SASL user name ('' or absent: none given). */
  readonly username?: string;
  /** The server's host name as the user gave it (SASL's digest-uri). */
  readonly host?: string;
  readonly log: Logger;
  /** Told the size of every chunk received (the session's bandwidth figure). */
  countReceived?(bytes: number): void;
  /**
   * Opens the byte stream to the server (TCP, TLS or through a proxy); the session decides which.
   * `secure` asks for TLS whatever the options say (the server answered NEED_SECURED).
   */
  openStream(channelType: number, secure?: boolean): Promise<Duplex>;
  /** Whether openStream(type, true) can work (a TLS port is known); absent means no. */
  canUseTls?(): boolean;
}

export type ChannelState = 'idle' | 'linking' | 'ready' | 'closed';

/** What the session hears from every channel. */
export interface ChannelObserver {
  ready(channel: Channel): void;
  /** Called exactly once; error is null for a close we asked for. */
  closed(channel: Channel, error: SessionError | null): void;
  notify(channel: Channel, severity: number, message: string): void;
}

/**
 * How long one turn of the event loop may spend handling a channel's messages before the rest
 * wait for the next turn: a socket chunk can hold hundreds of drawing messages (a scrolling
 * terminal's glyph strips), and input must not wait behind all of them (issue 4: 16 ms).
 */
const SLICE_MS = 8;

/**
 * Bytes of held messages beyond which the channel stops reading its socket until they are
 * handled. The server then sees a full socket, keeps its later drawings in its own queue and
 * drops those that newer ones cover, as it does for any client that reads no faster than it
 * draws; reading on regardless only moved the queue into our memory, all of it to be decoded.
 */
const HELD_BYTES_PAUSE = 1 << 20;

/**
 * One SPICE channel: link, authentication, framing, flow control (ACK) and the messages every
 * channel shares. Subclasses handle their own message types. All failures go through fail(),
 * which closes the socket, reports once, and makes later sends no-ops.
 */
export abstract class Channel {
  state: ChannelState = 'idle';
  protected stream: Duplex | null = null;
  private readonly linkQueue = new ByteQueue();
  private linkStep: 'header' | 'reply' | 'sasl' | 'sasl-result' | 'result' = 'header';
  private sasl: SaslExchange | null = null;
  /** The SASL security layer (DIGEST-MD5 auth-conf): wraps every byte after the link result. */
  private securityLayer: SaslSecurityLayer | null = null;
  /** Set once the server answered NEED_SECURED and we moved this channel to TLS. */
  private upgradedToTls = false;
  private linkReplySize = 0;
  private framer: MessageFramer | null = null;
  private miniHeader = false;
  private sendSerial = 0n;
  private ackWindow = 0;
  private unacked = 0;
  /** Capability words the server announced for this channel (valid once linked). */
  protected serverCommonCaps: number[] = [];
  protected serverChannelCaps: number[] = [];
  private closedReported = false;
  /** Messages that arrived while an earlier one waits for an asynchronous step (hold()), in order. */
  private held: { message: SpiceMessage; arrivedAt: number }[] = [];
  private heldFirst = 0;
  private heldBytes = 0;
  private holding = false;
  /** Reading is paused because too much is held (HELD_BYTES_PAUSE). */
  private readingPaused = false;
  /** When the latest chunk arrived (performance.now()). */
  private chunkArrivedAt = 0;
  /** When the chunk that completed the message being handled arrived (performance.now()). */
  protected messageArrivedAt = 0;

  constructor(
    readonly type: number,
    readonly id: number,
    protected readonly context: ChannelContext,
    private readonly observer: ChannelObserver,
  ) {}

  get name(): string {
    return `${CHANNEL_NAMES[this.type] ?? `channel-${this.type}`}${this.id === 0 ? '' : `:${this.id}`}`;
  }

  /** Capability bits this channel type advertises. */
  protected abstract channelCaps(): number[];
  /** A message of this channel's own types arrived. */
  protected abstract handleMessage(message: SpiceMessage): void;
  /** Called once the link succeeded, before any message arrives. */
  protected onReady(): void {}

  /** Where this channel's large message bodies are gathered (framing.ts); undefined: ordinary memory. */
  protected largeBodies(): LargeBodies | undefined {
    return undefined;
  }

  protected serverHasChannelCap(bit: number): boolean {
    return hasCap(this.serverChannelCaps, bit);
  }

  async connect(): Promise<void> {
    if (this.state !== 'idle') throw new Error(`${this.name} channel already started`);
    this.state = 'linking';
    await this.openAndLink(false);
  }

  private async openAndLink(secure: boolean): Promise<void> {
    let stream: Duplex;
    try {
      stream = await this.context.openStream(this.type, secure);
    } catch (error) {
      this.fail(error instanceof SessionError ? error : new SessionError('connect', (error as Error).message));
      return;
    }
    if (this.state !== 'linking') {
      stream.destroy();
      return;
    }
    this.stream = stream;
    // Events of a stream we replaced (NEED_SECURED) are ignored.
    stream.on('data', (chunk: Buffer) => {
      if (this.stream === stream) this.onData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    });
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (this.stream !== stream) return;
      if (this.loginRefused()) return;
      this.fail(new SessionError('closed', `${this.name} channel: ${error.code === 'ECONNRESET' ? 'the server reset the connection' : error.message}`));
    });
    stream.on('close', () => {
      if (this.stream !== stream) return;
      if (this.loginRefused()) return;
      if (this.state === 'linking') this.fail(new SessionError('closed', `${this.name} channel: the server closed the connection during the link`));
      else this.fail(new SessionError('closed', `${this.name} channel: the server closed the connection`));
    });
    const commonCaps = [CommonCap.PROTOCOL_AUTH_SELECTION, CommonCap.AUTH_SPICE, CommonCap.AUTH_SASL, CommonCap.MINI_HEADER];
    stream.write(
      encodeLinkRequest({
        connectionId: this.context.connectionId,
        channelType: this.type,
        channelId: this.id,
        commonCaps,
        channelCaps: this.channelCaps(),
      }),
    );
  }

  /** Closes the channel on our own initiative. */
  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.stream?.destroy();
    this.report(null);
  }

  /** The single failure path: close, report once, refuse further work. */
  protected fail(error: SessionError): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.stream?.destroy();
    this.report(error);
  }

  private report(error: SessionError | null): void {
    if (this.closedReported) return;
    this.closedReported = true;
    this.observer.closed(this, error);
  }

  /** Sends one message (no-op once closed). */
  send(type: number, body: Uint8Array = new Uint8Array(0)): void {
    if (this.state !== 'ready' || !this.stream) return;
    this.sendSerial++;
    const bytes = encodeMessage(type, body, this.miniHeader, this.sendSerial);
    if (this.securityLayer) for (const packet of this.securityLayer.encode(bytes)) this.stream.write(packet);
    else this.stream.write(bytes);
  }

  /** A server refusing a SASL login just hangs up: after our proof was sent, say so. */
  private loginRefused(): boolean {
    if (this.state !== 'linking' || this.linkStep !== 'sasl' || !this.sasl?.credentialsSent) return false;
    const user = this.context.username ?? '';
    this.fail(new SessionError('auth', `${this.name} channel: the server refused the SASL login (${this.sasl.mechanismName}) for user "${user}": wrong user name or password`));
    return true;
  }

  /** NEED_SECURED: drop this connection and link again over TLS (as spice-gtk does). */
  private retryOverTls(): void {
    const old = this.stream;
    this.stream = null;
    old?.destroy();
    this.upgradedToTls = true;
    this.linkQueue.clear();
    this.linkStep = 'header';
    this.context.log.info(`${this.name} channel: the server requires TLS; linking again over TLS`);
    void this.openAndLink(true);
  }

  private onData(chunk: Uint8Array): void {
    if (this.state === 'closed') return;
    this.chunkArrivedAt = performance.now();
    this.context.countReceived?.(chunk.byteLength);
    try {
      if (this.state === 'linking') {
        this.linkQueue.push(this.securityLayer ? this.securityLayer.decode(chunk) : chunk);
        this.advanceLink();
        return;
      }
      this.deliver(this.framer!.feed(this.securityLayer ? this.securityLayer.decode(chunk) : chunk));
    } catch (error) {
      this.fail(this.asSessionError(error));
    }
  }

  private asSessionError(error: unknown): SessionError {
    if (error instanceof SessionError) return error;
    if (error instanceof ProtocolError) return new SessionError('protocol', `${this.name} channel: ${error.message}`);
    if (error instanceof TicketError) return new SessionError('auth', error.message);
    if (error instanceof SaslError) return new SessionError(error.kind, `${this.name} channel: ${error.message}`);
    // A bug of ours, not the server's: still one clear line, but say so.
    return new SessionError('protocol', `${this.name} channel: internal error: ${(error as Error)?.message ?? String(error)}`);
  }

  private advanceLink(): void {
    for (;;) {
      if (this.linkStep === 'header') {
        const header = this.linkQueue.take(LINK_HEADER_SIZE);
        if (!header) return;
        this.linkReplySize = parseLinkHeader(header).size;
        this.linkStep = 'reply';
      } else if (this.linkStep === 'reply') {
        const body = this.linkQueue.take(this.linkReplySize);
        if (!body) return;
        this.linkStep = 'result';
        if (this.onLinkReply(body) === 'retry') return;
      } else if (this.linkStep === 'sasl') {
        if (!this.sasl!.advance(this.linkQueue)) return;
        this.linkStep = 'sasl-result';
      } else if (this.linkStep === 'sasl-result') {
        // SASL ends with its own plain u32 result; the link result proper follows, already
        // inside the security layer when one was negotiated (as spice-gtk reads them).
        const result = this.linkQueue.take(4);
        if (!result) return;
        const code = parseLinkResult(result);
        if (code !== LinkError.OK) {
          throw new SessionError('auth', `${this.name} channel: the server rejected the SASL login (${this.sasl!.mechanismName}): ${code === LinkError.ERROR ? 'its security requirements were not met' : linkErrorText(code)}`);
        }
        this.securityLayer = this.sasl!.securityLayer();
        if (this.securityLayer) {
          const rest = this.linkQueue.take(this.linkQueue.length);
          this.linkQueue.clear();
          if (rest && rest.byteLength > 0) this.linkQueue.push(this.securityLayer.decode(rest));
        }
        this.linkStep = 'result';
      } else {
        const result = this.linkQueue.take(4);
        if (!result) return;
        this.onLinkResult(parseLinkResult(result));
        return;
      }
    }
  }

  /**
   * After the link reply: SASL when the server offers it (spice-server offers either SASL or
   * the SPICE ticket, never both), the RSA-encrypted ticket otherwise.
   */
  private onLinkReply(body: Uint8Array): 'retry' | 'continue' {
    const reply = parseLinkReply(body);
    if (reply.error === LinkError.NEED_SECURED && !this.upgradedToTls && !(this.stream instanceof TLSSocket) && this.context.canUseTls?.()) {
      this.retryOverTls();
      return 'retry';
    }
    if (reply.error !== LinkError.OK) throw this.linkFailure(reply.error);
    this.serverCommonCaps = reply.commonCaps;
    this.serverChannelCaps = reply.channelCaps;
    const selection = hasCap(reply.commonCaps, CommonCap.PROTOCOL_AUTH_SELECTION);
    const saslOffered = selection && hasCap(reply.commonCaps, CommonCap.AUTH_SASL);
    const spiceOffered = !selection || hasCap(reply.commonCaps, CommonCap.AUTH_SPICE);
    if (saslOffered && (!spiceOffered || (this.context.username ?? '') !== '')) {
      this.stream!.write(encodeAuthMechanism(AuthMechanism.SASL));
      const stream = this.stream!;
      this.sasl = new SaslExchange(
        { username: this.context.username ?? '', password: this.context.password, host: this.context.host ?? '', secure: stream instanceof TLSSocket },
        (bytes) => stream.write(bytes),
        (message) => this.context.log.debug(`${this.name} channel: ${message}`),
      );
      this.linkStep = 'sasl';
      return 'continue';
    }
    if (!spiceOffered) throw new SessionError('unsupported', `${this.name} channel: the server offers no authentication Saffron knows`);
    if (selection) this.stream!.write(encodeAuthMechanism(AuthMechanism.SPICE));
    this.stream!.write(encryptTicket(reply.publicKey, this.context.password));
    return 'continue';
  }

  private onLinkResult(code: number): void {
    if (code !== LinkError.OK) throw this.linkFailure(code);
    this.miniHeader = hasCap(this.serverCommonCaps, CommonCap.MINI_HEADER);
    this.framer = new MessageFramer(this.miniHeader, undefined, this.largeBodies());
    this.state = 'ready';
    this.context.log.debug(`${this.name} channel linked (mini header: ${this.miniHeader})`);
    this.onReady();
    this.observer.ready(this);
    const rest = this.linkQueue.take(this.linkQueue.length);
    this.linkQueue.clear();
    this.sasl = null;
    if (rest && rest.byteLength > 0 && this.state === 'ready') this.deliver(this.framer.feed(rest));
  }

  private linkFailure(code: number): SessionError {
    const text = `${this.name} channel: ${linkErrorText(code)}`;
    if (code === LinkError.PERMISSION_DENIED) return new SessionError('auth', `${this.name} channel: the server refused the password (permission denied)`);
    if (code === LinkError.NEED_SECURED) {
      return new SessionError('tls', `${this.name} channel: the server requires TLS for this channel, and ${this.upgradedToTls ? 'it still refused it over TLS' : 'no tls-port is known (give one in the URI, e.g. spice://host?port=P&tls-port=T)'}`);
    }
    return new SessionError('protocol', text);
  }

  private deliver(messages: SpiceMessage[]): void {
    const sliceEnd = performance.now() + SLICE_MS;
    for (let i = 0; i < messages.length; i++) {
      if (this.state !== 'ready') return;
      if (!this.holding && i > 0 && performance.now() > sliceEnd) this.yieldToLoop();
      if (this.holding) {
        for (; i < messages.length; i++) {
          this.held.push({ message: messages[i], arrivedAt: this.chunkArrivedAt });
          this.heldBytes += messages[i].body.byteLength;
        }
        if (this.heldBytes > HELD_BYTES_PAUSE && !this.readingPaused && this.stream) {
          this.readingPaused = true;
          this.stream.pause();
        }
        return;
      }
      this.messageArrivedAt = this.chunkArrivedAt;
      this.countForAck();
      this.handleCommon(messages[i]);
    }
  }

  /** The rest waits for the next turn of the event loop, so input and timers are served between. */
  private yieldToLoop(): void {
    this.hold(new Promise<void>((resolve) => setImmediate(resolve)));
  }

  /**
   * Called while handling a message whose work finishes later (an image decoded on another
   * thread): later messages wait, in order, until `done` settles; a rejection fails the channel.
   * Their ACKs wait too, so the server's ACK window bounds what queues up here.
   */
  protected hold(done: Promise<void>): void {
    this.holding = true;
    done.then(
      () => this.releaseHeld(),
      (error: unknown) => this.fail(this.asSessionError(error)),
    );
  }

  private releaseHeld(): void {
    this.holding = false;
    if (this.heldFirst > 1024 && this.heldFirst * 2 > this.held.length) {
      this.held = this.held.slice(this.heldFirst);
      this.heldFirst = 0;
    }
    const sliceEnd = performance.now() + SLICE_MS;
    let handled = 0;
    while (this.heldFirst < this.held.length && !this.holding) {
      if (this.state !== 'ready') break;
      if (handled++ > 0 && performance.now() > sliceEnd) {
        this.yieldToLoop();
        return;
      }
      const { message, arrivedAt } = this.held[this.heldFirst++];
      this.heldBytes -= message.body.byteLength;
      this.messageArrivedAt = arrivedAt;
      try {
        this.countForAck();
        this.handleCommon(message);
      } catch (error) {
        this.fail(this.asSessionError(error));
        break;
      }
    }
    if (this.heldFirst >= this.held.length || this.state !== 'ready') {
      this.held = [];
      this.heldFirst = 0;
      this.heldBytes = 0;
      if (this.readingPaused && this.state === 'ready') {
        this.readingPaused = false;
        this.stream?.resume();
      }
    }
  }

  /** Messages wait behind an asynchronous step (an image decoding on another thread) or for the next turn. */
  get messagesWaiting(): boolean {
    return this.holding || this.heldFirst < this.held.length;
  }

  /** SET_ACK asks for one ACK every `window` messages; the server stops sending when we fall behind. */
  private countForAck(): void {
    if (this.ackWindow === 0) return;
    if (++this.unacked >= this.ackWindow) {
      this.unacked = 0;
      this.send(BaseMsgc.ACK);
    }
  }

  private handleCommon(message: SpiceMessage): void {
    switch (message.type) {
      case BaseMsg.SET_ACK: {
        const ack = parseSetAck(message.body);
        this.ackWindow = ack.window;
        this.unacked = 0;
        this.send(BaseMsgc.ACK_SYNC, encodeAckSync(ack.generation));
        return;
      }
      case BaseMsg.PING:
        this.send(BaseMsgc.PONG, encodePong(parsePing(message.body)));
        return;
      case BaseMsg.NOTIFY: {
        const notify = parseNotify(message.body);
        this.context.log.info(`${this.name} channel: server notice: ${notify.message}`);
        this.observer.notify(this, notify.severity, notify.message);
        return;
      }
      case BaseMsg.DISCONNECTING: {
        const { reason } = parseDisconnecting(message.body);
        this.context.log.debug(`${this.name} channel: server is disconnecting (${linkErrorText(reason)})`);
        return;
      }
      case BaseMsg.WAIT_FOR_CHANNELS:
        // Messages of all our channels are handled in arrival order on one thread; nothing to wait for.
        return;
      case BaseMsg.MIGRATE:
      case BaseMsg.MIGRATE_DATA:
        this.observer.notify(this, NotifySeverity.WARN, 'the server started a migration, which Saffron does not support yet');
        return;
      case BaseMsg.LIST:
        return;
      default:
        this.handleMessage(message);
    }
  }
}
