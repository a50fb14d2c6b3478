import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { SaslError, type SaslCredentials, type SaslMechanism, type SaslStepResult } from './sasl-mechanism';
import { DigestMd5Layer, DIGEST_CIPHERS, type DigestCipher } from './sasl-security-layer';

/**
 * DIGEST-MD5 (RFC 2831), client side, as Cyrus SASL's server speaks it:
 *
 *   server → digest-challenge: realm="r",nonce="n",qop="auth-conf",cipher="rc4,...",maxbuf=8192,
 *                              charset=utf-8,algorithm=md5-sess
 *   client → digest-response:  username="u",realm="r",nonce="n",cnonce="c",nc=00000001,
 *                              qop=auth-conf,cipher=rc4,digest-uri="spice/host",response=<hex>,...
 *   server → response-auth:    rspauth=<hex>   (checked when the server sends it)
 *
 * Without TLS, spice-server demands a security layer of at least 56 bits, so Cyrus offers only
 * qop=auth-conf: we then pick the RC4 cipher and every later byte goes through DigestMd5Layer.
 * Inside TLS it offers qop=auth and no layer is used.
 */
export class DigestMd5 implements SaslMechanism {
  readonly name = 'DIGEST-MD5';
  private step = 0;
  private expectedRspauth: Buffer | null = null;
  private layer: DigestMd5Layer | null = null;

  constructor(
    private readonly credentials: SaslCredentials,
    /** Client nonce; random unless a test fixes it. */
    private readonly cnonce: string = randomBytes(24).toString('base64'),
    /** The digest-uri's service: SPICE's is "spice" (tests use RFC 2831's "imap" example). */
    private readonly service = 'spice',
  ) {}

  start(): Uint8Array | null {
    return null; // DIGEST-MD5 has no initial response
  }

  next(challenge: Uint8Array | null): SaslStepResult {
    this.step++;
    if (this.step === 1) {
      if (challenge === null) throw new SaslError('protocol', 'DIGEST-MD5: the server sent no challenge');
      return { response: this.respond(parseDirectives(Buffer.from(challenge).toString('utf8'))) };
    }
    if (this.step === 2 && challenge !== null) {
      this.checkRspauth(Buffer.from(challenge).toString('utf8'));
      return { response: null };
    }
    throw new SaslError('protocol', 'DIGEST-MD5: the server asked for more steps than the mechanism has');
  }

  /** Verifies the server's proof when it arrives in the final data (spice-server sends it so). */
  finish(finalData: Uint8Array | null): void {
    if (finalData !== null && finalData.length > 0 && this.step === 1) this.checkRspauth(Buffer.from(finalData).toString('utf8'));
  }

  securityLayer(): DigestMd5Layer | null {
    return this.layer;
  }

  private respond(challenge: Map<string, string>): Uint8Array {
    const nonce = challenge.get('nonce');
    if (!nonce) throw new SaslError('protocol', 'DIGEST-MD5: the challenge has no nonce');
    const algorithm = challenge.get('algorithm');
    if (algorithm !== 'md5-sess') throw new SaslError('protocol', `DIGEST-MD5: unsupported algorithm "${algorithm ?? '(none)'}"`);
    const offered = splitList(challenge.get('qop') ?? 'auth');
    const utf8 = challenge.get('charset')?.toLowerCase() === 'utf-8';
    const realm = challenge.get('realm') ?? '';
    let qop: 'auth' | 'auth-conf';
    let cipher: DigestCipher | undefined;
    if (this.credentials.secure && offered.includes('auth')) {
      qop = 'auth';
    } else if (offered.includes('auth-conf')) {
      qop = 'auth-conf';
      const ciphers = splitList(challenge.get('cipher') ?? '');
      cipher = DIGEST_CIPHERS.find((name) => ciphers.includes(name));
      if (!cipher) throw new SaslError('unsupported', `DIGEST-MD5: the server offers ciphers ${ciphers.join(', ') || '(none)'}; Saffron supports ${DIGEST_CIPHERS.join(', ')}`);
    } else if (offered.includes('auth')) {
      qop = 'auth';
    } else {
      throw new SaslError('unsupported', `DIGEST-MD5: the server offers qop ${offered.join(', ')}; Saffron supports auth and auth-conf`);
    }
    const serverMaxbuf = Number(challenge.get('maxbuf') ?? 65536);
    const digestUri = `${this.service}/${this.credentials.host}`;
    const nc = '00000001';
    const secret = createHash('md5')
      .update(encodeCredential(this.credentials.username, utf8))
      .update(':')
      .update(encodeCredential(realm, utf8))
      .update(':')
      .update(encodeCredential(this.credentials.password, utf8))
      .digest();
    const ha1 = createHash('md5').update(secret).update(`:${nonce}:${this.cnonce}`).digest();
    secret.fill(0);
    const integrityZeros = qop === 'auth' ? '' : ':00000000000000000000000000000000';
    const kd = (a2: string): string => {
      const ha2 = createHash('md5').update(a2).digest('hex');
      return createHash('md5').update(`${ha1.toString('hex')}:${nonce}:${nc}:${this.cnonce}:${qop}:${ha2}`).digest('hex');
    };
    const response = kd(`AUTHENTICATE:${digestUri}${integrityZeros}`);
    this.expectedRspauth = Buffer.from(kd(`:${digestUri}${integrityZeros}`), 'latin1');
    if (cipher) this.layer = new DigestMd5Layer(ha1, cipher, Number.isFinite(serverMaxbuf) && serverMaxbuf > 64 ? serverMaxbuf : 65536);
    ha1.fill(0);
    const parts = [
      `username=${quote(this.credentials.username)}`,
      ...(challenge.has('realm') ? [`realm=${quote(realm)}`] : []),
      `nonce=${quote(nonce)}`,
      `cnonce=${quote(this.cnonce)}`,
      `nc=${nc}`,
      `qop=${qop}`,
      ...(cipher ? [`cipher=${cipher}`] : []),
      ...(utf8 ? ['charset=utf-8'] : []),
      `digest-uri=${quote(digestUri)}`,
      `response=${response}`,
    ];
    return new Uint8Array(Buffer.from(parts.join(','), 'utf8'));
  }

  private checkRspauth(text: string): void {
    const rspauth = Buffer.from(parseDirectives(text).get('rspauth') ?? '', 'latin1');
    const expected = this.expectedRspauth;
    if (!expected || rspauth.length !== expected.length || !timingSafeEqual(rspauth, expected)) {
      throw new SaslError('auth', 'DIGEST-MD5: the server could not prove it knows the password (bad rspauth); refusing it');
    }
  }
}

/** RFC 2831: with charset=utf-8, strings that fit ISO 8859-1 are hashed in ISO 8859-1. */
function encodeCredential(text: string, utf8: boolean): Buffer {
  // eslint-disable-next-line no-control-regex
  if (!utf8 || /^[\u0000-\u00ff]*$/.test(text)) return Buffer.from(text, 'latin1');
  return Buffer.from(text, 'utf8');
}

function quote(value: string): string {
  return `"${value.replace(/(["\\])/g, '\\$1')}"`;
}

function splitList(value: string): string[] {
  return value.split(',').map((item) => item.trim()).filter((item) => item !== '');
}

/** key=value or key="quoted \"value\"", separated by commas; a repeated key keeps the first. */
export function parseDirectives(text: string): Map<string, string> {
  const directives = new Map<string, string>();
  let i = 0;
  const skip = (): void => {
    while (i < text.length && /[\s,]/.test(text[i])) i++;
  };
  for (skip(); i < text.length; skip()) {
    const eq = text.indexOf('=', i);
    if (eq < 0) throw new SaslError('protocol', 'DIGEST-MD5: malformed challenge');
    const key = text.slice(i, eq).trim().toLowerCase();
    i = eq + 1;
    let value = '';
    if (text[i] === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        value += text[i++];
      }
      if (i >= text.length) throw new SaslError('protocol', 'DIGEST-MD5: unterminated quoted string in the challenge');
      i++;
    } else {
      const end = text.indexOf(',', i);
      value = text.slice(i, end < 0 ? text.length : end).trim();
      i = end < 0 ? text.length : end;
    }
    if (!directives.has(key)) directives.set(key, value);
  }
  return directives;
}
