import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MainMsgc } from '../../../src/core/protocol/constants';
import { AgentMsg } from '../../../src/core/protocol/agent-messages';
import { AgentLink, TOKENS_GRANTED_TO_SERVER } from '../../../src/main/agent/agent-link';

function recorder(): { sent: { type: number; size: number }[]; send(type: number, body: Uint8Array): void } {
  const sent: { type: number; size: number }[] = [];
  return { sent, send: (type, body) => sent.push({ type, size: body.byteLength }) };
}

test('AGENT_START grants the server unlimited tokens; each AGENT_DATA body costs one of ours', () => {
  const port = recorder();
  const link = new AgentLink();
  link.open(port, 2);
  assert.deepEqual(port.sent, [{ type: MainMsgc.AGENT_START, size: 4 }]);
  assert.equal(TOKENS_GRANTED_TO_SERVER, 0xffffffff);
  // 5000 bytes of payload + 20 of header: three bodies, but only two tokens.
  link.sendMessage(AgentMsg.CLIPBOARD, new Uint8Array(5000));
  assert.deepEqual(port.sent.slice(1), [{ type: MainMsgc.AGENT_DATA, size: 2048 }, { type: MainMsgc.AGENT_DATA, size: 2048 }]);
  assert.equal(link.queued, 1);
  assert.equal(link.availableTokens, 0);
  link.grant(5);
  assert.deepEqual(port.sent.slice(3), [{ type: MainMsgc.AGENT_DATA, size: 924 }]);
  assert.equal(link.availableTokens, 4);
});

test('whenDrained waits for tokens; close drops the queue and releases waiters', async () => {
  const port = recorder();
  const link = new AgentLink();
  link.open(port, 0);
  for (let i = 0; i < 10; i++) link.sendMessage(AgentMsg.REPLY, new Uint8Array(8));
  assert.equal(link.queued, 10);
  let drained = false;
  const waiting = link.whenDrained(3).then(() => (drained = true));
  link.grant(5);
  await Promise.resolve();
  assert.equal(drained, false, '5 still queued');
  link.grant(2);
  await waiting;
  assert.equal(link.queued, 3);
  const stuck = link.whenDrained(0);
  link.close();
  await stuck;
  assert.equal(link.queued, 0);
  link.sendMessage(AgentMsg.REPLY, new Uint8Array(8));
  assert.equal(port.sent.filter((s) => s.type === MainMsgc.AGENT_DATA).length, 7, 'nothing is sent once closed');
});

test('a long queue drains completely and in order', () => {
  const order: number[] = [];
  const link = new AgentLink();
  // Each message is one body: 20 bytes of header, then its index.
  link.open({ send: (type, body) => { if (type === MainMsgc.AGENT_DATA) order.push(body[20] | (body[21] << 8)); } }, 0);
  for (let i = 0; i < 3000; i++) link.sendMessage(AgentMsg.REPLY, Uint8Array.of(i & 0xff, i >> 8));
  assert.equal(link.queued, 3000);
  for (let i = 0; i < 30; i++) link.grant(100);
  assert.deepEqual(order, Array.from({ length: 3000 }, (_, i) => i));
  assert.equal(link.queued, 0);
});
