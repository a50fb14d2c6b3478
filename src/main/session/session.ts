import type { Duplex } from 'node:stream';
import { ChannelType, CHANNEL_NAMES, MouseMode } from '../../core/protocol/constants';
import type { Head } from '../../core/protocol/display-messages';
import type { Rect } from '../../core/protocol/display-types';
import { TypedEmitter } from '../../core/util/typed-emitter';
import type { Failure } from '../../shared/errors';
import type { ConnectTarget, MouseModeName, SessionState } from '../../shared/session-types';
import type { Channel, ChannelContext, ChannelObserver } from '../channels/channel';
import { CursorChannel, type CursorState } from '../channels/cursor-channel';
import { DisplayChannel, glzWindowPixels } from '../channels/display-channel';
import { InputsChannel } from '../channels/inputs-channel';
import { MainChannel } from '../channels/main-channel';
import { DisplayResources } from '../surfaces/display-resources';
import type { Surface } from '../surfaces/surface';
import { silentLogger, type Logger } from './logger';
import { SessionError } from './session-error';
import { openTcp } from './streams';

export interface SessionOptions {
  readonly target: ConnectTarget;
  /** The ticket; '' when the server has no ticketing. Kept only as long as the session. */
  readonly password?: string;
  /** Limit for the TCP connect and the main channel's link together (ms). */
  readonly connectTimeoutMs?: number;
  readonly log?: Logger;
}

export interface SessionEvents {
  [event: string]: unknown;
  state: SessionState;
  /** The session ended: failure is null when we asked for it. Emitted exactly once. */
  closed: Failure | null;
  surfaceCreated: { display: DisplayChannel; surface: Surface; primary: boolean };
  surfaceDestroyed: { display: DisplayChannel; surfaceId: number };
  damage: { display: DisplayChannel; surface: Surface; rect: Rect };
  displayActivity: { display: DisplayChannel };
  displayMark: { display: DisplayChannel };
  monitors: { display: DisplayChannel; heads: Head[] };
  mouseMode: MouseModeName;
  cursor: CursorState;
  keyModifiers: number;
  notice: string;
  guestName: string;
}

/** Channel types this version opens; the rest are reported as not supported. */
const OPENED_CHANNELS: ReadonlySet<number> = new Set([ChannelType.DISPLAY, ChannelType.INPUTS, ChannelType.CURSOR]);

/**
 * One connection to one SPICE server: the main channel, then the channels the server lists.
 * The one API every front end uses: connect(), typed events, input methods, disconnect().
 * Any channel failure ends the session once, with one Failure.
 */
export class Session extends TypedEmitter<SessionEvents> {
  state: SessionState = 'idle';
  readonly displays = new Map<number, DisplayChannel>();
  inputs: InputsChannel | null = null;
  cursor: CursorChannel | null = null;
  mouseMode: MouseModeName = 'server';
  /** Bytes received from the server on every channel since connect(). */
  bytesReceived = 0;
  private main: MainChannel | null = null;
  private readonly channels = new Set<Channel>();
  private resources: DisplayResources | null = null;
  private readonly log: Logger;
  private connectionId = 0;
  private failure: Failure | null = null;

  constructor(private readonly options: SessionOptions) {
    super();
    this.log = options.log ?? silentLogger;
    if (options.target.port === undefined && options.target.tlsPort === undefined) {
      throw new SessionError('connect', 'no port given: a target needs port or tls-port');
    }
  }

  /** Resolves once the main channel is linked; rejects with a SessionError otherwise. */
  connect(): Promise<void> {
    if (this.state !== 'idle') return Promise.reject(new Error('a session connects once; create a new one to reconnect'));
    this.setState('connecting');
    const timeoutMs = this.options.connectTimeoutMs ?? 10_000;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.end(new SessionError('timeout', `${this.endpoint()}: connecting and linking took longer than ${timeoutMs} ms`));
      }, timeoutMs);
      const offClosed = this.once('closed', (failure) => {
        clearTimeout(timer);
        reject(failure ? new SessionError(failure.kind, failure.message) : new SessionError('closed', 'disconnected while connecting'));
      });
      const main = new MainChannel(this.channelContext(timeoutMs), this.observer((channel) => {
        if (channel === main) {
          clearTimeout(timer);
          offClosed();
          this.setState('connected');
          resolve();
        }
      }), {
        init: (init) => {
          this.connectionId = init.sessionId;
          this.resources = new DisplayResources(glzWindowPixels(init.ramHint));
        },
        channelsList: (list) => {
          for (const { type, id } of list) this.openChannel(type, id);
        },
        mouseMode: (_supported, current) => {
          this.mouseMode = current === MouseMode.CLIENT ? 'client' : 'server';
          this.emit('mouseMode', this.mouseMode);
        },
        agent: () => {},
        guestName: (name) => this.emit('guestName', name),
        guestUuid: () => {},
      });
      this.main = main;
      this.channels.add(main);
      void main.connect();
    });
  }

  /** Ends the session on our own initiative. */
  disconnect(): void {
    this.end(null);
  }

  get primarySurface(): Surface | undefined {
    return this.displays.get(0)?.primarySurface;
  }

  requestMouseMode(mode: MouseModeName): void {
    this.main?.requestMouseMode(mode === 'client' ? MouseMode.CLIENT : MouseMode.SERVER);
  }

  private endpoint(): string {
    const { host, port, tlsPort } = this.options.target;
    return `${host}:${port ?? tlsPort}`;
  }

  private channelContext(timeoutMs: number): ChannelContext {
    const { host, port, tlsPort } = this.options.target;
    return {
      connectionId: this.connectionId,
      password: this.options.password ?? '',
      log: this.log,
      countReceived: (bytes) => {
        this.bytesReceived += bytes;
      },
      openStream: (): Promise<Duplex> => {
        if (port === undefined) {
          return Promise.reject(new SessionError('unsupported', `${host}: only a tls-port was given; TLS is not supported yet`));
        }
        void tlsPort;
        return openTcp(host, port, timeoutMs);
      },
    };
  }

  private observer(onReady: (channel: Channel) => void = () => {}): ChannelObserver {
    return {
      ready: onReady,
      closed: (channel, error) => {
        this.channels.delete(channel);
        if (error) this.end(error);
        else if (channel === this.main) this.end(null);
      },
      notify: (_channel, _severity, message) => this.emit('notice', message),
    };
  }

  private openChannel(type: number, id: number): void {
    if (this.state === 'disconnected') return;
    if (!OPENED_CHANNELS.has(type)) {
      this.log.info(`the server offers a ${CHANNEL_NAMES[type] ?? `type-${type}`} channel, which is not supported yet`);
      return;
    }
    const context = this.channelContext(this.options.connectTimeoutMs ?? 10_000);
    let channel: Channel;
    if (type === ChannelType.DISPLAY) {
      const display: DisplayChannel = new DisplayChannel(id, context, this.observer(), this.resources!, {
        surfaceCreated: (surface, primary) => this.emit('surfaceCreated', { display, surface, primary }),
        surfaceDestroyed: (surfaceId) => this.emit('surfaceDestroyed', { display, surfaceId }),
        damage: (surface, rect) => this.emit('damage', { display, surface, rect }),
        activity: () => this.emit('displayActivity', { display }),
        mark: () => this.emit('displayMark', { display }),
        monitors: (heads) => this.emit('monitors', { display, heads }),
      });
      this.displays.set(id, display);
      channel = display;
    } else if (type === ChannelType.INPUTS) {
      if (id !== 0) return;
      this.inputs = new InputsChannel(context, this.observer(), (modifiers) => this.emit('keyModifiers', modifiers));
      channel = this.inputs;
    } else {
      if (id !== 0) return;
      this.cursor = new CursorChannel(context, this.observer(), (cursor) => this.emit('cursor', cursor));
      channel = this.cursor;
    }
    this.channels.add(channel);
    void channel.connect();
  }

  private setState(state: SessionState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit('state', state);
  }

  /** The single end path: close every channel, report once. */
  private end(error: SessionError | null): void {
    if (this.state === 'disconnected') return;
    this.failure = error ? error.toFailure() : null;
    this.state = 'disconnected';
    for (const channel of [...this.channels]) channel.close();
    this.channels.clear();
    this.emit('state', 'disconnected');
    this.emit('closed', this.failure);
  }
}
