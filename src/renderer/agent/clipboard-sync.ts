import { MAX_CLIPBOARD_BYTES, type ClipboardEvent, type ClipboardItemData } from '../../shared/agent-ipc';

/** A DOM ClipboardItem, opaque here (so this module also compiles, and is tested, without the DOM's types). */
export type PageClipboardItem = object;

/** The part of navigator.clipboard used (tests pass a fake). */
export interface BrowserClipboard {
  read(): Promise<readonly { readonly types: readonly string[]; getType(type: string): Promise<Blob> }[]>;
  write(items: PageClipboardItem[]): Promise<void>;
  writeText(text: string): Promise<void>;
}

export interface ClipboardSyncOptions {
  readonly clipboard: BrowserClipboard;
  /** Offers local content to the guest (SaffronApi.offerClipboard). */
  readonly offer: (items: ClipboardItemData[]) => void;
  /** Makes the ClipboardItem for a PNG (the DOM constructor; tests give a stand-in). */
  readonly pngItem: (png: Blob) => PageClipboardItem;
  /** Tells the person something, once per kind of trouble. */
  readonly notice: (message: string) => void;
  /** Whether the page has focus now (the browser reads the clipboard only then). */
  readonly hasFocus: () => boolean;
  /** SHA-256 of bytes, hex (crypto.subtle in the page). */
  readonly digest: (bytes: ArrayBuffer) => Promise<string>;
  /**
   * The page's clipboard-read permission (navigator.permissions): 'prompt' after a refused read
   * means the browser's question was dismissed (it asks again next time; headless browsers
   * dismiss it at once), not that reading is denied.
   */
  readonly readPermission: () => Promise<'granted' | 'denied' | 'prompt' | 'unknown'>;
  /**
   * Whether a read may make the browser ask the person now (permission 'prompt'). Its question
   * covers part of the display, so the page asks only once the person has used the display, never
   * merely because a session started or the pointer passed over it. Absent: always.
   */
  readonly mayAsk?: () => boolean;
}

export const READ_DENIED_NOTICE =
  'The browser does not let Saffron read the clipboard, so what you copy here does not reach the guest. Allow clipboard access for this page in the browser\'s site settings.';
export const WRITE_DENIED_NOTICE =
  'The browser does not let Saffron write the clipboard, so what the guest copies does not reach this computer. Allow clipboard access for this page in the browser\'s site settings.';

function isPermissionError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'NotAllowedError' || error.name === 'SecurityError');
}

/**
 * The browser shell's shared clipboard, as remote-viewer shares it: what the guest copies is
 * written to the local clipboard at once; what is copied locally is offered to the guest when
 * the page or the display gains focus (the browser lets a page read the clipboard only then)
 * and the clipboard changed since we last saw it. Text and PNG images.
 */
export class ClipboardSync {
  /** What the local clipboard held when we last read or wrote it. */
  private lastSeen: string | null = null;
  private checking: Promise<void> | null = null;
  private again = false;
  private readonly told = new Set<string>();
  private disposed = false;
  /** A guest copy that came while the page was in the background (browsers write only when focused). */
  private pendingGuestCopy: ClipboardEvent | null = null;

  constructor(private readonly options: ClipboardSyncOptions) {}

  /** The guest copied: the local clipboard takes it (at once, or when the page next has focus). */
  async guestCopied(event: ClipboardEvent): Promise<void> {
    if (this.disposed) return;
    if (!this.options.hasFocus()) {
      this.pendingGuestCopy = event;
      return;
    }
    this.pendingGuestCopy = null;
    const { clipboard } = this.options;
    try {
      if (event.mimeType === 'text/plain') {
        const text = new TextDecoder().decode(event.data);
        await clipboard.writeText(text);
        this.lastSeen = `text:${text}`;
      } else {
        await clipboard.write([this.options.pngItem(new Blob([event.data], { type: 'image/png' }))]);
        // The browser re-encodes images: remember what it now holds, so it is not offered back.
        this.lastSeen = (await this.readLocal().catch(() => null))?.signature ?? `png:${await this.options.digest(event.data)}`;
      }
    } catch (error) {
      if (isPermissionError(error) && !this.options.hasFocus()) {
        // Focus went away meanwhile: try again when it is back.
        this.pendingGuestCopy = event;
        return;
      }
      if (isPermissionError(error)) this.tell(WRITE_DENIED_NOTICE);
      else this.tell(`The guest's clipboard could not be written here: ${(error as Error).message}`);
    }
  }

  /** The page or the display gained focus: offer the local clipboard if it changed. */
  check(): Promise<void> {
    if (this.disposed) return Promise.resolve();
    if (this.checking) {
      this.again = true;
      return this.checking;
    }
    this.checking = this.checkOnce().finally(() => {
      this.checking = null;
      if (this.again) {
        this.again = false;
        void this.check();
      }
    });
    return this.checking;
  }

  dispose(): void {
    this.disposed = true;
  }

  private async checkOnce(): Promise<void> {
    if (!this.options.hasFocus()) return;
    if (this.options.mayAsk && !this.options.mayAsk() && (await this.options.readPermission()) === 'prompt') return;
    let local: Awaited<ReturnType<ClipboardSync['readLocal']>>;
    try {
      local = await this.readLocal();
    } catch (error) {
      // Without focus the read fails too; only a refusal while focused is the person's business,
      // and only a denial (not a dismissed question, which the browser asks again).
      if (isPermissionError(error)) {
        if (this.options.hasFocus() && (await this.options.readPermission()) !== 'prompt') this.tell(READ_DENIED_NOTICE);
      } else {
        this.tell(`This browser cannot read its clipboard for the guest (${(error as Error).message}).`);
      }
      if (this.pendingGuestCopy) await this.guestCopied(this.pendingGuestCopy);
      return;
    }
    if (this.disposed) return;
    const changed = local !== null && local.signature !== this.lastSeen;
    const pending = this.pendingGuestCopy;
    if (pending && !changed) {
      // Nothing copied here while the page was away: the guest's copy is the newest.
      await this.guestCopied(pending);
      return;
    }
    this.pendingGuestCopy = null;
    if (local === null || !changed) return;
    this.lastSeen = local.signature;
    if (local.item.data.byteLength > MAX_CLIPBOARD_BYTES) {
      this.tell(`What you copied is larger than ${MAX_CLIPBOARD_BYTES / 1048576} MB and is not shared with the guest.`);
      return;
    }
    this.options.offer([local.item]);
  }

  /** The local clipboard's image (preferred) or text, with a signature to recognise it again. */
  private async readLocal(): Promise<{ item: ClipboardItemData; signature: string } | null> {
    const items = await this.options.clipboard.read();
    for (const entry of items) {
      if (entry.types.includes('image/png')) {
        const data = await (await entry.getType('image/png')).arrayBuffer();
        return { item: { mimeType: 'image/png', data }, signature: `png:${await this.options.digest(data)}` };
      }
    }
    for (const entry of items) {
      if (entry.types.includes('text/plain')) {
        const text = await (await entry.getType('text/plain')).text();
        if (text === '') return null;
        return { item: { mimeType: 'text/plain', data: new TextEncoder().encode(text).buffer as ArrayBuffer }, signature: `text:${text}` };
      }
    }
    return null;
  }

  private tell(message: string): void {
    if (this.told.has(message)) return;
    this.told.add(message);
    this.options.notice(message);
  }
}
