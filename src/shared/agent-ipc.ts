/**
 * The guest agent's part of the IPC contract: the shared clipboard and files sent into the guest
 * (docs/sound-and-agent.md, "In the app"). Types and their validators live here, so ipc.ts and
 * ipc-validators.ts only list them. Like every IPC message, each is checked where it arrives;
 * errors name the field, never a value.
 *
 * Files travel by pull: the renderer announces a file (fileSend), the host asks for each piece
 * when the agent can take it (fileChunkWanted) and the renderer answers with exactly those bytes
 * (fileChunk). Nothing moves faster than the guest takes it, and neither side holds more than a
 * few pieces of a file.
 */
import { isArrayBuffer, isInteger, isRecord, only, type Fields } from './validation';

/** What the shared clipboard carries to and from the app: UTF-8 text and PNG images. */
export type ClipboardMimeType = 'text/plain' | 'image/png';
export const CLIPBOARD_MIME_TYPES: readonly ClipboardMimeType[] = ['text/plain', 'image/png'];

export interface ClipboardItemData {
  readonly mimeType: ClipboardMimeType;
  /** UTF-8 text or PNG bytes. */
  readonly data: ArrayBuffer;
}

/** The guest copied something (its 'clipboard' selection): the host fetched it for the local clipboard. */
export interface ClipboardEvent extends ClipboardItemData {
  readonly type: 'clipboard';
}

export interface FileSendParams {
  /** Chosen by the renderer, unique among its transfers. */
  readonly transferId: number;
  /** The file's name (the guest keeps only the last path component). */
  readonly name: string;
  readonly size: number;
}

/** The host wants bytes [offset, offset + length) of a file the renderer is sending. */
export interface FileChunkWantedEvent {
  readonly type: 'fileChunkWanted';
  readonly transferId: number;
  readonly offset: number;
  readonly length: number;
}

export type FileTransferState = 'sending' | 'done' | 'cancelled' | 'failed';

/** Where one transfer stands: every piece the agent took, then once how it ended. */
export interface FileTransferEvent {
  readonly type: 'fileTransfer';
  readonly transferId: number;
  readonly name: string;
  readonly state: FileTransferState;
  readonly sentBytes: number;
  readonly totalBytes: number;
  /** Why it failed or was cancelled, for people. */
  readonly message?: string;
}

/**
 * The largest clipboard content carried either way (a full-screen screenshot as PNG is a few
 * MB; spice-gtk's own limit is 100 MB, but one IPC message must stay reasonable).
 */
export const MAX_CLIPBOARD_BYTES = 16 * 1024 * 1024;
/** One piece of a file on its way from the renderer: the agent's 64 kB, with room to spare. */
export const MAX_FILE_CHUNK_BYTES = 256 * 1024;
/** The largest file accepted (it is never held whole: only its size matters). */
export const MAX_FILE_BYTES = 64 * 1024 * 1024 * 1024;
const MAX_TRANSFER_ID = 0x7fff_ffff;
const MAX_FILE_NAME = 255;
const MAX_MESSAGE = 4096;
const FILE_TRANSFER_STATES: readonly FileTransferState[] = ['sending', 'done', 'cancelled', 'failed'];


function isTransferId(value: unknown): value is number {
  return isInteger(value, 1, MAX_TRANSFER_ID);
}

/** A file name as the renderer saw it: one line, no control characters. */
function isFileName(value: unknown): value is string {
  // eslint-disable-next-line no-control-regex
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_FILE_NAME && !/[\u0000-\u001f\u007f]/.test(value);
}

function validateClipboardItem(value: unknown): ClipboardItemData | string {
  if (!isRecord(value)) return 'an item must be an object';
  const extra = only(value, ['mimeType', 'data'], true);
  if (extra) return `item: ${extra}`;
  if (typeof value.mimeType !== 'string' || !(CLIPBOARD_MIME_TYPES as readonly string[]).includes(value.mimeType)) return 'mimeType must be text/plain or image/png';
  if (!isArrayBuffer(value.data)) return 'data must be an ArrayBuffer';
  if (value.data.byteLength > MAX_CLIPBOARD_BYTES) return `data must be at most ${MAX_CLIPBOARD_BYTES} bytes`;
  return { mimeType: value.mimeType as ClipboardMimeType, data: value.data };
}

type Validator<T> = (fields: Fields) => T | string;

export type AgentRequest =
  | { readonly type: 'clipboardOffer'; readonly items: readonly ClipboardItemData[] }
  | ({ readonly type: 'fileSend' } & FileSendParams)
  | { readonly type: 'fileChunk'; readonly transferId: number; readonly offset: number; readonly data: ArrayBuffer }
  | { readonly type: 'fileCancel'; readonly transferId: number };

export type AgentEvent = ClipboardEvent | FileChunkWantedEvent | FileTransferEvent;

export const AGENT_REQUEST_VALIDATORS: { readonly [K in AgentRequest['type']]: Validator<AgentRequest> } = {
  clipboardOffer: (f) => {
    const extra = only(f, ['items']);
    if (extra) return extra;
    if (!Array.isArray(f.items) || f.items.length === 0 || f.items.length > CLIPBOARD_MIME_TYPES.length) {
      return `items must be a list of 1 to ${CLIPBOARD_MIME_TYPES.length}`;
    }
    const items: ClipboardItemData[] = [];
    for (const raw of f.items as unknown[]) {
      const item = validateClipboardItem(raw);
      if (typeof item === 'string') return item;
      if (items.some((other) => other.mimeType === item.mimeType)) return 'each mimeType at most once';
      items.push(item);
    }
    return { type: 'clipboardOffer', items };
  },
  fileSend: (f) => {
    const extra = only(f, ['transferId', 'name', 'size']);
    if (extra) return extra;
    if (!isTransferId(f.transferId)) return 'transferId must be a whole number from 1';
    if (!isFileName(f.name)) return `name must be one line of 1 to ${MAX_FILE_NAME} characters`;
    if (!isInteger(f.size, 0, MAX_FILE_BYTES)) return `size must be a whole number of bytes up to ${MAX_FILE_BYTES}`;
    return { type: 'fileSend', transferId: f.transferId, name: f.name, size: f.size };
  },
  fileChunk: (f) => {
    const extra = only(f, ['transferId', 'offset', 'data']);
    if (extra) return extra;
    if (!isTransferId(f.transferId)) return 'transferId must be a whole number from 1';
    if (!isInteger(f.offset, 0, MAX_FILE_BYTES)) return 'offset must be a byte position';
    if (!isArrayBuffer(f.data)) return 'data must be an ArrayBuffer';
    if (f.data.byteLength > MAX_FILE_CHUNK_BYTES) return `data must be at most ${MAX_FILE_CHUNK_BYTES} bytes`;
    return { type: 'fileChunk', transferId: f.transferId, offset: f.offset, data: f.data };
  },
  fileCancel: (f) => only(f, ['transferId']) ?? (isTransferId(f.transferId) ? { type: 'fileCancel', transferId: f.transferId } : 'transferId must be a whole number from 1'),
};

export const AGENT_EVENT_VALIDATORS: { readonly [K in AgentEvent['type']]: Validator<AgentEvent> } = {
  clipboard: (f) => {
    const extra = only(f, ['mimeType', 'data']);
    if (extra) return extra;
    const item = validateClipboardItem({ mimeType: f.mimeType, data: f.data });
    return typeof item === 'string' ? item : { type: 'clipboard', ...item };
  },
  fileChunkWanted: (f) => {
    const extra = only(f, ['transferId', 'offset', 'length']);
    if (extra) return extra;
    if (!isTransferId(f.transferId)) return 'transferId must be a whole number from 1';
    if (!isInteger(f.offset, 0, MAX_FILE_BYTES)) return 'offset must be a byte position';
    if (!isInteger(f.length, 1, MAX_FILE_CHUNK_BYTES)) return `length must be 1 to ${MAX_FILE_CHUNK_BYTES}`;
    return { type: 'fileChunkWanted', transferId: f.transferId, offset: f.offset, length: f.length };
  },
  fileTransfer: (f) => {
    const extra = only(f, ['transferId', 'name', 'state', 'sentBytes', 'totalBytes', 'message']);
    if (extra) return extra;
    if (!isTransferId(f.transferId)) return 'transferId must be a whole number from 1';
    if (!isFileName(f.name)) return 'name must be one line';
    if (typeof f.state !== 'string' || !(FILE_TRANSFER_STATES as readonly string[]).includes(f.state)) return 'state is unknown';
    if (!isInteger(f.totalBytes, 0, MAX_FILE_BYTES)) return 'totalBytes out of range';
    if (!isInteger(f.sentBytes, 0, f.totalBytes)) return 'sentBytes must be 0 to totalBytes';
    if (f.message !== undefined && (typeof f.message !== 'string' || f.message.length > MAX_MESSAGE)) return `message must be a string of at most ${MAX_MESSAGE} characters`;
    return {
      type: 'fileTransfer',
      transferId: f.transferId,
      name: f.name,
      state: f.state as FileTransferState,
      sentBytes: f.sentBytes,
      totalBytes: f.totalBytes,
      ...(typeof f.message === 'string' ? { message: f.message } : {}),
    };
  },
};
