// The Electron shell's shared clipboard, in the main process (the only place Electron's
// `clipboard` module works for a sandboxed window): a window gaining focus offers the system
// clipboard to its session when it changed since we last saw it, and what the guest copies is
// written to the system clipboard. Written against SystemClipboard, so tests use a fake.
import { createHash } from 'node:crypto';
import { MAX_CLIPBOARD_BYTES, type ClipboardItemData } from '../../shared/agent-ipc';

/** What the sync takes from Electron's clipboard and nativeImage (main.ts adapts them). */
export interface SystemClipboard {
  readText(): string;
  writeText(text: string): void;
  /** The image on the clipboard as PNG, with its decoded pixels (to recognise it again); null: none. */
  readImage(): { readonly png: Uint8Array; readonly pixels: Uint8Array } | null;
  writeImagePng(png: Uint8Array): void;
}

function digest(kind: string, bytes: Uint8Array | string): string {
  return `${kind}:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** A copy standing alone in its own ArrayBuffer (a Buffer's may be a shared pool). */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer;
}

export class ClipboardSync {
  /** What the system clipboard held when we last looked or wrote it. */
  private lastSeen: string | null = null;

  constructor(
    private readonly clipboard: SystemClipboard,
    private readonly offer: (windowId: number, items: ClipboardItemData[]) => void,
  ) {}

  /** A window came to the front: the person may have copied something elsewhere. */
  windowFocused(windowId: number): void {
    const { items, signature } = this.read();
    if (signature === this.lastSeen) return;
    this.lastSeen = signature;
    if (items.length > 0) this.offer(windowId, items);
  }

  /** A session's agent is ready: it gets what the system clipboard holds, changed or not. */
  offerNow(windowId: number): void {
    const { items, signature } = this.read();
    this.lastSeen = signature;
    if (items.length > 0) this.offer(windowId, items);
  }

  /** The guest copied: the system clipboard takes it (and it is not offered back). */
  guestCopied(item: ClipboardItemData): void {
    const bytes = new Uint8Array(item.data);
    if (item.mimeType === 'text/plain') this.clipboard.writeText(new TextDecoder().decode(bytes));
    else this.clipboard.writeImagePng(bytes);
    this.lastSeen = this.read().signature;
  }

  private read(): { items: ClipboardItemData[]; signature: string } {
    const image = this.clipboard.readImage();
    if (image && image.png.byteLength <= MAX_CLIPBOARD_BYTES) {
      // An image may come with a text name; the image is what was copied.
      return { items: [{ mimeType: 'image/png', data: ownBuffer(image.png) }], signature: digest('image', image.pixels) };
    }
    const text = this.clipboard.readText();
    const encoded = new TextEncoder().encode(text);
    if (text === '' || encoded.byteLength > MAX_CLIPBOARD_BYTES) return { items: [], signature: digest('text', text) };
    return { items: [{ mimeType: 'text/plain', data: ownBuffer(encoded) }], signature: digest('text', text) };
  }
}
