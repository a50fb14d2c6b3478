import { MainCap, MainMsg, MainMsgc, MouseMode } from '../../core/protocol/constants';
import type { SpiceMessage } from '../../core/protocol/framing';
import {
  encodeMouseModeRequest,
  parseAgentDisconnected,
  parseAgentTokens,
  parseChannelsList,
  parseMainInit,
  parseMouseMode,
  parseMultiMediaTime,
  parseName,
  parseUuid,
  type ChannelId,
  type MainInit,
} from '../../core/protocol/main-messages';
import { Channel, type ChannelContext, type ChannelObserver } from './channel';

export interface MainChannelEvents {
  init(init: MainInit): void;
  channelsList(channels: ChannelId[]): void;
  mouseMode(supported: number, current: number): void;
  /**
   * Whether the guest agent is there, and the server's grant of AGENT_DATA messages we may send
   * it (null: AGENT_CONNECTED without a count, the last grant stands).
   */
  agent(connected: boolean, tokens: number | null): void;
  /** AGENT_DATA: a piece of the agent's byte stream (main/agent reassembles it). */
  agentData?(body: Uint8Array): void;
  /** AGENT_TOKEN: the server accepts this many more AGENT_DATA messages from us. */
  agentTokens?(tokens: number): void;
  guestName(name: string): void;
  guestUuid(uuid: string): void;
}

/**
 * The main channel: the session's identity (session id), the list of other channels, mouse
 * mode negotiation, multimedia time, and the guest agent's byte stream (handed to main/agent,
 * which sends AGENT_START and AGENT_DATA through send()). Flow: link → INIT → (agent start,
 * mouse mode request) → ATTACH_CHANNELS → CHANNELS_LIST, after which the session opens the
 * other channels.
 */
export class MainChannel extends Channel {
  /** The server's multimedia clock (ms) at the moment `multiMediaTimeBase` was taken. */
  multiMediaTime = 0;
  multiMediaTimeBase = 0;
  mouseModes = { supported: 0, current: 0 };

  constructor(
    context: ChannelContext,
    observer: ChannelObserver,
    private readonly events: MainChannelEvents,
    private readonly wantClientMouse = true,
  ) {
    super(1, 0, context, observer);
  }

  protected channelCaps(): number[] {
    return [MainCap.NAME_AND_UUID, MainCap.AGENT_CONNECTED_TOKENS];
  }

  requestMouseMode(mode: number): void {
    this.send(MainMsgc.MOUSE_MODE_REQUEST, encodeMouseModeRequest(mode));
  }

  private setMultiMediaTime(time: number): void {
    this.multiMediaTime = time;
    this.multiMediaTimeBase = Date.now();
  }

  protected handleMessage(message: SpiceMessage): void {
    switch (message.type) {
      case MainMsg.INIT: {
        // INIT: see parseMainInit for the layout.
        const init = parseMainInit(message.body);
        this.setMultiMediaTime(init.multiMediaTime);
        this.mouseModes = { supported: init.supportedMouseModes, current: init.currentMouseMode };
        this.events.init(init);
        this.events.mouseMode(init.supportedMouseModes, init.currentMouseMode);
        this.events.agent(init.agentConnected, init.agentTokens);
        // Absolute positions are what a windowed client wants: ask for them when offered.
        if (this.wantClientMouse && init.supportedMouseModes & MouseMode.CLIENT && init.currentMouseMode !== MouseMode.CLIENT) {
          this.requestMouseMode(MouseMode.CLIENT);
        }
        this.send(MainMsgc.ATTACH_CHANNELS);
        return;
      }
      case MainMsg.CHANNELS_LIST:
        this.events.channelsList(parseChannelsList(message.body));
        return;
      case MainMsg.MOUSE_MODE: {
        const modes = parseMouseMode(message.body);
        this.mouseModes = modes;
        this.events.mouseMode(modes.supported, modes.current);
        return;
      }
      case MainMsg.MULTI_MEDIA_TIME:
        this.setMultiMediaTime(parseMultiMediaTime(message.body));
        return;
      case MainMsg.AGENT_CONNECTED:
        this.events.agent(true, null);
        return;
      case MainMsg.AGENT_CONNECTED_TOKENS:
        this.events.agent(true, parseAgentTokens(message.body));
        return;
      case MainMsg.AGENT_DISCONNECTED:
        parseAgentDisconnected(message.body);
        this.events.agent(false, null);
        return;
      case MainMsg.AGENT_TOKEN:
        this.events.agentTokens?.(parseAgentTokens(message.body));
        return;
      case MainMsg.AGENT_DATA:
        this.events.agentData?.(message.body);
        return;
      case MainMsg.NAME:
        this.events.guestName(parseName(message.body));
        return;
      case MainMsg.UUID:
        this.events.guestUuid(parseUuid(message.body));
        return;
      case MainMsg.MIGRATE_BEGIN:
      case MainMsg.MIGRATE_BEGIN_SEAMLESS:
      case MainMsg.MIGRATE_CANCEL:
      case MainMsg.MIGRATE_SWITCH_HOST:
      case MainMsg.MIGRATE_END:
      case MainMsg.MIGRATE_DST_SEAMLESS_ACK:
      case MainMsg.MIGRATE_DST_SEAMLESS_NACK:
        this.context.log.warn('the server is migrating the VM; migration is not supported yet, the session may end');
        return;
      default:
        this.context.log.debug(`main channel: ignoring message type ${message.type}`);
    }
  }
}
