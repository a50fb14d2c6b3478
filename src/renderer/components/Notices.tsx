interface Props {
  readonly notices: readonly string[];
  readonly onDismiss: (index: number) => void;
}

/** What the host wanted the person to know (an import's notes, a refused save). */
export function Notices({ notices, onDismiss }: Props) {
  if (notices.length === 0) return null;
  return (
    <ul className="notices" role="status" aria-label="Notices">
      {notices.map((text, index) => (
        <li key={index}>
          <span>{text}</span>
          <button type="button" className="secondary" onClick={() => onDismiss(index)}>
            Dismiss
          </button>
        </li>
      ))}
    </ul>
  );
}
