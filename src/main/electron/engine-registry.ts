import type { ClipboardItemData } from '../../shared/agent-ipc';
import type { HostEvent } from '../../shared/ipc';
import type { LaunchSource } from '../host/connect-plan';
import { EngineHost } from '../host/engine-host';
import type { SessionFactory } from '../host/engine-session';
import type { LibraryAccess } from '../host/store/open-library';
import type { Logger } from '../session/logger';
import type { DisplayFollow, EngineControl, EngineReport } from './engine-control';

/** The part of Electron's MessagePortMain the engine uses (tests pass a fake). */
export interface EnginePort {
  postMessage(message: HostEvent): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  start(): void;
  close(): void;
}

/**
 * The engine process's windows: one EngineHost per window, speaking over that window's
 * MessagePort straight to its renderer (pixels never pass through the main process). Every
 * window shares the one profile library.
 */
export class EngineRegistry {
  private readonly hosts = new Map<number, { host: EngineHost; port: EnginePort }>();

  constructor(
    private readonly createSession: SessionFactory,
    private readonly log: Logger,
    private readonly library: LibraryAccess = { library: null, problem: 'not opened' },
    /** Tells the main process (what the guest copied, for the system clipboard). */
    private readonly report?: (message: EngineReport) => void,
  ) {}

  get windowCount(): number {
    return this.hosts.size;
  }

  handle(control: EngineControl, port: EnginePort | undefined): void {
    switch (control.kind) {
      case 'attach':
        if (!port) {
          this.log.warn(`engine: attach for window ${control.windowId} came without a port`);
          return;
        }
        this.attach(control.windowId, port, control.kiosk, control.launch, control.follow);
        return;
      case 'detach':
        this.detach(control.windowId);
        return;
      case 'sendKeys':
        this.hosts.get(control.windowId)?.host.sendKeyCombo(control.combo);
        return;
      case 'command':
        this.hosts.get(control.windowId)?.host.command(control.command);
        return;
      case 'clipboardOffer':
        this.hosts.get(control.windowId)?.host.offerLocalClipboard(control.items);
    }
  }

  private attach(windowId: number, port: EnginePort, kiosk: boolean, launch: LaunchSource | undefined, follow?: DisplayFollow): void {
    // A reloaded window asks for a new port: the old host (and its session) goes.
    this.detach(windowId);
    let pendingLaunch = launch;
    const host = new EngineHost({
      createSession: this.createSession,
      send: (event) => port.postMessage(event),
      log: this.log,
      library: this.library.library,
      ...(this.library.problem !== undefined ? { libraryProblem: this.library.problem } : {}),
      shell: { shell: 'electron', kiosk },
      // The main process owns the system clipboard: guest copies go there, not to the page.
      ...(this.report
        ? {
            guestClipboard: (item: ClipboardItemData) => this.report?.({ kind: 'guestClipboard', windowId, item }),
            localClipboardWanted: () => this.report?.({ kind: 'clipboardWanted', windowId }),
          }
        : {}),
      onReady: () => {
        // Open what the window was created for once its renderer listens, so it sees every event.
        if (pendingLaunch) host.open(pendingLaunch);
        pendingLaunch = undefined;
      },
    });
    port.on('message', (event) => host.handleMessage(event.data));
    port.on('close', () => {
      if (this.hosts.get(windowId)?.port === port) this.detach(windowId);
    });
    port.start();
    this.hosts.set(windowId, { host, port });
    if (follow) {
      // A guest display's window joins its opener's session; with none left, it hears so and closes.
      const leader = this.hosts.get(follow.windowId)?.host;
      if (!leader || !host.follow(leader, follow.monitor)) {
        port.postMessage({ type: 'status', state: 'disconnected', failure: { kind: 'closed', message: 'the session this display belonged to has ended' } });
      }
    }
  }

  private detach(windowId: number): void {
    const entry = this.hosts.get(windowId);
    if (!entry) return;
    this.hosts.delete(windowId);
    entry.host.dispose();
    entry.port.close();
  }

  disposeAll(): void {
    for (const windowId of [...this.hosts.keys()]) this.detach(windowId);
  }
}
