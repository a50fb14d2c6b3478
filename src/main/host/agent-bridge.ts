import { MAX_CLIPBOARD_BYTES, type AgentRequest, type ClipboardItemData, type ClipboardMimeType, type FileTransferEvent } from '../../shared/agent-ipc';
import type { HostEvent } from '../../shared/ipc';
import type { ClipboardTypeName } from '../agent/clipboard-types';
import type { FileTransferResult } from '../agent/file-transfer';
import type { Logger } from '../session/logger';
import type { HostAgent } from './host-agent';
import { RendererFileSource } from './renderer-file-source';

/** Transfers running at once for one window: more is a runaway drop, not a person. */
export const MAX_ACTIVE_TRANSFERS = 8;
/** Progress goes out at most this often per transfer (the end always goes). */
const PROGRESS_INTERVAL_MS = 100;

export interface AgentBridgeOptions {
  readonly agent: HostAgent;
  /** Sends an event to the page; `transfer` lists buffers it may move. */
  readonly send: (event: HostEvent, transfer: readonly ArrayBuffer[]) => void;
  /** Whether the person lets the clipboard cross (the shareClipboard setting), asked each time. */
  readonly sharing: () => boolean;
  /** Where guest copies go; default: a 'clipboard' event to the page (the browser shell). */
  readonly guestClipboard?: (item: ClipboardItemData) => void;
  /**
   * Asked when the agent is ready, so the local clipboard (copied before the session) is offered
   * at once, as remote-viewer does; the page does this itself (Electron's main process is asked).
   */
  readonly localClipboardWanted?: () => void;
  readonly log: Logger;
}

interface RunningTransfer {
  readonly transferId: number;
  readonly name: string;
  readonly size: number;
  readonly source: RendererFileSource;
  cancel(): void;
  agentId: number | null;
  lastProgressAt: number;
}

/** LF line ends to the guest's CR LF (Windows guests announce GUEST_LINEEND_CRLF), and back. */
function toGuestText(bytes: Uint8Array, crlf: boolean): Uint8Array {
  if (!crlf) return bytes;
  const text = new TextDecoder().decode(bytes).replace(/\r?\n/g, '\r\n');
  return new TextEncoder().encode(text);
}

function fromGuestText(bytes: Uint8Array, crlf: boolean): Uint8Array {
  let end = bytes.byteLength;
  while (end > 0 && bytes[end - 1] === 0) end--; // Windows agents end text with NUL
  const trimmed = bytes.subarray(0, end);
  if (!crlf) return trimmed;
  return new TextEncoder().encode(new TextDecoder().decode(trimmed).replace(/\r\n/g, '\n'));
}

/** A buffer holding exactly these bytes (a view's buffer may be larger, or shared). */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer;
}

/**
 * The app's side of the guest agent for one session: guest copies fetched and handed to the
 * local clipboard (the 'clipboard' selection; text and PNG), local copies offered to the guest,
 * and files the page sends fed into the agent's file transfer with progress and cancel.
 */
export class AgentBridge {
  private readonly offs: (() => void)[] = [];
  private readonly transfers = new Map<number, RunningTransfer>();
  /** Counts guest grabs, so an answer to an older one is not written over a newer copy. */
  private grabGeneration = 0;
  /** The last local content offered, given again when the agent (re)connects. */
  private localOffer: readonly ClipboardItemData[] | null = null;
  private disposed = false;

  constructor(private readonly options: AgentBridgeOptions) {
    const { agent } = options;
    this.offs.push(
      agent.on('clipboardGrab', ({ selection, types }) => {
        if (selection === 'clipboard') void this.fetchGuestCopy(types);
      }),
      agent.on('status', (status) => {
        if (status !== 'ready') return;
        if (this.localOffer) this.offerLocal(this.localOffer);
        else if (options.sharing()) options.localClipboardWanted?.();
      }),
      agent.on('fileTransferProgress', ({ id, sentBytes }) => {
        for (const transfer of this.transfers.values()) {
          if (transfer.agentId !== id) continue;
          const now = performance.now();
          if (now - transfer.lastProgressAt < PROGRESS_INTERVAL_MS && sentBytes < transfer.size) return;
          transfer.lastProgressAt = now;
          this.report(transfer, 'sending', sentBytes);
        }
      }),
    );
  }

  handle(request: AgentRequest): void {
    if (this.disposed) return;
    switch (request.type) {
      case 'clipboardOffer':
        this.offerLocal(request.items);
        return;
      case 'fileSend':
        this.sendFile(request.transferId, request.name, request.size);
        return;
      case 'fileChunk': {
        const transfer = this.transfers.get(request.transferId);
        // A late piece of a transfer that just ended is no fault.
        transfer?.source.deliver(request.offset, new Uint8Array(request.data));
        return;
      }
      case 'fileCancel':
        this.transfers.get(request.transferId)?.cancel();
    }
  }

  /** The local clipboard changed: the guest's next paste gets this (when sharing is on). */
  offerLocal(items: readonly ClipboardItemData[]): void {
    if (this.disposed || !this.options.sharing() || items.length === 0) return;
    this.localOffer = items;
    const { agent } = this.options;
    if (agent.status !== 'ready' || !agent.features.clipboard) {
      this.options.log.debug('clipboard: the guest agent is not ready; the local copy is offered when it is');
      return;
    }
    const crlf = agent.features.crlfLineEnds;
    const data = new Map<ClipboardTypeName, Uint8Array>();
    for (const item of items) {
      const bytes = new Uint8Array(item.data);
      data.set(item.mimeType, item.mimeType === 'text/plain' ? toGuestText(bytes, crlf) : bytes);
    }
    try {
      agent.clipboard.offerData(data, 'clipboard');
    } catch (error) {
      this.options.log.debug(`clipboard: could not offer the local copy: ${(error as Error).message}`);
    }
  }

  /** Ends every transfer (the guest deletes what it received) and stops listening. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const off of this.offs) off();
    for (const transfer of [...this.transfers.values()]) transfer.cancel();
    this.transfers.clear();
  }

  private async fetchGuestCopy(types: readonly ClipboardTypeName[]): Promise<void> {
    const generation = ++this.grabGeneration;
    if (!this.options.sharing()) return;
    // An image when there is one (a copied picture often also offers a text name for it).
    const mimeType: ClipboardMimeType | null = types.includes('image/png') ? 'image/png' : types.includes('text/plain') ? 'text/plain' : null;
    if (mimeType === null) return;
    // The guest now owns the clipboard: our offer is no longer what it pastes.
    this.localOffer = null;
    let bytes: Uint8Array | null;
    try {
      bytes = await this.options.agent.clipboard.request(mimeType, 'clipboard');
    } catch (error) {
      this.options.log.debug(`clipboard: the guest's copy could not be fetched: ${(error as Error).message}`);
      return;
    }
    if (bytes === null || this.disposed || generation !== this.grabGeneration || !this.options.sharing()) return;
    if (mimeType === 'text/plain') bytes = fromGuestText(bytes, this.options.agent.features.crlfLineEnds);
    if (bytes.byteLength > MAX_CLIPBOARD_BYTES) {
      this.notice(`What the guest copied (${Math.round(bytes.byteLength / 1048576)} MB) is too large to share; the limit is ${MAX_CLIPBOARD_BYTES / 1048576} MB.`);
      return;
    }
    const item: ClipboardItemData = { mimeType, data: ownBuffer(bytes) };
    if (this.options.guestClipboard) this.options.guestClipboard(item);
    else this.options.send({ type: 'clipboard', ...item }, [item.data]);
  }

  private sendFile(transferId: number, name: string, size: number): void {
    const refuse = (message: string): void => this.options.send({ type: 'fileTransfer', transferId, name, state: 'failed', sentBytes: 0, totalBytes: size, message }, []);
    if (this.transfers.has(transferId)) {
      refuse(`${name}: a transfer with this number is already running`);
      return;
    }
    if (this.transfers.size >= MAX_ACTIVE_TRANSFERS) {
      refuse(`${name}: ${MAX_ACTIVE_TRANSFERS} files are already on their way; drop it again when they are done`);
      return;
    }
    const source = new RendererFileSource({
      name,
      size,
      want: (offset, length) => this.options.send({ type: 'fileChunkWanted', transferId, offset, length }, []),
    });
    const running: RunningTransfer = { transferId, name, size, source, agentId: null, lastProgressAt: 0, cancel: () => undefined };
    let started: ReturnType<HostAgent['sendFile']>;
    try {
      started = this.options.agent.sendFile(source);
    } catch (error) {
      refuse(`${name} was not sent: ${(error as Error).message}`);
      return;
    }
    running.agentId = started.id;
    running.cancel = () => started.cancel();
    this.transfers.set(transferId, running);
    this.report(running, 'sending', 0);
    void started.done.then((result) => this.finished(running, result));
  }

  private finished(transfer: RunningTransfer, result: FileTransferResult): void {
    this.transfers.delete(transfer.transferId);
    void transfer.source.close();
    if (result.outcome === 'success') this.report(transfer, 'done', transfer.size);
    else this.report(transfer, result.outcome === 'cancelled' ? 'cancelled' : 'failed', 0, `${transfer.name}: ${result.message ?? result.outcome}`);
  }

  private report(transfer: RunningTransfer, state: FileTransferEvent['state'], sentBytes: number, message?: string): void {
    if (this.disposed && state === 'sending') return;
    this.options.send(
      {
        type: 'fileTransfer',
        transferId: transfer.transferId,
        name: transfer.name,
        state,
        sentBytes,
        totalBytes: transfer.size,
        ...(message !== undefined ? { message: message.slice(0, 4000) } : {}),
      },
      [],
    );
  }

  private notice(message: string): void {
    this.options.send({ type: 'notice', message }, []);
  }
}
