// The guest agent's IPC messages (shared/agent-ipc.ts) through the contract's validators, and the
// page's side of them: FileUploads (pieces read as asked) and ClipboardSync (navigator.clipboard).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClipboardSync, READ_DENIED_NOTICE, WRITE_DENIED_NOTICE, type BrowserClipboard, type PageClipboardItem } from '../../../src/renderer/agent/clipboard-sync';
import { FileUploads, type TransferView, type UploadFile } from '../../../src/renderer/agent/file-uploads';
import { MAX_CLIPBOARD_BYTES, MAX_FILE_BYTES, MAX_FILE_CHUNK_BYTES, type ClipboardItemData } from '../../../src/shared/agent-ipc';
import { validateHostEvent, validateHostRequest } from '../../../src/shared/ipc';
import { validateSettings } from '../../../src/shared/ipc-validators';

const bytes = (...values: number[]): ArrayBuffer => Uint8Array.from(values).buffer;

test('agent requests: well-formed ones pass rebuilt; each wrong field is named', () => {
  const offer = { type: 'clipboardOffer', items: [{ mimeType: 'text/plain', data: bytes(104, 105) }, { mimeType: 'image/png', data: bytes(0x89) }] };
  assert.deepEqual(validateHostRequest(offer), { ok: true, value: offer });
  assert.deepEqual(validateHostRequest({ type: 'fileSend', transferId: 1, name: 'a b.txt', size: 0 }), { ok: true, value: { type: 'fileSend', transferId: 1, name: 'a b.txt', size: 0 } });
  assert.equal(validateHostRequest({ type: 'fileChunk', transferId: 1, offset: 65_536, data: new ArrayBuffer(MAX_FILE_CHUNK_BYTES) }).ok, true);
  assert.equal(validateHostRequest({ type: 'fileCancel', transferId: 2 }).ok, true);

  const refused: [unknown, RegExp][] = [
    [{ type: 'clipboardOffer', items: [] }, /items must be a list of 1 to 2/],
    [{ type: 'clipboardOffer', items: [{ mimeType: 'text/html', data: bytes(1) }] }, /mimeType must be text\/plain or image\/png/],
    [{ type: 'clipboardOffer', items: [{ mimeType: 'text/plain', data: 'hi' }] }, /data must be an ArrayBuffer/],
    [{ type: 'clipboardOffer', items: [{ mimeType: 'text/plain', data: new ArrayBuffer(MAX_CLIPBOARD_BYTES + 1) }] }, /at most 16777216 bytes/],
    [{ type: 'clipboardOffer', items: [{ mimeType: 'text/plain', data: bytes(1) }, { mimeType: 'text/plain', data: bytes(2) }] }, /each mimeType at most once/],
    [{ type: 'clipboardOffer', items: [{ mimeType: 'text/plain', data: bytes(1), extra: 1 }] }, /unexpected field "extra"/],
    [{ type: 'fileSend', transferId: 0, name: 'a', size: 1 }, /transferId/],
    [{ type: 'fileSend', transferId: 1, name: '', size: 1 }, /name must be one line/],
    [{ type: 'fileSend', transferId: 1, name: 'a\nb', size: 1 }, /name must be one line/],
    [{ type: 'fileSend', transferId: 1, name: 'a', size: MAX_FILE_BYTES + 1 }, /size must be/],
    [{ type: 'fileSend', transferId: 1, name: 'a', size: 1.5 }, /size must be/],
    [{ type: 'fileChunk', transferId: 1, offset: -1, data: bytes(1) }, /offset/],
    [{ type: 'fileChunk', transferId: 1, offset: 0, data: new ArrayBuffer(MAX_FILE_CHUNK_BYTES + 1) }, /data must be at most 262144 bytes/],
    [{ type: 'fileChunk', transferId: 1, offset: 0, data: [1, 2] }, /data must be an ArrayBuffer/],
    [{ type: 'fileCancel', transferId: 1, why: 'x' }, /unexpected field "why"/],
  ];
  for (const [message, error] of refused) {
    const checked = validateHostRequest(message);
    assert.equal(checked.ok, false, JSON.stringify(message, (_k, v: unknown) => (v instanceof ArrayBuffer ? `[${v.byteLength} bytes]` : v)));
    if (!checked.ok) assert.match(checked.error, error);
  }
});

test('agent events: well-formed ones pass; progress beyond the total, unknown states and stray fields are refused', () => {
  const transfer = { type: 'fileTransfer', transferId: 3, name: 'x.bin', state: 'sending', sentBytes: 10, totalBytes: 20 };
  assert.deepEqual(validateHostEvent(transfer), { ok: true, value: transfer });
  assert.equal(validateHostEvent({ ...transfer, state: 'failed', sentBytes: 0, message: 'not enough space in the guest' }).ok, true);
  assert.equal(validateHostEvent({ type: 'clipboard', mimeType: 'image/png', data: bytes(1) }).ok, true);
  assert.equal(validateHostEvent({ type: 'fileChunkWanted', transferId: 3, offset: 0, length: 65_536 }).ok, true);
  for (const [event, error] of [
    [{ ...transfer, sentBytes: 21 }, /sentBytes must be 0 to totalBytes/],
    [{ ...transfer, state: 'paused' }, /state is unknown/],
    [{ ...transfer, message: 'x'.repeat(5000) }, /message must be a string/],
    [{ type: 'fileChunkWanted', transferId: 3, offset: 0, length: 0 }, /length must be 1 to 262144/],
    [{ type: 'clipboard', mimeType: 'text/plain', data: bytes(1), selection: 'primary' }, /unexpected field "selection"/],
  ] as const) {
    const checked = validateHostEvent(event);
    assert.equal(checked.ok, false);
    if (!checked.ok) assert.match(checked.error, error);
  }
});

test('settings: shareClipboard is optional (absent: shared) and must be a boolean', () => {
  assert.deepEqual(validateSettings({ releaseHotkey: 'ctrl+alt' }), { releaseHotkey: 'ctrl+alt' });
  assert.deepEqual(validateSettings({ releaseHotkey: 'ctrl+alt', shareClipboard: false }), { releaseHotkey: 'ctrl+alt', shareClipboard: false });
  assert.match(validateSettings({ releaseHotkey: 'ctrl+alt', shareClipboard: 'no' }) as string, /shareClipboard must be a boolean/);
});

/** A file whose slices count how much was ever read. */
function countingFile(name: string, size: number): UploadFile & { read: number } {
  const file = {
    name,
    size,
    read: 0,
    slice(start: number, end: number) {
      return {
        arrayBuffer: async () => {
          file.read += end - start;
          return Uint8Array.from({ length: end - start }, (_, i) => (start + i) & 0xff).buffer;
        },
      };
    },
  };
  return file;
}

test('FileUploads: announces a drop, reads exactly the slices asked for, shows progress and how it ended', async () => {
  const calls: unknown[][] = [];
  let views: readonly TransferView[] = [];
  const notices: string[] = [];
  const uploads = new FileUploads(
    {
      sendFile: (params) => calls.push(['sendFile', params]),
      sendFileChunk: (id, offset, data) => calls.push(['chunk', id, offset, [...new Uint8Array(data)]]),
      cancelFile: (id) => calls.push(['cancel', id]),
    },
    (next) => (views = next),
    (message) => notices.push(message),
  );
  const file = countingFile('big.iso', 10_000_000);
  uploads.add(file);
  assert.deepEqual(calls, [['sendFile', { transferId: 1, name: 'big.iso', size: 10_000_000 }]]);
  assert.equal(views[0].state, 'sending');
  await uploads.chunkWanted({ type: 'fileChunkWanted', transferId: 1, offset: 300, length: 3 });
  assert.deepEqual(calls[1], ['chunk', 1, 300, [44, 45, 46]]);
  assert.equal(file.read, 3, 'only the slice asked for was read');
  uploads.progress({ type: 'fileTransfer', transferId: 1, name: 'big.iso', state: 'sending', sentBytes: 65_536, totalBytes: 10_000_000 });
  assert.equal(views[0].sentBytes, 65_536);
  uploads.cancel(1);
  assert.deepEqual(calls.at(-1), ['cancel', 1]);
  uploads.progress({ type: 'fileTransfer', transferId: 1, name: 'big.iso', state: 'cancelled', sentBytes: 0, totalBytes: 10_000_000, message: 'cancelled by the user' });
  assert.equal(views[0].state, 'cancelled');
  await uploads.chunkWanted({ type: 'fileChunkWanted', transferId: 1, offset: 0, length: 3 });
  assert.equal(file.read, 3, 'nothing read for a transfer that ended');
  assert.deepEqual(notices, [], 'a cancel is not an error');

  uploads.add(countingFile('small.txt', 5));
  uploads.progress({ type: 'fileTransfer', transferId: 2, name: 'small.txt', state: 'failed', sentBytes: 0, totalBytes: 5, message: 'small.txt: not enough space in the guest' });
  assert.deepEqual(notices, ['small.txt: not enough space in the guest']);
  uploads.add({ name: 'huge', size: MAX_FILE_BYTES + 1, slice: () => ({ arrayBuffer: () => Promise.reject(new Error('never')) }) });
  assert.match(notices.at(-1)!, /larger than 64 GB/);
  uploads.dismiss(1);
  assert.deepEqual(views.map((v) => v.name), ['small.txt']);
});

/** navigator.clipboard with text or one PNG, and a switch to refuse like a browser. */
class FakeBrowserClipboard implements BrowserClipboard {
  text = '';
  png: Uint8Array | null = null;
  refuse = false;
  reads = 0;
  private check(): void {
    if (this.refuse) throw Object.assign(new Error('denied'), { name: 'NotAllowedError' });
  }
  read() {
    this.reads++;
    this.check();
    const png = this.png;
    if (png) return Promise.resolve([{ types: ['image/png'], getType: () => Promise.resolve(new Blob([png.slice()])) }]);
    const text = this.text;
    return Promise.resolve([{ types: ['text/plain'], getType: () => Promise.resolve(new Blob([text])) }]);
  }
  async write(items: PageClipboardItem[]) {
    this.check();
    const item = items[0] as unknown as { png: Blob };
    this.png = new Uint8Array(await item.png.arrayBuffer());
    this.text = '';
  }
  writeText(text: string) {
    this.check();
    this.text = text;
    this.png = null;
    return Promise.resolve();
  }
}

test('ClipboardSync: a local change is offered once on focus; guest copies are written and not offered back; refusals are said once', async () => {
  const clipboard = new FakeBrowserClipboard();
  const offers: ClipboardItemData[][] = [];
  const notices: string[] = [];
  let focused = true;
  let permission: 'granted' | 'denied' | 'prompt' = 'granted';
  const sync = new ClipboardSync({
    readPermission: () => Promise.resolve(permission),
    clipboard,
    offer: (items) => offers.push(items),
    pngItem: (png) => ({ png }),
    notice: (message) => notices.push(message),
    hasFocus: () => focused,
    digest: (data) => Promise.resolve(Buffer.from(data).toString('hex')),
  });
  clipboard.text = 'copied here';
  await sync.check();
  await sync.check();
  assert.equal(offers.length, 1, 'offered once');
  assert.equal(new TextDecoder().decode(offers[0][0].data), 'copied here');

  await sync.guestCopied({ type: 'clipboard', mimeType: 'text/plain', data: new TextEncoder().encode('from the guest').buffer });
  assert.equal(clipboard.text, 'from the guest');
  await sync.check();
  assert.equal(offers.length, 1, 'the guest copy is not offered back');

  await sync.guestCopied({ type: 'clipboard', mimeType: 'image/png', data: bytes(0x89, 0x50, 1) });
  assert.deepEqual([...clipboard.png!], [0x89, 0x50, 1]);
  await sync.check();
  assert.equal(offers.length, 1);
  clipboard.png = Uint8Array.of(0x89, 0x50, 2);
  await sync.check();
  assert.equal(offers[1][0].mimeType, 'image/png');

  // A guest copy while the page is in the background is written when focus comes back...
  focused = false;
  await sync.guestCopied({ type: 'clipboard', mimeType: 'text/plain', data: new TextEncoder().encode('while away').buffer });
  assert.deepEqual([...clipboard.png!], [0x89, 0x50, 2], 'not written without focus');
  focused = true;
  await sync.check();
  assert.equal(clipboard.text, 'while away');
  assert.equal(offers.length, 2);
  // ...unless something was copied here meanwhile: that is newer, and goes to the guest.
  focused = false;
  await sync.guestCopied({ type: 'clipboard', mimeType: 'text/plain', data: new TextEncoder().encode('older').buffer });
  clipboard.text = 'copied elsewhere later';
  focused = true;
  await sync.check();
  assert.equal(clipboard.text, 'copied elsewhere later');
  assert.equal(new TextDecoder().decode(offers[2][0].data), 'copied elsewhere later');

  clipboard.refuse = true;
  permission = 'prompt';
  await sync.check();
  assert.deepEqual(notices, [], 'a dismissed question is not a denial: the browser asks again');
  permission = 'denied';
  await sync.check();
  await sync.check();
  await sync.guestCopied({ type: 'clipboard', mimeType: 'text/plain', data: bytes(104) });
  assert.deepEqual(notices, [READ_DENIED_NOTICE, WRITE_DENIED_NOTICE]);
});

test('ClipboardSync: a read that would make the browser ask waits until the person used the display; a granted one does not', async () => {
  const clipboard = new FakeBrowserClipboard();
  const offers: ClipboardItemData[][] = [];
  let permission: 'granted' | 'prompt' = 'prompt';
  let usedDisplay = false;
  let reads = 0;
  const counting: BrowserClipboard = {
    read: () => {
      reads++;
      return clipboard.read();
    },
    write: (items) => clipboard.write(items),
    writeText: (text) => clipboard.writeText(text),
  };
  const sync = new ClipboardSync({
    readPermission: () => Promise.resolve(permission),
    mayAsk: () => usedDisplay,
    clipboard: counting,
    offer: (items) => offers.push(items),
    pngItem: (png) => ({ png }),
    notice: () => {},
    hasFocus: () => true,
    digest: (data) => Promise.resolve(Buffer.from(data).toString('hex')),
  });
  clipboard.text = 'copied before the session';
  await sync.check();
  assert.equal(reads, 0, 'no read (and no browser question) at session start');
  usedDisplay = true;
  await sync.check();
  assert.equal(reads, 1);
  assert.equal(offers.length, 1);
  usedDisplay = false;
  permission = 'granted';
  clipboard.text = 'copied later';
  await sync.check();
  assert.equal(reads, 2, 'granted: read whenever the page gets focus');
  assert.equal(offers.length, 2);
});
