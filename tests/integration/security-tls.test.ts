import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { makeTestCertificates, type TestCertificates } from '../support/certs';
import { assertImagesMatch, readPng } from '../support/images';
import { failureLine, runSaffron, type CliResult } from '../support/saffron-cli';
import { passwordFile, startFrozenQemu } from '../support/frozen-qemu';
import { freePort, startXspice } from '../support/servers';
import { showFlatColours, waitForStableScreen } from '../support/scenes';
import { Session } from '../../src/main/session/session';
import { SessionError } from '../../src/main/session/session-error';

/**
 * TLS against QEMU's tls-port: the right CA and subject (or host name) give the server's own
 * pixels; a wrong CA, an expired certificate, a wrong subject or host name are refused with a
 * line naming the certificate problem, before anything secret is sent.
 */

const PASSWORD = 'tls-Ticket-42';
let certs: TestCertificates;

before(async () => {
  certs = await makeTestCertificates();
});

after(() => certs?.remove());

function expectSuccess(result: CliResult): void {
  if (result.code !== 0) throw new Error(`saffron screenshot failed: ${result.code === null ? result.signal : failureLine(result)}`);
}

function expectTlsRefusal(result: CliResult, pattern: RegExp): string {
  const line = failureLine(result);
  assert.equal(result.code, 5, line);
  assert.match(line, pattern);
  assert.ok(!result.stderr.includes(PASSWORD), 'the password must not be echoed');
  return line;
}

test('QEMU tls-port with a password: right CA + subject or host name → equal pixels; wrong CA, subject, ciphers → refused', { timeout: 180_000 }, async () => {
  const { server, truth } = await startFrozenQemu({
    tls: { x509Dir: certs.valid.x509Dir },
    spiceOptions: ['password-secret=s0'],
    extraArgs: ['-object', `secret,id=s0,data=${PASSWORD}`],
  });
  const secret = passwordFile(PASSWORD);
  try {
    const tlsOnly = `spice://127.0.0.1?tls-port=${server.tlsPort}`;
    const out = (name: string): string => join(secret.dir, `${name}.png`);
    const run = (args: string[]): Promise<CliResult> => runSaffron(['screenshot', ...args, '--password-file', secret.path], { killAfterMs: 60_000 });

    // Right CA and the exact subject.
    const subject = await run([tlsOnly, '--out', out('subject'), '--ca-file', certs.caFile, '--host-subject', certs.valid.subject]);
    expectSuccess(subject);
    assertImagesMatch(readPng(out('subject')), truth, { label: 'tls-subject' });

    // No subject: the host name (here the IP address, in subjectAltName) is checked instead.
    const hostName = await run([`spice+tls://127.0.0.1:${server.tlsPort}`, '--out', out('hostname'), '--ca-file', certs.caFile]);
    expectSuccess(hostName);
    assertImagesMatch(readPng(out('hostname')), truth, { label: 'tls-hostname' });

    // A cipher list that works, and one that names nothing usable.
    const ciphers = await run([tlsOnly, '--out', out('ciphers'), '--ca-file', certs.caFile, '--tls-ciphers', 'ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256']);
    expectSuccess(ciphers);
    expectTlsRefusal(await run([tlsOnly, '--out', out('x'), '--ca-file', certs.caFile, '--tls-ciphers', 'NO-SUCH-CIPHER']), /cipher list "NO-SUCH-CIPHER"/);

    // Wrong CA and wrong subject.
    const wrongCa = expectTlsRefusal(await run([tlsOnly, '--out', out('x'), '--ca-file', certs.otherCaFile]), /certificate is not signed by a trusted CA/);
    assert.match(wrongCa, /other-ca-cert\.pem/);
    expectTlsRefusal(await run([tlsOnly, '--out', out('x'), '--ca-file', certs.caFile, '--host-subject', 'O=Saffron Test,CN=elsewhere']),
      /certificate subject "O=Saffron Test,CN=localhost" is not the expected host-subject "O=Saffron Test,CN=elsewhere"/);
    // Same attributes in another order do not match either (remote-viewer compares in order).
    expectTlsRefusal(await run([tlsOnly, '--out', out('x'), '--ca-file', certs.caFile, '--host-subject', 'CN=localhost,O=Saffron Test']), /host-subject/);
  } finally {
    secret.remove();
    await server.stop();
  }
});

test('Xspice with XSPICE_TLS_PORT and a password: secure-channels=all over TLS → equal pixels; wrong CA refused', { timeout: 120_000 }, async () => {
  const tlsPort = await freePort();
  const server = await startXspice({ env: { XSPICE_PASSWORD: PASSWORD, XSPICE_TLS_PORT: String(tlsPort), XSPICE_X509_DIR: certs.valid.x509Dir } });
  const secret = passwordFile(PASSWORD);
  try {
    await showFlatColours(server);
    await waitForStableScreen(server, 500);
    const target = `spice://127.0.0.1?port=${server.port}&tls-port=${tlsPort}`;
    const result = await runSaffron(['screenshot', target, '--out', join(secret.dir, 'x.png'), '--secure-channels', 'all', '--ca-file', certs.caFile,
      '--host-subject', certs.valid.subject, '--password-file', secret.path], { killAfterMs: 60_000 });
    expectSuccess(result);
    assertImagesMatch(readPng(join(secret.dir, 'x.png')), await server.xwd(), { label: 'xspice-tls' });
    const wrongCa = await runSaffron(['screenshot', target, '--out', join(secret.dir, 'y.png'), '--secure-channels', 'all', '--ca-file', certs.otherCaFile,
      '--password-file', secret.path], { killAfterMs: 30_000 });
    expectTlsRefusal(wrongCa, /not signed by a trusted CA/);
  } finally {
    secret.remove();
    await server.stop();
  }
});

test('an expired certificate is refused, naming the expiry', { timeout: 120_000 }, async () => {
  const { server } = await startFrozenQemu({ tls: { x509Dir: certs.expired.x509Dir }, spiceOptions: ['disable-ticketing=on'] });
  const secret = passwordFile(PASSWORD);
  try {
    const result = await runSaffron(['screenshot', `spice+tls://127.0.0.1:${server.tlsPort}`, '--out', join(secret.dir, 'x.png'), '--ca-file', certs.caFile, '--host-subject', certs.expired.subject], { killAfterMs: 30_000 });
    expectTlsRefusal(result, /certificate has expired \(valid until Dec 31 00:00:00 2020 GMT\)/);
  } finally {
    secret.remove();
    await server.stop();
  }
});

test('a certificate for another host: refused by host name, accepted with its exact host-subject', { timeout: 120_000 }, async () => {
  const { server, truth } = await startFrozenQemu({ tls: { x509Dir: certs.otherHost.x509Dir }, spiceOptions: ['disable-ticketing=on'] });
  const secret = passwordFile(PASSWORD);
  try {
    const target = `spice+tls://127.0.0.1:${server.tlsPort}`;
    const byName = await runSaffron(['screenshot', target, '--out', join(secret.dir, 'x.png'), '--ca-file', certs.caFile], { killAfterMs: 30_000 });
    expectTlsRefusal(byName, /does not match the host name/);
    const bySubject = await runSaffron(['screenshot', target, '--out', join(secret.dir, 'ok.png'), '--ca-file', certs.caFile, '--host-subject', certs.otherHost.subject], { killAfterMs: 60_000 });
    expectSuccess(bySubject);
    assertImagesMatch(readPng(join(secret.dir, 'ok.png')), truth, { label: 'tls-other-host-subject' });
  } finally {
    secret.remove();
    await server.stop();
  }
});

test('NEED_SECURED: the server demands TLS for the main channel, the client moves it to the tls-port; secure-channels per channel', { timeout: 120_000 }, async () => {
  const { server, truth } = await startFrozenQemu({ tls: { x509Dir: certs.valid.x509Dir }, spiceOptions: ['disable-ticketing=on', 'tls-channel=main'] });
  const secret = passwordFile(PASSWORD);
  try {
    const both = `spice://127.0.0.1?port=${server.port}&tls-port=${server.tlsPort}`;
    const switched = await runSaffron(['screenshot', both, '--out', join(secret.dir, 'ok.png'), '--ca-file', certs.caFile], { killAfterMs: 60_000 });
    expectSuccess(switched);
    assertImagesMatch(readPng(join(secret.dir, 'ok.png')), truth, { label: 'need-secured' });

    // Without a tls-port the client cannot follow, and says why.
    const plainOnly = await runSaffron(['screenshot', `spice://127.0.0.1:${server.port}`, '--out', join(secret.dir, 'x.png')], { killAfterMs: 30_000 });
    assert.equal(plainOnly.code, 5, failureLine(plainOnly));
    assert.match(failureLine(plainOnly), /requires TLS for this channel, and no tls-port is known/);

    // secure-channels=display: display over TLS as asked, main over TLS as the server demands, the rest plain.
    const session = new Session({ target: { host: '127.0.0.1', port: server.port, tlsPort: server.tlsPort }, tls: { caPem: certs.caPem }, secureChannels: ['display'] });
    try {
      await session.connect();
      const deadline = Date.now() + 20_000;
      let info = '';
      while (Date.now() < deadline) {
        info = await server.monitor('info spice');
        if ((info.match(/channel name:/g) ?? []).length >= 4) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const tlsOf = (name: string): boolean => {
        const block = info.split('Channel:').find((part) => part.includes(`channel name: ${name}`));
        assert.ok(block, `channel ${name} missing from:\n${info}`);
        return /\[tls\]/.test(block!);
      };
      assert.deepEqual({ main: tlsOf('main'), display: tlsOf('display'), inputs: tlsOf('inputs'), cursor: tlsOf('cursor') },
        { main: true, display: true, inputs: false, cursor: false });
    } finally {
      session.disconnect();
    }
  } finally {
    secret.remove();
    await server.stop();
  }
});

/**
 * "No ticket before verification": a TLS server of our own presents a certificate the client
 * must refuse, and records every application byte it receives. The control run (right CA)
 * proves the recorder sees the link message when verification passes.
 */
test('nothing is sent before the certificate is verified', { timeout: 60_000 }, async () => {
  const received: Buffer[] = [];
  const server = createTlsServer({ key: readFileSync(certs.expired.keyFile), cert: readFileSync(certs.expired.certFile) }, (socket: TLSSocket) => {
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', () => socket.destroy());
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const attempt = async (options: { caPem: string; hostSubject?: string }, timeoutMs: number): Promise<SessionError> => {
    const session = new Session({ target: { host: '127.0.0.1', tlsPort: port }, password: PASSWORD, tls: options, connectTimeoutMs: timeoutMs });
    try {
      await session.connect();
      throw new Error('the session connected to a server that never answers');
    } catch (error) {
      if (!(error instanceof SessionError)) throw error;
      return error;
    } finally {
      session.disconnect();
    }
  };
  try {
    const expired = await attempt({ caPem: certs.caPem, hostSubject: certs.expired.subject }, 5000);
    assert.equal(expired.kind, 'tls');
    assert.match(expired.message, /expired/);
    server.setSecureContext({ key: readFileSync(certs.valid.keyFile), cert: readFileSync(certs.valid.certFile) });
    const wrongCa = await attempt({ caPem: readFileSync(certs.otherCaFile, 'utf8') }, 5000);
    assert.match(wrongCa.message, /not signed by a trusted CA/);
    const wrongSubject = await attempt({ caPem: certs.caPem, hostSubject: 'O=Saffron Test,CN=elsewhere' }, 5000);
    assert.match(wrongSubject.message, /not the expected host-subject/);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(Buffer.concat(received).length, 0, 'application bytes reached a server whose certificate was refused');

    // Control: with the right CA and subject, the same recorder does see the link message.
    const control = await attempt({ caPem: certs.caPem }, 1500);
    assert.equal(control.kind, 'timeout');
    assert.equal(Buffer.concat(received).subarray(0, 4).toString('latin1'), 'REDQ', 'the control run sent no link message');
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
