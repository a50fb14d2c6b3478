import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openEventStream } from '../../../src/renderer/transport/event-stream';
import { encodeStreamRecord } from '../../../src/shared/ipc-stream';
import { chunkings, concatBytes } from '../../support/chunking';

const pixels = new Uint8Array(70_000).map((_, i) => i * 7);
const damage = {
  type: 'damage',
  displayId: 0,
  surfaceId: 0,
  patches: [
    { x: 0, y: 0, width: 100, height: 100, rgba: pixels.slice(0, 40_000).buffer },
    { x: 0, y: 100, width: 75, height: 100, rgba: pixels.slice(40_000).buffer },
  ],
};
const status = { type: 'status', state: 'connected', guestName: 'ünïcode guest' };
const stream = concatBytes(...[status, damage, status, damage].flatMap((message) => encodeStreamRecord(message)));

/** Reads the page made with memory of its own (BYOB), as the byte stream saw them. */
let byobReads = 0;

/** A response whose body serves `chunks` as a byte stream (BYOB readers fill their own memory) or a plain one. */
function responseOf(chunks: Uint8Array[], bytes: boolean): typeof fetch {
  let next = 0;
  const body = bytes
    ? new ReadableStream({
        type: 'bytes',
        pull(controller) {
          if (controller.byobRequest) byobReads++;
          if (next < chunks.length) {
            controller.enqueue(chunks[next++].slice());
          } else {
            controller.close();
            // A byte stream ends a read waiting with memory of its own by answering it empty.
            controller.byobRequest?.respond(0);
          }
        },
      })
    : new ReadableStream<Uint8Array>({
        pull(controller) {
          if (next < chunks.length) controller.enqueue(chunks[next++].slice());
          else controller.close();
        },
      });
  return (() => Promise.resolve({ ok: true, status: 200, body } as unknown as Response)) as typeof fetch;
}

function readAll(fetchImpl: typeof fetch): Promise<{ messages: unknown[]; reason: string }> {
  return new Promise((resolve) => {
    const messages: unknown[] = [];
    // Damage buffers go back to the reader's pool once delivered: keep copies of what arrived.
    const keep = (message: unknown): unknown => structuredClone(message);
    openEventStream('/events?pipe=x', fetchImpl).listen(
      (message) => messages.push(keep(message)),
      (reason) => resolve({ messages, reason }),
    );
  });
}

test('the page reads records into their buffers (BYOB) or from chunks, whatever the chunking, with the same messages', { timeout: 60_000 }, async () => {
  const expected = [status, damage, status, damage];
  let cases = 0;
  for (const chunks of chunkings(stream)) {
    if (cases++ % 97 !== 0 && chunks.length > 1) continue; // a spread of cut points; every one is slow
    for (const bytes of [true, false]) {
      byobReads = 0;
      const { messages, reason } = await readAll(responseOf(chunks, bytes));
      assert.equal(reason, 'the event stream ended');
      assert.equal(byobReads > 0, bytes, 'a byte stream is read into memory the page gives it');
      assert.deepEqual(messages, expected, `${bytes ? 'byte' : 'plain'} stream cut at ${chunks.map((c) => c.length).join('+')}`);
    }
  }
});

test('a stream that breaks off inside a buffer ends the feed without a partial message', { timeout: 10_000 }, async () => {
  const cut = stream.subarray(0, stream.length - 1000);
  for (const bytes of [true, false]) {
    const { messages, reason } = await readAll(responseOf([cut], bytes));
    assert.equal(reason, 'the event stream ended');
    assert.deepEqual(messages, [status, damage, status]);
  }
});
