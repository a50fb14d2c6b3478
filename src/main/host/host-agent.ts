import type { AgentEvents, AgentFeatures, AgentStatus } from '../agent/guest-agent';
import type { ClipboardSelectionName, ClipboardTypeName } from '../agent/clipboard-types';
import type { FileSource, FileTransferResult } from '../agent/file-transfer';

/** The events of the guest agent the app forwards. */
export type HostAgentEvents = Pick<AgentEvents, 'status' | 'clipboardGrab' | 'fileTransferProgress'>;

/**
 * What the engine host uses of the session's guest agent (main/agent/guest-agent.ts), as an
 * interface so tests drive the host with a fake agent. GuestAgent satisfies it as it is.
 */
export interface HostAgent {
  readonly status: AgentStatus;
  readonly features: AgentFeatures;
  on<E extends keyof HostAgentEvents>(event: E, listener: (payload: HostAgentEvents[E]) => void): () => void;
  readonly clipboard: {
    request(type: ClipboardTypeName, selection?: ClipboardSelectionName, timeoutMs?: number): Promise<Uint8Array | null>;
    offerData(items: ReadonlyMap<ClipboardTypeName, Uint8Array>, selection?: ClipboardSelectionName): void;
  };
  sendFile(source: FileSource): { readonly id: number; cancel(): void; readonly done: Promise<FileTransferResult> };
}
