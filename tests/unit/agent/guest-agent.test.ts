import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MainMsgc } from '../../../src/core/protocol/constants';
import {
  AgentCap,
  AgentMsg,
  encodeAnnounceCapabilities,
  parseAnnounceCapabilities,
  MonitorsConfigFlag,
} from '../../../src/core/protocol/agent-messages';
import { hasCap } from '../../../src/core/protocol/capabilities';
import { AgentProtocolError, AgentTimeoutError, AgentUnavailableError } from '../../../src/main/agent/agent-errors';
import { buildMonitorsConfig, monitorsSideBySide, MonitorsConfigError } from '../../../src/main/agent/monitors-config';
import { Bytes } from '../../support/chunking';
import { FakeAgentSide, newAgent, VDAGENTD_CAPS } from './fake-agent';

test('attach: AGENT_START, then our capabilities with request = 1; the answer makes the agent ready', async () => {
  const agent = newAgent();
  const side = new FakeAgentSide(agent);
  const statuses: string[] = [];
  agent.on('status', (s) => statuses.push(s));
  agent.attach(side, 10);
  assert.equal(side.sent[0].type, MainMsgc.AGENT_START);
  assert.deepEqual([...side.sent[0].body], [0xff, 0xff, 0xff, 0xff]);
  const [announce] = side.of(AgentMsg.ANNOUNCE_CAPABILITIES);
  const ours = parseAnnounceCapabilities(announce.data);
  assert.equal(ours.request, true);
  for (const cap of [AgentCap.CLIPBOARD_BY_DEMAND, AgentCap.CLIPBOARD_SELECTION, AgentCap.MONITORS_CONFIG, AgentCap.CLIPBOARD_GRAB_SERIAL]) {
    assert.ok(hasCap(ours.caps, cap), `we announce cap ${cap}`);
  }
  const ready = agent.whenReady(1000);
  side.deliver(AgentMsg.ANNOUNCE_CAPABILITIES, encodeAnnounceCapabilities(true, VDAGENTD_CAPS));
  await ready;
  assert.deepEqual(statuses, ['connected', 'ready']);
  // The agent asked for ours again (request = 1): answered with request = 0.
  const answers = side.of(AgentMsg.ANNOUNCE_CAPABILITIES);
  assert.equal(answers.length, 2);
  assert.equal(parseAnnounceCapabilities(answers[1].data).request, false);
  assert.deepEqual(agent.features, {
    clipboard: true, clipboardSelections: true, monitorsConfig: true, sparseMonitors: true, fileTransfer: true, crlfLineEnds: false,
  });
});

test('whenReady: rejects at once without an agent, and on timeout when the agent never answers', async () => {
  const absent = newAgent();
  absent.absent(10);
  await assert.rejects(absent.whenReady(1000), (e: unknown) => e instanceof AgentUnavailableError && /no agent/.test(e.message));

  const waiting = newAgent();
  const pending = waiting.whenReady(1000);
  waiting.absent(10);
  await assert.rejects(pending, AgentUnavailableError);

  const silent = newAgent();
  silent.attach(new FakeAgentSide(silent), 10);
  await assert.rejects(silent.whenReady(20), (e: unknown) => e instanceof AgentTimeoutError && /capability exchange/.test(e.message));
});

test('a broken agent stream turns the features off until the agent reconnects', async () => {
  const agent = newAgent();
  const side = new FakeAgentSide(agent);
  side.connect();
  const notices: string[] = [];
  agent.on('notice', (n) => notices.push(n));
  agent.receive(new Bytes().u32(7).u32(4).u64(0).u32(0).build());
  assert.equal(agent.status, 'broken');
  assert.match(notices[0], /protocol 7/);
  assert.throws(() => agent.setMonitors([{ width: 800, height: 600, x: 0, y: 0 }]), /cannot configure monitors: the guest agent sent data Saffron cannot read/);
  await assert.rejects(agent.whenReady(1000), AgentProtocolError);
  // Whatever follows is ignored, not misread.
  side.deliver(AgentMsg.ANNOUNCE_CAPABILITIES, encodeAnnounceCapabilities(false, VDAGENTD_CAPS));
  assert.equal(agent.status, 'broken');
  side.connect();
  await agent.whenReady(100);
});

test('one malformed message is dropped; the stream goes on', async () => {
  const agent = newAgent();
  const side = new FakeAgentSide(agent);
  side.connect();
  side.deliver(AgentMsg.REPLY, Uint8Array.of(1, 2, 3));
  const replies: boolean[] = [];
  agent.on('monitorsConfigReply', (r) => replies.push(r.success));
  side.deliver(AgentMsg.REPLY, new Bytes().u32(AgentMsg.MONITORS_CONFIG).u32(1).build());
  assert.deepEqual(replies, [true]);
  assert.equal(agent.status, 'ready');
});

test('monitors configuration: sparse lists keep positions, others pack enabled monitors', () => {
  const sparse = buildMonitorsConfig([{ width: 1024, height: 768, x: 0, y: 0 }, null, { width: 800, height: 600, x: 1024, y: 0 }], true);
  assert.deepEqual([...sparse], [...new Bytes().u32(3).u32(MonitorsConfigFlag.USE_POS)
    .u32(768).u32(1024).u32(32).i32(0).i32(0)
    .u32(0).u32(0).u32(32).i32(0).i32(0)
    .u32(600).u32(800).u32(32).i32(1024).i32(0).build()]);
  const packed = buildMonitorsConfig([{ width: 1024, height: 768, x: 0, y: 0 }, null], false);
  assert.equal(new DataView(packed.buffer, packed.byteOffset).getUint32(0, true), 1);
  assert.throws(() => buildMonitorsConfig([null], true), MonitorsConfigError);
  assert.throws(() => buildMonitorsConfig([{ width: 0, height: 10, x: 0, y: 0 }], true), /between 1 and 16384/);
  assert.throws(() => buildMonitorsConfig([], true), MonitorsConfigError);
  assert.deepEqual(monitorsSideBySide([{ width: 1920, height: 1080 }, null, { width: 1280, height: 1024 }]), [
    { width: 1920, height: 1080, x: 0, y: 0 }, null, { width: 1280, height: 1024, x: 1920, y: 0 },
  ]);
});

test('setMonitors sends MONITORS_CONFIG once ready; refuses before', () => {
  const agent = newAgent();
  const side = new FakeAgentSide(agent);
  assert.throws(() => agent.setMonitors([{ width: 1280, height: 800, x: 0, y: 0 }]), /no guest agent is connected/);
  side.connect();
  agent.setMonitors([{ width: 1280, height: 800, x: 0, y: 0 }]);
  const [config] = side.of(AgentMsg.MONITORS_CONFIG);
  assert.deepEqual([...config.data], [...new Bytes().u32(1).u32(1).u32(800).u32(1280).u32(32).i32(0).i32(0).build()]);
});

test('detach ends everything: the next attach starts a fresh exchange', async () => {
  const agent = newAgent();
  const side = new FakeAgentSide(agent);
  side.connect();
  agent.detach();
  assert.equal(agent.status, 'absent');
  assert.throws(() => agent.clipboard.offerText('x'), AgentUnavailableError);
  const again = new FakeAgentSide(agent);
  again.connect(VDAGENTD_CAPS, null);
  await agent.whenReady(100);
  assert.equal(again.of(AgentMsg.ANNOUNCE_CAPABILITIES).length, 1);
});
