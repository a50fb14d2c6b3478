import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ProtocolError } from '../../core/protocol/errors';
import { concatBytes } from '../../core/util/bytes';

/** A SASL security layer: every byte after authentication is wrapped by it, both ways. */
export interface SaslSecurityLayer {
  /** Wraps outgoing bytes into one or more packets, each within the server's maxbuf. */
  encode(plain: Uint8Array): Uint8Array[];
  /** Unwraps incoming bytes (any chunking); returns the plain bytes complete so far. */
  decode(chunk: Uint8Array): Uint8Array;
}

/** Ciphers we implement, best first. RC4 is legacy, but it is what Cyrus and spice-gtk negotiate. */
export const DIGEST_CIPHERS = ['rc4', 'rc4-56', 'rc4-40'] as const;
export type DigestCipher = (typeof DIGEST_CIPHERS)[number];

/** The largest packet we accept from the server (our maxbuf is the default 65536). */
const MAX_INCOMING_PACKET = 1 << 20;
const MAC_BYTES = 10;
const TRAILER_BYTES = 6; // message type (u16 BE = 1) + sequence number (u32 BE)

/** RC4, written out because OpenSSL 3 keeps it in the legacy provider Node does not load. */
export class Rc4 {
  private readonly s = new Uint8Array(256);
  private i = 0;
  private j = 0;

  constructor(key: Uint8Array) {
    for (let n = 0; n < 256; n++) this.s[n] = n;
    for (let n = 0, j = 0; n < 256; n++) {
      j = (j + this.s[n] + key[n % key.length]) & 0xff;
      const t = this.s[n];
      this.s[n] = this.s[j];
      this.s[j] = t;
    }
  }

  /** XORs the key stream into a copy of `data` (the state carries across calls). */
  process(data: Uint8Array): Uint8Array {
    const out = new Uint8Array(data.length);
    const s = this.s;
    let { i, j } = this;
    for (let n = 0; n < data.length; n++) {
      i = (i + 1) & 0xff;
      j = (j + s[i]) & 0xff;
      const t = s[i];
      s[i] = s[j];
      s[j] = t;
      out[n] = data[n] ^ s[(s[i] + s[j]) & 0xff];
    }
    this.i = i;
    this.j = j;
    return out;
  }
}

const md5 = (...parts: (Uint8Array | string)[]): Buffer => {
  const hash = createHash('md5');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

/**
 * DIGEST-MD5 confidentiality (RFC 2831 §2.4), each packet:
 *   u32 BE length of the rest | CIPHER(Kc, message | HMAC-MD5(Ki, seq | message)[0..10]) |
 *   u16 BE 1 | u32 BE seq
 * with one sequence number per direction from 0, and RC4 state carried across packets.
 * Keys: Kc = MD5(H(A1)[0..n] | "Digest H(A1) to <dir> sealing key magic constant") with n 16 for
 * rc4, 7 for rc4-56 and 5 for rc4-40; Ki = MD5(H(A1) | "Digest session key to <dir> signing key
 * magic constant").
 */
export class DigestMd5Layer implements SaslSecurityLayer {
  private readonly encryptor: Rc4;
  private readonly decryptor: Rc4;
  private readonly sendMacKey: Buffer;
  private readonly receiveMacKey: Buffer;
  private sendSeq = 0;
  private receiveSeq = 0;
  private pending = new Uint8Array(0);
  private readonly maxPlain: number;

  constructor(ha1: Uint8Array, cipher: DigestCipher, serverMaxbuf: number, asServer = false) {
    const n = cipher === 'rc4-40' ? 5 : cipher === 'rc4-56' ? 7 : 16;
    const head = ha1.subarray(0, n);
    const clientSeal = md5(head, 'Digest H(A1) to client-to-server sealing key magic constant');
    const serverSeal = md5(head, 'Digest H(A1) to server-to-client sealing key magic constant');
    const clientSign = md5(ha1, 'Digest session key to client-to-server signing key magic constant');
    const serverSign = md5(ha1, 'Digest session key to server-to-client signing key magic constant');
    // asServer exists for tests: the same class plays the server's side of a conversation.
    this.encryptor = new Rc4(asServer ? serverSeal : clientSeal);
    this.decryptor = new Rc4(asServer ? clientSeal : serverSeal);
    this.sendMacKey = asServer ? serverSign : clientSign;
    this.receiveMacKey = asServer ? clientSign : serverSign;
    clientSeal.fill(0);
    serverSeal.fill(0);
    // Cyrus refuses packets whose length field exceeds its maxbuf; keep clear of it.
    this.maxPlain = Math.max(256, serverMaxbuf - MAC_BYTES - TRAILER_BYTES - 16);
  }

  encode(plain: Uint8Array): Uint8Array[] {
    const packets: Uint8Array[] = [];
    for (let offset = 0; offset < plain.length; offset += this.maxPlain) {
      packets.push(this.seal(plain.subarray(offset, Math.min(plain.length, offset + this.maxPlain))));
    }
    return packets;
  }

  decode(chunk: Uint8Array): Uint8Array {
    const data = this.pending.length === 0 ? chunk : concatBytes(this.pending, chunk);
    const out: Uint8Array[] = [];
    let offset = 0;
    while (data.length - offset >= 4) {
      const size = ((data[offset] << 24) | (data[offset + 1] << 16) | (data[offset + 2] << 8) | data[offset + 3]) >>> 0;
      if (size < MAC_BYTES + TRAILER_BYTES || size > MAX_INCOMING_PACKET) throw new ProtocolError(`SASL security layer: packet size ${size} is not sane`);
      if (data.length - offset - 4 < size) break;
      out.push(this.open(data.subarray(offset + 4, offset + 4 + size)));
      offset += 4 + size;
    }
    this.pending = data.slice(offset);
    return out.length === 1 ? out[0] : concatBytes(...out);
  }

  private seal(message: Uint8Array): Uint8Array {
    const seq = u32(this.sendSeq++);
    const mac = createHmac('md5', this.sendMacKey).update(seq).update(message).digest().subarray(0, MAC_BYTES);
    const sealed = this.encryptor.process(concatBytes(message, mac));
    const packet = new Uint8Array(4 + sealed.length + TRAILER_BYTES);
    packet.set(u32(sealed.length + TRAILER_BYTES), 0);
    packet.set(sealed, 4);
    packet[4 + sealed.length] = 0;
    packet[5 + sealed.length] = 1;
    packet.set(seq, 6 + sealed.length);
    return packet;
  }

  private open(body: Uint8Array): Uint8Array {
    const sealedLength = body.length - TRAILER_BYTES;
    const type = (body[sealedLength] << 8) | body[sealedLength + 1];
    const seq = body.subarray(sealedLength + 2);
    const expected = u32(this.receiveSeq++);
    if (type !== 1) throw new ProtocolError(`SASL security layer: message type ${type} instead of 1`);
    if (!timingSafeEqual(seq, expected)) throw new ProtocolError('SASL security layer: packet out of sequence');
    const opened = this.decryptor.process(body.subarray(0, sealedLength));
    const message = opened.subarray(0, opened.length - MAC_BYTES);
    const mac = createHmac('md5', this.receiveMacKey).update(expected).update(message).digest().subarray(0, MAC_BYTES);
    if (!timingSafeEqual(mac, opened.subarray(opened.length - MAC_BYTES))) {
      throw new ProtocolError('SASL security layer: a packet failed its integrity check (altered on the way?)');
    }
    return message;
  }
}

function u32(value: number): Uint8Array {
  return new Uint8Array([(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff]);
}
