import { MainMsgc } from '../../../src/core/protocol/constants';
import {
  AgentCap,
  AgentMessageAssembler,
  AgentMsg,
  encodeAgentMessage,
  encodeAnnounceCapabilities,
  splitAgentData,
  type AgentMessage,
} from '../../../src/core/protocol/agent-messages';
import type { AgentPort } from '../../../src/main/agent/agent-link';
import { GuestAgent } from '../../../src/main/agent/guest-agent';
import type { Logger } from '../../../src/main/session/logger';

/** What spice-vdagentd 0.22 announces. */
export const VDAGENTD_CAPS = [
  AgentCap.MOUSE_STATE, AgentCap.MONITORS_CONFIG, AgentCap.REPLY, AgentCap.CLIPBOARD_BY_DEMAND, AgentCap.CLIPBOARD_SELECTION,
  AgentCap.SPARSE_MONITORS_CONFIG, AgentCap.GUEST_LINEEND_LF, AgentCap.MAX_CLIPBOARD, AgentCap.AUDIO_VOLUME_SYNC,
  AgentCap.GRAPHICS_DEVICE_INFO, AgentCap.CLIPBOARD_NO_RELEASE_ON_REGRAB, AgentCap.CLIPBOARD_GRAB_SERIAL,
];

export const quietLog: Logger & { warnings: string[] } = {
  warnings: [],
  debug() {},
  info() {},
  warn(message: string) {
    this.warnings.push(message);
  },
};

/**
 * The main channel and the guest agent behind it, for unit tests: records what the client
 * sends (AGENT_START, AGENT_DATA bodies reassembled into agent messages) and delivers agent
 * messages cut into bodies of `chunk` bytes.
 */
export class FakeAgentSide implements AgentPort {
  readonly sent: { type: number; body: Uint8Array }[] = [];
  readonly messages: AgentMessage[] = [];
  private readonly assembler = new AgentMessageAssembler();

  constructor(readonly agent: GuestAgent, private readonly chunk = 2048) {}

  send(type: number, body: Uint8Array): void {
    this.sent.push({ type, body: body.slice() });
    if (type === MainMsgc.AGENT_DATA) {
      if (body.byteLength > 2048) throw new Error(`AGENT_DATA of ${body.byteLength} bytes: the server would hang up`);
      this.messages.push(...this.assembler.feed(body));
    }
  }

  /** The agent says something to the client. */
  deliver(type: number, payload: Uint8Array): void {
    for (const body of splitAgentData(encodeAgentMessage(type, payload), this.chunk)) this.agent.receive(body);
  }

  /** Connects the agent and answers its capability announcement. */
  connect(caps: readonly number[] = VDAGENTD_CAPS, tokens: number | null = 10): void {
    this.agent.attach(this, tokens);
    this.deliver(AgentMsg.ANNOUNCE_CAPABILITIES, encodeAnnounceCapabilities(false, caps));
  }

  /** Agent messages of one type the client sent. */
  of(type: number): AgentMessage[] {
    return this.messages.filter((m) => m.type === type);
  }
}

export function newAgent(): GuestAgent {
  return new GuestAgent(quietLog);
}
