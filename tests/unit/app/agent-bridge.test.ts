// The engine host's side of the guest agent (host/agent-bridge.ts, host/renderer-file-source.ts)
// against the real GuestAgent with a scripted agent behind it: dropped files pulled from the
// page piece by piece within the agent's tokens, cancel, refusals; guest copies fetched for the
// page; local copies offered to the guest.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AgentMsg,
  ClipboardSelection,
  ClipboardType,
  encodeClipboardData,
  encodeClipboardGrab,
  encodeClipboardRequest,
  encodeFileXferStatus,
  FileXferStatus,
  parseClipboardData,
  parseClipboardGrab,
  parseFileXferStatus,
  type ClipboardFraming,
} from '../../../src/core/protocol/agent-messages';
import { BufferReader } from '../../../src/core/protocol/buffer-reader';
import { AgentBridge, MAX_ACTIVE_TRANSFERS } from '../../../src/main/host/agent-bridge';
import { RendererFileSource } from '../../../src/main/host/renderer-file-source';
import type { ClipboardItemData } from '../../../src/shared/agent-ipc';
import type { HostEvent } from '../../../src/shared/ipc';
import { FakeAgentSide, newAgent, quietLog, VDAGENTD_CAPS } from '../agent/fake-agent';

const FULL: ClipboardFraming = { selection: true, grabSerial: true };
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function bridgeOn(side: FakeAgentSide, sharing = true, guestClipboard?: (item: ClipboardItemData) => void) {
  const events: HostEvent[] = [];
  const bridge = new AgentBridge({ agent: side.agent, send: (event) => events.push(event), sharing: () => sharing, log: quietLog, ...(guestClipboard ? { guestClipboard } : {}) });
  return { bridge, events, of: <T extends HostEvent['type']>(type: T) => events.filter((e): e is Extract<HostEvent, { type: T }> => e.type === type) };
}

function fileData(side: FakeAgentSide): Uint8Array {
  const pieces = side.of(AgentMsg.FILE_XFER_DATA).map((m) => {
    const r = new BufferReader(m.data, 0, 'FILE_XFER_DATA');
    r.u32('id');
    return r.bytesView(r.u64n('size'), 'data').slice();
  });
  return Buffer.concat(pieces);
}

test('a dropped file is pulled from the page within the agent tokens: at most 3 pieces in flight, every byte in order', async () => {
  const side = new FakeAgentSide(newAgent());
  side.connect(VDAGENTD_CAPS, 40); // 40 AGENT_DATA bodies: less than one 64 kB piece's 33
  const { bridge, events, of } = bridgeOn(side);
  const content = Uint8Array.from({ length: 600_001 }, (_, i) => (i * 131 + (i >> 9)) & 0xff);
  bridge.handle({ type: 'fileSend', transferId: 7, name: 'photos/big photo.raw', size: content.byteLength });
  assert.deepEqual(of('fileTransfer')[0], { type: 'fileTransfer', transferId: 7, name: 'photos/big photo.raw', state: 'sending', sentBytes: 0, totalBytes: 600_001 });
  const [start] = side.of(AgentMsg.FILE_XFER_START);
  assert.match(new TextDecoder().decode(start.data), /name=big photo\.raw\nsize=600001\n/);
  assert.equal(of('fileChunkWanted').length, 0, 'nothing asked of the page before the agent accepts');
  const agentId = new DataView(start.data.buffer, start.data.byteOffset).getUint32(0, true);
  side.deliver(AgentMsg.FILE_XFER_STATUS, encodeFileXferStatus(agentId, FileXferStatus.CAN_SEND_DATA));

  // The page answers what it was asked, later pieces first (reads may finish in any order).
  let answered = 0;
  let maxOutstanding = 0;
  for (let round = 0; round < 2000 && !events.some((e) => e.type === 'fileTransfer' && e.state !== 'sending'); round++) {
    const wanted = of('fileChunkWanted').slice(answered);
    maxOutstanding = Math.max(maxOutstanding, of('fileChunkWanted').length - answered);
    for (const want of [...wanted].reverse()) {
      assert.ok(want.length <= 65_536);
      bridge.handle({ type: 'fileChunk', transferId: 7, offset: want.offset, data: content.slice(want.offset, want.offset + want.length).buffer });
    }
    answered += wanted.length;
    await tick();
    if (fileData(side).byteLength === content.byteLength && side.of(AgentMsg.FILE_XFER_STATUS).length === 0 && !events.some((e) => e.type === 'fileTransfer' && e.state === 'done')) {
      side.deliver(AgentMsg.FILE_XFER_STATUS, encodeFileXferStatus(agentId, FileXferStatus.SUCCESS));
    }
    side.agent.grantTokens(40); // the server hands tokens back as the agent consumes
  }
  assert.ok(maxOutstanding <= 3, `at most 3 pieces asked of the page at once (saw ${maxOutstanding})`);
  assert.ok(Buffer.from(fileData(side)).equals(Buffer.from(content)), 'the agent received every byte in order');
  const last = of('fileTransfer').at(-1);
  assert.deepEqual(last, { type: 'fileTransfer', transferId: 7, name: 'photos/big photo.raw', state: 'done', sentBytes: 600_001, totalBytes: 600_001 });
});

test('RendererFileSource: pieces not asked for, or of the wrong size, end the transfer; a silent page times out', async () => {
  const wants: [number, number][] = [];
  const source = new RendererFileSource({ name: 'f.bin', size: 200_000, want: (o, l) => wants.push([o, l]), readAhead: 1, pieceTimeoutMs: 50 });
  const first = source.read(0, 65_536);
  assert.deepEqual(wants, [[0, 65_536], [65_536, 65_536]], 'the piece and one ahead');
  assert.equal(source.bytesInFlight, 131_072);
  assert.equal(source.deliver(0, new Uint8Array(65_536)), null);
  assert.equal((await first).byteLength, 65_536);
  assert.match(source.deliver(5, new Uint8Array(1)) ?? '', /not asked for/);
  await assert.rejects(source.read(65_536, 65_536), /not asked for/);

  const short = new RendererFileSource({ name: 'g.bin', size: 100, want: () => {} });
  const read = short.read(0, 100);
  assert.match(short.deliver(0, new Uint8Array(99)) ?? '', /99 bytes at 0 of g\.bin, not 100/);
  await assert.rejects(read, /did the file change/);

  const silent = new RendererFileSource({ name: 'h.bin', size: 10, want: () => {}, pieceTimeoutMs: 30 });
  await assert.rejects(silent.read(0, 10), /sent no data for h\.bin/);
});

test('cancel tells the agent CANCELLED (it deletes the partial file) and reports cancelled; a bad piece fails the transfer', async () => {
  const side = new FakeAgentSide(newAgent());
  side.connect(VDAGENTD_CAPS, 1000);
  const { bridge, of } = bridgeOn(side);
  bridge.handle({ type: 'fileSend', transferId: 1, name: 'a.bin', size: 300_000 });
  side.deliver(AgentMsg.FILE_XFER_STATUS, encodeFileXferStatus(1, FileXferStatus.CAN_SEND_DATA));
  await tick();
  bridge.handle({ type: 'fileCancel', transferId: 1 });
  await tick();
  const statuses = side.of(AgentMsg.FILE_XFER_STATUS).map((m) => parseFileXferStatus(m.data));
  assert.deepEqual(statuses.map((s) => [s.id, s.result]), [[1, FileXferStatus.CANCELLED]]);
  assert.equal(of('fileTransfer').at(-1)?.state, 'cancelled');

  bridge.handle({ type: 'fileSend', transferId: 2, name: 'b.bin', size: 1000 });
  side.deliver(AgentMsg.FILE_XFER_STATUS, encodeFileXferStatus(2, FileXferStatus.CAN_SEND_DATA));
  await tick();
  bridge.handle({ type: 'fileChunk', transferId: 2, offset: 0, data: new ArrayBuffer(10) });
  for (let i = 0; i < 5; i++) await tick();
  const failed = of('fileTransfer').at(-1);
  assert.equal(failed?.state, 'failed');
  assert.match(failed?.message ?? '', /^b\.bin: the page sent 10 bytes at 0 of b\.bin, not 1000/);
  assert.equal(parseFileXferStatus(side.of(AgentMsg.FILE_XFER_STATUS).at(-1)!.data).result, FileXferStatus.ERROR);

  // The guest has no room: the agent's reason, said once.
  bridge.handle({ type: 'fileSend', transferId: 3, name: 'c.bin', size: 5000 });
  side.deliver(AgentMsg.FILE_XFER_STATUS, encodeFileXferStatus(3, FileXferStatus.NOT_ENOUGH_SPACE));
  await tick();
  assert.match(of('fileTransfer').at(-1)?.message ?? '', /^c\.bin: not enough space in the guest/);
});

test('files are refused with a reason: no agent, too many at once, a name the guest cannot use', () => {
  const absent = new FakeAgentSide(newAgent());
  const { bridge, of } = bridgeOn(absent);
  bridge.handle({ type: 'fileSend', transferId: 1, name: 'a.bin', size: 10 });
  assert.deepEqual(of('fileTransfer'), [{ type: 'fileTransfer', transferId: 1, name: 'a.bin', state: 'failed', sentBytes: 0, totalBytes: 10, message: 'a.bin was not sent: cannot send files: no guest agent is connected' }]);

  const side = new FakeAgentSide(newAgent());
  side.connect(VDAGENTD_CAPS, 1000);
  const busy = bridgeOn(side);
  busy.bridge.handle({ type: 'fileSend', transferId: 50, name: '..', size: 10 });
  for (let id = 1; id <= MAX_ACTIVE_TRANSFERS + 1; id++) busy.bridge.handle({ type: 'fileSend', transferId: id, name: `f${id}`, size: 10 });
  const failed = busy.of('fileTransfer').filter((e) => e.state === 'failed');
  assert.equal(failed.length, 2);
  assert.match(failed[0].message ?? '', /not a file name the guest can use/);
  assert.match(failed[1].message ?? '', /already on their way/);
  busy.bridge.dispose();
  const cancelled = side.of(AgentMsg.FILE_XFER_STATUS).map((m) => parseFileXferStatus(m.data).result);
  assert.equal(cancelled.filter((r) => r === FileXferStatus.CANCELLED).length, MAX_ACTIVE_TRANSFERS, 'closing the window cancels what runs');
});

test('a guest copy is fetched for the page (PNG preferred); sharing off fetches nothing; Electron takes it instead of the page', async () => {
  const side = new FakeAgentSide(newAgent());
  side.connect(VDAGENTD_CAPS, 1000);
  const { of } = bridgeOn(side);
  side.deliver(AgentMsg.CLIPBOARD_GRAB, encodeClipboardGrab(FULL, ClipboardSelection.CLIPBOARD, 0, [ClipboardType.UTF8_TEXT, ClipboardType.IMAGE_PNG]));
  const [request] = side.of(AgentMsg.CLIPBOARD_REQUEST);
  assert.equal(parseClipboardData(FULL, request.data).type, ClipboardType.IMAGE_PNG, 'the image is asked for');
  side.deliver(AgentMsg.CLIPBOARD, encodeClipboardData(FULL, ClipboardSelection.CLIPBOARD, ClipboardType.IMAGE_PNG, Uint8Array.of(0x89, 0x50, 0x4e)));
  await tick();
  const [event] = of('clipboard');
  assert.equal(event.mimeType, 'image/png');
  assert.deepEqual([...new Uint8Array(event.data)], [0x89, 0x50, 0x4e]);
  // The primary selection (a mouse selection) is not the clipboard: nothing is fetched.
  side.deliver(AgentMsg.CLIPBOARD_GRAB, encodeClipboardGrab(FULL, ClipboardSelection.PRIMARY, 0, [ClipboardType.UTF8_TEXT]));
  assert.equal(side.of(AgentMsg.CLIPBOARD_REQUEST).length, 1);

  const off = new FakeAgentSide(newAgent());
  off.connect(VDAGENTD_CAPS, 1000);
  bridgeOn(off, false);
  off.deliver(AgentMsg.CLIPBOARD_GRAB, encodeClipboardGrab(FULL, ClipboardSelection.CLIPBOARD, 0, [ClipboardType.UTF8_TEXT]));
  assert.equal(off.of(AgentMsg.CLIPBOARD_REQUEST).length, 0, 'sharing off: the guest copy is not even asked for');

  const electron = new FakeAgentSide(newAgent());
  electron.connect(VDAGENTD_CAPS, 1000);
  const taken: ClipboardItemData[] = [];
  const main = bridgeOn(electron, true, (item) => taken.push(item));
  electron.deliver(AgentMsg.CLIPBOARD_GRAB, encodeClipboardGrab(FULL, ClipboardSelection.CLIPBOARD, 0, [ClipboardType.UTF8_TEXT]));
  electron.deliver(AgentMsg.CLIPBOARD, encodeClipboardData(FULL, ClipboardSelection.CLIPBOARD, ClipboardType.UTF8_TEXT, Uint8Array.of(0x68, 0x69, 0)));
  await tick();
  assert.equal(main.of('clipboard').length, 0);
  assert.equal(new TextDecoder().decode(taken[0].data), 'hi', 'the trailing NUL is dropped');
});

test('a local copy is offered to the guest and answers its paste; one made before the agent is ready waits for it', async () => {
  const side = new FakeAgentSide(newAgent());
  const { bridge } = bridgeOn(side);
  const text = new TextEncoder().encode('from the page').buffer;
  bridge.handle({ type: 'clipboardOffer', items: [{ mimeType: 'text/plain', data: text }] });
  assert.equal(side.of(AgentMsg.CLIPBOARD_GRAB).length, 0, 'no agent yet');
  side.connect(VDAGENTD_CAPS, 1000);
  const [grab] = side.of(AgentMsg.CLIPBOARD_GRAB);
  assert.deepEqual(parseClipboardGrab(FULL, grab.data).types, [ClipboardType.UTF8_TEXT]);
  side.deliver(AgentMsg.CLIPBOARD_REQUEST, encodeClipboardRequest(FULL, ClipboardSelection.CLIPBOARD, ClipboardType.UTF8_TEXT));
  for (let i = 0; i < 3; i++) await tick();
  const [answer] = side.of(AgentMsg.CLIPBOARD);
  assert.equal(new TextDecoder().decode(parseClipboardData(FULL, answer.data).data), 'from the page');

  const off = new FakeAgentSide(newAgent());
  off.connect(VDAGENTD_CAPS, 1000);
  bridgeOn(off, false).bridge.handle({ type: 'clipboardOffer', items: [{ mimeType: 'text/plain', data: text }] });
  assert.equal(off.of(AgentMsg.CLIPBOARD_GRAB).length, 0, 'sharing off: nothing offered');

  // Electron: with nothing offered yet, the main process is asked for its clipboard when the agent is ready.
  const electron = new FakeAgentSide(newAgent());
  let asked = 0;
  new AgentBridge({ agent: electron.agent, send: () => {}, sharing: () => true, log: quietLog, localClipboardWanted: () => asked++ });
  electron.connect(VDAGENTD_CAPS, 1000);
  assert.equal(asked, 1);
});
