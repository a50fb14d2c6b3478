import { useCallback, useEffect, useMemo, useState, type DragEvent, type RefObject } from 'react';
import type { SaffronApi } from '../../shared/ipc';
import { clipboardShared, type Settings } from '../../shared/profiles';
import { ClipboardSync } from './clipboard-sync';
import { FileUploads, type TransferView } from './file-uploads';

const MAX_NOTICES = 4;

export interface GuestAgentOptions {
  /** The session is up (transfers and sharing run only then). */
  readonly connected: boolean;
  /** This page shares the clipboard itself (the browser shell; Electron's main process does it there). */
  readonly pageClipboard: boolean;
  readonly settings: Settings;
  /** The display area: focus or the pointer entering it is when the local clipboard is looked at. */
  readonly displayArea: RefObject<HTMLElement | null>;
  /** A kiosk shows the display only: clipboard trouble is not put over it (nobody there can fix it). */
  readonly kiosk: boolean;
}

async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The session's guest agent features in the page: the shared clipboard (browser shell) and
 * files dropped on the display, with the notices and transfer list the session view shows.
 */
export function useGuestAgent(api: SaffronApi, { connected, pageClipboard, settings, displayArea, kiosk }: GuestAgentOptions) {
  const [notices, setNotices] = useState<string[]>([]);
  const [transfers, setTransfers] = useState<readonly TransferView[]>([]);
  const notice = useCallback((message: string) => setNotices((list) => (list.includes(message) ? list : [...list, message].slice(-MAX_NOTICES))), []);
  const uploads = useMemo(() => new FileUploads(api, setTransfers, notice), [api, notice]);

  useEffect(() => {
    const offs = [api.on('fileChunkWanted', (event) => void uploads.chunkWanted(event)), api.on('fileTransfer', (event) => uploads.progress(event))];
    return () => {
      for (const off of offs) off();
    };
  }, [api, uploads]);

  useEffect(() => {
    if (!connected) uploads.clear();
  }, [connected, uploads]);

  const sharing = pageClipboard && clipboardShared(settings);
  useEffect(() => {
    if (!connected || !sharing) return;
    const clipboard = typeof navigator !== 'undefined' ? navigator.clipboard : undefined;
    if (!clipboard) {
      if (!kiosk) notice('This page cannot use the clipboard (the browser offers it only to secure pages), so it is not shared with the guest.');
      return;
    }
    // Set when the person presses a button or key on the display: from then on the browser may
    // ask for the clipboard (a kiosk or an untouched session never shows its question).
    let usedDisplay = false;
    const sync = new ClipboardSync({
      mayAsk: () => usedDisplay,
      clipboard,
      offer: (items) => api.offerClipboard(items),
      pngItem: (png) => new ClipboardItem({ 'image/png': png }),
      notice: kiosk ? (message) => console.warn(`saffron: ${message}`) : notice,
      hasFocus: () => document.hasFocus(),
      digest: sha256Hex,
      readPermission: async () => {
        try {
          // 'clipboard-read' is Chromium's name; a browser without it answers 'unknown'.
          return (await navigator.permissions.query({ name: 'clipboard-read' as PermissionName })).state;
        } catch {
          return 'unknown';
        }
      },
    });
    const check = (): void => void sync.check();
    const used = (): void => {
      if (usedDisplay) return;
      usedDisplay = true;
      check();
    };
    const area = displayArea.current;
    const off = api.on('clipboard', (event) => void sync.guestCopied(event));
    window.addEventListener('focus', check);
    area?.addEventListener('focusin', check);
    area?.addEventListener('pointerenter', check);
    area?.addEventListener('pointerdown', used);
    area?.addEventListener('keydown', used);
    // What was copied before the session started is offered too, as remote-viewer does.
    check();
    return () => {
      off();
      window.removeEventListener('focus', check);
      area?.removeEventListener('focusin', check);
      area?.removeEventListener('pointerenter', check);
      area?.removeEventListener('pointerdown', used);
      area?.removeEventListener('keydown', used);
      sync.dispose();
    };
  }, [api, connected, sharing, notice, displayArea, kiosk]);

  const dragOver = useCallback((event: DragEvent<HTMLElement>) => {
    if (!event.dataTransfer.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  }, []);

  const drop = useCallback(
    (event: DragEvent<HTMLElement>) => {
      const files = [...event.dataTransfer.files];
      if (files.length === 0) return;
      event.preventDefault();
      if (!connected) {
        notice('Files can be dropped on the display once the session is connected.');
        return;
      }
      // A dropped folder shows up as a File too; the agent takes files only.
      const folders = new Set(
        [...event.dataTransfer.items]
          .map((item) => item.webkitGetAsEntry?.())
          .filter((entry) => entry?.isDirectory === true)
          .map((entry) => entry?.name),
      );
      for (const file of files) {
        if (folders.has(file.name)) notice(`${file.name} is a folder: drop the files in it instead (the guest agent takes files only).`);
        else uploads.add(file);
      }
    },
    [connected, notice, uploads],
  );

  return {
    notices,
    transfers,
    dragOver,
    drop,
    cancel: (transferId: number) => uploads.cancel(transferId),
    dismissTransfer: (transferId: number) => uploads.dismiss(transferId),
    dismissNotice: (index: number) => setNotices((list) => list.filter((_, i) => i !== index)),
  };
}
