// Sound in the app, end to end in Chromium. Playback: Xspice plays a 440 Hz tone written into its
// FIFO; a tap on the page's AudioContext output (test instrumentation, tests/support/audio-tap.ts)
// must hear 440 Hz without gaps, through raw PCM (Debian's Xspice default) and through Opus
// (XSPICE_PLAYBACK_COMPRESSION=1, decoded by WebCodecs), and the Sound switch must silence it.
// Record: no server here can start recording without a guest OS (Xspice has no record channel;
// QEMU records only for a guest that drives its sound card), so a scripted server plays the
// record channel, and Chromium's fake microphone (--use-fake-device-for-media-stream) beeps.
// Needs `npm run build` first.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { AUDIO_TAP_SCRIPT, hear, liveMicrophoneTracks, outputLevel, startRecordingOutput, stopRecordingOutput, longestSilenceMs, peakFrequency, rms, zeroCrossingFrequency, type HeardSound } from '../support/audio-tap';
import { analyseTone, playIntoFifo, sinePcm } from '../support/audio';
import { startPlaybackServer } from '../support/playback-server';
import { RECORD_CLIENT, recordData, startRecordServer, type RecordServer } from '../support/record-server';
import { requireProgram, startXspice, type XspiceServer } from '../support/servers';
import { CHROMIUM_ARGS, connectThroughForm, startWebShell, tempDir, waitFor, type WebShell } from '../support/web-shell';

let web: WebShell;
let browser: Browser;
const config = tempDir('saffron-audio-config-');
const fifoDirs: string[] = [];

before(async () => {
  requireProgram('chromium');
  [web, browser] = await Promise.all([
    startWebShell({ SAFFRON_CONFIG_DIR: config.path, DBUS_SESSION_BUS_ADDRESS: '' }),
    // The fake microphone beeps; the fake UI grants the browser's own permission (ours still asks).
    chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] }),
  ]);
});

after(async () => {
  await browser?.close();
  if (web) assert.equal(await web.stop(), 0, 'saffron web exits 0 on SIGINT');
  config.remove();
  for (const dir of fifoDirs) await rm(dir, { recursive: true, force: true });
});

async function openPage(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
    // The page's own warnings (sound problems) help when a check fails; the tap's recorder is ours.
    if (message.type() === 'warning' && !message.text().includes('ScriptProcessorNode')) console.log(`page: ${message.text()}`);
  });
  await page.addInitScript(AUDIO_TAP_SCRIPT);
  await page.goto(web.url);
  return { page, problems };
}

async function xspiceWithFifo(env: Record<string, string> = {}): Promise<{ server: XspiceServer; fifoDir: string }> {
  const fifoDir = await mkdtemp(join(tmpdir(), 'saffron-e2e-fifo-'));
  fifoDirs.push(fifoDir);
  const server = await startXspice({ deviceOptions: { SpicePlaybackFIFODir: fifoDir }, env });
  return { server, fifoDir };
}

/** Waits until the page's output is loud, then a little more so the whole tap window holds the tone. */
async function hearTone(page: Page): Promise<HeardSound> {
  await waitFor('the tone in the page output', async () => (await outputLevel(page)) > 0.05, 30_000);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const sound = await hear(page);
  assert.ok(sound, 'the output tap went away');
  return sound;
}

function assertTone(sound: HeardSound, what: string): void {
  const peak = peakFrequency(sound);
  const crossings = zeroCrossingFrequency(sound);
  const silence = longestSilenceMs(sound);
  console.log(`${what}: peak ${peak.toFixed(2)} Hz, zero crossings ${crossings.toFixed(2)} Hz, level ${rms(sound.samples).toFixed(3)} RMS, ` +
    `longest silence ${silence} ms in ${(sound.samples.length / sound.rate).toFixed(2)} s, output at ${sound.rate} Hz`);
  assert.ok(Math.abs(peak - 440) < 2, `${what}: the loudest frequency is ${peak} Hz`);
  assert.ok(Math.abs(crossings - 440) < 1, `${what}: zero crossings say ${crossings} Hz`);
  assert.equal(silence, 0, `${what}: ${silence} ms of silence inside the tone`);
}

test('playback, raw PCM: a 440 Hz tone in Xspice comes out of the page as 440 Hz, the indicator shows, the Sound switch silences it', async () => {
  const { server, fifoDir } = await xspiceWithFifo();
  const { page, problems } = await openPage();
  try {
    await connectThroughForm(page, server.port);
    // Long enough for every step below on a loaded machine; the test ends when the server has played it.
    const playing = playIntoFifo(fifoDir, 'tone', sinePcm(440, 20));
    const indicator = page.getByRole('status', { name: 'Sound playing' });
    await indicator.waitFor({ timeout: 30_000 });
    assert.match(await indicator.innerText(), /PCM, 48 kHz stereo/);
    const sound = await hearTone(page);
    assertTone(sound, 'Xspice raw PCM');
    assert.equal(sound.decoded, 0, 'raw PCM needs no decoder');

    // The Sound switch mutes locally, and un-mutes.
    await page.getByRole('button', { name: 'Sound on' }).click();
    await waitFor('silence after muting', async () => (await outputLevel(page, 0.5)) < 1e-4, 10_000);
    await page.getByRole('button', { name: 'Sound off' }).click();
    await waitFor('the tone again', async () => (await outputLevel(page)) > 0.05, 10_000);
    await playing;
    // Xspice stops the stream once the FIFO is drained: the indicator goes, the output falls silent.
    await indicator.waitFor({ state: 'hidden', timeout: 10_000 });
    await waitFor('silence after the tone', async () => (await outputLevel(page)) < 1e-4, 10_000);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
    await server.stop();
  }
});

test('playback, Opus: Xspice with playback compression sends Opus, which WebCodecs decodes to 440 Hz', async () => {
  const { server, fifoDir } = await xspiceWithFifo({ XSPICE_PLAYBACK_COMPRESSION: '1' });
  const { page, problems } = await openPage();
  try {
    await connectThroughForm(page, server.port);
    const playing = playIntoFifo(fifoDir, 'tone', sinePcm(440, 5));
    const indicator = page.getByRole('status', { name: 'Sound playing' });
    await indicator.waitFor({ timeout: 30_000 });
    assert.match(await indicator.innerText(), /Opus, 48 kHz stereo/);
    const sound = await hearTone(page);
    assertTone(sound, 'Xspice Opus');
    assert.ok(sound.decoded > 50, `only ${sound.decoded} Opus packets decoded`);
    await playing;
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
    await server.stop();
  }
});

/** Fills the form and connects to a server that has no display: waits for the session to be up. */
async function connectWithoutDisplay(page: Page, port: number): Promise<void> {
  await page.getByLabel('Host', { exact: true }).fill('127.0.0.1');
  await page.getByLabel('Port', { exact: true }).fill(String(port));
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await page.getByText("Connected; waiting for the guest's display…").waitFor({ timeout: 20_000 });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Interleaved stereo s16 samples of all DATA received. */
function recordedPcm(server: RecordServer): Int16Array {
  const bytes = Buffer.concat(recordData(server.received));
  return new Int16Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.byteLength / 2));
}

test('record: the guest asks, the person allows once for the session, the fake microphone reaches the server as raw PCM; Stop revokes it', async () => {
  const server = await startRecordServer();
  const { page, problems } = await openPage();
  try {
    await connectWithoutDisplay(page, server.port);
    await server.linked();
    server.start();
    const prompt = page.getByRole('alertdialog', { name: 'Microphone request' });
    await prompt.waitFor({ timeout: 20_000 });
    assert.match(await prompt.innerText(), /The guest wants to use your microphone/);
    assert.equal(recordData(server.received).length, 0, 'nothing before the person answers');
    await prompt.getByRole('button', { name: 'Allow' }).click();
    const indicator = page.getByRole('status', { name: 'Microphone on' });
    await indicator.waitFor({ timeout: 20_000 });
    // Two seconds of stereo s16 at 48 kHz.
    await waitFor('2 s of microphone samples at the server', () => recordedPcm(server).length >= 2 * 48_000 * 2, 60_000);
    const mode = server.received.find((m) => m.type === RECORD_CLIENT.MODE);
    assert.ok(mode, 'MODE before the samples');
    assert.equal(mode.body.readUInt16LE(4), 1, 'MODE says raw PCM');
    assert.ok(server.received.findIndex((m) => m.type === RECORD_CLIENT.START_MARK) < server.received.findIndex((m) => m.type === RECORD_CLIENT.DATA));
    const pcm = recordedPcm(server);
    let loud = 0;
    let peak = 0;
    let unequal = 0;
    for (let i = 0; i + 1 < pcm.length; i += 2) {
      peak = Math.max(peak, Math.abs(pcm[i]));
      if (Math.abs(pcm[i]) > 1000) loud++;
      if (pcm[i] !== pcm[i + 1]) unequal++;
    }
    console.log(`record raw: ${pcm.length / 2} frames, peak ${peak}, ${loud} frames louder than 1000`);
    assert.ok(peak > 3000 && loud > 100, `the fake microphone's beeps did not arrive (peak ${peak}, ${loud} loud frames)`);
    assert.equal(unequal, 0, 'the mono microphone is copied to both channels');

    // The guest stops: capture ends, the browser's microphone is released.
    server.stop();
    await indicator.waitFor({ state: 'hidden', timeout: 10_000 });
    await waitFor('the microphone track to stop', async () => (await liveMicrophoneTracks(page)) === 0);
    // It starts again: no second question in the same session.
    server.start();
    await indicator.waitFor({ timeout: 20_000 });
    assert.equal(await prompt.count(), 0, 'asked only once per session');
    // Stop microphone: off, and refused for the rest of the session.
    await page.getByRole('button', { name: 'Stop microphone' }).click();
    await indicator.waitFor({ state: 'hidden', timeout: 10_000 });
    await waitFor('the microphone track to stop', async () => (await liveMicrophoneTracks(page)) === 0);
    await sleep(500);
    const afterRevoke = recordData(server.received).length;
    server.stop();
    server.start();
    await sleep(3000);
    assert.equal(recordData(server.received).length, afterRevoke, 'nothing sent after Stop microphone');
    assert.equal(await prompt.count(), 0);
    assert.equal(await indicator.count(), 0);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
    await server.close();
  }
});

test('record: Deny sends nothing and never opens the microphone', async () => {
  const server = await startRecordServer();
  const { page, problems } = await openPage();
  try {
    await connectWithoutDisplay(page, server.port);
    await server.linked();
    server.start();
    const prompt = page.getByRole('alertdialog', { name: 'Microphone request' });
    await prompt.waitFor({ timeout: 20_000 });
    await prompt.getByRole('button', { name: 'Deny' }).click();
    await prompt.waitFor({ state: 'hidden' });
    await sleep(3000);
    assert.equal(recordData(server.received).length, 0, 'no samples after Deny');
    assert.equal(server.received.length, 0, 'not even MODE or START_MARK');
    assert.equal(await page.getByRole('status', { name: 'Microphone on' }).count(), 0);
    assert.equal(await liveMicrophoneTracks(page), 0);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
    await server.close();
  }
});

test('record, Opus: a server that takes Opus gets AudioEncoder packets that decode to the beeps; disconnecting stops the microphone', async () => {
  const server = await startRecordServer({ opus: true });
  const { page, problems } = await openPage();
  try {
    await connectWithoutDisplay(page, server.port);
    await server.linked();
    server.start();
    await page.getByRole('alertdialog', { name: 'Microphone request' }).getByRole('button', { name: 'Allow' }).click();
    const indicator = page.getByRole('status', { name: 'Microphone on' });
    await indicator.waitFor({ timeout: 20_000 });
    // 20 ms packets: 100 of them are 2 s.
    await waitFor('100 Opus packets at the server', () => recordData(server.received).length >= 100, 60_000);
    const mode = server.received.find((m) => m.type === RECORD_CLIENT.MODE);
    assert.equal(mode?.body.readUInt16LE(4), 3, 'MODE says Opus');
    const packets = recordData(server.received).map((packet) => [...packet]);
    assert.ok(packets.every((packet) => packet.length > 0 && packet.length < 1500), 'packet sizes of Opus, not PCM');
    // Decoded in the page by WebCodecs (the check, not the product): the beeps are there.
    const peak = await page.evaluate(`(async () => {
      const packets = ${JSON.stringify(packets)};
      let peak = 0;
      const decoder = new AudioDecoder({
        output: (data) => {
          const plane = new Float32Array(data.numberOfFrames);
          data.copyTo(plane, { planeIndex: 0, format: 'f32-planar' });
          for (const x of plane) peak = Math.max(peak, Math.abs(x));
          data.close();
        },
        error: () => {},
      });
      decoder.configure({ codec: 'opus', sampleRate: 48000, numberOfChannels: 2 });
      packets.forEach((packet, i) => decoder.decode(new EncodedAudioChunk({ type: 'key', timestamp: i * 20000, data: new Uint8Array(packet) })));
      await decoder.flush();
      return peak;
    })()`);
    console.log(`record Opus: ${packets.length} packets, ${packets.reduce((sum, p) => sum + p.length, 0)} bytes, decoded peak ${Number(peak).toFixed(3)}`);
    assert.ok(Number(peak) > 0.1, `the Opus packets decode to silence (peak ${peak})`);

    await page.getByRole('button', { name: 'Disconnect' }).click();
    await indicator.waitFor({ state: 'hidden', timeout: 10_000 });
    await waitFor('the microphone track to stop', async () => (await liveMicrophoneTracks(page)) === 0);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
    await server.close();
  }
});

test('playback, scripted server: a pause inside one stream stays silent and each tone keeps its length; the server\'s volume and mute act on the output', async () => {
  const server = await startPlaybackServer();
  const { page, problems } = await openPage();
  try {
    await connectWithoutDisplay(page, server.port);
    await server.linked();
    // With 100 ms of buffering, a page held up for longer at the start (a loaded CI machine)
    // found its first packets due already: they are trimmed to stay in step with the clock, and
    // the first tone came out 945 ms long. 300 ms leaves room for such a stall.
    server.latency(300);
    await startRecordingOutput(page);
    await server.play([{ toneMs: 1000 }, { pauseMs: 300 }, { toneMs: 1000 }]);
    await page.getByRole('status', { name: 'Sound playing' }).waitFor({ state: 'hidden', timeout: 10_000 });
    await sleep(1000);
    const output = await stopRecordingOutput(page);
    const tone = analyseTone({ formatTag: 1, channels: 1, sampleRate: output.rate, bitsPerSample: 16, samples: output.samples }, 440);
    const first = tone.largestGapAtMs - tone.startMs;
    const second = tone.endMs - (tone.largestGapAtMs + tone.largestGapMs);
    console.log(`scripted stream: ${tone.zeroCrossingHz.toFixed(2)} Hz, tones of ${first} and ${second} ms around a ${tone.largestGapMs} ms silence`);
    assert.ok(Math.abs(tone.zeroCrossingHz - 440) < 0.5, `${tone.zeroCrossingHz} Hz`);
    assert.ok(Math.abs(tone.largestGapMs - 300) <= 30, `the 300 ms pause lasts ${tone.largestGapMs} ms`);
    assert.ok(Math.abs(first - 1000) <= 40 && Math.abs(second - 1000) <= 40, `tones of ${first} and ${second} ms, expected 1000 ms each`);

    // The guest mixer: level 32768 of 65535 is a gain of 1/8 (cubic, as spice-gtk); mute is silence.
    const level = (): Promise<number> => outputLevel(page);
    // Long enough for every step below on a loaded machine.
    const playing = server.play([{ toneMs: 20_000 }]);
    await waitFor('the tone at full volume', async () => (await level()) > 0.2, 20_000);
    // The median of readings over half a second: one reading may fall on a late buffer's gap
    // (a loaded machine), and every ratio below is to this one.
    const readings: number[] = [];
    for (let i = 0; i < 5; i++, await sleep(100)) readings.push(await level());
    const full = readings.sort((a, b) => a - b)[2];
    const atOneEighth = async (what: string): Promise<void> => {
      let ratio = NaN;
      await waitFor(what, async () => {
        ratio = (await level()) / full;
        return Math.abs(ratio - 0.125) < 0.02;
      }, 10_000).catch((error: Error) => {
        throw new Error(`${error.message} (last level ${ratio.toFixed(3)} of full ${full.toFixed(3)})`);
      });
    };
    server.volume([32768, 32768]);
    await atOneEighth('the tone at 1/8');
    server.mute(true);
    await waitFor('silence while muted', async () => (await level()) < 1e-4, 10_000);
    server.mute(false);
    await atOneEighth('the tone at 1/8 again');
    await playing;
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
    await server.close();
  }
});
