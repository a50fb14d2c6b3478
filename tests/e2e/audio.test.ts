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
import { AUDIO_TAP_SCRIPT, hear, longestSilenceMs, peakFrequency, rms, zeroCrossingFrequency, type HeardSound } from '../support/audio-tap';
import { playIntoFifo, sinePcm } from '../support/audio';
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
    if (message.type() === 'warning') console.log(`page: ${message.text()}`);
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
  let heard: HeardSound | null = null;
  await waitFor('the tone in the page output', async () => {
    heard = await hear(page);
    return heard !== null && rms(heard.samples.subarray(heard.samples.length - 4800)) > 0.05;
  }, 30_000);
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
    const playing = playIntoFifo(fifoDir, 'tone', sinePcm(440, 8));
    const indicator = page.getByRole('status', { name: 'Sound playing' });
    await indicator.waitFor({ timeout: 30_000 });
    assert.match(await indicator.innerText(), /PCM, 48 kHz stereo/);
    const sound = await hearTone(page);
    assertTone(sound, 'Xspice raw PCM');
    assert.equal(sound.decoded, 0, 'raw PCM needs no decoder');

    // The Sound switch mutes locally, and un-mutes.
    await page.getByRole('button', { name: 'Sound on' }).click();
    await waitFor('silence after muting', async () => rms((await hear(page))!.samples) < 1e-4, 10_000);
    await page.getByRole('button', { name: 'Sound off' }).click();
    await waitFor('the tone again', async () => rms((await hear(page))!.samples.subarray(-4800)) > 0.05, 10_000);
    await playing;
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
