import type { FailureKind } from '../../shared/errors';

/** How a session tries again after the connection dropped. */
export interface ReconnectPolicy {
  /** Delay before the first attempt (ms). */
  readonly initialDelayMs: number;
  /** Each later delay is the previous one times this, up to maxDelayMs. */
  readonly factor: number;
  readonly maxDelayMs: number;
  /** Attempts before giving up (the session then ends with the last failure). */
  readonly maxAttempts: number;
  /** Spread of each delay, 0..1: 0.2 means ±20 %, so many clients of one server do not return in step. */
  readonly jitter: number;
}

export const DEFAULT_RECONNECT_POLICY: ReconnectPolicy = {
  initialDelayMs: 500,
  factor: 2,
  maxDelayMs: 15_000,
  maxAttempts: 40,
  jitter: 0.2,
};

/** What the UI is told before each attempt. */
export interface ReconnectingEvent {
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** How long until this attempt starts (ms). */
  readonly delayMs: number;
  /** Why the connection is down: the drop, or the previous attempt's failure. */
  readonly reason: string;
}

export interface ReconnectedEvent {
  /** Attempts it took. */
  readonly attempts: number;
  /** From the drop to the main channel linked again (ms). */
  readonly downtimeMs: number;
}

/** The delay before attempt `attempt` (1-based), with jitter from `random` (0..1). */
export function reconnectDelay(policy: ReconnectPolicy, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** Math.max(0, attempt - 1));
  const spread = base * policy.jitter * (random() * 2 - 1);
  return Math.max(0, Math.round(base + spread));
}

/**
 * Which failures are worth another attempt: the network and the server going away. A refused
 * password, a certificate problem, a protocol error or a missing feature will not fix itself,
 * and retrying a password would only lock the account or flood the server's log.
 */
export function isRetryable(kind: FailureKind): boolean {
  return kind === 'closed' || kind === 'connect' || kind === 'timeout';
}
