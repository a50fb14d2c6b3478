import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startXspiceWithAgent } from '../support/vdagent';
import { failureLine, runSaffron } from '../support/saffron-cli';
import { Session } from '../../src/main/session/session';
import { fileSourceFromPath } from '../../src/main/agent/file-source';
import type { FileTransferProgress } from '../../src/main/agent/file-transfer';

/**
 * Files dropped on the window travel through the agent into the guest's download folder
 * (spice-vdagent -f DIR): intact, with progress, and a cancelled one leaves nothing behind.
 */

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

test('file transfer through a real spice-vdagent: intact, with progress, cancellable', { timeout: 180_000 }, async () => {
  const xspice = await startXspiceWithAgent();
  const { server, receivedDir } = xspice;
  const work = await mkdtemp(join(tmpdir(), 'saffron-xfer-'));
  const session = new Session({ target: { host: '127.0.0.1', port: server.port }, disableChannels: ['display', 'cursor', 'inputs', 'playback', 'record'] });
  try {
    await session.connect();
    await session.agent.whenReady(10_000);
    assert.equal(session.agent.features.fileTransfer, true);

    // A file of 300 kB of random bytes, with a name that needs care.
    const name = 'résumé 2024 (draft).bin';
    const content = randomBytes(300_000);
    await writeFile(join(work, name), content);
    const progress: FileTransferProgress[] = [];
    const offProgress = session.agent.on('fileTransferProgress', (p) => progress.push(p));
    const started = performance.now();
    const transfer = session.agent.sendFile(await fileSourceFromPath(join(work, name)));
    const result = await transfer.done;
    const elapsed = performance.now() - started;
    offProgress();
    assert.deepEqual(result, { id: transfer.id, name, outcome: 'success' });
    const arrived = await readFile(join(receivedDir, name));
    assert.equal(sha256(arrived), sha256(content), 'the guest has the same bytes');
    assert.ok(progress.length >= 5, `${progress.length} progress events`);
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i].sentBytes > progress[i - 1].sentBytes, 'progress only grows');
    assert.deepEqual(progress.at(-1), { id: transfer.id, name, sentBytes: 300_000, totalBytes: 300_000 });
    console.log(`300 kB file sent in ${elapsed.toFixed(0)} ms (${(300_000 / 1024 / (elapsed / 1000)).toFixed(0)} kB/s)`);

    // An empty file arrives too.
    await writeFile(join(work, 'empty.txt'), '');
    const empty = await session.agent.sendFile(await fileSourceFromPath(join(work, 'empty.txt'))).done;
    assert.equal(empty.outcome, 'success');
    assert.equal((await readFile(join(receivedDir, 'empty.txt'))).byteLength, 0);

    // A big file cancelled part way: the outcome says so and the guest removes the partial file.
    await writeFile(join(work, 'big.bin'), randomBytes(40 * 1024 * 1024));
    const big = session.agent.sendFile(await fileSourceFromPath(join(work, 'big.bin')));
    await new Promise<void>((resolve) => {
      const off = session.agent.on('fileTransferProgress', (p) => {
        if (p.id === big.id && p.sentBytes >= 1024 * 1024) {
          off();
          resolve();
        }
      });
    });
    big.cancel();
    const cancelled = await big.done;
    assert.equal(cancelled.outcome, 'cancelled');
    assert.ok(big.sentBytes < 40 * 1024 * 1024, 'cancelled before the end');
    const deadline = Date.now() + 10_000;
    while (existsSync(join(receivedDir, 'big.bin'))) {
      if (Date.now() > deadline) throw new Error('the guest kept the partial file of a cancelled transfer');
      await sleep(50);
    }
    session.disconnect();

    // The command line sends files the same way.
    const cli = await runSaffron(['send-file', `spice://127.0.0.1:${server.port}`, join(work, name)], { killAfterMs: 60_000 });
    if (cli.code !== 0) throw new Error(`send-file failed: ${failureLine(cli)}`);
    // The agent does not overwrite: the second copy gets a numbered name.
    const names = await readdir(receivedDir);
    assert.ok(names.includes('résumé 2024 (draft) (1).bin'), `received: ${names.join(', ')}`);
    assert.equal(sha256(await readFile(join(receivedDir, 'résumé 2024 (draft) (1).bin'))), sha256(content));
  } finally {
    session.disconnect();
    await xspice.stop();
    await rm(work, { recursive: true, force: true });
  }
});
