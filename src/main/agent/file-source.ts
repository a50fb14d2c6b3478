import { open, stat, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import type { FileSource } from './file-transfer';

/**
 * A local file to send to the guest, read piece by piece (a large file is never held whole).
 * The size is taken when opened; a file that shrinks meanwhile fails the transfer.
 */
export async function fileSourceFromPath(path: string, name = basename(path)): Promise<FileSource> {
  const info = await stat(path);
  if (!info.isFile()) throw new Error(`${path} is not a regular file`);
  const handle: FileHandle = await open(path, 'r');
  let closed = false;
  return {
    name,
    size: info.size,
    async read(offset: number, length: number): Promise<Uint8Array> {
      const buffer = new Uint8Array(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await handle.read(buffer, filled, length - filled, offset + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return filled === length ? buffer : buffer.subarray(0, filled);
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await handle.close();
    },
  };
}

/** Bytes already in memory (a dropped blob the renderer handed over). */
export function fileSourceFromBytes(name: string, bytes: Uint8Array): FileSource {
  return {
    name,
    size: bytes.byteLength,
    read: (offset, length) => Promise.resolve(bytes.subarray(offset, offset + length)),
  };
}
