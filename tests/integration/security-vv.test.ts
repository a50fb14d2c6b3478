import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestCertificates } from '../support/certs';
import { assertImagesMatch, readPng, type RgbImage } from '../support/images';
import { failureLine, runSaffron } from '../support/saffron-cli';
import { startFrozenQemu } from '../support/frozen-qemu';
import { parsePpm } from '../support/ppm';
import { hmpCommand, requireProgram } from '../support/servers';

/**
 * A .vv file as a hypervisor hands it out: inline CA (one line with \n escapes), tls-port only,
 * password, host-subject, secure-channels=all, delete-this-file=1. It connects, shows the
 * server's pixels, and is gone afterwards.
 */

const PASSWORD = 'vv=Ticket;42'; // '=' and ';' in values must survive the key-file syntax

test('a .vv file with inline ca, tls-port, password, host-subject, secure-channels=all and delete-this-file=1', { timeout: 180_000 }, async () => {
  const certs = await makeTestCertificates();
  const dir = mkdtempSync(join(tmpdir(), 'saffron-vv-'));
  const { server, truth } = await startFrozenQemu({
    tls: { x509Dir: certs.valid.x509Dir },
    spiceOptions: ['password-secret=s0'],
    extraArgs: ['-object', `secret,id=s0,data=${PASSWORD.replace(/,/g, ',,')}`],
  });
  try {
    const inlineCa = certs.caPem.trim().replace(/\n/g, '\\n');
    const vv = (extra: string): string => [
      '# made by a test, as oVirt and Proxmox VE write them',
      '[virt-viewer]',
      'type=spice',
      'host=127.0.0.1',
      'port=-1',
      `tls-port=${server.tlsPort}`,
      `password=${PASSWORD}`,
      `ca=${inlineCa}`,
      `host-subject=${certs.valid.subject}`,
      'secure-channels=all',
      'title=VM 101 - Saffron test',
      'toggle-fullscreen=shift+f11',
      'release-cursor=shift+f12',
      'secure-attention=ctrl+alt+end',
      'delete-this-file=1',
      extra,
      '',
    ].join('\n');
    const file = join(dir, 'console.vv');
    writeFileSync(file, vv(''));
    const result = await runSaffron(['screenshot', file, '--out', join(dir, 'vv.png')], { killAfterMs: 60_000 });
    if (result.code !== 0) throw new Error(`saffron screenshot failed: ${failureLine(result)}`);
    assertImagesMatch(readPng(join(dir, 'vv.png')), truth, { label: 'vv-file' });
    assert.equal(existsSync(file), false, 'delete-this-file=1: the .vv file must be gone');
    assert.equal(result.stderr, '', 'a file with only supported keys prints nothing');

    // Keys Saffron does not support yet are reported (after connecting), never silently dropped.
    const usb = join(dir, 'usb.vv');
    writeFileSync(usb, vv('enable-usbredir=1\nusb-filter=-1,-1,-1,-1,1'));
    const withUsb = await runSaffron(['screenshot', usb, '--out', join(dir, 'usb.png')], { killAfterMs: 60_000 });
    assert.equal(withUsb.code, 0, withUsb.stderr);
    assert.match(withUsb.stderr, /enable-usbredir=1: USB redirection is not supported yet/);
    assert.match(withUsb.stderr, /usb-filter: USB redirection is not supported yet/);

    // A wrong inline CA in the file is refused like a wrong --ca-file.
    const wrongCa = join(dir, 'wrong.vv');
    writeFileSync(wrongCa, vv('').replace(/^ca=.*$/m, `ca=${certs.caPem.trim().replace(/\n/g, '\\n').replace('Saffron', 'Saffron')}`)
      .replace(/^host-subject=.*$/m, 'host-subject=O=Saffron Test,CN=not-this-host').replace(/^delete-this-file=1$/m, 'delete-this-file=0'));
    const refused = await runSaffron(['screenshot', wrongCa, '--out', join(dir, 'x.png')], { killAfterMs: 30_000 });
    assert.equal(refused.code, 5, refused.stderr);
    assert.match(failureLine(refused), /not the expected host-subject "O=Saffron Test,CN=not-this-host"/);
    assert.ok(existsSync(wrongCa), 'delete-this-file=0 keeps the file');
    assert.ok(!refused.stderr.includes(PASSWORD));
  } finally {
    await server.stop();
    certs.remove();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a broken .vv file is one clear usage line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'saffron-vv-'));
  try {
    const file = join(dir, 'bad.vv');
    writeFileSync(file, '[virt-viewer]\ntype=vnc\nhost=h\nport=5900\n');
    const vnc = await runSaffron(['screenshot', file, '--out', join(dir, 'x.png')], { killAfterMs: 20_000 });
    assert.equal(vnc.code, 2);
    assert.match(failureLine(vnc), /type=vnc: only spice connections are supported/);
    const missing = await runSaffron(['screenshot', join(dir, 'none.vv'), '--out', join(dir, 'x.png')], { killAfterMs: 20_000 });
    assert.equal(missing.code, 2);
    assert.match(failureLine(missing), /none\.vv: cannot read the file \(ENOENT\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** unix-path: QEMU listening on a Unix socket (the harness only does TCP, so it is started here). */
test('a .vv file with unix-path connects through the Unix socket', { timeout: 120_000 }, async () => {
  requireProgram('qemu-system-x86_64');
  const dir = mkdtempSync(join(tmpdir(), 'saffron-vv-unix-'));
  const socket = join(dir, 'spice.sock');
  const monitor = join(dir, 'monitor.sock');
  const qemu = spawn('qemu-system-x86_64', ['-nic', 'none', '-display', 'none', '-vga', 'qxl', '-m', '128',
    '-spice', `unix=on,addr=${socket},disable-ticketing=on`, '-monitor', `unix:${monitor},server=on,wait=off`], { stdio: 'ignore' });
  try {
    const deadline = Date.now() + 30_000;
    while (!(existsSync(socket) && existsSync(monitor))) {
      if (Date.now() > deadline || qemu.exitCode !== null) throw new Error('QEMU did not create its sockets');
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 2500));
    await hmpCommand(monitor, 'stop');
    await hmpCommand(monitor, `screendump ${join(dir, 'truth.ppm')}`);
    // QXL renders asynchronously: read until the file holds the whole image.
    let truth: RgbImage | undefined;
    for (const until = Date.now() + 10_000; !truth; ) {
      try {
        truth = parsePpm(readFileSync(join(dir, 'truth.ppm')));
      } catch (error) {
        if (Date.now() > until) throw error;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const file = join(dir, 'unix.vv');
    writeFileSync(file, `[virt-viewer]\ntype=spice\nunix-path=${socket}\n`);
    const result = await runSaffron(['screenshot', file, '--out', join(dir, 'unix.png')], { killAfterMs: 60_000 });
    if (result.code !== 0) throw new Error(`saffron screenshot failed: ${failureLine(result)}`);
    assertImagesMatch(readPng(join(dir, 'unix.png')), truth, { label: 'vv-unix-path' });
  } finally {
    qemu.kill('SIGKILL');
    await new Promise((r) => (qemu.exitCode !== null || qemu.signalCode !== null ? r(null) : qemu.once('exit', r)));
    rmSync(dir, { recursive: true, force: true });
  }
});
