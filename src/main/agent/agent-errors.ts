/** The guest agent cannot do what was asked now (none runs, it left, it lacks the feature). */
export class AgentUnavailableError extends Error {
  override readonly name = 'AgentUnavailableError';
}

/** The guest agent did not answer in time. */
export class AgentTimeoutError extends Error {
  override readonly name = 'AgentTimeoutError';
}

/** The guest agent's byte stream broke the protocol: the agent is unusable until it reconnects. */
export class AgentProtocolError extends Error {
  override readonly name = 'AgentProtocolError';
}
