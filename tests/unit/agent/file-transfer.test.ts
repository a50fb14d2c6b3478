import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MainMsgc } from '../../../src/core/protocol/constants';
import { AgentCap, AgentMsg, encodeFileXferStatus, FileXferStatus } from '../../../src/core/protocol/agent-messages';
import { BufferReader } from '../../../src/core/protocol/buffer-reader';
import { AgentUnavailableError } from '../../../src/main/agent/agent-errors';
import { fileSourceFromBytes } from '../../../src/main/agent/file-source';
import { FILE_XFER_CHUNK, guestFileName, type FileTransferProgress, type FileTransferResult } from '../../../src/main/agent/file-transfer';
import { Bytes } from '../../support/chunking';
import { FakeAgentSide, newAgent, VDAGENTD_CAPS } from './fake-agent';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Runs the event loop until `done()` or a bound of turns (the transfer reads asynchronously). */
async function until(done: () => boolean, turns = 200): Promise<void> {
  for (let i = 0; i < turns && !done(); i++) await tick();
}

function parseData(data: Uint8Array): { id: number; bytes: Uint8Array } {
  const r = new BufferReader(data, 0, 'FILE_XFER_DATA');
  const id = r.u32('id');
  const size = r.u64n('size');
  return { id, bytes: r.bytesView(size, 'data') };
}

test('START names the file; data follows CAN_SEND_DATA in 64 kB messages; SUCCESS ends it', async () => {
  const side = new FakeAgentSide(newAgent());
  side.connect(VDAGENTD_CAPS, 1000);
  const content = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 31) & 0xff);
  const progress: FileTransferProgress[] = [];
  side.agent.on('fileTransferProgress', (p) => progress.push(p));
  const transfer = side.agent.sendFile(fileSourceFromBytes('dir/photo 1.png', content));
  const [start] = side.of(AgentMsg.FILE_XFER_START);
  assert.equal(new TextDecoder().decode(start.data.subarray(4, -1)), '[vdagent-file-xfer]\nname=photo 1.png\nsize=200000\n');
  await until(() => false, 5);
  assert.equal(side.of(AgentMsg.FILE_XFER_DATA).length, 0, 'no data before the agent accepts');

  side.deliver(AgentMsg.FILE_XFER_STATUS, encodeFileXferStatus(transfer.id, FileXferStatus.CAN_SEND_DATA));
  await until(() => transfer.sentBytes === content.byteLength);
  const data = side.of(AgentMsg.FILE_XFER_DATA).map((m) => parseData(m.data));
  assert.deepEqual(data.map((d) => d.bytes.byteLength), [FILE_XFER_CHUNK, FILE_XFER_CHUNK, FILE_XFER_CHUNK, 200_000 - 3 * FILE_XFER_CHUNK]);
  assert.ok(data.every((d) => d.id === transfer.id));
  const joined = new Uint8Array(200_000);
  let at = 0;
  for (const d of data) {
    joined.set(d.bytes, at);
    at += d.bytes.byteLength;
  }
  assert.deepEqual(joined, content);
  assert.ok(side.sent.filter((s) => s.type === MainMsgc.AGENT_DATA).every((s) => s.body.byteLength <= 2048));
  assert.deepEqual(progress.map((p) => p.sentBytes), [65536, 131072, 196608, 200000]);

  side.deliver(AgentMsg.FILE_XFER_STATUS, encodeFileXferStatus(transfer.id, FileXferStatus.SUCCESS));
  assert.deepEqual(await transfer.done, { id: transfer.id, name: 'photo 1.png', outcome: 'success' });
  assert.equal(side.agent.fileTransfers.length, 0);
});

test('the data waits for agent tokens', async () => {
  const side = new FakeAgentSide(newAgent());
  side.connect(VDAGENTD_CAPS, 3);
  const transfer = side.agent.sendFile(fileSourceFromBytes('big.bin', new Uint8Array(1_000_000)));
  // START and our capabilities took two of the three tokens.
  side.deliver(AgentMsg.FILE_XFER_STATUS, encodeFileXferStatus(transfer.id, FileXferStatus.CAN_SEND_DATA));
  await until(() => false, 20);
  const sentBodies = (): number => side.sent.filter((s) => s.type === MainMsgc.AGENT_DATA).length;
  assert.equal(sentBodies(), 3, 'only as many bodies as tokens');
  assert.ok(transfer.sentBytes < 1_000_000, 'and the file is not read ahead without bound');
  side.agent.grantTokens(100_000);
  await until(() => transfer.sentBytes === 1_000_000);
  assert.equal(transfer.sentBytes, 1_000_000);
});

test('an empty file still sends one DATA message (the agent completes on data)', async () => {
  const side = new FakeAgentSide(newAgent());
  side.connect(VDAGENTD_CAPS, 100);
  const transfer = side.agent.sendFile(fileSourceFromBytes('empty', new Uint8Array(0)));
  side.deliver(AgentMsg.FILE_XFER_STATUS, encodeFileXferStatus(transfer.id, FileXferStatus.CAN_SEND_DATA));
  await until(() => side.of(AgentMsg.FILE_XFER_DATA).length > 0);
  assert.equal(parseData(side.of(AgentMsg.FILE_XFER_DATA)[0].data).bytes.byteLength, 0);
});

test('cancel sends CANCELLED; refusals from the guest end the transfer with the reason', async () => {
  const side = new FakeAgentSide(newAgent());
  side.connect(VDAGENTD_CAPS, 100_000);
  const done: FileTransferResult[] = [];
  side.agent.on('fileTransferDone', (r) => done.push(r));

  const cancelled = side.agent.sendFile(fileSourceFromBytes('a', new Uint8Array(10)));
  cancelled.cancel();
  assert.equal((await cancelled.done).outcome, 'cancelled');
  const [status] = side.of(AgentMsg.FILE_XFER_STATUS);
  assert.deepEqual([...status.data], [...new Bytes().u32(cancelled.id).u32(FileXferStatus.CANCELLED).build()]);

  const full = side.agent.sendFile(fileSourceFromBytes('b', new Uint8Array(10)));
  side.deliver(AgentMsg.FILE_XFER_STATUS, new Bytes().u32(full.id).u32(FileXferStatus.NOT_ENOUGH_SPACE).u64(5).build());
  assert.deepEqual(await full.done, { id: full.id, name: 'b', outcome: 'failed', message: 'not enough space in the guest (5 bytes free, 10 needed)' });

  const locked = side.agent.sendFile(fileSourceFromBytes('c', new Uint8Array(10)));
  side.deliver(AgentMsg.FILE_XFER_STATUS, encodeFileXferStatus(locked.id, FileXferStatus.SESSION_LOCKED));
  assert.equal((await locked.done).message, "the guest's session is locked");

  const gone = side.agent.sendFile(fileSourceFromBytes('d', new Uint8Array(10)));
  side.agent.detach();
  assert.deepEqual(await gone.done, { id: gone.id, name: 'd', outcome: 'failed', message: 'the guest agent disconnected' });
  assert.deepEqual(done.map((r) => r.outcome), ['cancelled', 'failed', 'failed', 'failed']);
  // Ids are distinct.
  assert.equal(new Set([cancelled.id, full.id, locked.id, gone.id]).size, 4);
});

test('a source that fails to read fails the transfer and tells the agent', async () => {
  const side = new FakeAgentSide(newAgent());
  side.connect(VDAGENTD_CAPS, 100_000);
  const transfer = side.agent.sendFile({ name: 'x', size: 100, read: () => Promise.reject(new Error('disk on fire')) });
  side.deliver(AgentMsg.FILE_XFER_STATUS, encodeFileXferStatus(transfer.id, FileXferStatus.CAN_SEND_DATA));
  assert.deepEqual(await transfer.done, { id: transfer.id, name: 'x', outcome: 'failed', message: 'disk on fire' });
  assert.equal(side.of(AgentMsg.FILE_XFER_STATUS).at(-1)!.data[4], FileXferStatus.ERROR);
});

test('names: only the last path component; none that escapes the folder', () => {
  assert.equal(guestFileName('/home/me/report.pdf'), 'report.pdf');
  assert.equal(guestFileName('C:\\Users\\me\\a b.txt'), 'a b.txt');
  assert.equal(guestFileName('tab\there'), 'tab_here');
  assert.throws(() => guestFileName('..'), /not a file name/);
  assert.throws(() => guestFileName('/'), /not a file name/);
});

test('an agent with file transfer disabled refuses at once', () => {
  const side = new FakeAgentSide(newAgent());
  side.connect([...VDAGENTD_CAPS, AgentCap.FILE_XFER_DISABLED]);
  assert.equal(side.agent.features.fileTransfer, false);
  assert.throws(() => side.agent.sendFile(fileSourceFromBytes('a', new Uint8Array(1))), AgentUnavailableError);
});
