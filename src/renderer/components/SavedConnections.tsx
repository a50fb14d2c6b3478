import { useState, type ChangeEvent } from 'react';
import type { Profile } from '../../shared/profiles';
import { describeTarget } from './format';

interface Props {
  readonly profiles: readonly Profile[];
  readonly onOpen: (profile: Profile) => void;
  readonly onEdit: (profile: Profile) => void;
  readonly onDuplicate: (profile: Profile) => void;
  readonly onDelete: (profile: Profile) => void;
  readonly onImport: (fileName: string, text: string) => void;
}

/** The saved connections, each with its actions, and the import of a .vv file. */
export function SavedConnections({ profiles, onOpen, onEdit, onDuplicate, onDelete, onImport }: Props) {
  const [confirming, setConfirming] = useState<string | null>(null);
  const importFile = async (event: ChangeEvent<HTMLInputElement>): Promise<void> => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (file) onImport(file.name, await file.text());
  };
  return (
    <section className="saved" aria-labelledby="saved-heading">
      <h2 id="saved-heading">Saved connections</h2>
      {profiles.length === 0 && <p className="empty">None yet: fill in the form and press “Save profile”, or import a .vv file.</p>}
      <ul>
        {profiles.map((profile) => (
          <li key={profile.id}>
            <span className="saved-name">{profile.name}</span>
            <span className="saved-where">
              {describeTarget(profile)}
              {profile.tlsOnly ? ' · TLS' : ''}
              {profile.hasPassword ? ' · password saved' : ''}
            </span>
            {confirming === profile.id ? (
              <span className="saved-actions">
                <button type="button" className="danger" aria-label={`Really delete ${profile.name}`} onClick={() => onDelete(profile)}>
                  Delete
                </button>
                <button type="button" className="secondary" aria-label={`Keep ${profile.name}`} onClick={() => setConfirming(null)}>
                  Keep
                </button>
              </span>
            ) : (
              <span className="saved-actions">
                <button type="button" aria-label={`Open ${profile.name}`} onClick={() => onOpen(profile)}>
                  Open
                </button>
                <button type="button" className="secondary" aria-label={`Edit ${profile.name}`} onClick={() => onEdit(profile)}>
                  Edit
                </button>
                <button type="button" className="secondary" aria-label={`Duplicate ${profile.name}`} onClick={() => onDuplicate(profile)}>
                  Duplicate
                </button>
                <button type="button" className="secondary" aria-label={`Delete ${profile.name}`} onClick={() => setConfirming(profile.id)}>
                  Delete
                </button>
              </span>
            )}
          </li>
        ))}
      </ul>
      <label className="import">
        Import .vv file
        <input type="file" accept=".vv" onChange={(event) => void importFile(event)} />
      </label>
    </section>
  );
}
