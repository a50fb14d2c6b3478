import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeServer, mainInitBody, type FakeConnection } from '../support/fake-spice-server';
import { Bytes } from '../support/chunking';
import { Session } from '../../src/main/session/session';
import { MouseButton } from '../../src/main/channels/inputs-channel';
import { InputsMsgc } from '../../src/core/protocol/constants';

/**
 * The display and inputs channels link side by side, so the first picture can show before the
 * inputs channel is up, and a click made on it must still land. A real server links too fast to
 * catch in that gap every time (the e2e input test once lost its first click to it); a scripted
 * server holds the inputs link open while the test clicks.
 */

const MAIN_INIT = 103;
const CHANNELS_LIST = 104;
const INPUTS = 3;

/** One mini-header message from the client. */
async function readClientMessage(conn: FakeConnection): Promise<{ type: number; body: Buffer }> {
  const header = await conn.read(6);
  return { type: header.readUInt16LE(0), body: await conn.read(header.readUInt32LE(2)) };
}

function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

test('input made while the inputs channel links goes out in order once it is linked', { timeout: 30_000 }, async () => {
  let linkHeld!: () => void;
  const held = new Promise<void>((resolve) => (linkHeld = resolve));
  let finishLink!: () => void;
  const finish = new Promise<void>((resolve) => (finishLink = resolve));
  let inputs!: FakeConnection;
  const server = await startFakeServer(async (conn) => {
    const link = await conn.readLink();
    conn.sendLinkReply(0);
    await conn.readTicket();
    if (link.channelType === INPUTS) {
      inputs = conn;
      linkHeld();
      await finish;
      conn.sendLinkResult(0);
      return;
    }
    conn.sendLinkResult(0);
    conn.sendMessage(MAIN_INIT, mainInitBody());
    conn.sendMessage(CHANNELS_LIST, new Bytes().u32(1).u8(INPUTS).u8(0).build());
  });
  const session = new Session({ target: { host: '127.0.0.1', port: server.port } });
  try {
    await session.connect();
    await within(5000, 'the inputs channel link', held);
    const channel = session.inputs;
    assert.ok(channel, 'the session has its inputs channel while it links');
    assert.equal(channel.state, 'linking');
    channel.mousePosition(517, 389);
    channel.mouseButton(MouseButton.LEFT, true);
    channel.mouseButton(MouseButton.LEFT, false);
    channel.keyDown(0x1e);
    channel.keyUp(0x1e);
    finishLink();
    const received: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { type, body } = await within(5000, `client message ${i + 1} of 5`, readClientMessage(inputs));
      if (type === InputsMsgc.MOUSE_POSITION) received.push(`position ${body.readUInt32LE(0)},${body.readUInt32LE(4)} buttons ${body.readUInt16LE(8)}`);
      else if (type === InputsMsgc.MOUSE_PRESS) received.push(`press ${body[0]} buttons ${body.readUInt16LE(1)}`);
      else if (type === InputsMsgc.MOUSE_RELEASE) received.push(`release ${body[0]} buttons ${body.readUInt16LE(1)}`);
      else if (type === InputsMsgc.KEY_DOWN) received.push(`down ${body.readUInt32LE(0).toString(16)}`);
      else if (type === InputsMsgc.KEY_UP) received.push(`up ${body.readUInt32LE(0).toString(16)}`);
      else received.push(`type ${type}`);
    }
    assert.deepEqual(received, ['position 517,389 buttons 0', 'press 1 buttons 1', 'release 1 buttons 0', 'down 1e', 'up 9e']);
  } finally {
    session.disconnect();
    await server.stop();
  }
});
