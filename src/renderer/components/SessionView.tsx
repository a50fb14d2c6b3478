import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { describeHotkey, parseHotkey } from '../../shared/hotkeys';
import type { CursorEvent, MenuCommand, SaffronApi, StatsEvent, StatusEvent } from '../../shared/ipc';
import type { Settings } from '../../shared/profiles';
import type { MouseModeName } from '../../shared/session-types';
import { useSessionAudio } from '../audio/use-session-audio';
import type { DisplayInput } from '../input/display-input';
import { LockKeySync } from '../input/lock-keys';
import { prepareCursor, type PreparedCursor } from '../paint/cursor-image';
import { DisplayModel } from '../paint/display-model';
import { describeVideo } from '../video/describe-video';
import { FrameRenderer } from '../video/frame-renderer';
import { createStreamDecoder } from '../video/stream-decoder';
import { VideoPlayer } from '../video/video-player';
import type { MonitorLayout } from '../view/layout';
import { nextZoom, viewScale, type Size, type ViewMode } from '../view/view-scale';
import type { DisplayWindowOpener } from '../view/display-windows';
import { DisplaysMenu } from './DisplaysMenu';
import { MonitorView } from './MonitorView';
import { MicrophonePrompt, SoundStatus } from './SoundStatus';
import { StatusBar } from './StatusBar';
import { useGuestAgent } from '../agent/use-guest-agent';
import { Notices } from './Notices';
import { Transfers } from './Transfers';
import { useGuestDisplays } from './useGuestDisplays';

interface Props {
  readonly api: SaffronApi;
  readonly status: StatusEvent;
  /** Hidden but mounted between sessions, so no display event is ever missed. */
  readonly hidden: boolean;
  readonly kiosk: boolean;
  readonly settings: Settings;
  /** Which shell runs the page: the browser shell's page shares the clipboard itself. */
  readonly shell?: 'electron' | 'browser';
  /** Set in a display's own window: the one guest monitor it shows. */
  readonly windowMonitor?: number | null;
  /** How a main window opens a window per guest display (null: it shows them all). */
  readonly openDisplayWindow?: DisplayWindowOpener | null;
}

function toggleFullScreen(): void {
  if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
  else void document.documentElement.requestFullscreen().catch(() => {});
}

/**
 * The session: status bar and the guest's monitors. Pixels go from the host's events into the
 * DisplayModel and from there straight into the canvases, outside React (they change far more
 * often than React should render); React owns only where the canvases are and how big.
 */
export function SessionView({ api, status, hidden, kiosk, settings, shell = 'browser', windowMonitor = null, openDisplayWindow = null }: Props) {
  const [allMonitors, setLayout] = useState<readonly MonitorLayout[]>([]);
  const model = useMemo(() => new DisplayModel(setLayout), []);
  const player = useMemo(
    () =>
      new VideoPlayer({
        model,
        createDecoder: createStreamDecoder,
        createRender: () => {
          const renderer = new FrameRenderer();
          return (picture, dest, topDown) => renderer.render(picture, dest, topDown);
        },
        streamFailed: (displayId, streamId) => api.videoStreamFailed(displayId, streamId),
        log: (message) => console.warn(`saffron: ${message}`),
      }),
    [model, api],
  );
  const [video, setVideo] = useState<string | null>(null);
  const lockKeys = useMemo(() => new LockKeySync((modifiers) => api.setKeyModifiers(modifiers)), [api]);
  const inputs = useMemo(() => new Set<DisplayInput>(), []);
  const [stats, setStats] = useState<StatsEvent | null>(null);
  const [mouseMode, setMouseMode] = useState<MouseModeName>('server');
  const [cursor, setCursor] = useState<CursorEvent | null>(null);
  const [cursorImage, setCursorImage] = useState<PreparedCursor | null>(null);
  const [grabbed, setGrabbed] = useState(false);
  const [viewMode, setViewMode] = useState<ViewMode>({ kind: 'auto' });
  const [area, setArea] = useState<Size>({ width: 0, height: 0 });
  const areaRef = useRef<HTMLDivElement>(null);
  const releaseHotkey = useMemo(() => parseHotkey(settings.releaseHotkey), [settings.releaseHotkey]);
  const agent = useGuestAgent(api, { connected: status.state === 'connected', pageClipboard: shell === 'browser', settings, displayArea: areaRef, kiosk });
  const audio = useSessionAudio(api, status.state);
  const displays = useGuestDisplays({ api, status, layout: allMonitors, area, viewMode, windowMonitor, openDisplayWindow });
  const layout = displays.shown;

  const content: Size = useMemo(
    () => ({ width: layout.reduce((sum, m) => sum + m.width, 0), height: layout.reduce((max, m) => Math.max(max, m.height), 0) }),
    [layout],
  );
  const scale = viewScale(viewMode, content, area, window.devicePixelRatio || 1);

  const view = useCallback(
    (command: MenuCommand): void => {
      const ratio = window.devicePixelRatio || 1;
      switch (command) {
        case 'zoomIn':
        case 'zoomOut':
          setViewMode({ kind: 'zoom', factor: nextZoom(scale * ratio, command === 'zoomIn' ? 1 : -1) });
          return;
        case 'zoomActual':
          setViewMode({ kind: 'zoom', factor: 1 });
          return;
        case 'scaleToFit':
          setViewMode((mode) => (mode.kind === 'fit' ? { kind: 'auto' } : { kind: 'fit' }));
          return;
        case 'toggleFullScreen':
          toggleFullScreen();
          return;
        case 'releaseGrab':
          for (const input of inputs) input.release();
      }
    },
    [scale, inputs],
  );
  const viewRef = useRef(view);
  viewRef.current = view;

  useEffect(() => {
    const offs = [
      api.on('surfaceCreated', (event) => model.surfaceCreated(event)),
      api.on('surfaceDestroyed', (event) => model.surfaceDestroyed(event)),
      api.on('damage', (event) => player.damage(event)),
      api.on('copyArea', (event) => player.copyArea(event)),
      api.on('videoStreamCreated', (event) => player.created(event)),
      api.on('videoFrame', (event) => player.frame(event)),
      api.on('videoStreamClip', (event) => player.clip(event)),
      api.on('videoStreamDestroyed', (event) => player.destroyed(event)),
      api.on('monitors', (event) => model.monitorsChanged(event)),
      api.on('stats', setStats),
      api.on('mouseMode', (event) => setMouseMode(event.mode)),
      api.on('cursor', setCursor),
      api.on('cursorShape', (event) => setCursorImage(event.shape ? prepareCursor(event.shape) : null)),
      api.on('keyModifiers', (event) => lockKeys.guestReported(event.modifiers)),
      api.on('command', (event) => viewRef.current(event.command)),
    ];
    // What the video streams did, for the status bar (counts change far too often to render each).
    const videoTimer = setInterval(() => setVideo(describeVideo(player.counts)), 1000);
    return () => {
      for (const off of offs) off();
      clearInterval(videoTimer);
    };
  }, [api, model, lockKeys, player]);

  useEffect(() => {
    const element = areaRef.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setArea({ width: element.clientWidth, height: element.clientHeight }));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    if (status.state === 'disconnected' || status.state === 'idle') {
      for (const input of inputs) input.reset();
      model.clear();
      player.reset();
      lockKeys.reset();
      setStats(null);
      setCursor(null);
      setCursorImage(null);
      setGrabbed(false);
    }
  }, [status.state, model, inputs, lockKeys, player]);

  const hint = releaseHotkey ? describeHotkey(releaseHotkey) : 'Esc';
  return (
    <div className={kiosk ? 'session kiosk' : 'session'} hidden={hidden}>
      {!kiosk && (
        <StatusBar
          status={status}
          stats={stats}
          video={video}
          mouseMode={mouseMode}
          grabbed={grabbed}
          releaseHint={hint}
          viewMode={viewMode}
          zoom={scale * (window.devicePixelRatio || 1)}
          onView={view}
          onSendKeys={(combo) => api.sendKeyCombo(combo)}
          onDisconnect={() => api.disconnect()}
          sound={<SoundStatus audio={audio} />}
        >
          {displays.notice && (
            <span className="status-notice" role="note" title={displays.notice}>
              <span className="status-notice-text">{displays.notice}</span>
              <button type="button" className="secondary" onClick={displays.dismissNotice} aria-label="Dismiss the notice">
                ×
              </button>
            </span>
          )}
          <DisplaysMenu {...displays.menu} />
        </StatusBar>
      )}
      <MicrophonePrompt audio={audio} />
      <div className="display-area" ref={areaRef} onDragOver={agent.dragOver} onDrop={agent.drop}>
        <div className="monitors">
          {layout.map((monitor) => (
            <MonitorView
              key={monitor.key}
              layout={monitor}
              model={model}
              api={api}
              scale={scale}
              mouseMode={mouseMode}
              cursor={cursor}
              cursorImage={cursorImage}
              lockKeys={lockKeys}
              releaseHotkey={releaseHotkey}
              onGrab={setGrabbed}
              inputs={inputs}
            />
          ))}
        </div>
        {status.state === 'connected' && layout.length === 0 && <p className="display-waiting">Connected; waiting for the guest's display…</p>}
        {status.state === 'connecting' && <p className="display-waiting">{status.detail ?? 'Connecting and logging in…'}</p>}
      </div>
      {!hidden && (agent.notices.length > 0 || agent.transfers.length > 0) && (
        <div className="agent-panel">
          {agent.notices.length > 0 && <Notices notices={agent.notices} onDismiss={agent.dismissNotice} />}
          <Transfers transfers={agent.transfers} onCancel={agent.cancel} onDismiss={agent.dismissTransfer} />
        </div>
      )}
    </div>
  );
}
