import { useEffect, useState } from 'react';
import type { SaffronApi, ShellEvent, StatusEvent } from '../shared/ipc';
import { DEFAULT_SETTINGS, type LibraryState, type Profile, type Settings } from '../shared/profiles';
import { ConnectionForm } from './components/ConnectionForm';
import { ErrorPanel } from './components/ErrorPanel';
import { Notices } from './components/Notices';
import { RecentConnections } from './components/RecentConnections';
import { SavedConnections } from './components/SavedConnections';
import { SessionView } from './components/SessionView';
import { SettingsPanel } from './components/SettingsPanel';
import { probeVideoCodecs } from './video/codec-probe';

const IDLE: StatusEvent = { type: 'status', state: 'idle' };
const MAX_NOTICES = 5;

/** Full screen needs a user gesture: asked for in the click that connects. */
function enterFullScreen(): void {
  if (!document.fullscreenElement) void document.documentElement.requestFullscreen().catch(() => {});
}

/** The connection manager until a session starts, then the session in the same window. */
export function App({ api }: { readonly api: SaffronApi }) {
  const [status, setStatus] = useState<StatusEvent>(IDLE);
  const [library, setLibrary] = useState<LibraryState | null>(null);
  const [settings, setSettings] = useState<Settings>(DEFAULT_SETTINGS);
  const [shell, setShell] = useState<Omit<ShellEvent, 'type'>>({ shell: 'browser', kiosk: false });
  const [notices, setNotices] = useState<string[]>([]);
  const [editing, setEditing] = useState<Profile | null>(null);

  useEffect(() => {
    const offs = [
      api.on('status', setStatus),
      api.on('library', ({ type: _type, ...state }) => setLibrary(state)),
      api.on('settings', (event) => setSettings(event.settings)),
      api.on('shell', ({ type: _type, ...event }) => setShell(event)),
      api.on('notice', (event) => setNotices((list) => [...list, event.message].slice(-MAX_NOTICES))),
    ];
    // Children subscribed in their own effects, which run first: now the host may talk. First
    // the codecs this renderer decodes, so the host advertises them in every session it starts
    // (a kiosk's too, which starts on ready).
    let unmounted = false;
    void probeVideoCodecs().then((codecs) => {
      if (unmounted) return;
      api.videoCodecs(codecs);
      api.ready();
    });
    return () => {
      unmounted = true;
      for (const off of offs) off();
    };
  }, [api]);

  // A profile being edited that another window deleted is no longer editable.
  useEffect(() => {
    if (editing && library && !library.profiles.some((p) => p.id === editing.id)) setEditing(null);
  }, [library, editing]);

  const inSession = status.state === 'connecting' || status.state === 'connected';
  const openProfile = (profile: Profile): void => {
    if (profile.fullscreen) enterFullScreen();
    api.connectProfile(profile.id);
  };
  return (
    <>
      {!inSession && (
        <main className="connect-page">
          {status.failure && <ErrorPanel failure={status.failure} {...(status.target ? { target: status.target } : {})} {...(status.canRetry ? { onRetry: (password?: string) => api.retry(password) } : {})} />}
          <Notices notices={notices} onDismiss={(index) => setNotices((list) => list.filter((_, i) => i !== index))} />
          <ConnectionForm
            key={editing?.id ?? 'new'}
            editing={editing}
            {...(status.target ? { initial: status.target } : {})}
            passwordStorage={library?.passwordStorage ?? null}
            onConnect={(params, fullscreen) => {
              if (fullscreen) enterFullScreen();
              api.connect(params);
            }}
            onSave={(params) => {
              api.saveProfile(params);
              setEditing(null);
            }}
            onCancelEdit={() => setEditing(null)}
          />
          {library && (
            <>
              <SavedConnections
                profiles={library.profiles}
                onOpen={openProfile}
                onEdit={setEditing}
                onDuplicate={(profile) => api.duplicateProfile(profile.id)}
                onDelete={(profile) => api.deleteProfile(profile.id)}
                onImport={(fileName, text) => api.importVv(fileName, text)}
              />
              <RecentConnections
                recent={library.recent}
                onOpen={(entry) => {
                  const profile = entry.profileId !== undefined ? library.profiles.find((p) => p.id === entry.profileId) : undefined;
                  if (profile) openProfile(profile);
                  else api.connect({ host: entry.host, ...(entry.port !== undefined ? { port: entry.port } : {}), ...(entry.tlsPort !== undefined ? { tlsPort: entry.tlsPort } : {}) });
                }}
              />
              <SettingsPanel key={settings.releaseHotkey} settings={settings} onSave={(next) => api.saveSettings(next)} />
            </>
          )}
        </main>
      )}
      <SessionView api={api} status={status} hidden={!inSession} kiosk={shell.kiosk} settings={settings} />
    </>
  );
}
