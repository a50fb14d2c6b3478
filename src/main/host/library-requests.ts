import type { HostEvent, HostRequest } from '../../shared/ipc';
import type { Logger } from '../session/logger';
import { planFromProfile, PlanError, profileFromVv, type ConnectPlan } from './connect-plan';
import { LibraryError, type ProfileLibrary } from './store/profile-library';

type LibraryRequest = Extract<HostRequest, { type: 'connectProfile' | 'saveProfile' | 'deleteProfile' | 'duplicateProfile' | 'importVv' | 'saveSettings' }>;

export interface LibraryHost {
  emit(event: HostEvent): void;
  connect(plan: ConnectPlan): void;
  readonly log: Logger;
}

/**
 * One window's requests about saved connections and settings, carried out on the shared
 * ProfileLibrary. Each ends in a 'library' (or 'settings') event the window hears like every other
 * window, or in one notice saying what went wrong. Passwords go from the request straight to
 * the keychain and from the keychain straight into a session: never into an event.
 */
export class LibraryRequests {
  private readonly offs: (() => void)[] = [];

  constructor(private readonly library: ProfileLibrary | null, private readonly problem: string | undefined, private readonly host: LibraryHost) {
    if (library) {
      this.offs.push(library.on('changed', (state) => host.emit({ type: 'library', ...state })));
      this.offs.push(library.on('settings', (settings) => host.emit({ type: 'settings', settings })));
    }
  }

  /** What a (re)started window needs to draw its lists. */
  replay(): void {
    if (!this.library) return;
    this.host.emit({ type: 'settings', settings: this.library.settings });
    this.host.emit({ type: 'library', ...this.library.state });
  }

  /** Adds a connection that worked to the recent list. */
  remember(plan: ConnectPlan): void {
    const { host, port, tlsPort } = plan.options.target;
    this.library
      ?.remember({ label: plan.label, host, ...(port !== undefined ? { port } : {}), ...(tlsPort !== undefined ? { tlsPort } : {}), ...(plan.profileId !== undefined ? { profileId: plan.profileId } : {}) })
      .catch((error: unknown) => this.host.log.warn(`could not update the recent connections: ${(error as Error).message}`));
  }

  handle(request: LibraryRequest): void {
    const library = this.library;
    if (!library) {
      this.notice(`saved connections are unavailable: ${this.problem ?? 'no configuration directory'}`);
      return;
    }
    this.run(library, request).catch((error: unknown) => {
      if (error instanceof LibraryError || error instanceof PlanError) this.notice(error.message);
      else this.notice(`could not save: ${(error as Error).message}`);
    });
  }

  dispose(): void {
    for (const off of this.offs.splice(0)) off();
  }

  private async run(library: ProfileLibrary, request: LibraryRequest): Promise<void> {
    switch (request.type) {
      case 'connectProfile': {
        const profile = library.profile(request.id);
        const password = request.password ?? (await library.password(profile.id));
        this.host.connect(planFromProfile(profile, password));
        return;
      }
      case 'saveProfile': {
        const { type: _type, ...params } = request;
        await library.save(params);
        return;
      }
      case 'deleteProfile':
        await library.delete(request.id);
        return;
      case 'duplicateProfile':
        await library.duplicate(request.id);
        return;
      case 'importVv': {
        const imported = profileFromVv(request.fileName, request.text);
        const notes = [...imported.notes];
        let password = imported.password;
        if (password !== undefined && !library.keychain.status.available) {
          notes.push(`its password was not kept: ${library.keychain.status.problem ?? 'no keychain'}`);
          password = undefined;
        }
        const profile = await library.save({ fields: imported.fields, ...(password !== undefined ? { password } : {}) });
        this.notice(`Imported "${profile.name}" from ${request.fileName}${notes.length > 0 ? `; ${notes.join('; ')}` : ''}.`);
        return;
      }
      case 'saveSettings':
        await library.saveSettings(request.settings);
        return;
    }
  }

  private notice(message: string): void {
    this.host.emit({ type: 'notice', message: message.slice(0, 4000) });
  }
}
