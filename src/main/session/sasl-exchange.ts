import type { ByteQueue } from '../../core/protocol/byte-queue';
import { ProtocolError } from '../../core/protocol/errors';
import { DigestMd5 } from './sasl-digest-md5';
import { CramMd5Mechanism, PlainMechanism, SaslError, type SaslCredentials, type SaslMechanism } from './sasl-mechanism';
import type { SaslSecurityLayer } from './sasl-security-layer';

/** Mechanisms Saffron speaks, best first; PLAIN and CRAM-MD5 only inside TLS. */
export const SUPPORTED_MECHANISMS = ['DIGEST-MD5', 'CRAM-MD5', 'PLAIN'] as const;

const MAX_MECHLIST = 300;
const MAX_DATA = 1024 * 1024;

/**
 * SPICE's SASL exchange (after the client chose AUTH_SASL), all integers u32 little-endian:
 *
 *   server → u32 mechlist length, mechlist ("DIGEST-MD5,PLAIN", no NUL)
 *   client → u32 name length, mechanism name; u32 data length (0 = no data, else + 1), data, NUL
 *   server → u32 length (0 = no data), data with a trailing NUL, u8 complete
 *   while not complete:
 *     client → u32 length (0 or + 1), data, NUL
 *     server → u32 length, data with NUL, u8 complete
 *   then the link result (u32) as for ticket authentication; with a security layer, every
 *   byte after it is wrapped.
 * A server refusing the login simply closes the connection.
 */
export class SaslExchange {
  private step: 'mechlist-length' | 'mechlist' | 'data-length' | 'data' | 'complete' | 'done' = 'mechlist-length';
  private length = 0;
  private data: Uint8Array | null = null;
  private mechanism: SaslMechanism | null = null;
  /** True once our proof of the password is on the wire: a close after it means "refused". */
  credentialsSent = false;

  constructor(
    private readonly credentials: SaslCredentials,
    private readonly write: (bytes: Uint8Array) => void,
    private readonly log: (message: string) => void,
  ) {}

  get mechanismName(): string | undefined {
    return this.mechanism?.name;
  }

  /** Consumes what it can from the queue; true once the exchange is done (the link result follows). */
  advance(queue: ByteQueue): boolean {
    for (;;) {
      switch (this.step) {
        case 'done':
          return true;
        case 'mechlist-length':
        case 'data-length': {
          const bytes = queue.take(4);
          if (!bytes) return false;
          this.length = readU32(bytes);
          const limit = this.step === 'mechlist-length' ? MAX_MECHLIST : MAX_DATA;
          if (this.length > limit) throw new ProtocolError(`SASL: the server announced ${this.length} bytes of ${this.step === 'mechlist-length' ? 'mechanism list' : 'data'}`);
          this.step = this.step === 'mechlist-length' ? 'mechlist' : 'data';
          break;
        }
        case 'mechlist': {
          const bytes = queue.take(this.length);
          if (!bytes) return false;
          this.choose(Buffer.from(bytes).toString('latin1'));
          this.step = 'data-length';
          break;
        }
        case 'data': {
          const bytes = queue.take(this.length);
          if (!bytes) return false;
          // The server counts a trailing NUL; 0 means "no data" (not the same as empty data).
          this.data = this.length === 0 ? null : bytes.slice(0, bytes.length - 1);
          this.step = 'complete';
          break;
        }
        case 'complete': {
          const bytes = queue.take(1);
          if (!bytes) return false;
          if (bytes[0] !== 0) {
            this.mechanism!.finish(this.data);
            this.step = 'done';
            this.log(`SASL ${this.mechanism!.name} login complete`);
            return true;
          }
          this.sendData(this.mechanism!.next(this.data).response);
          this.step = 'data-length';
          break;
        }
      }
    }
  }

  securityLayer(): SaslSecurityLayer | null {
    return this.mechanism?.securityLayer() ?? null;
  }

  private choose(mechlist: string): void {
    const offered = mechlist.split(/[\s,]+/).filter((name) => name !== '').map((name) => name.toUpperCase());
    const usable = (name: string): boolean => offered.includes(name) && (name === 'DIGEST-MD5' || this.credentials.secure);
    const name = SUPPORTED_MECHANISMS.find(usable);
    if (!name) {
      if (offered.length === 0) {
        throw new SaslError('unsupported', `the server offers no SASL mechanism on this connection${this.credentials.secure ? '' : ' (without TLS it offers only mechanisms with a security layer, and has none: connect to its tls-port)'}`);
      }
      const inTls = this.credentials.secure ? '' : ' (PLAIN and CRAM-MD5 only inside TLS)';
      throw new SaslError('unsupported', `the server offers SASL mechanisms ${offered.join(', ') || '(none)'}; Saffron supports ${SUPPORTED_MECHANISMS.join(', ')}${inTls}`);
    }
    if (this.credentials.username === '') {
      throw new SaslError('auth', `the server asks for a SASL login (${name}): give a user name (--username, or username= in the .vv file) and a password`);
    }
    this.mechanism = name === 'DIGEST-MD5' ? new DigestMd5(this.credentials) : name === 'CRAM-MD5' ? new CramMd5Mechanism(this.credentials) : new PlainMechanism(this.credentials);
    this.log(`SASL: the server offers ${offered.join(', ')}; using ${name}`);
    const nameBytes = Buffer.from(name, 'latin1');
    this.write(concat(u32(nameBytes.length), nameBytes));
    this.sendData(this.mechanism.start());
  }

  private sendData(data: Uint8Array | null): void {
    if (data === null) {
      this.write(u32(0));
      return;
    }
    const packet = new Uint8Array(4 + data.length + 1);
    packet.set(u32(data.length + 1), 0);
    packet.set(data, 4);
    this.write(packet);
    data.fill(0); // PLAIN's data holds the password itself
    this.credentialsSent = true;
  }
}

function readU32(bytes: Uint8Array): number {
  return (bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24)) >>> 0;
}

function u32(value: number): Uint8Array {
  return new Uint8Array([value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff]);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
