import { useEffect, useState } from 'react';
import type { SaffronApi, ShellEvent, StatusEvent } from '../shared/ipc';
import { DEFAULT_SETTINGS, type LibraryState, type Profile, type Settings } from '../shared/profiles';
import { probeAudioSupport } from './audio/audio-support';
import { ConnectionForm } from './components/ConnectionForm';
import { ErrorPanel } from './components/ErrorPanel';
import { Notices } from './components/Notices';
import { RecentConnections } from './components/RecentConnections';
import { SavedConnections } from './components/SavedConnections';
import { SessionView } from './components/SessionView';
import { SettingsPanel } from './components/SettingsPanel';
import type { DisplayWindowOpener } from './view/display-windows';
import { probeVideoCodecs } from './video/codec-probe';

const IDLE: StatusEvent = { type: 'status', state: 'idle' };
const MAX_NOTICES = 5;

/** Full screen needs a user gesture: asked for in the click that connects. */
function enterFullScreen(): void {
  if (!document.fullscreenElement) void document.documentElement.requestFullscreen().catch(() => {});
}

interface AppProps {
  readonly api: SaffronApi;
  /** Set in a window that shows one more guest monitor of a session (window per display). */
  readonly displayWindow?: number | null;
  /** How a main window opens a window per guest display (null: it does not). */
  readonly openDisplayWindow?: DisplayWindowOpener | null;
}

/** The connection manager until a session starts, then the session in the same window. */
export function App({ api, displayWindow = null, openDisplayWindow = null }: AppProps) {
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
    // Children subscribed in their own effects, which run first: now the host may talk. What
    // WebCodecs can do goes first (the sound it decodes, the video codecs), so every session the
    // host starts, a kiosk's or one opened at launch too, asks for Opus and advertises them.
    let mounted = true;
    void Promise.all([probeAudioSupport(), probeVideoCodecs()]).then(([support, codecs]) => {
      if (!mounted) return;
      api.audioSupport(support);
      api.videoCodecs(codecs);
      api.ready();
    });
    return () => {
      mounted = false;
      for (const off of offs) off();
    };
  }, [api]);

  // A profile being edited that another window deleted is no longer editable.
  useEffect(() => {
    if (editing && library && !library.profiles.some((p) => p.id === editing.id)) setEditing(null);
  }, [library, editing]);

  // A display's window lives as long as its session: it closes when the session ends.
  useEffect(() => {
    if (displayWindow !== null && status.state === 'disconnected') window.close();
  }, [displayWindow, status.state]);

  const inSession = status.state === 'connecting' || status.state === 'connected';
  if (displayWindow !== null) {
    return (
      <SessionView api={api} status={status} hidden={false} kiosk={shell.kiosk} settings={settings} shell={shell.shell} windowMonitor={displayWindow} openDisplayWindow={null} />
    );
  }
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
              <SettingsPanel key={`${settings.releaseHotkey} ${String(settings.shareClipboard)}`} settings={settings} onSave={(next) => api.saveSettings(next)} />
            </>
          )}
        </main>
      )}
      <SessionView api={api} status={status} hidden={!inSession} kiosk={shell.kiosk} settings={settings} shell={shell.shell} windowMonitor={null} openDisplayWindow={openDisplayWindow} />
    </>
  );
}
