import type { Duplex } from 'node:stream';
import { encodeAckSync, encodePong, parseDisconnecting, parseNotify, parsePing, parseSetAck } from '../../core/protocol/base-messages';
import { ByteQueue } from '../../core/protocol/byte-queue';
import { hasCap } from '../../core/protocol/capabilities';
import { AuthMechanism, BaseMsg, BaseMsgc, CHANNEL_NAMES, CommonCap, LinkError, NotifySeverity } from '../../core/protocol/constants';
import { ProtocolError } from '../../core/protocol/errors';
import { encodeMessage, MessageFramer, type SpiceMessage } from '../../core/protocol/framing';
import {
  encodeAuthMechanism,
  encodeLinkRequest,
  LINK_HEADER_SIZE,
  linkErrorText,
  parseLinkHeader,
  parseLinkReply,
  parseLinkResult,
} from '../../core/protocol/link';
import { encryptTicket, TicketError } from '../session/ticket';
import { SessionError } from '../session/session-error';
import type { Logger } from '../session/logger';

/** Everything a channel needs from its session. */
export interface ChannelContext {
  readonly connectionId: number;
  readonly password: string;
  readonly log: Logger;
  /** Told the size of every chunk received (the session's bandwidth figure). */
  countReceived?(bytes: number): void;
  /** Opens the byte stream to the server (TCP, TLS or through a proxy); the session decides which. */
  openStream(channelType: number): Promise<Duplex>;
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
 * One SPICE channel: link, authentication, framing, flow control (ACK) and the messages every
 * channel shares. Subclasses handle their own message types. All failures go through fail(),
 * which closes the socket, reports once, and makes later sends no-ops.
 */
export abstract class Channel {
  state: ChannelState = 'idle';
  protected stream: Duplex | null = null;
  private readonly linkQueue = new ByteQueue();
  private linkStep: 'header' | 'reply' | 'result' = 'header';
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

  protected serverHasChannelCap(bit: number): boolean {
    return hasCap(this.serverChannelCaps, bit);
  }

  async connect(): Promise<void> {
    if (this.state !== 'idle') throw new Error(`${this.name} channel already started`);
    this.state = 'linking';
    let stream: Duplex;
    try {
      stream = await this.context.openStream(this.type);
    } catch (error) {
      this.fail(error instanceof SessionError ? error : new SessionError('connect', (error as Error).message));
      return;
    }
    if (this.state !== 'linking') {
      stream.destroy();
      return;
    }
    this.stream = stream;
    stream.on('data', (chunk: Buffer) => this.onData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
    stream.on('error', (error: NodeJS.ErrnoException) => {
      this.fail(new SessionError('closed', `${this.name} channel: ${error.code === 'ECONNRESET' ? 'the server reset the connection' : error.message}`));
    });
    stream.on('close', () => {
      if (this.state === 'linking') this.fail(new SessionError('closed', `${this.name} channel: the server closed the connection during the link`));
      else this.fail(new SessionError('closed', `${this.name} channel: the server closed the connection`));
    });
    const commonCaps = [CommonCap.PROTOCOL_AUTH_SELECTION, CommonCap.AUTH_SPICE, CommonCap.MINI_HEADER];
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
    this.stream.write(encodeMessage(type, body, this.miniHeader, this.sendSerial));
  }

  private onData(chunk: Uint8Array): void {
    if (this.state === 'closed') return;
    this.context.countReceived?.(chunk.byteLength);
    try {
      if (this.state === 'linking') {
        this.linkQueue.push(chunk);
        this.advanceLink();
        return;
      }
      this.deliver(this.framer!.feed(chunk));
    } catch (error) {
      this.fail(this.asSessionError(error));
    }
  }

  private asSessionError(error: unknown): SessionError {
    if (error instanceof SessionError) return error;
    if (error instanceof ProtocolError) return new SessionError('protocol', `${this.name} channel: ${error.message}`);
    if (error instanceof TicketError) return new SessionError('auth', error.message);
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
        this.onLinkReply(body);
        this.linkStep = 'result';
      } else {
        const result = this.linkQueue.take(4);
        if (!result) return;
        this.onLinkResult(parseLinkResult(result));
        return;
      }
    }
  }

  private onLinkReply(body: Uint8Array): void {
    const reply = parseLinkReply(body);
    if (reply.error !== LinkError.OK) throw this.linkFailure(reply.error);
    this.serverCommonCaps = reply.commonCaps;
    this.serverChannelCaps = reply.channelCaps;
    if (!hasCap(reply.commonCaps, CommonCap.AUTH_SPICE) && hasCap(reply.commonCaps, CommonCap.PROTOCOL_AUTH_SELECTION)) {
      throw new SessionError('unsupported', `${this.name} channel: the server offers only SASL authentication, which is not supported yet`);
    }
    if (hasCap(reply.commonCaps, CommonCap.PROTOCOL_AUTH_SELECTION)) {
      this.stream!.write(encodeAuthMechanism(AuthMechanism.SPICE));
    }
    this.stream!.write(encryptTicket(reply.publicKey, this.context.password));
  }

  private onLinkResult(code: number): void {
    if (code !== LinkError.OK) throw this.linkFailure(code);
    this.miniHeader = hasCap(this.serverCommonCaps, CommonCap.MINI_HEADER);
    this.framer = new MessageFramer(this.miniHeader);
    this.state = 'ready';
    this.context.log.debug(`${this.name} channel linked (mini header: ${this.miniHeader})`);
    this.onReady();
    this.observer.ready(this);
    const rest = this.linkQueue.take(this.linkQueue.length);
    this.linkQueue.clear();
    if (rest && rest.byteLength > 0 && this.state === 'ready') this.deliver(this.framer.feed(rest));
  }

  private linkFailure(code: number): SessionError {
    const text = `${this.name} channel: ${linkErrorText(code)}`;
    if (code === LinkError.PERMISSION_DENIED) return new SessionError('auth', `${this.name} channel: the server refused the password (permission denied)`);
    if (code === LinkError.NEED_SECURED) return new SessionError('unsupported', text);
    return new SessionError('protocol', text);
  }

  private deliver(messages: SpiceMessage[]): void {
    for (const message of messages) {
      if (this.state !== 'ready') return;
      this.countForAck();
      this.handleCommon(message);
    }
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
