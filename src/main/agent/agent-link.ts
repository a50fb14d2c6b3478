import { MainMsgc } from '../../core/protocol/constants';
import { encodeAgentMessage, splitAgentData } from '../../core/protocol/agent-messages';
import { encodeAgentTokens } from '../../core/protocol/main-messages';

/** What the agent needs of the main channel: sending one message. */
export interface AgentPort {
  send(type: number, body: Uint8Array): void;
}

/**
 * We let the server send us as many AGENT_DATA messages as it likes (spice-gtk does the same):
 * they are handled as they arrive, so there is nothing to hold back, and no AGENT_TOKEN to send.
 */
export const TOKENS_GRANTED_TO_SERVER = 0xffffffff;

const EMPTY = new Uint8Array(0);

/**
 * The client → agent direction of the main channel: every agent message is cut into AGENT_DATA
 * bodies of at most 2048 bytes, and each body costs one token. Tokens come from the server
 * (MAIN_INIT, AGENT_CONNECTED_TOKENS, then AGENT_TOKEN as the guest reads); bodies wait in a
 * queue while there are none, so a big clipboard or file never overruns the server.
 */
export class AgentLink {
  private tokens = 0;
  /** Bodies waiting for tokens: queue[head..] (a head index, so a long queue drains in linear time). */
  private queue: Uint8Array[] = [];
  private head = 0;
  private drainWaiters: { lowWater: number; resolve: () => void }[] = [];
  private port: AgentPort | null = null;

  /** AGENT_DATA bodies waiting for tokens. */
  get queued(): number {
    return this.queue.length - this.head;
  }

  get availableTokens(): number {
    return this.tokens;
  }

  /** The agent is reachable through `port`; `tokens` is the server's grant (null: keep the last one). */
  open(port: AgentPort, tokens: number | null): void {
    this.port = port;
    if (tokens !== null) this.tokens = tokens;
    this.clearQueue();
    port.send(MainMsgc.AGENT_START, encodeAgentTokens(TOKENS_GRANTED_TO_SERVER));
  }

  /** The agent went away: queued bodies are dropped (the guest would not understand their tail). */
  close(): void {
    this.port = null;
    this.clearQueue();
    this.wakeDrainWaiters();
  }

  /** Remembers a grant made while the agent is not connected (MAIN_INIT without agent). */
  setTokens(tokens: number): void {
    this.tokens = tokens;
  }

  /** AGENT_TOKEN: the server accepts `count` more bodies. */
  grant(count: number): void {
    this.tokens = Math.min(0xffffffff, this.tokens + count);
    this.flush();
  }

  /** Queues one agent message (header + payload), cut into AGENT_DATA bodies. */
  sendMessage(type: number, payload: Uint8Array): void {
    if (this.port === null) return;
    for (const chunk of splitAgentData(encodeAgentMessage(type, payload))) this.queue.push(chunk);
    this.flush();
  }

  /** Resolves once at most `lowWater` bodies wait for tokens (or the agent is gone). */
  whenDrained(lowWater = 0): Promise<void> {
    if (this.queued <= lowWater || this.port === null) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push({ lowWater, resolve }));
  }

  private flush(): void {
    const port = this.port;
    if (port === null) return;
    while (this.tokens > 0 && this.head < this.queue.length) {
      this.tokens--;
      const body = this.queue[this.head];
      this.queue[this.head++] = EMPTY;
      port.send(MainMsgc.AGENT_DATA, body);
    }
    if (this.head === this.queue.length) this.clearQueue();
    else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.wakeDrainWaiters();
  }

  private clearQueue(): void {
    this.queue = [];
    this.head = 0;
  }

  private wakeDrainWaiters(): void {
    if (this.drainWaiters.length === 0) return;
    const waiting: typeof this.drainWaiters = [];
    for (const waiter of this.drainWaiters) {
      if (this.port === null || this.queued <= waiter.lowWater) waiter.resolve();
      else waiting.push(waiter);
    }
    this.drainWaiters = waiting;
  }
}
