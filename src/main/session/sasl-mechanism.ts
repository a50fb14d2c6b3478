import { createHmac } from 'node:crypto';
import type { FailureKind } from '../../shared/errors';
import type { SaslSecurityLayer } from './sasl-security-layer';

/** What a SASL mechanism needs to log in. The password never leaves this object but as a proof. */
export interface SaslCredentials {
  readonly username: string;
  readonly password: string;
  /** The server's host name as the user gave it (DIGEST-MD5's digest-uri "spice/host"). */
  readonly host: string;
  /** The connection is TLS: no SASL security layer is needed, plaintext mechanisms are allowed. */
  readonly secure: boolean;
}

export interface SaslStepResult {
  /** The client's answer; null sends "no data" (distinct from an empty answer in SASL). */
  readonly response: Uint8Array | null;
}

/** One client mechanism: an optional initial response, then one answer per server challenge. */
export interface SaslMechanism {
  readonly name: string;
  start(): Uint8Array | null;
  next(challenge: Uint8Array | null): SaslStepResult;
  /** The server said "complete", possibly with final data (DIGEST-MD5's rspauth). */
  finish(finalData: Uint8Array | null): void;
  /** The security layer negotiated, if any; every byte after the link result goes through it. */
  securityLayer(): SaslSecurityLayer | null;
}

/** A SASL problem, with the failure kind the session should report. */
export class SaslError extends Error {
  override readonly name = 'SaslError';
  constructor(
    readonly kind: FailureKind,
    message: string,
  ) {
    super(message);
  }
}

/** PLAIN (RFC 4616): "\0user\0password" in one message. Only ever used inside TLS. */
export class PlainMechanism implements SaslMechanism {
  readonly name = 'PLAIN';
  constructor(private readonly credentials: SaslCredentials) {}

  start(): Uint8Array {
    return new Uint8Array(Buffer.from(`\0${this.credentials.username}\0${this.credentials.password}`, 'utf8'));
  }

  next(): SaslStepResult {
    throw new SaslError('protocol', 'PLAIN: the server asked for a second step');
  }

  finish(): void {}

  securityLayer(): null {
    return null;
  }
}

/** CRAM-MD5 (RFC 2195): answers the challenge with "user HEX(HMAC-MD5(password, challenge))". */
export class CramMd5Mechanism implements SaslMechanism {
  readonly name = 'CRAM-MD5';
  private answered = false;
  constructor(private readonly credentials: SaslCredentials) {}

  start(): null {
    return null;
  }

  next(challenge: Uint8Array | null): SaslStepResult {
    if (this.answered || challenge === null) throw new SaslError('protocol', 'CRAM-MD5: unexpected server step');
    this.answered = true;
    const digest = createHmac('md5', Buffer.from(this.credentials.password, 'utf8')).update(challenge).digest('hex');
    return { response: new Uint8Array(Buffer.from(`${this.credentials.username} ${digest}`, 'utf8')) };
  }

  finish(): void {}

  securityLayer(): null {
    return null;
  }
}
