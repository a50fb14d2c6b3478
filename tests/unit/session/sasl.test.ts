import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ByteQueue } from '../../../src/core/protocol/byte-queue';
import { DigestMd5, parseDirectives } from '../../../src/main/session/sasl-digest-md5';
import { SaslExchange } from '../../../src/main/session/sasl-exchange';
import { CramMd5Mechanism, PlainMechanism } from '../../../src/main/session/sasl-mechanism';
import { DigestMd5Layer, Rc4 } from '../../../src/main/session/sasl-security-layer';
import { chunkings } from '../../support/chunking';

const text = (bytes: Uint8Array | null): string => Buffer.from(bytes ?? new Uint8Array(0)).toString('utf8');

test('DIGEST-MD5 answers RFC 2831 section 4 example exactly, and checks rspauth', () => {
  const mechanism = new DigestMd5({ username: 'chris', password: 'secret', host: 'elwood.innosoft.com', secure: true }, 'OA6MHXh6VqTrRk', 'imap');
  assert.equal(mechanism.start(), null);
  const challenge = 'realm="elwood.innosoft.com",nonce="OA6MG9tEQGm2hh",qop="auth",algorithm=md5-sess,charset=utf-8';
  const response = parseDirectives(text(mechanism.next(new Uint8Array(Buffer.from(challenge))).response));
  assert.equal(response.get('response'), 'd388dad90d4bbd760a152321f2143af7');
  assert.equal(response.get('digest-uri'), 'imap/elwood.innosoft.com');
  assert.equal(response.get('qop'), 'auth');
  assert.equal(mechanism.securityLayer(), null);
  assert.doesNotThrow(() => mechanism.finish(new Uint8Array(Buffer.from('rspauth=ea40f60335c427b5527b84dbabcdfffd'))));
  const liar = new DigestMd5({ username: 'chris', password: 'secret', host: 'elwood.innosoft.com', secure: true }, 'OA6MHXh6VqTrRk', 'imap');
  liar.next(new Uint8Array(Buffer.from(challenge)));
  assert.throws(() => liar.finish(new Uint8Array(Buffer.from('rspauth=00000000000000000000000000000000'))), /could not prove it knows the password/);
});

test('DIGEST-MD5 without TLS picks auth-conf with RC4, as spice-server demands', () => {
  const mechanism = new DigestMd5({ username: 'alice', password: 'pw', host: '127.0.0.1', secure: false }, 'cn');
  const challenge = 'nonce="n1",realm="vm",qop="auth-conf",cipher="rc4-56,rc4,3des",maxbuf=8192,charset=utf-8,algorithm=md5-sess';
  const response = parseDirectives(text(mechanism.next(new Uint8Array(Buffer.from(challenge))).response));
  assert.equal(response.get('qop'), 'auth-conf');
  assert.equal(response.get('cipher'), 'rc4');
  assert.equal(response.get('digest-uri'), 'spice/127.0.0.1');
  assert.ok(mechanism.securityLayer());
  const noCipher = new DigestMd5({ username: 'a', password: 'b', host: 'h', secure: false });
  assert.throws(() => noCipher.next(new Uint8Array(Buffer.from('nonce="n",qop="auth-conf",cipher="3des,des",algorithm=md5-sess'))), /ciphers 3des, des; Saffron supports rc4/);
});

test('RC4 matches the published test vectors', () => {
  const hex = (key: string, plain: string): string => Buffer.from(new Rc4(new Uint8Array(Buffer.from(key))).process(new Uint8Array(Buffer.from(plain)))).toString('hex');
  assert.equal(hex('Key', 'Plaintext'), 'bbf316e8d940af0ad3');
  assert.equal(hex('Wiki', 'pedia'), '1021bf0420');
  assert.equal(hex('Secret', 'Attack at dawn'), '45a01f645fc35b383552544b9bf5');
});

test('the DIGEST-MD5 security layer: sealed both ways, any chunking, tampering and replay refused', () => {
  const ha1 = createHash('md5').update('session key').digest();
  const client = new DigestMd5Layer(ha1, 'rc4', 8192);
  const server = new DigestMd5Layer(ha1, 'rc4', 65536, true);
  const message = new Uint8Array(20_000).map((_, i) => (i * 7) & 0xff);
  const packets = client.encode(message);
  assert.ok(packets.length >= 3, 'split to fit the server maxbuf of 8192');
  for (const packet of packets) assert.ok(packet.length - 4 <= 8192);
  const wire = Buffer.concat(packets);
  assert.ok(!wire.includes(Buffer.from(message.subarray(0, 32))), 'the plain bytes do not appear on the wire');
  assert.deepEqual(new Uint8Array(new DigestMd5Layer(ha1, 'rc4', 65536, true).decode(wire)), message);
  // A small exchange (two packets) under every 1-, 2- and 3-way chunking.
  const small = message.subarray(0, 400);
  const smallWire = new Uint8Array(Buffer.concat(new DigestMd5Layer(ha1, 'rc4', 300).encode(small)));
  for (const pieces of chunkings(smallWire)) {
    const receiver = new DigestMd5Layer(ha1, 'rc4', 65536, true);
    const out = Buffer.concat(pieces.map((piece) => receiver.decode(piece)));
    assert.deepEqual(new Uint8Array(out), small);
  }
  const answer = server.encode(new Uint8Array(Buffer.from('pong')));
  assert.equal(text(client.decode(answer[0])), 'pong');

  const tampered = new Uint8Array(wire);
  tampered[10] ^= 1;
  assert.throws(() => new DigestMd5Layer(ha1, 'rc4', 65536, true).decode(tampered), /integrity check/);
  const replay = new DigestMd5Layer(ha1, 'rc4', 65536, true);
  replay.decode(packets[0]);
  assert.throws(() => replay.decode(packets[0]), /out of sequence/);
  assert.throws(() => new DigestMd5Layer(ha1, 'rc4', 65536, true).decode(new Uint8Array([0xff, 0xff, 0xff, 0xff])), /packet size .* not sane/);
});

test('CRAM-MD5 (RFC 2195 example) and PLAIN', () => {
  const cram = new CramMd5Mechanism({ username: 'tim', password: 'tanstaaftanstaaf', host: 'h', secure: true });
  assert.equal(text(cram.next(new Uint8Array(Buffer.from('<1896.697170952@postoffice.reston.mci.net>'))).response), 'tim b913a602c7eda7a495b4e6e7334d3890');
  const plain = new PlainMechanism({ username: 'u', password: 'p', host: 'h', secure: true });
  assert.equal(text(plain.start()), '\0u\0p');
});

/** Builds what spice-server sends during SASL (u32 little-endian lengths). */
function serverBytes(...parts: (string | number[] | { data: string | null; complete: boolean })[]): Uint8Array {
  const out: number[] = [];
  const u32 = (n: number): void => { out.push(n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff); };
  for (const part of parts) {
    if (typeof part === 'string') { u32(part.length); out.push(...Buffer.from(part, 'latin1')); }
    else if (Array.isArray(part)) out.push(...part);
    else {
      if (part.data === null) u32(0);
      else { u32(part.data.length + 1); out.push(...Buffer.from(part.data, 'latin1'), 0); }
      out.push(part.complete ? 1 : 0);
    }
  }
  return new Uint8Array(out);
}

test('the SPICE SASL wire exchange, fed in every chunking', () => {
  const script = serverBytes('DIGEST-MD5,PLAIN', { data: 'nonce="abc",realm="vm",qop="auth",charset=utf-8,algorithm=md5-sess', complete: false });
  for (const pieces of chunkings(script)) {
    const written: Uint8Array[] = [];
    const exchange = new SaslExchange({ username: 'alice', password: 'pw', host: 'h', secure: true }, (bytes) => written.push(bytes), () => {});
    const queue = new ByteQueue();
    let done = false;
    for (const piece of pieces) { queue.push(piece); done = exchange.advance(queue); }
    assert.equal(done, false);
    assert.equal(exchange.mechanismName, 'DIGEST-MD5');
    const sent = Buffer.concat(written);
    assert.equal(sent.readUInt32LE(0), 10);
    assert.equal(sent.subarray(4, 14).toString(), 'DIGEST-MD5');
    assert.equal(sent.readUInt32LE(14), 0, 'DIGEST-MD5 starts with no data');
    const responseLength = sent.readUInt32LE(18);
    assert.equal(sent[22 + responseLength - 1], 0, 'data ends with NUL');
    assert.match(sent.subarray(22, 22 + responseLength - 1).toString(), /^username="alice",realm="vm",nonce="abc",cnonce="[^"]+",nc=00000001,qop=auth,charset=utf-8,digest-uri="spice\/h",response=[0-9a-f]{32}$/);
    assert.equal(exchange.credentialsSent, true);
  }
});

test('mechanism choice: PLAIN only inside TLS; unknown mechanisms named; no user name asked for', () => {
  const run = (mechlist: string, secure: boolean, username = 'u'): string => {
    const written: Uint8Array[] = [];
    const exchange = new SaslExchange({ username, password: 'p', host: 'h', secure }, (bytes) => written.push(bytes), () => {});
    const queue = new ByteQueue();
    queue.push(serverBytes(mechlist));
    exchange.advance(queue);
    return exchange.mechanismName ?? '';
  };
  assert.equal(run('PLAIN,DIGEST-MD5', false), 'DIGEST-MD5');
  assert.equal(run('PLAIN', true), 'PLAIN');
  assert.throws(() => run('PLAIN', false), /offers SASL mechanisms PLAIN; Saffron supports DIGEST-MD5, CRAM-MD5, PLAIN \(PLAIN and CRAM-MD5 only inside TLS\)/);
  assert.throws(() => run('GSSAPI,SCRAM-SHA-256', true), /offers SASL mechanisms GSSAPI, SCRAM-SHA-256/);
  assert.throws(() => run('', false), /offers no SASL mechanism on this connection/);
  assert.throws(() => run('DIGEST-MD5', false, ''), /give a user name/);
  const queue = new ByteQueue();
  queue.push(serverBytes([0xff, 0xff, 0, 0]));
  assert.throws(() => new SaslExchange({ username: 'u', password: 'p', host: 'h', secure: false }, () => {}, () => {}).advance(queue), /announced 65535 bytes of mechanism list/);
});
