// Tests of the test harness itself: real Xspice and QEMU servers start on loopback, show what
// we expect, and leave nothing behind (processes, ports, X locks, temp dirs), even when the
// test process dies without calling stop().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareImages, pixelAt, type RgbImage } from '../support/images';
import { BACKGROUND, showFlatColours, showPhoto, showShapes, showText } from '../support/scenes';
import {
  endProcess, freePort, portIsOpen, processIsAlive, requireProgram, startQemu, startXspice,
  type QemuServer,
} from '../support/servers';

const SUPPORT = join(__dirname, '..', 'support');

function distinctColours(image: RgbImage): number {
  const seen = new Set<number>();
  for (let i = 0; i < image.data.length; i += 3) seen.add((image.data[i] << 16) | (image.data[i + 1] << 8) | image.data[i + 2]);
  return seen.size;
}

async function assertXspiceGone(server: { display: string; port: number; pid: number; dir: string }): Promise<void> {
  const n = server.display.slice(1);
  assert.equal(processIsAlive(server.pid), false, `Xorg ${server.pid} still runs`);
  assert.equal(await portIsOpen(server.port), false, `port ${server.port} still open`);
  assert.equal(existsSync(`/tmp/.X${n}-lock`), false, `/tmp/.X${n}-lock left behind`);
  assert.equal(existsSync(`/tmp/.X11-unix/X${n}`), false, `/tmp/.X11-unix/X${n} left behind`);
  assert.equal(existsSync(server.dir), false, `${server.dir} left behind`);
}

test('a missing program fails with the Debian package to install', () => {
  assert.throws(() => requireProgram('saffron-no-such-program', 'saffron-imaginary-package'), /saffron-imaginary-package/);
  assert.match(requireProgram('xwd'), /\/xwd$/);
});

test('freePort gives a closed loopback port', async () => {
  const port = await freePort();
  assert.ok(port > 0 && port < 65536);
  assert.equal(await portIsOpen(port), false);
});

test('Xspice starts on loopback at 1024x768, draws, and stop() leaves nothing behind', async () => {
  const started = Date.now();
  const server = await startXspice();
  let stopped = false;
  try {
    const startMs = Date.now() - started;
    assert.match(server.display, /^:\d+$/);
    assert.equal(server.env.DISPLAY, server.display);
    assert.ok(processIsAlive(server.pid));
    assert.ok(await portIsOpen(server.port), 'SPICE port accepts connections');
    assert.ok(startMs < 20_000, `start took ${startMs} ms`);

    const before = await server.xwd();
    assert.equal(before.width, 1024);
    assert.equal(before.height, 768);

    await server.run('xsetroot', ['-solid', '#3a6ea5']);
    const after = await server.xwd();
    assert.ok(compareImages(before, after).differing > 0, 'xsetroot changed the screen');
    assert.equal(compareImages(after, { width: 1024, height: 768, data: solid(1024, 768, [0x3a, 0x6e, 0xa5]) }).differing, 0,
      'every pixel is the xsetroot colour');

    await assert.rejects(server.run('xwininfo', ['-name', 'saffron-no-such-window']), /No window with name/);

    // A client's process must die with the server's stop().
    const client = server.spawnClient('xlogo', ['-geometry', '100x100+10+10']);
    assert.ok(client.pid && processIsAlive(client.pid));

    await server.stop();
    stopped = true;
    assert.equal(processIsAlive(client.pid!), false, 'client killed');
    await assertXspiceGone(server);
    await server.stop(); // a second stop is harmless
  } finally {
    if (!stopped) await server.stop();
  }
});

function solid(width: number, height: number, rgb: [number, number, number]): Uint8Array {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i += 3) data.set(rgb, i);
  return data;
}

test('Xspice switches to 1920x1080 and passes XSPICE_* options', async () => {
  const server = await startXspice({ width: 1920, height: 1080, env: { XSPICE_IMAGE_COMPRESSION: 'quic' } });
  try {
    const screen = await server.xwd();
    assert.deepEqual([screen.width, screen.height], [1920, 1080]);
    assert.match(await server.run('xrandr', []), /current 1920 x 1080/);
    assert.equal(server.env.XSPICE_IMAGE_COMPRESSION, undefined, 'clients do not get server options');
  } finally {
    await server.stop();
  }
  await assertXspiceGone(server);
});

test('two Xspice servers at once get their own display and port', async () => {
  const servers = await Promise.all([startXspice(), startXspice()]);
  try {
    assert.notEqual(servers[0].display, servers[1].display);
    assert.notEqual(servers[0].port, servers[1].port);
    await servers[0].run('xsetroot', ['-solid', '#ff0000']);
    await servers[1].run('xsetroot', ['-solid', '#00ff00']);
    assert.deepEqual(pixelAt(await servers[0].xwd(), 5, 5), [255, 0, 0]);
    assert.deepEqual(pixelAt(await servers[1].xwd(), 5, 5), [0, 255, 0]);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
  for (const server of servers) await assertXspiceGone(server);
});

test('scenes draw known, deterministic content', async () => {
  const server = await startXspice();
  try {
    const flat = await showFlatColours(server);
    assert.equal(flat.flat.length, 6);
    for (const rect of flat.flat) {
      assert.deepEqual(pixelAt(flat.screen, rect.x + rect.width - 1, rect.y + rect.height - 1), rect.rgb);
    }
    await flat.close();

    const text = await showText(server);
    assert.deepEqual(pixelAt(text.screen, 0, 0), BACKGROUND);
    await text.close();

    const photo = await showPhoto(server);
    assert.equal(photo.images.length, 1);
    assert.ok(distinctColours(photo.images[0].image) > 10_000, 'the photo has many colours');
    await photo.close();

    const shapes = await showShapes(server);
    assert.ok(distinctColours(shapes.screen) > 20, 'anti-aliased shapes');
    await shapes.close();

    // The same scene twice gives the same screen, pixel for pixel.
    const again = await showText(server);
    assert.equal(compareImages(again.screen, text.screen).differing, 0, 'showText is deterministic');
    await again.close();
  } finally {
    await server.stop();
  }
});

async function withQemu(body: (qemu: QemuServer) => Promise<void>): Promise<QemuServer> {
  const qemu = await startQemu();
  try {
    await body(qemu);
  } finally {
    await qemu.stop();
  }
  return qemu;
}

test('QEMU starts on loopback; monitor and screendump work after stop', async () => {
  const qemu = await withQemu(async (qemu) => {
    assert.ok(await portIsOpen(qemu.port));
    assert.match(await qemu.monitor('info status'), /VM status: running/);
    assert.match(await qemu.monitor('info version'), /^\d+\.\d+/);
    assert.match(await qemu.monitor('saffron-nonsense'), /unknown command/);

    // Let the firmware draw its text screen, then freeze the guest for a stable picture.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(await qemu.monitor('stop'), '');
    assert.match(await qemu.monitor('info status'), /paused/);
    const first = await qemu.screendump();
    // Longer than the text cursor's blink period (about 530 ms), which runs while the guest does.
    await new Promise((resolve) => setTimeout(resolve, 700));
    const second = await qemu.screendump();
    assert.deepEqual([first.width, first.height], [720, 400], 'VGA text mode');
    assert.equal(compareImages(first, second).differing, 0, 'a stopped guest keeps its screen');
    assert.ok(distinctColours(first) >= 2, 'the firmware printed something');
  });
  assert.equal(processIsAlive(qemu.pid), false, `qemu ${qemu.pid} still runs`);
  assert.equal(await portIsOpen(qemu.port), false, `port ${qemu.port} still open`);
  assert.equal(existsSync(qemu.dir), false, `${qemu.dir} left behind`);
});

test('QEMU takes replacement -spice options (a password)', async () => {
  const qemu = await startQemu({
    spiceOptions: ['password-secret=s0'],
    extraArgs: ['-object', 'secret,id=s0,data=saffron-test'],
  });
  try {
    assert.ok(await portIsOpen(qemu.port));
    assert.match(await qemu.monitor('info spice'), /auth: spice/);
  } finally {
    await qemu.stop();
  }
  assert.equal(processIsAlive(qemu.pid), false);
});

// A test process that dies without stop() must still take its servers with it.
for (const ending of ['throws', 'is sent SIGTERM'] as const) {
  test(`servers die when the test process ${ending}`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'saffron-harness-'));
    try {
      const script = join(dir, 'leak.ts');
      await writeFile(script, [
        `import { startXspice, startQemu } from ${JSON.stringify(join(SUPPORT, 'servers'))};`,
        '(async () => {',
        '  const x = await startXspice();',
        "  x.spawnClient('xlogo', []);",
        '  const q = await startQemu();',
        '  console.log(JSON.stringify({ display: x.display, port: x.port, pid: x.pid, dir: x.dir, qpid: q.pid, qport: q.port, qdir: q.dir }));',
        ending === 'throws' ? "  throw new Error('a test that forgot stop()');" : '  setInterval(() => {}, 1000);',
        '})();',
      ].join('\n'));
      const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (ending === 'is sent SIGTERM' && stdout.includes('\n')) child.kill('SIGTERM');
      });
      child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      const code = await exited;
      clearTimeout(timer);
      assert.notEqual(code, 0, 'the child failed');
      const info = JSON.parse(stdout.split('\n')[0]) as { display: string; port: number; pid: number; dir: string; qpid: number; qport: number; qdir: string };
      assert.match(stderr, /killing \d+ process\(es\) left running/);
      // SIGKILL is immediate, but the kernel may take a moment to release a listening port.
      await new Promise((resolve) => setTimeout(resolve, 200));
      await assertXspiceGone(info);
      assert.equal(processIsAlive(info.qpid), false, 'qemu killed');
      assert.equal(await portIsOpen(info.qport), false);
      assert.equal(existsSync(info.qdir), false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}

test('endProcess ends a client even if it ignores SIGTERM', async () => {
  const server = await startXspice();
  try {
    const child = server.spawnClient('sh', ['-c', "trap '' TERM; while :; do sleep 0.1; done"]);
    await endProcess(child, 300);
    assert.equal(processIsAlive(child.pid!), false);
  } finally {
    await server.stop();
  }
});
