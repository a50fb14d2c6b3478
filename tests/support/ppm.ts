// Binary PPM (P6), the format QEMU's `screendump` writes (QEMU 7.2: "P6\n720 400\n255\n" then
// RGB rows top-down) and ImageMagick's `ppm:-`. Also reads maxval < 255 and 16-bit samples,
// which the Netpbm spec allows, by scaling them to 8 bits.
import type { RgbImage } from './images';

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d || byte === 0x0b || byte === 0x0c;
}

/** Thrown when the header is fine but fewer pixel bytes arrived than it promises. */
export class TruncatedPpmError extends Error {}

export function parsePpm(file: Uint8Array): RgbImage {
  let pos = 0;
  // Header tokens are separated by whitespace; '#' starts a comment up to the end of the line.
  const token = (): string => {
    for (;;) {
      while (pos < file.length && isSpace(file[pos])) pos++;
      if (file[pos] !== 0x23) break;
      while (pos < file.length && file[pos] !== 0x0a && file[pos] !== 0x0d) pos++;
    }
    const start = pos;
    while (pos < file.length && !isSpace(file[pos])) pos++;
    if (start === pos) throw new TruncatedPpmError('PPM: header is truncated');
    return Buffer.from(file.subarray(start, pos)).toString('latin1');
  };
  const magic = token();
  if (magic !== 'P6') throw new Error(`PPM: magic is ${JSON.stringify(magic)}, only binary P6 is supported`);
  const number = (name: string): number => {
    const text = token();
    if (!/^\d+$/.test(text)) throw new Error(`PPM: ${name} ${JSON.stringify(text)} is not a number`);
    return Number(text);
  };
  const width = number('width');
  const height = number('height');
  const maxval = number('maxval');
  if (maxval < 1 || maxval > 65535) throw new Error(`PPM: maxval ${maxval} is out of range`);
  // Exactly one whitespace byte separates maxval from the raster.
  if (pos >= file.length) throw new TruncatedPpmError('PPM: header is truncated');
  pos++;
  const sampleBytes = maxval > 255 ? 2 : 1;
  const need = width * height * 3 * sampleBytes;
  if (file.length - pos < need) {
    throw new TruncatedPpmError(`PPM: ${width}x${height} needs ${need} bytes of pixels, file has ${file.length - pos}`);
  }
  const raster = file.subarray(pos, pos + need);
  if (maxval === 255) return { width, height, data: Uint8Array.from(raster) };
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) {
    const sample = sampleBytes === 2 ? (raster[2 * i] << 8) | raster[2 * i + 1] : raster[i];
    data[i] = Math.min(255, Math.round((sample * 255) / maxval)); // a sample may exceed maxval in a bad file
  }
  return { width, height, data };
}

export function encodePpm(image: RgbImage): Buffer {
  return Buffer.concat([Buffer.from(`P6\n${image.width} ${image.height}\n255\n`, 'latin1'), image.data]);
}
