import {
  AgentCap,
  AgentMessageAssembler,
  AgentMsg,
  AgentReplyResult,
  encodeAnnounceCapabilities,
  parseAgentReply,
  parseAnnounceCapabilities,
  type AgentMessage,
  type ClipboardFraming,
} from '../../core/protocol/agent-messages';
import { hasCap } from '../../core/protocol/capabilities';
import { ProtocolError } from '../../core/protocol/errors';
import { TypedEmitter } from '../../core/util/typed-emitter';
import type { Logger } from '../session/logger';
import { AgentProtocolError, AgentTimeoutError, AgentUnavailableError } from './agent-errors';
import { AgentLink, type AgentPort } from './agent-link';
import { GuestClipboard, type ClipboardGrabEvent, type ClipboardReleaseEvent } from './clipboard';
import { FileTransfers, type FileSource, type FileTransfer, type FileTransferProgress, type FileTransferResult } from './file-transfer';
import { buildMonitorsConfig, type MonitorLayout } from './monitors-config';

/**
 * unknown: the server has not said yet; absent: no agent runs in the guest; connected: the agent
 * is there but capabilities are not exchanged; ready: clipboard, monitors and files can be used;
 * broken: the agent sent what cannot be read, and is ignored until it reconnects.
 */
export type AgentStatus = 'unknown' | 'absent' | 'connected' | 'ready' | 'broken';

export interface AgentFeatures {
  readonly clipboard: boolean;
  /** Selections other than 'clipboard' (primary, secondary). */
  readonly clipboardSelections: boolean;
  readonly monitorsConfig: boolean;
  /** Monitors can be disabled one by one (a list position per monitor). */
  readonly sparseMonitors: boolean;
  readonly fileTransfer: boolean;
  /** The guest ends text lines with CR LF (Windows) rather than LF. */
  readonly crlfLineEnds: boolean;
}

export interface AgentEvents {
  [event: string]: unknown;
  status: AgentStatus;
  clipboardGrab: ClipboardGrabEvent;
  clipboardRelease: ClipboardReleaseEvent;
  /** The agent acknowledged a monitors configuration. */
  monitorsConfigReply: { success: boolean };
  fileTransferProgress: FileTransferProgress;
  fileTransferDone: FileTransferResult;
  /** Something for the user (the agent broke the protocol, a transfer failed...). */
  notice: string;
}

/** What we tell the agent we understand. */
const CLIENT_CAPS = [
  AgentCap.MONITORS_CONFIG,
  AgentCap.REPLY,
  AgentCap.CLIPBOARD_BY_DEMAND,
  AgentCap.CLIPBOARD_SELECTION,
  AgentCap.MONITORS_CONFIG_POSITION,
  AgentCap.FILE_XFER_DETAILED_ERRORS,
  AgentCap.CLIPBOARD_NO_RELEASE_ON_REGRAB,
  AgentCap.CLIPBOARD_GRAB_SERIAL,
];

/**
 * The guest agent (spice-vdagent) as one object per session: its presence, the capability
 * exchange, and the features on top — clipboard, monitors configuration, file transfer. The
 * session feeds it what the main channel receives (attach/detach, AGENT_DATA, AGENT_TOKEN).
 */
export class GuestAgent extends TypedEmitter<AgentEvents> {
  status: AgentStatus = 'unknown';
  readonly clipboard: GuestClipboard;
  private readonly link = new AgentLink();
  private readonly assembler = new AgentMessageAssembler();
  private agentCaps: number[] = [];
  /** Why the agent's stream broke (status 'broken'). */
  private brokenReason = '';
  private readonly transfers: FileTransfers;

  constructor(private readonly log: Logger) {
    super();
    this.clipboard = new GuestClipboard({
      send: (type, payload) => this.link.sendMessage(type, payload),
      framing: () => this.clipboardFraming(),
      grabbed: (event) => this.emit('clipboardGrab', event),
      released: (event) => this.emit('clipboardRelease', event),
      log,
    });
    this.transfers = new FileTransfers({
      send: (type, payload) => this.link.sendMessage(type, payload),
      whenDrained: (lowWater) => this.link.whenDrained(lowWater),
      progress: (progress) => this.emit('fileTransferProgress', progress),
      finished: (result) => this.emit('fileTransferDone', result),
      log,
    });
  }

  /** Whether the agent announced a capability (AgentCap numbers). */
  hasCapability(cap: number): boolean {
    return hasCap(this.agentCaps, cap);
  }

  get features(): AgentFeatures {
    const ready = this.status === 'ready';
    const has = (cap: number): boolean => ready && this.hasCapability(cap);
    return {
      clipboard: has(AgentCap.CLIPBOARD_BY_DEMAND),
      clipboardSelections: has(AgentCap.CLIPBOARD_BY_DEMAND) && has(AgentCap.CLIPBOARD_SELECTION),
      monitorsConfig: has(AgentCap.MONITORS_CONFIG),
      sparseMonitors: has(AgentCap.SPARSE_MONITORS_CONFIG),
      fileTransfer: ready && !this.hasCapability(AgentCap.FILE_XFER_DISABLED),
      crlfLineEnds: has(AgentCap.GUEST_LINEEND_CRLF),
    };
  }

  /**
   * Resolves once capabilities are exchanged. Rejects at once when the server says there is no
   * agent, when the agent leaves, or after timeoutMs.
   */
  whenReady(timeoutMs = 10_000): Promise<void> {
    if (this.status === 'ready') return Promise.resolve();
    if (this.status === 'absent') return Promise.reject(new AgentUnavailableError('the server reports no agent (spice-vdagent) running in the guest'));
    if (this.status === 'broken') return Promise.reject(new AgentProtocolError(this.brokenReason));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new AgentTimeoutError(this.status === 'connected'
          ? `the guest agent did not answer the capability exchange within ${timeoutMs} ms`
          : `the server did not say within ${timeoutMs} ms whether a guest agent runs`));
      }, timeoutMs);
      const off = this.on('status', (status) => {
        if (status === 'ready') {
          clearTimeout(timer);
          off();
          resolve();
        } else if (status === 'absent') {
          clearTimeout(timer);
          off();
          reject(new AgentUnavailableError('the server reports no agent (spice-vdagent) running in the guest'));
        } else if (status === 'broken') {
          clearTimeout(timer);
          off();
          reject(new AgentProtocolError(this.brokenReason));
        }
      });
    });
  }

  /**
   * Asks the guest to use these monitors (index = monitor id; null disables it). The agent
   * changes the guest's resolution and layout; the display channel then reports the result.
   */
  setMonitors(monitors: readonly (MonitorLayout | null)[]): void {
    this.requireReady('configure monitors');
    this.link.sendMessage(AgentMsg.MONITORS_CONFIG, buildMonitorsConfig(monitors, this.hasCapability(AgentCap.SPARSE_MONITORS_CONFIG)));
  }

  /** Sends a file into the guest (the agent's download folder). Progress and the end arrive as events too. */
  sendFile(source: FileSource): FileTransfer {
    this.requireReady('send files');
    if (this.hasCapability(AgentCap.FILE_XFER_DISABLED)) throw new AgentUnavailableError('file transfer is disabled in the guest agent');
    return this.transfers.start(source);
  }

  get fileTransfers(): FileTransfer[] {
    return this.transfers.active;
  }

  // -------------------------------------------------------------------------------------------
  // Fed by the session from the main channel.

  /** The server reports the agent connected (tokens: the server's grant, null = unchanged). */
  attach(port: AgentPort, tokens: number | null): void {
    this.resetConnection('the guest agent reconnected');
    this.link.open(port, tokens);
    this.setStatus('connected');
    // request = 1: the agent answers with its own capabilities, and restarts its grab counters.
    this.clipboard.resetSerials();
    this.link.sendMessage(AgentMsg.ANNOUNCE_CAPABILITIES, encodeAnnounceCapabilities(true, CLIENT_CAPS));
  }

  /** MAIN_INIT said no agent runs, but granted tokens for when one comes. */
  absent(tokens: number): void {
    this.link.setTokens(tokens);
    if (this.status !== 'absent') this.resetConnection('the guest agent is not running');
    this.setStatus('absent');
  }

  /** The agent left (AGENT_DISCONNECTED) or the session's connection did. */
  detach(reason = 'the guest agent disconnected'): void {
    this.resetConnection(reason);
    this.setStatus(this.status === 'unknown' ? 'unknown' : 'absent');
  }

  /** AGENT_TOKEN from the server. */
  grantTokens(count: number): void {
    this.link.grant(count);
  }

  /** AGENT_DATA from the server: part of the agent's byte stream. */
  receive(body: Uint8Array): void {
    if (this.status === 'broken' || this.status === 'absent' || this.status === 'unknown') return;
    let messages: AgentMessage[];
    try {
      messages = this.assembler.feed(body);
    } catch (error) {
      this.breakDown((error as Error).message);
      return;
    }
    for (const message of messages) {
      try {
        this.handle(message);
      } catch (error) {
        if (!(error instanceof ProtocolError)) throw error;
        // One bad message: drop it and keep the stream (its framing is intact). Debug only: the
        // command line keeps stderr to its one failure line; a request left unanswered times out.
        this.log.debug(`guest agent: dropped a malformed message: ${error.message}`);
      }
    }
  }

  private handle(message: AgentMessage): void {
    switch (message.type) {
      case AgentMsg.ANNOUNCE_CAPABILITIES: {
        const announced = parseAnnounceCapabilities(message.data);
        this.agentCaps = announced.caps;
        if (announced.request) this.link.sendMessage(AgentMsg.ANNOUNCE_CAPABILITIES, encodeAnnounceCapabilities(false, CLIENT_CAPS));
        this.log.debug(`guest agent: capabilities ${announced.caps.map((w) => w.toString(16)).join(' ')}`);
        this.setStatus('ready');
        return;
      }
      case AgentMsg.CLIPBOARD_GRAB:
      case AgentMsg.CLIPBOARD_REQUEST:
      case AgentMsg.CLIPBOARD:
      case AgentMsg.CLIPBOARD_RELEASE:
        this.clipboard.handle(message.type, message.data);
        return;
      case AgentMsg.REPLY: {
        const reply = parseAgentReply(message.data);
        if (reply.type === AgentMsg.MONITORS_CONFIG) this.emit('monitorsConfigReply', { success: reply.error === AgentReplyResult.SUCCESS });
        else this.log.debug(`guest agent: reply ${reply.error} to message type ${reply.type}`);
        return;
      }
      case AgentMsg.FILE_XFER_STATUS:
        this.transfers.handleStatus(message.data);
        return;
      default:
        // AUDIO_VOLUME_SYNC, GRAPHICS_DEVICE_INFO and the like: nothing a client must act on.
        this.log.debug(`guest agent: ignoring message type ${message.type} (${message.data.byteLength} bytes)`);
    }
  }

  private clipboardFraming(): ClipboardFraming | null {
    if (this.status !== 'ready' || !this.hasCapability(AgentCap.CLIPBOARD_BY_DEMAND)) return null;
    return {
      selection: this.hasCapability(AgentCap.CLIPBOARD_SELECTION),
      grabSerial: this.hasCapability(AgentCap.CLIPBOARD_GRAB_SERIAL),
    };
  }

  private requireReady(what: string): void {
    if (this.status !== 'ready') {
      const why = this.status === 'connected' ? 'the guest agent has not finished starting'
        : this.status === 'broken' ? this.brokenReason : 'no guest agent is connected';
      throw new AgentUnavailableError(`cannot ${what}: ${why}`);
    }
  }

  /** The agent's byte stream cannot be trusted any more: stop reading it until it reconnects. */
  private breakDown(reason: string): void {
    this.brokenReason = `the guest agent sent data Saffron cannot read (${reason})`;
    this.log.debug(`guest agent: ${reason}; clipboard, monitors and file transfer are off until the agent reconnects`);
    this.emit('notice', `${this.brokenReason}; clipboard sharing is off until it reconnects`);
    this.clipboard.reset('the guest agent broke the protocol');
    this.transfers.abortAll('the guest agent broke the protocol');
    this.setStatus('broken');
  }

  private resetConnection(reason: string): void {
    this.link.close();
    this.assembler.reset();
    this.agentCaps = [];
    this.brokenReason = '';
    this.clipboard.reset(reason);
    this.transfers.abortAll(reason);
  }

  private setStatus(status: AgentStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.emit('status', status);
  }
}
