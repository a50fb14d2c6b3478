import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { channelWantsTls, describeProxy, parseProxyUrl, parseSecureChannels } from '../../../src/main/profiles/connect-options';
import { formatName, namesMatch, parseHostSubject } from '../../../src/main/profiles/host-subject';
import { parseSpiceUri } from '../../../src/main/profiles/spice-uri';
import { certificateSubject } from '../../../src/main/session/tls-certificate';

test('spice:// and spice+tls:// URIs with query options', () => {
  assert.deepEqual(parseSpiceUri('spice+tls://host.example:5901'), { host: 'host.example', tlsPort: 5901 });
  assert.deepEqual(parseSpiceUri('spice+tls://host?tls-port=5901'), { host: 'host', tlsPort: 5901 });
  assert.deepEqual(parseSpiceUri('spice+tls://host:5901?port=5900'), { host: 'host', port: 5900, tlsPort: 5901 });
  assert.deepEqual(parseSpiceUri('spice://host:5900?tls-port=5901'), { host: 'host', port: 5900, tlsPort: 5901 });
  assert.throws(() => parseSpiceUri('spice://host:5900?port=5901'), /gives the port twice/);
  assert.throws(() => parseSpiceUri('spice+tls://host:5901?tls-port=5902'), /gives the tls-port twice/);
  assert.throws(() => parseSpiceUri('spice://user:pw@host:5900'), /user names and passwords are not accepted in URIs/);
});

test('proxy URLs: credentials, default port, bare host, refusals', () => {
  assert.deepEqual(parseProxyUrl('http://u%40x:p%3Aw@proxy.example:8080'), { host: 'proxy.example', port: 8080, username: 'u@x', password: 'p:w' });
  assert.deepEqual(parseProxyUrl('proxy.example'), { host: 'proxy.example', port: 3128 });
  assert.deepEqual(parseProxyUrl('http://[::1]:3128'), { host: '::1', port: 3128 });
  assert.equal(describeProxy(parseProxyUrl('http://user:secret@[::1]:3128')), '[::1]:3128');
  assert.throws(() => parseProxyUrl('https://p:443'), /https proxies are not supported yet/);
  assert.throws(() => parseProxyUrl('http://p:3128/path'), /no path or query/);
});

test('secure-channels and which channel uses TLS', () => {
  assert.equal(parseSecureChannels(['all']), 'all');
  assert.deepEqual(parseSecureChannels(['main,display']), ['main', 'display']);
  assert.deepEqual(parseSecureChannels(['main', 'inputs']), ['main', 'inputs']);
  assert.throws(() => parseSecureChannels(['main,bogus']), /unknown channel "bogus"/);
  const both = { target: { host: 'h', port: 1, tlsPort: 2 } };
  assert.equal(channelWantsTls(both, 'display'), false);
  assert.equal(channelWantsTls({ ...both, secureChannels: ['display'] }, 'display'), true);
  assert.equal(channelWantsTls({ ...both, secureChannels: ['display'] }, 'inputs'), false);
  assert.equal(channelWantsTls({ ...both, secureChannels: 'all' }, 'cursor'), true);
  assert.equal(channelWantsTls({ target: { host: 'h', tlsPort: 2 } }, 'inputs'), true, 'only a tls-port: everything over TLS');
});

test('host-subject parsing as spice-common does it: commas, escapes, blanks, long names', () => {
  assert.deepEqual(parseHostSubject('O=Example,CN=host'), [{ oid: '2.5.4.10', value: 'Example' }, { oid: '2.5.4.3', value: 'host' }]);
  assert.deepEqual(parseHostSubject(' O=Example\\, Inc.,  commonName=a\\\\b'), [{ oid: '2.5.4.10', value: 'Example, Inc.' }, { oid: '2.5.4.3', value: 'a\\b' }]);
  assert.equal(parseHostSubject('CN=x,').length, 1, 'a trailing comma ends the list');
  assert.throws(() => parseHostSubject('CN='), /CN has an empty value/);
  assert.throws(() => parseHostSubject('XX=1'), /unknown attribute "XX"/);
  assert.throws(() => parseHostSubject('CN=a\\b'), /only "\\," and "\\\\" may follow a backslash/);
  assert.throws(() => parseHostSubject(''), /names no attribute/);
  assert.equal(formatName(parseHostSubject('O=A\\,B,CN=h')), 'O=A\\,B,CN=h');
});

test("a certificate's subject, read from DER in order, matched as X509_NAME_cmp does", () => {
  const pem = readFileSync(join(__dirname, '..', '..', 'fixtures', 'certs', 'subject-order.pem'), 'utf8');
  const der = new Uint8Array(Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64'));
  const subject = certificateSubject(der);
  assert.equal(formatName(subject), 'C=DE,ST=Bayern,L=München,O=Example\\, Inc.,OU=Virtualisation,CN=spice.example.org,emailAddress=ops@example.org');
  const written = 'C=DE,ST=Bayern,L=München,O=Example\\, Inc.,OU=Virtualisation,CN=spice.example.org,emailAddress=ops@example.org';
  assert.equal(namesMatch(parseHostSubject(written), subject), true);
  assert.equal(namesMatch(parseHostSubject(written.replace('CN=spice', 'CN=  SPICE')), subject), true, 'case and blanks are canonicalised');
  assert.equal(namesMatch(parseHostSubject(written.replace('C=DE,ST=Bayern', 'ST=Bayern,C=DE')), subject), false, 'order matters');
  assert.equal(namesMatch(parseHostSubject('CN=spice.example.org'), subject), false, 'every attribute must be given');
  assert.throws(() => certificateSubject(der.subarray(0, 40)), /DER/);
});
