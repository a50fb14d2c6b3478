import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { makeTestCertificates, type TestCertificates } from '../support/certs';
import { assertImagesMatch, readPng } from '../support/images';
import { failureLine, runSaffron, type CliResult } from '../support/saffron-cli';
import { makeSaslDb, passwordFile, startFrozenQemu } from '../support/frozen-qemu';

/**
 * SASL against QEMU `sasl=on` with a cyrus-sasl config and sasldb made here: DIGEST-MD5 over
 * plain TCP (spice-server then demands a security layer, so every byte after the login is
 * RC4-sealed and MAC'd), PLAIN inside TLS, a wrong password, and a mechanism we do not speak.
 */

const USER = 'alice';
const PASSWORD = 'Wonder-land 7';
let certs: TestCertificates;

before(async () => {
  certs = await makeTestCertificates();
});
after(() => certs?.remove());

function expectSuccess(result: CliResult): void {
  if (result.code !== 0) throw new Error(`saffron screenshot failed: ${result.code === null ? result.signal : failureLine(result)}`);
}

test('SASL DIGEST-MD5 over plain TCP (auth-conf layer) and inside TLS: equal pixels; wrong password refused', { timeout: 180_000 }, async () => {
  const db = makeSaslDb('digest-md5', USER, PASSWORD);
  const good = passwordFile(PASSWORD);
  const bad = passwordFile('not-the-password');
  const { server, truth } = await startFrozenQemu({ spiceOptions: ['sasl=on'], env: { SASL_CONF_PATH: db.confDir }, tls: { x509Dir: certs.valid.x509Dir } });
  try {
    const plain = `spice://127.0.0.1:${server.port}`;
    const sealed = await runSaffron(['screenshot', plain, '--out', join(good.dir, 'plain.png'), '--username', USER, '--password-file', good.path], { killAfterMs: 60_000 });
    expectSuccess(sealed);
    assertImagesMatch(readPng(join(good.dir, 'plain.png')), truth, { label: 'sasl-digest-plain' });

    const inTls = await runSaffron(['screenshot', `spice+tls://127.0.0.1:${server.tlsPort}`, '--out', join(good.dir, 'tls.png'), '--ca-file', certs.caFile, '--username', USER, '--password-file', good.path], { killAfterMs: 60_000 });
    expectSuccess(inTls);
    assertImagesMatch(readPng(join(good.dir, 'tls.png')), truth, { label: 'sasl-digest-tls' });

    const wrong = await runSaffron(['screenshot', plain, '--out', join(bad.dir, 'x.png'), '--username', USER, '--password-file', bad.path], { killAfterMs: 20_000 });
    const line = failureLine(wrong);
    assert.equal(wrong.code, 6, line);
    assert.match(line, /refused the SASL login \(DIGEST-MD5\) for user "alice": wrong user name or password/);
    assert.ok(wrong.elapsedMs < 5000, `${wrong.elapsedMs} ms`);
    assert.ok(!wrong.stderr.includes('not-the-password'));
    process.stdout.write(`# refused SASL password: exit ${wrong.code} after ${wrong.elapsedMs} ms\n`);

    const noUser = await runSaffron(['screenshot', plain, '--out', join(bad.dir, 'x.png'), '--password-file', good.path], { killAfterMs: 20_000 });
    assert.equal(noUser.code, 6);
    assert.match(failureLine(noUser), /asks for a SASL login \(DIGEST-MD5\): give a user name/);
  } finally {
    await server.stop();
    db.remove();
    good.remove();
    bad.remove();
  }
});

test('SASL PLAIN inside TLS works; over plain TCP no mechanism is offered; other mechanisms are refused clearly', { timeout: 180_000 }, async () => {
  const plainDb = makeSaslDb('plain', USER, PASSWORD);
  const good = passwordFile(PASSWORD);
  const { server, truth } = await startFrozenQemu({ spiceOptions: ['sasl=on'], env: { SASL_CONF_PATH: plainDb.confDir }, tls: { x509Dir: certs.valid.x509Dir } });
  try {
    const inTls = await runSaffron(['screenshot', `spice+tls://127.0.0.1:${server.tlsPort}`, '--out', join(good.dir, 'plain.png'), '--ca-file', certs.caFile, '--username', USER, '--password-file', good.path], { killAfterMs: 60_000 });
    expectSuccess(inTls);
    assertImagesMatch(readPng(join(good.dir, 'plain.png')), truth, { label: 'sasl-plain-tls' });
    const overTcp = await runSaffron(['screenshot', `spice://127.0.0.1:${server.port}`, '--out', join(good.dir, 'x.png'), '--username', USER, '--password-file', good.path], { killAfterMs: 20_000 });
    assert.equal(overTcp.code, 10);
    assert.match(failureLine(overTcp), /offers no SASL mechanism on this connection \(without TLS/);
  } finally {
    await server.stop();
    plainDb.remove();
  }
  const otherDb = makeSaslDb('scram-sha-1', USER, PASSWORD);
  const other = await startFrozenQemu({ spiceOptions: ['sasl=on'], env: { SASL_CONF_PATH: otherDb.confDir }, tls: { x509Dir: certs.valid.x509Dir } });
  try {
    const refused = await runSaffron(['screenshot', `spice+tls://127.0.0.1:${other.server.tlsPort}`, '--out', join(good.dir, 'x.png'), '--ca-file', certs.caFile, '--username', USER, '--password-file', good.path], { killAfterMs: 20_000 });
    assert.equal(refused.code, 10, refused.stderr);
    assert.match(failureLine(refused), /the server offers SASL mechanisms SCRAM-SHA-1; Saffron supports DIGEST-MD5, CRAM-MD5, PLAIN/);
  } finally {
    await other.server.stop();
    otherDb.remove();
    good.remove();
  }
});
