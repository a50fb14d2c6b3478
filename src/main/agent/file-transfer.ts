import {
  AgentMsg,
  encodeFileXferData,
  encodeFileXferStart,
  encodeFileXferStatus,
  FileXferStatus,
  parseFileXferStatus,
  type FileXferStatusMessage,
} from '../../core/protocol/agent-messages';
import type { Logger } from '../session/logger';

/** Something to send: a local file, a dropped blob. */
export interface FileSource {
  /** The name the guest will give the file (a bare name: no directories). */
  readonly name: string;
  readonly size: number;
  /** Bytes [offset, offset + length); fewer only at the end. */
  read(offset: number, length: number): Promise<Uint8Array>;
  close?(): Promise<void>;
}

export type FileTransferOutcome = 'success' | 'cancelled' | 'failed';

export interface FileTransferResult {
  readonly id: number;
  readonly name: string;
  readonly outcome: FileTransferOutcome;
  /** Why it failed or who cancelled, for people. */
  readonly message?: string;
}

export interface FileTransferProgress {
  readonly id: number;
  readonly name: string;
  readonly sentBytes: number;
  readonly totalBytes: number;
}

/** What a transfer needs of the agent around it. */
export interface FileTransferHost {
  send(type: number, payload: Uint8Array): void;
  /** Resolves once few enough AGENT_DATA bodies wait for tokens (flow control). */
  whenDrained(lowWater: number): Promise<void>;
  progress(progress: FileTransferProgress): void;
  finished(result: FileTransferResult): void;
  readonly log: Logger;
}

/** File bytes per FILE_XFER_DATA message (as spice-gtk): 32 AGENT_DATA bodies of 2 kB. */
export const FILE_XFER_CHUNK = 64 * 1024;
/** Bodies allowed to wait for tokens before we read more of the file. */
const QUEUE_LOW_WATER = 64;

const STATUS_TEXT: Readonly<Record<number, string>> = {
  [FileXferStatus.CANCELLED]: 'cancelled in the guest',
  [FileXferStatus.ERROR]: 'the guest agent reported an error',
  [FileXferStatus.NOT_ENOUGH_SPACE]: 'not enough space in the guest',
  [FileXferStatus.SESSION_LOCKED]: "the guest's session is locked",
  [FileXferStatus.VDAGENT_NOT_CONNECTED]: 'no agent runs in the guest user session',
  [FileXferStatus.DISABLED]: 'file transfer is disabled in the guest',
};

/** A file name the guest will accept: the last path component, without control characters. */
export function guestFileName(name: string): string {
  const base = name.split(/[/\\]/).filter((part) => part !== '').pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '_');
  if (clean === '' || clean === '.' || clean === '..') throw new Error(`"${name}" is not a file name the guest can use`);
  return clean;
}

/**
 * One file sent to the guest (drag and drop): FILE_XFER_START with the name and size; the agent
 * answers CAN_SEND_DATA (or an error); the data follows in FILE_XFER_DATA messages, paced by the
 * agent tokens; the agent ends with SUCCESS or an error. cancel() sends CANCELLED at any point.
 */
export class FileTransfer {
  sentBytes = 0;
  readonly done: Promise<FileTransferResult>;
  private finish!: (result: FileTransferResult) => void;
  private state: 'waiting' | 'sending' | 'sent' | 'over' = 'waiting';
  private cancelled = false;

  constructor(
    readonly id: number,
    private readonly source: FileSource,
    private readonly host: FileTransferHost,
  ) {
    this.done = new Promise((resolve) => {
      this.finish = resolve;
    });
    host.send(AgentMsg.FILE_XFER_START, encodeFileXferStart(id, source.name, source.size));
  }

  get name(): string {
    return this.source.name;
  }

  get size(): number {
    return this.source.size;
  }

  get finished(): boolean {
    return this.state === 'over';
  }

  /** Stops the transfer; the guest removes what it received. */
  cancel(): void {
    if (this.state === 'over') return;
    this.cancelled = true;
    this.host.send(AgentMsg.FILE_XFER_STATUS, encodeFileXferStatus(this.id, FileXferStatus.CANCELLED));
    this.end('cancelled', 'cancelled by the user');
  }

  /** FILE_XFER_STATUS for this transfer. */
  status(message: FileXferStatusMessage): void {
    if (this.state === 'over') return;
    if (message.result === FileXferStatus.CAN_SEND_DATA) {
      if (this.state === 'waiting') {
        this.state = 'sending';
        void this.pump();
      }
      return;
    }
    if (message.result === FileXferStatus.SUCCESS) {
      this.end('success');
      return;
    }
    let text = STATUS_TEXT[message.result] ?? `the guest agent answered status ${message.result}`;
    if (message.freeSpace !== undefined) text += ` (${message.freeSpace} bytes free, ${this.source.size} needed)`;
    if (message.ioErrorCode !== undefined) text += ` (GIO error ${message.ioErrorCode})`;
    this.end(message.result === FileXferStatus.CANCELLED ? 'cancelled' : 'failed', text);
  }

  /** The agent went away. */
  abort(reason: string): void {
    this.end('failed', reason);
  }

  private async pump(): Promise<void> {
    try {
      // One message even for an empty file: the agent completes a transfer on receiving data.
      do {
        if (this.state !== 'sending') return;
        const length = Math.min(FILE_XFER_CHUNK, this.source.size - this.sentBytes);
        const bytes = length > 0 ? await this.source.read(this.sentBytes, length) : new Uint8Array(0);
        if (this.state !== 'sending') return;
        if (bytes.byteLength !== length) throw new Error(`${this.source.name}: read ${bytes.byteLength} bytes at ${this.sentBytes}, expected ${length} (did the file change?)`);
        this.host.send(AgentMsg.FILE_XFER_DATA, encodeFileXferData(this.id, bytes));
        this.sentBytes += length;
        this.host.progress({ id: this.id, name: this.source.name, sentBytes: this.sentBytes, totalBytes: this.source.size });
        await this.host.whenDrained(QUEUE_LOW_WATER);
      } while (this.sentBytes < this.source.size);
      if (this.state === 'sending') this.state = 'sent';
    } catch (error) {
      if (this.state === 'over') return;
      this.host.send(AgentMsg.FILE_XFER_STATUS, encodeFileXferStatus(this.id, FileXferStatus.ERROR));
      this.end('failed', (error as Error).message);
    }
  }

  private end(outcome: FileTransferOutcome, message?: string): void {
    if (this.state === 'over') return;
    this.state = 'over';
    void this.source.close?.().catch(() => undefined);
    const result: FileTransferResult = { id: this.id, name: this.source.name, outcome, ...(message !== undefined ? { message } : {}) };
    if (outcome !== 'success' && !this.cancelled) this.host.log.warn(`file transfer of ${this.source.name} failed: ${message ?? outcome}`);
    this.host.finished(result);
    this.finish(result);
  }
}

/** All transfers of one agent connection, by id. */
export class FileTransfers {
  private readonly transfers = new Map<number, FileTransfer>();
  private nextId = 1;

  constructor(private readonly host: FileTransferHost) {}

  start(source: FileSource): FileTransfer {
    const id = this.nextId;
    this.nextId = (this.nextId % 0xffffffff) + 1;
    const host = this.host;
    const named: FileSource = {
      name: guestFileName(source.name),
      size: source.size,
      read: (offset, length) => source.read(offset, length),
      close: () => source.close?.() ?? Promise.resolve(),
    };
    const transfer = new FileTransfer(id, named, {
      log: host.log,
      send: (type, payload) => host.send(type, payload),
      whenDrained: (lowWater) => host.whenDrained(lowWater),
      progress: (progress) => host.progress(progress),
      finished: (result) => {
        this.transfers.delete(id);
        host.finished(result);
      },
    });
    if (!transfer.finished) this.transfers.set(id, transfer);
    return transfer;
  }

  get active(): FileTransfer[] {
    return [...this.transfers.values()];
  }

  /** FILE_XFER_STATUS from the agent. */
  handleStatus(data: Uint8Array): void {
    const message = parseFileXferStatus(data);
    const transfer = this.transfers.get(message.id);
    if (!transfer) {
      this.host.log.debug(`agent: status ${message.result} for file transfer ${message.id}, which is not running`);
      return;
    }
    transfer.status(message);
  }

  abortAll(reason: string): void {
    for (const transfer of [...this.transfers.values()]) transfer.abort(reason);
    this.transfers.clear();
  }
}
