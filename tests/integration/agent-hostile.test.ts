import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeServer, type FakeConnection } from '../support/fake-spice-server';
import { Bytes } from '../support/chunking';
import { failureLine, runSaffron } from '../support/saffron-cli';
import { AgentCap, AgentMsg, encodeAgentMessage, encodeAnnounceCapabilities } from '../../src/core/protocol/agent-messages';

/**
 * A guest agent that breaks the protocol, played by a scripted server: the command fails with
 * one clear line and an exit code, never a crash or a hang.
 */

const MAIN_INIT = 103;
const AGENT_DATA = 109;
const CLIENT_AGENT_DATA = 107;

/** MAIN_INIT with an agent connected and 10 tokens. */
function initWithAgent(): Uint8Array {
  return new Bytes().u32(1).u32(1).u32(3).u32(2).u32(1).u32(10).u32(0).u32(1 << 24).build();
}

/** Waits for the client's first AGENT_DATA (its capabilities), skipping other messages. */
async function readAgentData(conn: FakeConnection): Promise<void> {
  for (;;) {
    const header = await conn.read(6);
    await conn.read(header.readUInt32LE(2));
    if (header.readUInt16LE(0) === CLIENT_AGENT_DATA) return;
  }
}

async function runAgainst(agentBytes: (conn: FakeConnection) => void, args: string[] = []): Promise<string> {
  const server = await startFakeServer(async (conn) => {
    await conn.acceptLink();
    conn.sendMessage(MAIN_INIT, initWithAgent());
    await readAgentData(conn);
    agentBytes(conn);
  });
  try {
    const result = await runSaffron(['clipboard-get', `spice://127.0.0.1:${server.port}`, ...args], { killAfterMs: 20_000 });
    return `${result.code} ${failureLine(result)}`;
  } finally {
    await server.stop();
  }
}

test('an agent header with the wrong protocol: protocol error, exit 7', { timeout: 30_000 }, async () => {
  const line = await runAgainst((conn) => conn.sendMessage(AGENT_DATA, new Bytes().u32(7).u32(6).u64(0).u32(4).u32(0).build()));
  assert.equal(line, '7 saffron: protocol error: the guest agent sent data Saffron cannot read (agent message: protocol 7, expected 1)');
});

test('an agent message claiming 4 GB: refused before any allocation, exit 7', { timeout: 30_000 }, async () => {
  const line = await runAgainst((conn) => conn.sendMessage(AGENT_DATA, new Bytes().u32(1).u32(4).u64(0).u32(0xffffffff).build()));
  assert.match(line, /^7 saffron: protocol error: .*size 4294967295 is beyond the limit/);
});

test('a malformed answer is dropped and the request times out: exit 9', { timeout: 30_000 }, async () => {
  const caps = [AgentCap.CLIPBOARD_BY_DEMAND, AgentCap.CLIPBOARD_SELECTION];
  const line = await runAgainst((conn) => {
    conn.sendMessage(AGENT_DATA, encodeAgentMessage(AgentMsg.ANNOUNCE_CAPABILITIES, encodeAnnounceCapabilities(false, caps)));
    // A CLIPBOARD of 2 bytes: too short for selection + type.
    conn.sendMessage(AGENT_DATA, encodeAgentMessage(AgentMsg.CLIPBOARD, Uint8Array.of(0, 0)));
  }, ['--timeout-ms', '500']);
  assert.match(line, /^9 saffron: timed out: the guest agent did not answer a clipboard request for text\/plain within 500 ms$/);
});

test('an agent that never finishes the capability exchange: exit 9', { timeout: 30_000 }, async () => {
  const line = await runAgainst(() => {}, ['--timeout-ms', '300']);
  assert.match(line, /^9 saffron: timed out: the guest agent did not answer the capability exchange within 300 ms$/);
});
