import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyseTone, playIntoFifo, readWav, sinePcm, type Wav } from '../support/audio';
import { startQemu, startXspice } from '../support/servers';
import { failureLine, runSaffron, type CliResult } from '../support/saffron-cli';

/**
 * `saffron audio` against real servers: Xspice playing what is written into its FIFO directory,
 * and QEMU's `-audiodev spice` playing its PC speaker. The WAV must hold what the playback
 * channel delivered, at the server's rate, each packet at its multimedia time.
 */

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function expectSuccess(result: CliResult): void {
  if (result.code !== 0) throw new Error(`saffron audio failed: ${result.code === null ? result.signal : failureLine(result)}`);
}

function assertPlainWav(wav: Wav, seconds: number): void {
  assert.equal(wav.formatTag, 1, 'format tag 1 (PCM)');
  assert.equal(wav.bitsPerSample, 16);
  assert.equal(wav.channels, 2);
  assert.equal(wav.sampleRate, 48_000, 'the rate PLAYBACK_START announced');
  assert.equal(wav.samples.length / wav.channels, seconds * wav.sampleRate, `${seconds} s counted from the link`);
}

async function withXspiceFifo(run: (target: string, fifoDir: string, workDir: string) => Promise<void>): Promise<void> {
  const fifoDir = await mkdtemp(join(tmpdir(), 'saffron-fifo-'));
  const workDir = await mkdtemp(join(tmpdir(), 'saffron-audio-'));
  const server = await startXspice({ deviceOptions: { SpicePlaybackFIFODir: fifoDir } });
  try {
    await run(`spice://127.0.0.1:${server.port}`, fifoDir, workDir);
  } finally {
    await server.stop();
    await rm(fifoDir, { recursive: true, force: true });
    await rm(workDir, { recursive: true, force: true });
  }
}

test('Xspice: a 440 Hz tone written into the playback FIFO arrives as 440 Hz, with no gap over 50 ms', { timeout: 120_000 }, async () => {
  await withXspiceFifo(async (target, fifoDir, workDir) => {
    const out = join(workDir, 'tone.wav');
    const recording = runSaffron(['audio', target, '--seconds', '4', '--out', out], { killAfterMs: 60_000 });
    await sleep(1000); // the command links its playback channel meanwhile
    await playIntoFifo(fifoDir, 'tone', sinePcm(440, 2));
    expectSuccess(await recording);

    const wav = await readWav(out);
    assertPlainWav(wav, 4);
    const tone = analyseTone(wav, 440);
    console.log(`Xspice tone: ${tone.zeroCrossingHz.toFixed(2)} Hz, ${(tone.energyAtExpected * 100).toFixed(1)}% of the energy at 440 Hz, ` +
      `sound ${tone.startMs}-${tone.endMs} ms, largest gap ${tone.largestGapMs} ms`);
    assert.ok(Math.abs(tone.zeroCrossingHz - 440) < 0.5, `frequency ${tone.zeroCrossingHz} Hz`);
    assert.ok(tone.energyAtExpected > 0.95, `only ${tone.energyAtExpected} of the energy is at 440 Hz (splices or noise?)`);
    assert.ok(tone.largestGapMs <= 50, `a ${tone.largestGapMs} ms gap at ${tone.largestGapAtMs} ms inside the tone`);
    const duration = tone.endMs - tone.startMs;
    assert.ok(Math.abs(duration - 2000) <= 60, `the 2 s tone lasts ${duration} ms in the WAV`);
  });
});

test('Xspice: a pause between two sounds is silence in the WAV, not a splice', { timeout: 120_000 }, async () => {
  await withXspiceFifo(async (target, fifoDir, workDir) => {
    const out = join(workDir, 'pause.wav');
    const recording = runSaffron(['audio', target, '--seconds', '6', '--out', out], { killAfterMs: 60_000 });
    await sleep(1000);
    await playIntoFifo(fifoDir, 'first', sinePcm(440, 0.8));
    // The write returns once the FIFO holds the last samples (about 0.35 s before they sound).
    await sleep(1500);
    await playIntoFifo(fifoDir, 'second', sinePcm(440, 0.8));
    expectSuccess(await recording);

    const wav = await readWav(out);
    assertPlainWav(wav, 6);
    const sound = analyseTone(wav, 440);
    console.log(`Xspice pause: sound ${sound.startMs}-${sound.endMs} ms, silence of ${sound.largestGapMs} ms at ${sound.largestGapAtMs} ms`);
    assert.ok(sound.largestGapMs >= 700, `the pause shows as only ${sound.largestGapMs} ms of silence`);
    // Each sound kept its length: the pause was added, nothing of the sound was lost.
    const first = sound.largestGapAtMs - sound.startMs;
    const second = sound.endMs - (sound.largestGapAtMs + sound.largestGapMs);
    assert.ok(Math.abs(first - 800) <= 40 && Math.abs(second - 800) <= 40, `sounds of ${first} ms and ${second} ms, expected 800 ms each`);
  });
});

/**
 * A boot sector that plays 440 Hz on the PC speaker forever: PIT channel 2 in square-wave mode
 * with divisor 1193182 / 440 = 2712, speaker gate and data bits on in port 0x61, then halt.
 */
function pcSpeakerBootSector(): Uint8Array {
  const sector = new Uint8Array(512);
  sector.set([
    0xb0, 0xb6, //       mov al, 0xb6      ; channel 2, lobyte/hibyte, mode 3
    0xe6, 0x43, //       out 0x43, al
    0xb8, 0x98, 0x0a, // mov ax, 2712
    0xe6, 0x42, //       out 0x42, al
    0x88, 0xe0, //       mov al, ah
    0xe6, 0x42, //       out 0x42, al
    0xe4, 0x61, //       in al, 0x61
    0x0c, 0x03, //       or al, 3
    0xe6, 0x61, //       out 0x61, al
    0xf4, //             hlt
    0xeb, 0xfd, //       jmp hlt
  ]);
  sector[510] = 0x55;
  sector[511] = 0xaa;
  return sector;
}

test('QEMU: -audiodev spice plays the PC speaker\'s 440 Hz through the playback channel', { timeout: 120_000 }, async () => {
  const workDir = await mkdtemp(join(tmpdir(), 'saffron-qemu-audio-'));
  const boot = join(workDir, 'speaker.img');
  await writeFile(boot, pcSpeakerBootSector());
  const qemu = await startQemu({
    extraArgs: ['-audiodev', 'spice,id=snd0', '-machine', 'pcspk-audiodev=snd0', '-drive', `file=${boot},format=raw,if=floppy`],
  });
  try {
    const out = join(workDir, 'speaker.wav');
    const result = await runSaffron(['audio', `spice://127.0.0.1:${qemu.port}`, '--seconds', '3', '--out', out], { killAfterMs: 60_000 });
    expectSuccess(result);
    const wav = await readWav(out);
    assertPlainWav(wav, 3);
    const tone = analyseTone(wav, 440);
    console.log(`QEMU speaker: ${tone.zeroCrossingHz.toFixed(2)} Hz over ${tone.longestSoundMs} ms without a gap, ` +
      `sound ${tone.startMs}-${tone.endMs} ms, largest gap ${tone.largestGapMs} ms`);
    // The PIT's square wave: 1193182 / 2712 = 439.97 Hz.
    assert.ok(Math.abs(tone.zeroCrossingHz - 439.97) < 1, `frequency ${tone.zeroCrossingHz} Hz`);
    assert.ok(tone.longestSoundMs >= 500, `the longest stretch of sound is ${tone.longestSoundMs} ms`);
    // The speaker sounds from before the link: sound must start within the server's latency.
    assert.ok(tone.startMs <= 1000, `sound starts only at ${tone.startMs} ms`);
  } finally {
    await qemu.stop();
    await rm(workDir, { recursive: true, force: true });
  }
});
