import { MAX_FILE_BYTES, type FileChunkWantedEvent, type FileTransferEvent, type FileTransferState } from '../../shared/agent-ipc';
import type { SaffronApi } from '../../shared/ipc';

/** One transfer as the page shows it. */
export interface TransferView {
  readonly transferId: number;
  readonly name: string;
  readonly state: FileTransferState;
  readonly sentBytes: number;
  readonly totalBytes: number;
}

/** Finished transfers kept on screen (the newest), so the person sees how each ended. */
const FINISHED_SHOWN = 4;

/** A file the page can slice (a DOM File; tests give a stand-in). */
export interface UploadFile {
  readonly name: string;
  readonly size: number;
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
}

/**
 * Files dropped on the display, sent to the guest. The page never reads a file whole: the host
 * asks for each piece as the guest's agent takes the previous ones (fileChunkWanted), and the
 * page reads just that slice from disk and sends it. Progress and the end come back from the host.
 */
export class FileUploads {
  private readonly files = new Map<number, UploadFile>();
  private views: TransferView[] = [];
  private nextId = 1;

  constructor(
    private readonly api: Pick<SaffronApi, 'sendFile' | 'sendFileChunk' | 'cancelFile'>,
    private readonly changed: (views: readonly TransferView[]) => void,
    private readonly notice: (message: string) => void,
  ) {}

  add(file: UploadFile): void {
    if (file.size > MAX_FILE_BYTES) {
      this.notice(`${file.name} is larger than ${MAX_FILE_BYTES / 1024 ** 3} GB and was not sent.`);
      return;
    }
    const transferId = this.nextId++;
    this.files.set(transferId, file);
    this.update({ transferId, name: file.name, state: 'sending', sentBytes: 0, totalBytes: file.size });
    this.api.sendFile({ transferId, name: file.name, size: file.size });
  }

  cancel(transferId: number): void {
    if (this.files.has(transferId)) this.api.cancelFile(transferId);
  }

  /** The host wants a piece: read just that slice and send it. */
  async chunkWanted(event: FileChunkWantedEvent): Promise<void> {
    const file = this.files.get(event.transferId);
    if (!file) return;
    let data: ArrayBuffer;
    try {
      data = await file.slice(event.offset, event.offset + event.length).arrayBuffer();
    } catch (error) {
      // The file went away or cannot be read: end the transfer (the host reports it).
      this.notice(`${file.name} could not be read: ${(error as Error).message}`);
      this.api.cancelFile(event.transferId);
      return;
    }
    if (this.files.has(event.transferId)) this.api.sendFileChunk(event.transferId, event.offset, data);
  }

  progress(event: FileTransferEvent): void {
    const known = this.views.some((view) => view.transferId === event.transferId);
    if (!known && event.state === 'sending') return;
    if (event.state !== 'sending') {
      this.files.delete(event.transferId);
      if (event.state === 'failed') this.notice(event.message ?? `${event.name} could not be sent to the guest.`);
    }
    this.update({ transferId: event.transferId, name: event.name, state: event.state, sentBytes: event.sentBytes, totalBytes: event.totalBytes });
  }

  /** Removes a finished transfer from the list. */
  dismiss(transferId: number): void {
    if (this.files.has(transferId)) return;
    this.views = this.views.filter((view) => view.transferId !== transferId);
    this.changed(this.views);
  }

  /** The session ended: transfers ended with it (the host cancelled them). */
  clear(): void {
    this.files.clear();
    this.views = [];
    this.changed(this.views);
  }

  private update(view: TransferView): void {
    const others = this.views.filter((v) => v.transferId !== view.transferId);
    const list = [...others, view].sort((a, b) => a.transferId - b.transferId);
    const finished = list.filter((v) => v.state !== 'sending');
    const drop = new Set(finished.slice(0, Math.max(0, finished.length - FINISHED_SHOWN)).map((v) => v.transferId));
    this.views = list.filter((v) => !drop.has(v.transferId));
    this.changed(this.views);
  }
}
