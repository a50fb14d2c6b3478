import { ProtocolError } from '../../core/protocol/errors';

/**
 * The server keeps at most 128 palettes in a client's cache (CLIENT_PALETTE_CACHE_SIZE in
 * spice-server); this leaves ample room before calling a server broken.
 */
export const DEFAULT_PALETTE_CACHE_MAX_ENTRIES = 1024;

/** Largest palette kept: 8-bit indices reach 256 entries; anything longer is not a sane palette. */
export const MAX_CACHED_PALETTE_ENTRIES = 256;

/**
 * Palettes the server told us to keep (bitmap flag PAL_CACHE_ME), by their unique id; later
 * bitmaps name them with PAL_FROM_CACHE. Eviction is the server's (INVAL_PALETTE,
 * INVAL_ALL_PALETTES); this cache only refuses to grow past `maxEntries` palettes.
 */
export class PaletteCache {
  private readonly entries = new Map<bigint, Uint32Array>();

  constructor(readonly maxEntries: number = DEFAULT_PALETTE_CACHE_MAX_ENTRIES) {}

  get size(): number {
    return this.entries.size;
  }

  /**
   * Stores a copy of the entries (0x00RRGGBB), replacing a palette with the same id. Only the
   * first 256 entries are kept: no bitmap index can reach further.
   */
  put(unique: bigint, entries: Uint32Array): void {
    if (!this.entries.has(unique) && this.entries.size >= this.maxEntries) {
      throw new ProtocolError(`palette cache: storing palette ${unique} would hold more than ${this.maxEntries} palettes`);
    }
    this.entries.set(unique, entries.slice(0, MAX_CACHED_PALETTE_ENTRIES));
  }

  get(id: bigint): Uint32Array | undefined {
    return this.entries.get(id);
  }

  has(id: bigint): boolean {
    return this.entries.has(id);
  }

  /** Forgets one palette (INVAL_PALETTE); returns whether it was there. */
  remove(id: bigint): boolean {
    return this.entries.delete(id);
  }

  /** Forgets every palette (INVAL_ALL_PALETTES, RESET). */
  clear(): void {
    this.entries.clear();
  }
}
