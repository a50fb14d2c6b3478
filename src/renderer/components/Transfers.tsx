import type { TransferView } from '../agent/file-uploads';
import { formatBytes } from './format';

interface Props {
  readonly transfers: readonly TransferView[];
  readonly onCancel: (transferId: number) => void;
  readonly onDismiss: (transferId: number) => void;
}

const STATE_TEXT = { done: 'Done', cancelled: 'Cancelled', failed: 'Failed' } as const;

/** Files on their way into the guest: a progress bar each, Cancel while it runs. */
export function Transfers({ transfers, onCancel, onDismiss }: Props) {
  if (transfers.length === 0) return null;
  return (
    <ul className="transfers" aria-label="File transfers">
      {transfers.map((t) => (
        <li key={t.transferId} data-state={t.state}>
          <span className="transfer-name">{t.name}</span>
          <progress aria-label={`Sending ${t.name}`} max={Math.max(1, t.totalBytes)} value={t.state === 'done' ? Math.max(1, t.totalBytes) : t.sentBytes} />
          <span className="transfer-state" role="status">
            {t.state === 'sending' ? `${formatBytes(t.sentBytes)} of ${formatBytes(t.totalBytes)}` : STATE_TEXT[t.state]}
          </span>
          {t.state === 'sending' ? (
            <button type="button" className="secondary" onClick={() => onCancel(t.transferId)} aria-label={`Cancel sending ${t.name}`}>
              Cancel
            </button>
          ) : (
            <button type="button" className="secondary" onClick={() => onDismiss(t.transferId)} aria-label={`Dismiss ${t.name}`}>
              Dismiss
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
