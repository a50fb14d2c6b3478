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
import type { DisplayOptions } from '../channels/display-options';
import { InputsChannel } from '../channels/inputs-channel';
import { MainChannel } from '../channels/main-channel';
import { PlaybackChannel, type PlaybackData, type PlaybackFormat, type PlaybackOptions } from '../channels/playback-channel';
import { RecordChannel, type RecordFormat, type RecordOptions } from '../channels/record-channel';
import { GuestAgent } from '../agent/guest-agent';
import { DisplayResources } from '../surfaces/display-resources';
import type { Surface } from '../surfaces/surface';
import type { SurfaceMove } from '../surfaces/copy-bits-move';
import { channelWantsTls, isChannelName, type ChannelName, type ConnectOptions } from '../profiles/connect-options';
import { silentLogger, type Logger } from './logger';
import { DEFAULT_RECONNECT_POLICY, isRetryable, reconnectDelay, type ReconnectedEvent, type ReconnectingEvent, type ReconnectPolicy } from './reconnect';
import { SessionError } from './session-error';
import { openStream } from './streams';

/**
 * ConnectOptions (target, password, username, TLS, secure/disabled channels, proxy, unix path)
 * plus how this session behaves.
 */
export interface SessionOptions extends ConnectOptions {
  readonly target: ConnectTarget;
  /** The ticket or SASL password; '' when the server has no ticketing. Kept only as long as the session. */
  readonly password?: string;
  /** Limit for the TCP connect and the main channel's link together (ms). */
  readonly connectTimeoutMs?: number;
  readonly log?: Logger;
  /** Reconnect after the connection drops (true: the default policy). Off unless asked. */
  readonly reconnect?: boolean | Partial<ReconnectPolicy>;
  /** Image compression to ask for, video stream sink, decoders (display-options.ts). */
  readonly display?: DisplayOptions;
  /** Sound: which codecs this front end can handle (raw PCM only unless it says Opus). */
  readonly audio?: { readonly playback?: PlaybackOptions; readonly record?: RecordOptions };
  /**
   * Start the guest agent (clipboard, monitors, file transfer): true unless a front end that
   * never uses it says false, so the guest's agent does not see a client come and go.
   */
  readonly agent?: boolean;
}

export interface SessionEvents {
  [event: string]: unknown;
  state: SessionState;
  /** The session ended: failure is null when we asked for it. Emitted exactly once. */
  closed: Failure | null;
  surfaceCreated: { display: DisplayChannel; surface: Surface; primary: boolean };
  surfaceDestroyed: { display: DisplayChannel; surfaceId: number };
  /** `moved`: drawn by a COPY_BITS that `copyBits` announced (a front end may redo the move instead). */
  damage: { display: DisplayChannel; surface: Surface; rect: Rect; receivedAt?: number; moved?: boolean };
  /** A COPY_BITS is about to move pixels (emitted before it is applied; its damage follows). */
  copyBits: { display: DisplayChannel; surface: Surface; move: SurfaceMove; receivedAt?: number };
  displayActivity: { display: DisplayChannel };
  displayMark: { display: DisplayChannel };
  monitors: { display: DisplayChannel; heads: Head[]; maxAllowed: number };
  mouseMode: MouseModeName;
  cursor: CursorState;
  keyModifiers: number;
  notice: string;
  guestName: string;
  /** The connection dropped (or an attempt failed) and another attempt is scheduled. */
  reconnecting: ReconnectingEvent;
  /** The main channel is linked again; surfaces arrive anew through surfaceCreated. */
  reconnected: ReconnectedEvent;
  /** The playback channel is linked: the multimedia time (ms) at that moment. */
  playbackLinked: { time: number };
  /** The guest started playing: the format of the packets that follow. */
  playbackStart: PlaybackFormat;
  /** One packet, to be played when multimediaTime() reaches its time (after PLAYBACK_LATENCY of buffering). */
  playbackData: PlaybackData;
  playbackStop: null;
  /** The guest mixer's volume per channel, 0..65535. */
  playbackVolume: { volumes: number[] };
  playbackMute: { muted: boolean };
  /** How much the server wants the client to buffer (ms). */
  playbackLatency: { latencyMs: number };
  /** The guest opened its microphone: capture (once allowed) and call sendRecordSamples(). */
  recordStart: RecordFormat;
  recordStop: null;
  recordVolume: { volumes: number[] };
  recordMute: { muted: boolean };
}

/** Channel types this version opens; the rest are reported as not supported. */
const OPENED_CHANNELS: ReadonlySet<number> = new Set([ChannelType.DISPLAY, ChannelType.INPUTS, ChannelType.CURSOR, ChannelType.PLAYBACK, ChannelType.RECORD]);

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
  playback: PlaybackChannel | null = null;
  record: RecordChannel | null = null;
  /** The guest agent: clipboard, monitors configuration, file transfer. One object for the session's life. */
  readonly agent: GuestAgent;
  mouseMode: MouseModeName = 'server';
  /** Bytes received from the server on every channel since connect(). */
  bytesReceived = 0;
  /**
   * When (performance.now()) the latest chunk arrived, on any channel. Chunks are handled one at
   * a time, so while a message's events are emitted this is when its last byte arrived.
   */
  lastReceivedAt = 0;
  private main: MainChannel | null = null;
  private readonly channels = new Set<Channel>();
  private resources: DisplayResources | null = null;
  private readonly log: Logger;
  private connectionId = 0;
  private failure: Failure | null = null;
  /** Bumped at every (re)connection: callbacks of older channels are ignored. */
  private generation = 0;
  /** 'first': the first connection; 'up': linked; 'retrying': a reconnection attempt runs or waits. */
  private phase: 'first' | 'up' | 'retrying' = 'first';
  private readonly reconnectPolicy: ReconnectPolicy | null;
  private reconnectAttempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private attemptTimer: NodeJS.Timeout | null = null;
  private droppedAt = 0;

  constructor(private readonly options: SessionOptions) {
    super();
    this.log = options.log ?? silentLogger;
    this.agent = new GuestAgent(this.log);
    this.agent.on('notice', (message) => this.emit('notice', message));
    if (options.unixPath === undefined && options.target.port === undefined && options.target.tlsPort === undefined) {
      throw new SessionError('connect', 'no port given: a target needs port or tls-port');
    }
    this.reconnectPolicy = options.reconnect ? { ...DEFAULT_RECONNECT_POLICY, ...(options.reconnect === true ? {} : options.reconnect) } : null;
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
      this.startMain(timeoutMs, () => {
        clearTimeout(timer);
        offClosed();
        this.phase = 'up';
        this.setState('connected');
        resolve();
      });
    });
  }

  /** Opens the main channel; `onLinked` runs once it is linked. */
  private startMain(timeoutMs: number, onLinked: () => void): void {
    this.connectionId = 0;
    const generation = ++this.generation;
    const main = new MainChannel(this.channelContext(timeoutMs), this.observer((channel) => {
        if (channel === main && generation === this.generation) onLinked();
      }, generation), {
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
        agent: (connected, tokens) => {
          if (generation !== this.generation || this.options.agent === false) return;
          if (connected) this.agent.attach(main, tokens);
          else if (tokens !== null) this.agent.absent(tokens);
          else this.agent.detach();
        },
        agentData: (body) => {
          if (generation === this.generation && this.options.agent !== false) this.agent.receive(body);
        },
        agentTokens: (tokens) => {
          if (generation === this.generation) this.agent.grantTokens(tokens);
        },
        guestName: (name) => this.emit('guestName', name),
        guestUuid: () => {},
      });
    this.main = main;
    this.channels.add(main);
    void main.connect();
  }

  /** Ends the session on our own initiative. */
  disconnect(): void {
    this.end(null);
  }

  get primarySurface(): Surface | undefined {
    return this.displays.get(0)?.primarySurface;
  }

  /** Whether a display channel has messages still to draw (an image decoding on the worker, and what waits behind it). */
  get displayBusy(): boolean {
    for (const display of this.displays.values()) if (display.messagesWaiting) return true;
    return false;
  }

  requestMouseMode(mode: MouseModeName): void {
    this.main?.requestMouseMode(mode === 'client' ? MouseMode.CLIENT : MouseMode.SERVER);
  }

  private endpoint(): string {
    if (this.options.unixPath !== undefined) return this.options.unixPath;
    const { host, port, tlsPort } = this.options.target;
    return `${host}:${port ?? tlsPort}`;
  }

  private channelContext(timeoutMs: number): ChannelContext {
    const { host, port, tlsPort } = this.options.target;
    return {
      connectionId: this.connectionId,
      password: this.options.password ?? '',
      ...(this.options.username !== undefined ? { username: this.options.username } : {}),
      host,
      log: this.log,
      countReceived: (bytes) => {
        this.bytesReceived += bytes;
        this.lastReceivedAt = performance.now();
      },
      canUseTls: () => tlsPort !== undefined && this.options.unixPath === undefined,
      openStream: (channelType: number, secure = false): Promise<Duplex> => {
        const name = CHANNEL_NAMES[channelType];
        const tls = this.options.unixPath === undefined && (secure || (name !== undefined && isChannelName(name) && channelWantsTls(this.options, name)));
        const chosen = tls ? tlsPort : port;
        if (chosen === undefined && this.options.unixPath === undefined) {
          const why = tls ? `the ${name ?? 'channel'} channel must use TLS but no tls-port was given` : 'no port given';
          return Promise.reject(new SessionError('connect', `${host}: ${why}`));
        }
        this.log.debug(`${name ?? channelType} channel: ${tls ? 'TLS' : 'plain'} connection${this.options.proxy ? ' through the proxy' : ''}`);
        return openStream({
          host,
          port: chosen ?? 0,
          ...(this.options.unixPath !== undefined ? { unixPath: this.options.unixPath } : {}),
          ...(tls ? { tls: this.options.tls ?? {} } : {}),
          ...(this.options.proxy ? { proxy: this.options.proxy } : {}),
          timeoutMs,
        });
      },
    };
  }

  private observer(onReady: (channel: Channel) => void = () => {}, generation = this.generation): ChannelObserver {
    return {
      ready: onReady,
      closed: (channel, error) => {
        this.channels.delete(channel);
        if (generation !== this.generation) return; // a channel of a connection we already left
        if (error) this.connectionFailed(error);
        else if (channel === this.main) this.end(null);
      },
      notify: (_channel, _severity, message) => this.emit('notice', message),
    };
  }

  /** A channel failed: end the session, or (reconnection on, connection lost) try again. */
  private connectionFailed(error: SessionError): void {
    if (this.state === 'disconnected') return;
    if (this.phase === 'first' || !this.reconnectPolicy || !isRetryable(error.kind)) {
      if (this.phase === 'retrying' && this.reconnectAttempt > 0) {
        this.end(new SessionError(error.kind, `${error.message} (while reconnecting, attempt ${this.reconnectAttempt}; not retrying)`));
      } else {
        this.end(error);
      }
      return;
    }
    if (this.phase === 'up') {
      this.droppedAt = Date.now();
      this.log.info(`connection lost (${error.message}); reconnecting`);
    }
    this.phase = 'retrying';
    this.dropChannels();
    this.scheduleReconnect(error.message);
  }

  private dropChannels(): void {
    this.generation++;
    if (this.attemptTimer) clearTimeout(this.attemptTimer);
    this.attemptTimer = null;
    for (const channel of [...this.channels]) channel.close();
    this.channels.clear();
    for (const display of this.displays.values()) {
      for (const surfaceId of [...display.surfaces.keys()]) this.emit('surfaceDestroyed', { display, surfaceId });
    }
    this.displays.clear();
    this.inputs = null;
    this.cursor = null;
    this.playback = null;
    this.record = null;
    this.main = null;
    this.agent.detach('the connection to the server was lost');
    this.setState('connecting');
  }

  private scheduleReconnect(reason: string): void {
    const policy = this.reconnectPolicy!;
    if (this.reconnectAttempt >= policy.maxAttempts) {
      this.end(new SessionError('closed', `${reason} (gave up after ${policy.maxAttempts} reconnection attempts)`));
      return;
    }
    const attempt = ++this.reconnectAttempt;
    const delayMs = reconnectDelay(policy, attempt);
    this.emit('reconnecting', { attempt, maxAttempts: policy.maxAttempts, delayMs, reason });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.state === 'disconnected') return;
      const timeoutMs = this.options.connectTimeoutMs ?? 10_000;
      const generation = this.generation + 1;
      this.attemptTimer = setTimeout(() => {
        if (generation !== this.generation) return;
        this.connectionFailed(new SessionError('timeout', `${this.endpoint()}: connecting and linking took longer than ${timeoutMs} ms`));
      }, timeoutMs);
      this.startMain(timeoutMs, () => {
        if (this.attemptTimer) clearTimeout(this.attemptTimer);
        this.attemptTimer = null;
        const attempts = this.reconnectAttempt;
        this.reconnectAttempt = 0;
        this.phase = 'up';
        this.setState('connected');
        this.emit('reconnected', { attempts, downtimeMs: Date.now() - this.droppedAt });
      });
    }, delayMs);
  }

  private openChannel(type: number, id: number): void {
    if (this.state === 'disconnected') return;
    const name = CHANNEL_NAMES[type];
    if (name !== undefined && this.options.disableChannels?.includes(name as ChannelName)) {
      this.log.info(`not opening the ${name} channel (disabled)`);
      return;
    }
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
        damage: (surface, rect, receivedAt, moved) => this.emit('damage', { display, surface, rect, ...(receivedAt !== undefined ? { receivedAt } : {}), ...(moved ? { moved } : {}) }),
        copyBits: (surface, move, receivedAt) => this.emit('copyBits', { display, surface, move, ...(receivedAt !== undefined ? { receivedAt } : {}) }),
        activity: () => this.emit('displayActivity', { display }),
        mark: () => this.emit('displayMark', { display }),
        monitors: (heads, maxAllowed) => this.emit('monitors', { display, heads, maxAllowed }),
      }, { ...this.options.display, multimediaTime: () => this.multimediaTime() });
      this.displays.set(id, display);
      channel = display;
    } else if (type === ChannelType.INPUTS) {
      if (id !== 0) return;
      this.inputs = new InputsChannel(context, this.observer(), (modifiers) => this.emit('keyModifiers', modifiers));
      channel = this.inputs;
    } else if (type === ChannelType.PLAYBACK) {
      if (id !== 0) return;
      this.playback = new PlaybackChannel(id, context, this.observer(), {
        linked: (time) => this.emit('playbackLinked', { time }),
        start: (format) => this.emit('playbackStart', format),
        data: (packet) => this.emit('playbackData', packet),
        stop: () => this.emit('playbackStop', null),
        volume: (volumes) => this.emit('playbackVolume', { volumes }),
        mute: (muted) => this.emit('playbackMute', { muted }),
        latency: (latencyMs) => this.emit('playbackLatency', { latencyMs }),
      }, () => this.multimediaTime(), this.options.audio?.playback);
      channel = this.playback;
    } else if (type === ChannelType.RECORD) {
      if (id !== 0) return;
      this.record = new RecordChannel(id, context, this.observer(), {
        start: (format) => this.emit('recordStart', format),
        stop: () => this.emit('recordStop', null),
        volume: (volumes) => this.emit('recordVolume', { volumes }),
        mute: (muted) => this.emit('recordMute', { muted }),
      }, () => this.multimediaTime(), this.options.audio?.record);
      channel = this.record;
    } else {
      if (id !== 0) return;
      this.cursor = new CursorChannel(context, this.observer(), (cursor) => this.emit('cursor', cursor));
      channel = this.cursor;
    }
    this.channels.add(channel);
    void channel.connect();
  }

  /**
   * Captured microphone samples for the guest (raw s16le PCM, or one Opus packet when the
   * recordStart format says opus). Dropped while the guest is not recording.
   */
  sendRecordSamples(data: Uint8Array): void {
    this.record?.sendSamples(data);
  }

  /**
   * The client's estimate of the server's multimedia clock (ms, wrapping uint32), from the main
   * channel; playback packets and video frames are due when it reaches their time.
   */
  multimediaTime(): number {
    const main = this.main;
    return main ? (main.multiMediaTime + (Date.now() - main.multiMediaTimeBase)) >>> 0 : 0;
  }

  private setState(state: SessionState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit('state', state);
  }

  /** The single end path: close every channel, report once. */
  private end(error: SessionError | null): void {
    if (this.state === 'disconnected') return;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.attemptTimer) clearTimeout(this.attemptTimer);
    this.reconnectTimer = null;
    this.attemptTimer = null;
    this.failure = error ? error.toFailure() : null;
    this.state = 'disconnected';
    this.agent.detach('the session ended');
    for (const channel of [...this.channels]) channel.close();
    this.channels.clear();
    this.emit('state', 'disconnected');
    this.emit('closed', this.failure);
  }
}
