import type { FailureKind } from '../../../shared/errors';

/** Exit codes of the saffron command (1-127; 3 is kept for "nothing there" answers such as an empty clipboard). */
export const ExitCode = {
  OK: 0,
  INTERNAL: 1,
  USAGE: 2,
  CONNECT: 4,
  TLS: 5,
  AUTH: 6,
  PROTOCOL: 7,
  CLOSED: 8,
  TIMEOUT: 9,
  UNSUPPORTED: 10,
  OUTPUT: 11,
} as const;

export function exitCodeFor(kind: FailureKind): number {
  switch (kind) {
    case 'connect':
      return ExitCode.CONNECT;
    case 'tls':
      return ExitCode.TLS;
    case 'auth':
      return ExitCode.AUTH;
    case 'protocol':
      return ExitCode.PROTOCOL;
    case 'closed':
      return ExitCode.CLOSED;
    case 'timeout':
      return ExitCode.TIMEOUT;
    case 'unsupported':
      return ExitCode.UNSUPPORTED;
  }
}
