import { useState, type FormEvent } from 'react';
import { describeHotkey, parseHotkey } from '../../shared/hotkeys';
import { clipboardShared, type Settings } from '../../shared/profiles';

interface Props {
  readonly settings: Settings;
  readonly onSave: (settings: Settings) => void;
}

/** Settings that outlive a session: the keys that release the keyboard and mouse grab, clipboard sharing. */
export function SettingsPanel({ settings, onSave }: Props) {
  const [hotkey, setHotkey] = useState(settings.releaseHotkey);
  const [shareClipboard, setShareClipboard] = useState(clipboardShared(settings));
  const parsed = parseHotkey(hotkey);
  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (parsed) onSave({ releaseHotkey: hotkey.trim().toLowerCase(), shareClipboard });
  };
  return (
    <details className="settings">
      <summary>Settings</summary>
      <form onSubmit={submit}>
        <label htmlFor="release-hotkey">Release keyboard and mouse with</label>
        <input id="release-hotkey" type="text" spellCheck={false} value={hotkey} onChange={(e) => setHotkey(e.target.value)} aria-describedby="release-hotkey-help" />
        <p id="release-hotkey-help" className="form-note">
          {parsed ? `Now: ${describeHotkey(parsed)}.` : 'Not a hotkey: use names joined by +, such as ctrl+alt or shift+f12.'}
        </p>
        <label className="checkbox">
          <input type="checkbox" checked={shareClipboard} onChange={(e) => setShareClipboard(e.target.checked)} />
          Share the clipboard with the guest (text and images, both ways)
        </label>
        <button type="submit" className="secondary" disabled={!parsed}>
          Save settings
        </button>
      </form>
    </details>
  );
}
