import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startXspice } from '../support/servers';
import { showFlatColours, waitForStableScreen } from '../support/scenes';
import { assertImagesMatch, readPng } from '../support/images';
import { failureLine, runSaffron, type CliResult } from '../support/saffron-cli';
import { passwordFile, startFrozenQemu } from '../support/frozen-qemu';

/**
 * SPICE ticket authentication against real servers: the right password shows the server's own
 * framebuffer; a wrong one ends within 5 s with exit 6 and a line that names the password
 * (but never contains it).
 */

const PASSWORD = 'Correct-Horse-7';
const WRONG = 'Wrong-Battery-9';

function expectSuccess(result: CliResult): void {
  if (result.code !== 0) throw new Error(`saffron screenshot failed: ${result.code === null ? result.signal : failureLine(result)}`);
}

function expectRefusedPassword(result: CliResult, secret: string): void {
  const line = failureLine(result);
  assert.equal(result.code, 6, line);
  assert.match(line, /password/);
  assert.ok(!result.stderr.includes(secret) && !result.stdout.includes(secret), 'the password must not be echoed');
  assert.ok(result.elapsedMs < 5000, `a refused password took ${result.elapsedMs} ms (limit 5000)`);
}

test('QEMU password-secret: right password from --password-file and SPICE_PASSWORD → equal pixels; wrong → refused fast', { timeout: 120_000 }, async () => {
  const { server, truth } = await startFrozenQemu({ spiceOptions: ['password-secret=s0'], extraArgs: ['-object', `secret,id=s0,data=${PASSWORD}`] });
  const good = passwordFile(PASSWORD);
  const bad = passwordFile(WRONG);
  try {
    const target = `spice://127.0.0.1:${server.port}`;
    const fromFile = await runSaffron(['screenshot', target, '--out', join(good.dir, 'file.png'), '--password-file', good.path], { killAfterMs: 60_000 });
    expectSuccess(fromFile);
    assertImagesMatch(readPng(join(good.dir, 'file.png')), truth, { label: 'qemu-password-file' });

    const fromEnv = await runSaffron(['screenshot', target, '--out', join(good.dir, 'env.png')], { env: { SPICE_PASSWORD: PASSWORD }, killAfterMs: 60_000 });
    expectSuccess(fromEnv);
    assertImagesMatch(readPng(join(good.dir, 'env.png')), truth, { label: 'qemu-password-env' });

    const wrongFile = await runSaffron(['screenshot', target, '--out', join(bad.dir, 'x.png'), '--password-file', bad.path], { killAfterMs: 20_000 });
    expectRefusedPassword(wrongFile, WRONG);
    process.stdout.write(`# refused password (QEMU): exit ${wrongFile.code} after ${wrongFile.elapsedMs} ms\n`);

    const none = await runSaffron(['screenshot', target, '--out', join(bad.dir, 'y.png')], { env: { SPICE_PASSWORD: '' }, killAfterMs: 20_000 });
    expectRefusedPassword(none, PASSWORD);

    const tooLong = await runSaffron(['screenshot', target, '--out', join(bad.dir, 'z.png')], { env: { SPICE_PASSWORD: 'x'.repeat(61) }, killAfterMs: 20_000 });
    assert.match(failureLine(tooLong), /longer than SPICE's limit of 60 bytes/);
    assert.equal(tooLong.code, 6);
  } finally {
    good.remove();
    bad.remove();
    await server.stop();
  }
});

test('the password is never taken from argv', async () => {
  const result = await runSaffron(['screenshot', 'spice://127.0.0.1:5900?password=secret', '--out', '/tmp/never.png'], { killAfterMs: 20_000 });
  assert.equal(result.code, 2);
  assert.match(failureLine(result), /passwords are not accepted in URIs/);
  const option = await runSaffron(['screenshot', 'spice://127.0.0.1:5900', '--password', 'secret', '--out', '/tmp/never.png'], { killAfterMs: 20_000 });
  assert.equal(option.code, 2);
  assert.match(failureLine(option), /unknown option --password/);
});

test('Xspice XSPICE_PASSWORD: right password → equal pixels; wrong → refused fast', { timeout: 120_000 }, async () => {
  const server = await startXspice({ env: { XSPICE_PASSWORD: PASSWORD } });
  const good = passwordFile(PASSWORD);
  try {
    await showFlatColours(server);
    await waitForStableScreen(server, 500);
    const target = `spice://127.0.0.1:${server.port}`;
    const right = await runSaffron(['screenshot', target, '--out', join(good.dir, 'x.png'), '--password-file', good.path], { killAfterMs: 60_000 });
    expectSuccess(right);
    assertImagesMatch(readPng(join(good.dir, 'x.png')), await server.xwd(), { label: 'xspice-password' });
    const wrong = await runSaffron(['screenshot', target, '--out', join(good.dir, 'y.png')], { env: { SPICE_PASSWORD: WRONG }, killAfterMs: 20_000 });
    expectRefusedPassword(wrong, WRONG);
    process.stdout.write(`# refused password (Xspice): exit ${wrong.code} after ${wrong.elapsedMs} ms\n`);
  } finally {
    good.remove();
    await server.stop();
  }
});
