import type { Failure, FailureKind } from '../../shared/errors';

/** An error that already knows its failure kind and its one-line message. */
export class SessionError extends Error implements Failure {
  override readonly name = 'SessionError';
  constructor(
    readonly kind: FailureKind,
    message: string,
  ) {
    super(message);
  }

  toFailure(): Failure {
    return { kind: this.kind, message: this.message };
  }
}

/** Turns Node socket errors into one line a person understands. */
export function describeSocketError(error: NodeJS.ErrnoException, endpoint: string): SessionError {
  switch (error.code) {
    case 'ECONNREFUSED':
      return new SessionError('connect', `${endpoint}: connection refused (is a SPICE server listening there?)`);
    case 'ECONNRESET':
    case 'EPIPE':
      return new SessionError('closed', `${endpoint}: the server closed the connection`);
    case 'ETIMEDOUT':
      return new SessionError('connect', `${endpoint}: connection timed out`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new SessionError('connect', `${endpoint}: host not found`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new SessionError('connect', `${endpoint}: host unreachable`);
    default:
      return new SessionError('connect', `${endpoint}: ${error.message}`);
  }
}
