/**
 * Decoder throughput on payloads captured live from a real Xspice at 1920x1080, Saffron beside
 * spice-html5 (Debian's package, loaded at bench time) on the same bytes. Prints MB/s of decoded
 * output pixels (4 bytes each) and the ratio. Run with `npm run bench`.
 */
import { cpus } from 'node:os';
import { startXspice } from '../tests/support/servers';
import { decodeQuic } from '../src/core/codecs/quic';
import { decodeLzRgb } from '../src/core/codecs/lz';
import { ScratchPixels } from '../src/core/codecs/scratch-pixels';
import { GlzDictionary } from '../src/core/codecs/glz';
import { captureDisplay, type CapturedImage } from './support/capture-display';
import { loadSpiceHtml5, type Html5Decoders } from './support/spice-html5';
import { desktop, photoFrames, scrollingText, type Workload } from './support/workloads';

const MODES = ['quic', 'lz', 'glz'] as const;
type Mode = (typeof MODES)[number];
const KIND_OF: Record<Mode, CapturedImage['payload']['kind']> = { quic: 'quic', lz: 'lz_rgb', glz: 'glz_rgb' };

async function capture(mode: Mode, workload: Workload): Promise<CapturedImage[]> {
  const server = await startXspice({ width: 1920, height: 1080, env: { XSPICE_IMAGE_COMPRESSION: mode } });
  try {
    const run = await workload.prepare(server);
    const session = await captureDisplay(server.port);
    await run();
    await new Promise((r) => setTimeout(r, 1000));
    session.stop();
    return session.images.filter((image) => image.payload.kind === KIND_OF[mode]);
  } finally {
    await server.stop();
  }
}

function dataOf(image: CapturedImage): Uint8Array {
  const payload = image.payload;
  if (payload.kind === 'quic' || payload.kind === 'lz_rgb' || payload.kind === 'glz_rgb') return payload.data;
  throw new Error(`unexpected payload ${payload.kind}`);
}

/** Runs `decodeAll` repeatedly for at least `minMs` (and 5 times); returns the best MB/s. */
function throughput(outputBytes: number, decodeAll: () => void, minMs = 1500): number {
  decodeAll(); // warm up the JIT
  let best = Infinity;
  const started = performance.now();
  let runs = 0;
  while (runs < 5 || performance.now() - started < minMs) {
    const t0 = performance.now();
    decodeAll();
    best = Math.min(best, performance.now() - t0);
    runs++;
  }
  return outputBytes / 1e6 / (best / 1000);
}

function row(cells: (string | number)[]): string {
  return cells.map((c, i) => String(c).padStart(i === 0 ? 18 : 14)).join('');
}

async function main(): Promise<void> {
  console.log(`decoder throughput: node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}; best of >= 5 runs, MB/s of 32-bit output pixels`);
  const html5: Html5Decoders = await loadSpiceHtml5();
  console.log(row(['codec / workload', 'images', 'payload KB', 'saffron MB/s', 'html5 MB/s', 'ratio']));
  const workloads: Workload[] = [photoFrames, scrollingText, desktop];
  for (const mode of MODES) {
    for (const workload of workloads) {
      const images = await capture(mode, workload);
      if (images.length === 0) {
        console.log(row([`${mode} / ${workload.name}`, 0, '-', '-', '-', '-']));
        continue;
      }
      const outputBytes = images.reduce((sum, image) => sum + image.width * image.height * 4, 0);
      const payloadKb = Math.round(images.reduce((sum, image) => sum + dataOf(image).byteLength, 0) / 1024);
      const datas = images.map(dataOf);
      let ours: number;
      let theirs: number | null = null;
      if (mode === 'quic') {
        ours = throughput(outputBytes, () => datas.forEach((d) => decodeQuic(d)));
        theirs = throughput(outputBytes, () => datas.forEach((d) => html5.decodeQuic(d)));
      } else if (mode === 'lz') {
        // As the engine calls it (image-resolver.ts): LZ images are drawn at once, into reused storage.
        const scratch = new ScratchPixels();
        ours = throughput(outputBytes, () => datas.forEach((d) => decodeLzRgb(d, scratch.take)));
        theirs = throughput(outputBytes, () => datas.forEach((d) => html5.decodeLzRgb(d)));
      } else {
        // GLZ images reference earlier ones: decode the whole sequence through a fresh dictionary.
        ours = throughput(outputBytes, () => {
          const glz = new GlzDictionary((64 << 20) / 4);
          datas.forEach((d) => glz.decode(d));
        });
      }
      console.log(row([
        `${mode} / ${workload.name}`, images.length, payloadKb, ours.toFixed(0),
        theirs === null ? 'n/a (no GLZ)' : theirs.toFixed(0), theirs === null ? '-' : `${(ours / theirs).toFixed(1)}x`,
      ]));
    }
  }
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(`bench: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
