// Video streams decoded in the renderer, end to end: `saffron web` from the build, Debian's
// Chromium connecting through the form, and a real Xspice with streaming video on
// (XSPICE_STREAMING_VIDEO=all) whose encoder is chosen with XSPICE_VIDEO_CODECS. A loop of
// photo-like frames plays in the guest (ImageMagick `animate`); the server turns it into a
// stream of the codec under test; the page must decode the frames itself (WebCodecs for VP8,
// H.264 and VP9, the browser's JPEG decoder for MJPEG) — the status bar counts frames decoded in the
// page, so a stream silently sent as images fails the test. While it plays, the video's area
// must look like the guest's pictures; a window opened over part of it must show exactly while
// frames keep arriving (the server clips the stream, then ends it and sends images). Then the animation is frozen, the server
// ends the stream and repaints the area, and the canvas must be within 30 dB of xwd. Last, a
// scripted server sends a VP8 stream no decoder can take. Needs `npm run build`.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { Bytes } from '../support/chunking';
import { mainInitBody, startFakeServer, type FakeConnection } from '../support/fake-spice-server';
import { compareImages, cropImage, psnr, saveImageDiff, type RgbImage } from '../support/images';
import { makeImage, waitForStableScreen } from '../support/scenes';
import { requireProgram, startXspice } from '../support/servers';
import { connectThroughForm, launchBrowser, openApp, readCanvas, startWebShell, tempDir, waitFor, type WebShell } from '../support/web-shell';

/** The few page globals the probe below touches (tests compile without the DOM library). */
declare const VideoDecoder: { isConfigSupported(config: { codec: string }): Promise<{ supported?: boolean }> } | undefined;
declare const isSecureContext: boolean;

const GSTREAMER_PLUGINS = '/usr/lib/x86_64-linux-gnu/gstreamer-1.0';
const MIN_FRAMES = 20;
/** A decoded frame against the picture it shows: measured 28-34 dB here (the encoders run at low bit rates). */
const MIN_PLAYING_PSNR = 25;
/** Where the animation's window sits (centred on the 1024x768 screen). */
const WINDOW = { x: 352, y: 264 };
/** A window over the right part of the video and beyond it. */
const OVERLAP = { x: 600, y: 300, width: 120, height: 120 };
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let web: WebShell;
let browser: Browser;
const config = tempDir('saffron-video-config-');

before(async () => {
  requireProgram('animate', 'imagemagick');
  requireProgram('xsetroot');
  requireProgram('xlogo');
  [web, browser] = await Promise.all([startWebShell({ SAFFRON_CONFIG_DIR: config.path, DBUS_SESSION_BUS_ADDRESS: '' }), launchBrowser()]);
});

after(async () => {
  await browser?.close();
  if (web) assert.equal(await web.stop(), 0, 'saffron web exits 0 on SIGINT');
  config.remove();
});

function requireGstreamerPlugin(file: string, debianPackage: string): void {
  if (!existsSync(`${GSTREAMER_PLUGINS}/${file}`)) throw new Error(`${GSTREAMER_PLUGINS}/${file} is missing: install the Debian package ${debianPackage}`);
}

/** Whether this Chromium's WebCodecs decodes `codec`, asked in a page of the app (a secure context). */
async function pageDecodes(page: Page, codec: string): Promise<{ secure: boolean; supported: boolean }> {
  return page.evaluate(async (name) => {
    if (typeof VideoDecoder === 'undefined') return { secure: isSecureContext, supported: false };
    const support = await VideoDecoder.isConfigSupported({ codec: name });
    return { secure: isSecureContext, supported: support.supported === true };
  }, codec);
}

/** The status bar's video note ("Video: VP8, 123 frames decoded"), or ''. */
async function videoNote(page: Page): Promise<string> {
  const note = page.getByLabel('Video', { exact: true });
  return (await note.count()) > 0 ? ((await note.textContent()) ?? '') : '';
}

interface PlayCase {
  /** XSPICE_VIDEO_CODECS. */
  readonly serverCodecs: string;
  /** How the status bar names the codec. */
  readonly label: string;
  /** The WebCodecs codec string the page must support, if any. */
  readonly webCodecs?: string;
}

async function playAndCompare({ serverCodecs, label, webCodecs }: PlayCase): Promise<void> {
  const server = await startXspice({ env: { XSPICE_STREAMING_VIDEO: 'all', XSPICE_VIDEO_CODECS: serverCodecs } });
  let page: Page | null = null;
  let animate: ReturnType<typeof server.spawnClient> | undefined;
  try {
    const opened = await openApp(browser, web.url);
    page = opened.page;
    if (webCodecs) {
      const support = await pageDecodes(page, webCodecs);
      assert.ok(support.secure, 'the app page is a secure context (WebCodecs needs one)');
      assert.ok(support.supported, `this Chromium's WebCodecs VideoDecoder does not decode ${webCodecs} (${label}); /usr/bin/chromium needs a build with that codec`);
    }
    await connectThroughForm(page, server.port);
    const display = page.getByRole('img', { name: 'Remote display' });
    await server.run('xsetroot', ['-solid', '#3a6ea5']);

    // Photo-like frames (fractal plasma, a different seed each): what a video or slide show is.
    const frames: string[] = [];
    const pictures: RgbImage[] = [];
    for (let i = 0; i < 6; i++) {
      const { path, image } = await makeImage(server, `frame${i}`, ['-seed', String(i + 1), '-size', '320x240', 'plasma:fractal']);
      frames.push(path);
      pictures.push(image);
    }
    animate = server.spawnClient('animate', ['-delay', '4', '-borderwidth', '0', '-geometry', `+${WINDOW.x}+${WINDOW.y}`, ...frames]);

    const decoded = new RegExp(`${label.replace('.', '\\.')}, (\\d+) frames? decoded`);
    let note = '';
    await waitFor(
      `at least ${MIN_FRAMES} ${label} frames decoded in the page`,
      async () => {
        note = await videoNote(page!);
        return Number(decoded.exec(note)?.[1] ?? 0) >= MIN_FRAMES;
      },
      90_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; the status bar says "${note}"`);
    });
    assert.doesNotMatch(note, /sent as images instead/, 'no stream was given up');

    // While it plays, the window's area on the canvas is a decoded frame: it must look like one
    // of the pictures the guest shows (a lossy copy: PSNR against the closest of them).
    const playing: number[] = [];
    for (let sample = 0; sample < 5; sample++) {
      const area = cropImage(await readCanvas(display), WINDOW.x, WINDOW.y, 320, 240);
      playing.push(Math.max(...pictures.map((picture) => psnr(area, picture))));
      await sleep(300);
    }
    process.stdout.write(`# ${label}: while playing, the video area is ${playing.map((q) => q.toFixed(1)).join(', ')} dB from the closest guest picture\n`);
    // Two different pictures are about 12 dB apart; a frame upside down, misplaced or not painted scores like that.
    const median = [...playing].sort((a, b) => a - b)[2];
    assert.ok(median >= MIN_PLAYING_PSNR, `${label}: while playing, the video area is only ${median.toFixed(1)} dB from the closest guest picture (${MIN_PLAYING_PSNR} needed)`);

    {
      // A window over part of the video. X splits the animation's drawing into the rectangles
      // still visible, so the server ends the covered stream (or clips it: STREAM_CLIP) and sends
      // the visible parts as new streams or images, each at its own moment (so the area beside
      // the window may mix two pictures: not checked). Once the window is on the canvas, no frame
      // may paint over it: every later look must show it exactly, while frames go on being decoded.
      server.spawnClient('xlogo', ['-geometry', `${OVERLAP.width}x${OVERLAP.height}+${OVERLAP.x}+${OVERLAP.y}`]);
      const framesBefore = Number(decoded.exec(await videoNote(page))?.[1] ?? 0);
      const visibleWidth = OVERLAP.x - WINDOW.x;
      const visiblePictures = pictures.map((picture) => cropImage(picture, 0, 0, visibleWidth, 240)); // reported, not checked
      const windowDiffers = async (): Promise<{ differing: number; quality: number }> => {
        const truth = cropImage(await server.xwd(), OVERLAP.x, OVERLAP.y, OVERLAP.width, OVERLAP.height);
        const canvasNow = await readCanvas(display);
        const visible = cropImage(canvasNow, WINDOW.x, WINDOW.y, visibleWidth, 240);
        return {
          differing: compareImages(cropImage(canvasNow, OVERLAP.x, OVERLAP.y, OVERLAP.width, OVERLAP.height), truth).differing,
          quality: Math.max(...visiblePictures.map((picture) => psnr(visible, picture))),
        };
      };
      let look = await windowDiffers();
      const shownBy = Date.now() + 60_000;
      while (look.differing !== 0) {
        if (Date.now() > shownBy) assert.fail(`${label}: the window over the video never showed (${look.differing} pixels differ from xwd)`);
        await sleep(250);
        look = await windowDiffers();
      }
      const qualities: number[] = [];
      for (let sample = 0; sample < 8; sample++) {
        await sleep(250);
        look = await windowDiffers();
        assert.equal(look.differing, 0, `${label}: a frame was painted over the window (${look.differing} pixels differ from xwd)`);
        qualities.push(look.quality);
      }
      const frames = Number(decoded.exec(await videoNote(page))?.[1] ?? 0) - framesBefore;
      assert.ok(frames >= 1, `${label}: no frame was decoded after the window opened`);
      process.stdout.write(`# ${label}: a window over the video stayed exact in 8 looks; ${frames} frames decoded since it opened; beside it ${qualities.map((q) => (q === Infinity ? 'exact' : q.toFixed(1))).join(', ')} (dB)\n`);
    }

    // Freeze the motion: the server ends the stream after a second and repaints the area.
    animate.kill('SIGSTOP');
    await waitForStableScreen(server, 1000, 60_000);
    const deadline = Date.now() + 60_000;
    let quality = 0;
    let canvas: RgbImage;
    let truth: RgbImage;
    for (;;) {
      truth = await server.xwd();
      canvas = await readCanvas(display);
      quality = canvas.width === truth.width && canvas.height === truth.height ? psnr(canvas, truth) : 0;
      if (quality >= 30) break;
      if (Date.now() > deadline) {
        const dir = saveImageDiff(`video-${label}`, canvas, truth);
        assert.fail(`${label}: the canvas is ${quality.toFixed(1)} dB from xwd after the motion stopped (30 needed); images in ${dir}`);
      }
      await sleep(500);
    }
    const finalNote = await videoNote(page);
    assert.doesNotMatch(finalNote, /sent as images instead/, 'no stream was given up');
    assert.deepEqual(opened.problems, [], 'no page errors');
    process.stdout.write(`# ${label}: ${finalNote}; final canvas ${quality === Infinity ? 'identical to' : `${quality.toFixed(1)} dB from`} xwd\n`);
  } finally {
    animate?.kill('SIGCONT');
    animate?.kill('SIGTERM');
    await page?.close();
    await server.stop();
  }
}

test('VP8: Xspice streams VP8 (gstreamer:vp8), the page decodes it with WebCodecs, and the screen matches xwd afterwards', async () => {
  requireGstreamerPlugin('libgstvpx.so', 'gstreamer1.0-plugins-good');
  await playAndCompare({ serverCodecs: 'gstreamer:vp8', label: 'VP8', webCodecs: 'vp8' });
});

test('H.264: Xspice streams H.264 (gstreamer:h264), the page decodes it with WebCodecs, and the screen matches xwd afterwards', async () => {
  requireGstreamerPlugin('libgstx264.so', 'gstreamer1.0-plugins-ugly');
  await playAndCompare({ serverCodecs: 'gstreamer:h264', label: 'H.264', webCodecs: 'avc1.42E01F' });
});

test('VP9: Xspice streams VP9 (gstreamer:vp9), the page decodes it with WebCodecs, and the screen matches xwd afterwards', async () => {
  requireGstreamerPlugin('libgstvpx.so', 'gstreamer1.0-plugins-good');
  await playAndCompare({ serverCodecs: 'gstreamer:vp9', label: 'VP9', webCodecs: 'vp09.00.10.08' });
});

test('MJPEG: Xspice streams MJPEG (spice:mjpeg), the page decodes the JPEGs itself, and the screen matches xwd afterwards', async () => {
  await playAndCompare({ serverCodecs: 'spice:mjpeg', label: 'MJPEG' });
});

// ---------------------------------------------------------------------------------------------
// Hostile: a scripted server (no real one sends a broken stream) and the same page

const DISPLAY_CAP_STREAM_REPORT = 1 << 4;
const MSG_MAIN_INIT = 103;
const MSG_MAIN_CHANNELS_LIST = 104;
const MSG_SURFACE_CREATE = 314;
const MSG_STREAM_CREATE = 122;
const MSG_STREAM_DATA = 123;
const MSGC_STREAM_REPORT = 102;

/** Reads client messages (mini header: u16 type, u32 size) until one of `type` arrives. */
async function readClientMessage(c: FakeConnection, type: number): Promise<Buffer> {
  for (;;) {
    const header = await c.read(6);
    const body = await c.read(header.readUInt32LE(2));
    if (header.readUInt16LE(0) === type) return body;
  }
}

/** STREAM_CREATE: u32 surface, u32 id, u8 flags, u8 codec, u64 stamp, u32 stream w/h, u32 src w/h, Rect dest (t, l, b, r), Clip (u8 0: none). */
function vp8StreamCreate(id: number): Uint8Array {
  return new Bytes().u32(0).u32(id).u8(0).u8(2).u64(0).u32(64).u32(48).u32(64).u32(48).i32(100).i32(100).i32(148).i32(164).u8(0).build();
}

/**
 * A VP8 "key frame" that lies: a valid frame tag, start code and size, and a first partition
 * said to be 2000 bytes long in a frame of 24 (tag: key frame, version 0, shown, size << 5).
 */
function corruptVp8KeyFrame(): Uint8Array {
  const partition = 2000;
  const tag = (partition << 5) | 0x10;
  return new Bytes().u8(tag & 0xff).u8((tag >> 8) & 0xff).u8((tag >> 16) & 0xff).u8(0x9d).u8(0x01).u8(0x2a).u16(64).u16(48).raw(new Uint8Array(16).fill(0xa5)).build();
}

test('hostile: a VP8 stream the page cannot decode goes back to the server as "not supported", and the session goes on', async () => {
  const STREAM_ID = 7;
  let report: Buffer | undefined;
  let framesSent = 0;
  const server = await startFakeServer(async (c, index) => {
    if (index === 0) {
      await c.acceptLink();
      c.sendMessage(MSG_MAIN_INIT, mainInitBody());
      c.sendMessage(MSG_MAIN_CHANNELS_LIST, new Bytes().u32(1).u8(2).u8(0).build());
      await new Promise((r) => c.socket.once('close', r));
      return;
    }
    await c.acceptLink([DISPLAY_CAP_STREAM_REPORT]);
    c.sendMessage(MSG_SURFACE_CREATE, new Bytes().u32(0).u32(1024).u32(768).u32(32).u32(1).build());
    c.sendMessage(MSG_STREAM_CREATE, vp8StreamCreate(STREAM_ID));
    // Frames keep coming, as from a real server, until the client hands the stream back.
    const frame = corruptVp8KeyFrame();
    const sender = setInterval(() => {
      framesSent++;
      c.sendMessage(MSG_STREAM_DATA, new Bytes().u32(STREAM_ID).u32(framesSent * 40).u32(frame.length).raw(frame).build());
    }, 100);
    try {
      report = await readClientMessage(c, MSGC_STREAM_REPORT);
    } finally {
      clearInterval(sender);
    }
    await new Promise((r) => c.socket.once('close', r));
  });
  let page: Page | null = null;
  try {
    const opened = await openApp(browser, web.url);
    page = opened.page;
    await connectThroughForm(page, server.port);
    await waitFor('the stream handed back to the server', () => report !== undefined, 60_000);
    // stream 7, 0 frames, 0xFFFFFFFF drops: "this client cannot play the stream".
    assert.deepEqual([report!.readUInt32LE(0), report!.readUInt32LE(16), report!.readUInt32LE(20)], [STREAM_ID, 0, 0xffffffff]);
    await waitFor('the status bar to say so', async () => /VP8, 0 frames decoded; 1 stream sent as images instead/.test(await videoNote(page!)), 10_000);
    assert.match((await page.getByRole('status').textContent()) ?? '', /^Connected/, 'the session goes on');
    assert.ok(await page.getByRole('img', { name: 'Remote display' }).isVisible());
    assert.deepEqual(opened.problems, [], 'no page errors');
  } finally {
    await page?.close();
    await server.stop();
  }
});
