/**
 * Why a session or a connection attempt failed, as every front end sees it. `kind` lets a UI
 * choose what to offer (a password prompt for 'auth', a certificate panel for 'tls'); `message`
 * is one line for people, and never contains a secret.
 */
export type FailureKind =
  | 'connect' // TCP/proxy: refused, unreachable, timed out
  | 'tls' // certificate or TLS handshake problem
  | 'auth' // wrong password, SASL refusal, ticket expired
  | 'protocol' // the peer sent something we cannot accept
  | 'closed' // the server closed or went away
  | 'timeout' // an overall deadline passed
  | 'unsupported'; // the server needs a feature Saffron does not offer

export interface Failure {
  readonly kind: FailureKind;
  readonly message: string;
}
