import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AgentCap,
  AgentMsg,
  ClipboardSelection,
  ClipboardType,
  encodeClipboardData,
  encodeClipboardGrab,
  encodeClipboardRelease,
  encodeClipboardRequest,
  parseClipboardData,
  parseClipboardGrab,
  parseClipboardRequest,
  type ClipboardFraming,
} from '../../../src/core/protocol/agent-messages';
import { AgentTimeoutError, AgentUnavailableError } from '../../../src/main/agent/agent-errors';
import type { ClipboardGrabEvent } from '../../../src/main/agent/clipboard';
import { FakeAgentSide, newAgent, VDAGENTD_CAPS } from './fake-agent';

const FULL: ClipboardFraming = { selection: true, grabSerial: true };
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

function connected(caps: readonly number[] = VDAGENTD_CAPS): FakeAgentSide {
  const side = new FakeAgentSide(newAgent(), 700);
  side.connect(caps);
  return side;
}

test('a request before any grab is answered (the guest may have copied before we connected)', async () => {
  const side = connected();
  const answer = side.agent.clipboard.requestText('clipboard', 1000);
  const [request] = side.of(AgentMsg.CLIPBOARD_REQUEST);
  assert.deepEqual(parseClipboardRequest(FULL, request.data), { selection: ClipboardSelection.CLIPBOARD, type: ClipboardType.UTF8_TEXT });
  // A long answer, cut into several AGENT_DATA bodies.
  const long = 'é'.repeat(3000);
  side.deliver(AgentMsg.CLIPBOARD, encodeClipboardData(FULL, ClipboardSelection.CLIPBOARD, ClipboardType.UTF8_TEXT, text(long)));
  assert.equal(await answer, long);
});

test('type NONE means nothing there; answers go to requests of their own selection, in order', async () => {
  const side = connected();
  const clipboard = side.agent.clipboard;
  const first = clipboard.request('text/plain', 'clipboard', 1000);
  const primary = clipboard.request('text/plain', 'primary', 1000);
  const second = clipboard.request('image/png', 'clipboard', 1000);
  side.deliver(AgentMsg.CLIPBOARD, encodeClipboardData(FULL, ClipboardSelection.PRIMARY, ClipboardType.UTF8_TEXT, text('p')));
  side.deliver(AgentMsg.CLIPBOARD, encodeClipboardData(FULL, ClipboardSelection.CLIPBOARD, ClipboardType.NONE, new Uint8Array(0)));
  side.deliver(AgentMsg.CLIPBOARD, encodeClipboardData(FULL, ClipboardSelection.CLIPBOARD, ClipboardType.IMAGE_PNG, Uint8Array.of(0x89, 0x50)));
  assert.equal(await first, null);
  assert.deepEqual([...(await primary)!], [...text('p')]);
  assert.deepEqual([...(await second)!], [0x89, 0x50]);
});

test('a trailing NUL (Windows agents) is not part of the text', async () => {
  const side = connected();
  const answer = side.agent.clipboard.requestText();
  side.deliver(AgentMsg.CLIPBOARD, encodeClipboardData(FULL, 0, ClipboardType.UTF8_TEXT, Uint8Array.of(0x68, 0x69, 0)));
  assert.equal(await answer, 'hi');
});

test('a request that times out keeps its place: its late answer does not go to the next one', async () => {
  const side = connected();
  const clipboard = side.agent.clipboard;
  await assert.rejects(clipboard.request('text/plain', 'clipboard', 10), AgentTimeoutError);
  const next = clipboard.requestText('clipboard', 1000);
  side.deliver(AgentMsg.CLIPBOARD, encodeClipboardData(FULL, 0, ClipboardType.UTF8_TEXT, text('late')));
  side.deliver(AgentMsg.CLIPBOARD, encodeClipboardData(FULL, 0, ClipboardType.UTF8_TEXT, text('fresh')));
  assert.equal(await next, 'fresh');
});

test('the guest grabs: an event with its types; a grab with a stale serial is discarded', () => {
  const side = connected();
  const grabs: ClipboardGrabEvent[] = [];
  side.agent.on('clipboardGrab', (g) => grabs.push(g));
  side.deliver(AgentMsg.CLIPBOARD_GRAB, encodeClipboardGrab(FULL, ClipboardSelection.CLIPBOARD, 0, [ClipboardType.UTF8_TEXT, ClipboardType.IMAGE_PNG, 99]));
  assert.deepEqual(grabs, [{ selection: 'clipboard', types: ['text/plain', 'image/png'] }]);
  assert.deepEqual(side.agent.clipboard.guestOffers('clipboard'), ['text/plain', 'image/png']);
  // Both sides count grabs: ours (serial 1) and the guest's next must be 2.
  side.agent.clipboard.offerText('ours');
  assert.equal(parseClipboardGrab(FULL, side.of(AgentMsg.CLIPBOARD_GRAB)[0].data).serial, 1);
  side.deliver(AgentMsg.CLIPBOARD_GRAB, encodeClipboardGrab(FULL, ClipboardSelection.CLIPBOARD, 1, [ClipboardType.UTF8_TEXT]));
  assert.equal(grabs.length, 1, 'a guest grab made at the same time as ours loses');
  assert.equal(side.agent.clipboard.owns('clipboard'), true);
  side.deliver(AgentMsg.CLIPBOARD_GRAB, encodeClipboardGrab(FULL, ClipboardSelection.CLIPBOARD, 2, [ClipboardType.UTF8_TEXT]));
  assert.equal(grabs.length, 2);
  assert.equal(side.agent.clipboard.owns('clipboard'), false, 'the guest copied after us: our offer is gone');
});

test('our offer: GRAB with the types, then each guest REQUEST is answered from the provider', async () => {
  const side = connected();
  const asked: string[] = [];
  side.agent.clipboard.offer(['text/plain', 'image/png'], async (type) => {
    asked.push(type);
    return type === 'text/plain' ? text('offered') : null;
  }, 'primary');
  const grab = parseClipboardGrab(FULL, side.of(AgentMsg.CLIPBOARD_GRAB)[0].data);
  assert.deepEqual(grab, { selection: ClipboardSelection.PRIMARY, serial: 0, types: [ClipboardType.UTF8_TEXT, ClipboardType.IMAGE_PNG] });
  side.deliver(AgentMsg.CLIPBOARD_REQUEST, encodeClipboardRequest(FULL, ClipboardSelection.PRIMARY, ClipboardType.UTF8_TEXT));
  side.deliver(AgentMsg.CLIPBOARD_REQUEST, encodeClipboardRequest(FULL, ClipboardSelection.PRIMARY, ClipboardType.IMAGE_PNG));
  side.deliver(AgentMsg.CLIPBOARD_REQUEST, encodeClipboardRequest(FULL, ClipboardSelection.CLIPBOARD, ClipboardType.UTF8_TEXT));
  await new Promise((resolve) => setImmediate(resolve));
  const answers = side.of(AgentMsg.CLIPBOARD).map((m) => parseClipboardData(FULL, m.data));
  const of = (selection: number): [number, string][] =>
    answers.filter((a) => a.selection === selection).map((a) => [a.type, new TextDecoder().decode(a.data)]);
  // In request order within a selection (the provider's await does not reorder them).
  assert.deepEqual(of(ClipboardSelection.PRIMARY), [[ClipboardType.UTF8_TEXT, 'offered'], [ClipboardType.NONE, '']]);
  assert.deepEqual(of(ClipboardSelection.CLIPBOARD), [[ClipboardType.NONE, '']], 'nothing offered on that selection');
  assert.deepEqual(asked, ['text/plain', 'image/png']);
  side.agent.clipboard.release('primary');
  assert.equal(side.of(AgentMsg.CLIPBOARD_RELEASE).length, 1);
  side.agent.clipboard.release('primary');
  assert.equal(side.of(AgentMsg.CLIPBOARD_RELEASE).length, 1, 'releasing twice sends once');
});

test('the guest releases: an event, and its offers are forgotten', () => {
  const side = connected();
  const released: string[] = [];
  side.agent.on('clipboardRelease', (r) => released.push(r.selection));
  side.deliver(AgentMsg.CLIPBOARD_GRAB, encodeClipboardGrab(FULL, ClipboardSelection.PRIMARY, 0, [ClipboardType.UTF8_TEXT]));
  side.deliver(AgentMsg.CLIPBOARD_RELEASE, encodeClipboardRelease(FULL, ClipboardSelection.PRIMARY));
  assert.deepEqual(released, ['primary']);
  assert.deepEqual(side.agent.clipboard.guestOffers('primary'), []);
});

test('an agent without CLIPBOARD_SELECTION: no selection bytes, and only the clipboard selection', async () => {
  const side = connected([AgentCap.CLIPBOARD_BY_DEMAND, AgentCap.MONITORS_CONFIG]);
  const plain: ClipboardFraming = { selection: false, grabSerial: false };
  side.agent.clipboard.offerText('x');
  assert.deepEqual(parseClipboardGrab(plain, side.of(AgentMsg.CLIPBOARD_GRAB)[0].data), { selection: 0, serial: null, types: [1] });
  assert.equal(side.of(AgentMsg.CLIPBOARD_GRAB)[0].data.byteLength, 4);
  await assert.rejects(side.agent.clipboard.request('text/plain', 'primary'), /knows only the clipboard selection/);
  assert.equal(side.agent.features.clipboardSelections, false);
});

test('without clipboard-by-demand, or without an agent, the clipboard refuses clearly', async () => {
  const side = connected([AgentCap.MONITORS_CONFIG]);
  await assert.rejects(side.agent.clipboard.requestText(), AgentUnavailableError);
  const none = newAgent();
  assert.throws(() => none.clipboard.offerText('x'), AgentUnavailableError);
});

test('pending requests fail when the agent leaves', async () => {
  const side = connected();
  const pending = side.agent.clipboard.requestText('clipboard', 5000);
  side.agent.detach();
  await assert.rejects(pending, (e: unknown) => e instanceof AgentUnavailableError && /disconnected/.test(e.message));
});
