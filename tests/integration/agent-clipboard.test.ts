import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endProcess, runProgram, startXspice, type XspiceServer } from '../support/servers';
import { startXspiceWithAgent } from '../support/vdagent';
import { failureLine, runSaffron, type CliResult } from '../support/saffron-cli';
import { Session } from '../../src/main/session/session';

/**
 * The clipboard through a real spice-vdagent in an Xspice session (design.md, "A real guest
 * agent with Xspice"): text and PNG images, guest → client and client → guest, both selections,
 * with the guest side read and written by xclip as an X application would.
 */

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function expectSuccess(result: CliResult, what: string): void {
  if (result.code !== 0) throw new Error(`${what} failed: ${result.code === null ? result.signal : failureLine(result)}`);
}

/** Copies in the guest: xclip keeps the selection (in the foreground, -quiet) until someone else takes it. */
async function guestCopy(server: XspiceServer, file: string, selection: string, target?: string): Promise<ChildProcess> {
  const args = ['-quiet', '-selection', selection, ...(target ? ['-t', target] : []), '-i', file];
  const owner = server.spawnClient('xclip', args);
  // Until xclip owns the selection, a paste finds nothing: wait for the copy to be pasteable.
  const expected = await readFile(file);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const pasted = await guestPaste(server, selection, target).catch(() => null);
    if (pasted?.equals(expected)) return owner;
    if (Date.now() > deadline) throw new Error(`xclip did not take the ${selection} selection within 10 s`);
    await sleep(50);
  }
}

/** Pastes in the guest: the selection's content of one target type. */
async function guestPaste(server: XspiceServer, selection: string, target?: string): Promise<Buffer> {
  return runProgram('xclip', ['-selection', selection, ...(target ? ['-t', target] : []), '-o'], { env: server.env, timeoutMs: 5000 });
}

/** Polls the guest's paste until it equals `expected`; resolves with the ms it took. */
async function waitForGuestPaste(server: XspiceServer, expected: Buffer, selection: string, target?: string, timeoutMs = 10_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    const pasted = await guestPaste(server, selection, target).catch(() => null);
    if (pasted?.equals(expected)) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`the guest's ${selection} did not become the offered content within ${timeoutMs} ms (last: ${pasted?.subarray(0, 60).toString('utf8') ?? 'nothing'})`);
    await sleep(20);
  }
}

/** A PNG made by ImageMagick (a gradient: not something any side could make up). */
async function makePng(dir: string, name: string, spec: string): Promise<Buffer> {
  const path = join(dir, name);
  await runProgram('convert', ['-size', '64x48', spec, path]);
  return readFile(path);
}

test('clipboard with a real spice-vdagent: text and images, both ways, both selections', { timeout: 180_000 }, async () => {
  const work = await mkdtemp(join(tmpdir(), 'saffron-clipboard-'));
  const xspice = await startXspiceWithAgent();
  const { server } = xspice;
  const target = `spice://127.0.0.1:${server.port}`;
  const owners: ChildProcess[] = [];
  try {
    // 1. Nothing copied yet: exit 3, one line.
    const empty = await runSaffron(['clipboard-get', target]);
    assert.equal(empty.code, 3, `empty clipboard: exit ${empty.code} ${empty.stderr}`);
    assert.match(failureLine(empty), /^saffron: clipboard empty: /);
    assert.equal(empty.stdout, '');

    // 2. Text copied in the guest before the client connected reaches the client exactly.
    const text = 'Grüße aus dem Gast ✓\nline two\ttabbed\n\nend without newline';
    const textFile = join(work, 'guest.txt');
    await writeFile(textFile, text, 'utf8');
    owners.push(await guestCopy(server, textFile, 'clipboard'));
    // A screenshot does not start the agent, so the agent does not see a client leave (which
    // would make it forget what the guest copied).
    expectSuccess(await runSaffron(['screenshot', target, '--out', join(work, 'shot.png')]), 'screenshot');
    const got = await runSaffron(['clipboard-get', target]);
    expectSuccess(got, 'clipboard-get');
    assert.equal(got.stdout, text, 'the guest text, byte for byte, no newline added');
    console.log(`guest → client text: saffron clipboard-get took ${got.elapsedMs} ms (process start to exit)`);

    // The PRIMARY selection is its own.
    const primaryText = 'selected with the mouse';
    const primaryFile = join(work, 'primary.txt');
    await writeFile(primaryFile, primaryText, 'utf8');
    owners.push(await guestCopy(server, primaryFile, 'primary'));
    const primary = await runSaffron(['clipboard-get', target, '--selection', 'primary']);
    expectSuccess(primary, 'clipboard-get --selection primary');
    assert.equal(primary.stdout, primaryText);
    // (spice-vdagent forgets what the guest copied when a client disconnects, so from here on
    // every guest copy is made after the previous command has left.)

    // 3. Text offered by the client is what the guest pastes, while the client holds it.
    const offered = 'from the client: ünïcödé, "quotes" and $dollars';
    const setting = runSaffron(['clipboard-set', target, offered, '--hold-ms', '3000'], { killAfterMs: 30_000 });
    const pasteMs = await waitForGuestPaste(server, Buffer.from(offered, 'utf8'), 'clipboard');
    console.log(`client → guest text: pasteable in the guest ${pasteMs} ms after the polling began`);
    expectSuccess(await setting, 'clipboard-set');

    // 4. Images: a PNG copied in the guest arrives as the same bytes.
    const guestPng = await makePng(work, 'guest.png', 'gradient:#ff0000-#0000ff');
    owners.push(await guestCopy(server, join(work, 'guest.png'), 'clipboard', 'image/png'));
    const pngOut = join(work, 'from-guest.png');
    const image = await runSaffron(['clipboard-get', target, '--png', pngOut]);
    expectSuccess(image, 'clipboard-get --png');
    assert.ok((await readFile(pngOut)).equals(guestPng), 'the PNG from the guest, byte for byte');

    // ...and a PNG offered by the client is what the guest pastes as image/png.
    const clientPng = await makePng(work, 'client.png', 'gradient:#00ff00-#ffff00');
    const offering = runSaffron(['clipboard-set', target, '--png', join(work, 'client.png'), '--hold-ms', '3000'], { killAfterMs: 30_000 });
    await waitForGuestPaste(server, clientPng, 'clipboard', 'image/png');
    expectSuccess(await offering, 'clipboard-set --png');
  } finally {
    for (const owner of owners) await endProcess(owner);
    await xspice.stop();
    await rm(work, { recursive: true, force: true });
  }
});

test('clipboard round trips through the Session API, timed', { timeout: 120_000 }, async () => {
  const xspice = await startXspiceWithAgent();
  const { server } = xspice;
  const work = await mkdtemp(join(tmpdir(), 'saffron-clipboard-api-'));
  const session = new Session({ target: { host: '127.0.0.1', port: server.port }, disableChannels: ['display', 'cursor', 'inputs', 'playback', 'record'] });
  const owners: ChildProcess[] = [];
  try {
    await session.connect();
    await session.agent.whenReady(10_000);
    assert.equal(session.agent.features.clipboard, true);
    assert.equal(session.agent.features.clipboardSelections, true);

    // The guest copies while we are connected: its GRAB announces text; then we ask.
    const grabbed = new Promise<string[]>((resolve) => session.agent.once('clipboardGrab', (event) => resolve(event.types)));
    const file = join(work, 'copied.txt');
    await writeFile(file, 'copied while connected', 'utf8');
    owners.push(await guestCopy(server, file, 'clipboard'));
    assert.ok((await grabbed).includes('text/plain'), 'the grab lists text');
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const started = performance.now();
      assert.equal(await session.agent.clipboard.requestText('clipboard'), 'copied while connected');
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    console.log(`guest → client request/answer: median ${times[5].toFixed(1)} ms, max ${times[9].toFixed(1)} ms (10 requests)`);

    // Selections are separate, and a type the guest does not have is answered with nothing.
    const primaryFile = join(work, 'primary.txt');
    await writeFile(primaryFile, 'primary while connected', 'utf8');
    owners.push(await guestCopy(server, primaryFile, 'primary'));
    assert.equal(await session.agent.clipboard.requestText('primary'), 'primary while connected');
    assert.equal(await session.agent.clipboard.requestText('clipboard'), 'copied while connected');
    assert.equal(await session.agent.clipboard.request('image/png', 'clipboard'), null, 'no image on the clipboard');
    const png = await makePng(work, 'copied.png', 'gradient:#123456-#abcdef');
    const imageGrab = new Promise<string[]>((resolve) => session.agent.once('clipboardGrab', (event) => resolve(event.types)));
    owners.push(await guestCopy(server, join(work, 'copied.png'), 'clipboard', 'image/png'));
    assert.deepEqual(await imageGrab, ['image/png']);
    assert.equal(await session.agent.clipboard.requestText('clipboard'), null, 'no text while the guest holds an image');
    assert.ok(Buffer.from((await session.agent.clipboard.request('image/png', 'clipboard'))!).equals(png));

    // We offer; the guest's paste requests it from us.
    const started = performance.now();
    session.agent.clipboard.offerText('offered through the API');
    await waitForGuestPaste(server, Buffer.from('offered through the API'), 'clipboard');
    console.log(`client → guest: offer to pasted in the guest ${(performance.now() - started).toFixed(0)} ms (xclip polling included)`);
    assert.equal(session.agent.clipboard.owns('clipboard'), true);

    // The guest copies again: our offer is superseded.
    const released = new Promise<void>((resolve) => session.agent.once('clipboardGrab', () => resolve()));
    owners.push(await guestCopy(server, file, 'clipboard'));
    await released;
    assert.equal(session.agent.clipboard.owns('clipboard'), false);
  } finally {
    session.disconnect();
    for (const owner of owners) await endProcess(owner);
    await xspice.stop();
    await rm(work, { recursive: true, force: true });
  }
});

test('clipboard commands without a guest agent fail with one clear line', { timeout: 60_000 }, async () => {
  const server = await startXspice();
  try {
    const target = `spice://127.0.0.1:${server.port}`;
    for (const args of [['clipboard-get', target], ['clipboard-set', target, 'x']]) {
      const result = await runSaffron(args);
      assert.equal(result.code, 10, `${args[0]}: exit ${result.code}`);
      assert.match(failureLine(result), /^saffron: no guest agent: the server reports no agent \(spice-vdagent\) running in the guest$/);
    }
  } finally {
    await server.stop();
  }
});
