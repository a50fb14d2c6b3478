import { randomBytes } from 'node:crypto';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { TypedEmitter } from '../../../core/util/typed-emitter';
import type { SaveProfileParams } from '../../../shared/ipc';
import { isProfileId, validateProfileFields, validateRecent, validateSettings } from '../../../shared/ipc-validators';
import { DEFAULT_SETTINGS, MAX_PROFILES, MAX_RECENT, type LibraryState, type Profile, type ProfileFields, type RecentConnection, type Settings } from '../../../shared/profiles';
import type { Logger } from '../../session/logger';
import type { Keychain } from './keychain';
import { readJsonFile, writeJsonFile } from './json-file';

const PROFILES_FILE = 'profiles.json';
const SETTINGS_FILE = 'settings.json';
const FILE_VERSION = 1;

export interface LibraryEvents {
  [event: string]: unknown;
  changed: LibraryState;
  settings: Settings;
}

/** A problem the person should hear about (a missing profile, a refused save). */
export class LibraryError extends Error {
  override readonly name = 'LibraryError';
}

function accountFor(id: string): string {
  return `profile:${id}`;
}

function newId(): string {
  return randomBytes(8).toString('hex');
}

/** "web01" → "web01 (copy)", "web01 (copy)" → "web01 (copy 2)"... unique among the names given. */
function copyName(name: string, taken: ReadonlySet<string>): string {
  const base = name.replace(/ \(copy(?: \d+)?\)$/, '');
  for (let n = 1; ; n++) {
    const candidate = `${base} (copy${n === 1 ? '' : ` ${n}`})`;
    if (!taken.has(candidate)) return candidate;
  }
}

/**
 * Saved connections, recent connections and settings, as JSON files in the config directory
 * (readable by their owner only), with each profile's password in the keychain under
 * "profile:<id>" — never in a file. One library serves every window of a process; changes are
 * announced with 'changed' so each window's list follows. Writes happen one at a time.
 */
export class ProfileLibrary extends TypedEmitter<LibraryEvents> {
  private profiles: Profile[] = [];
  private recent: RecentConnection[] = [];
  private currentSettings: Settings = DEFAULT_SETTINGS;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly dir: string,
    readonly keychain: Keychain,
    private readonly log: Logger,
    private readonly now: () => number,
  ) {
    super();
  }

  /** Loads what is saved; an unreadable file is set aside (renamed) and the library starts empty. */
  static async open(dir: string, keychain: Keychain, log: Logger, now: () => number = Date.now): Promise<ProfileLibrary> {
    const library = new ProfileLibrary(dir, keychain, log, now);
    await library.load();
    return library;
  }

  get state(): LibraryState {
    return { profiles: this.profiles, recent: this.recent, passwordStorage: this.keychain.status };
  }

  get settings(): Settings {
    return this.currentSettings;
  }

  profile(id: string): Profile {
    const found = this.profiles.find((p) => p.id === id);
    if (!found) throw new LibraryError('that saved connection no longer exists');
    return found;
  }

  /** The saved password of a profile, or null. */
  password(id: string): Promise<string | null> {
    return this.profile(id).hasPassword ? this.keychain.get(accountFor(id)) : Promise.resolve(null);
  }

  /** Creates or updates a profile; its password goes to the keychain. Resolves with the profile. */
  save(params: SaveProfileParams): Promise<Profile> {
    return this.serial(async () => {
      const fields = this.checkFields(params.fields);
      const existing = params.id !== undefined ? this.profile(params.id) : null;
      if (!existing && this.profiles.length >= MAX_PROFILES) throw new LibraryError(`at most ${MAX_PROFILES} connections can be saved`);
      const id = existing?.id ?? newId();
      let hasPassword = existing?.hasPassword ?? false;
      if (params.forgetPassword || params.password === '') {
        await this.keychain.remove(accountFor(id));
        hasPassword = false;
      } else if (params.password !== undefined) {
        await this.keychain.set(accountFor(id), params.password).catch((error: unknown) => {
          throw new LibraryError(`the connection was not saved: ${(error as Error).message}`);
        });
        hasPassword = true;
      }
      const profile: Profile = { id, hasPassword, ...fields };
      this.profiles = existing ? this.profiles.map((p) => (p.id === id ? profile : p)) : [...this.profiles, profile];
      await this.persist();
      return profile;
    });
  }

  /** Removes a profile, its password and its recent entries. */
  delete(id: string): Promise<void> {
    return this.serial(async () => {
      const profile = this.profile(id);
      if (profile.hasPassword) await this.keychain.remove(accountFor(id));
      this.profiles = this.profiles.filter((p) => p.id !== id);
      this.recent = this.recent.filter((r) => r.profileId !== id);
      await this.persist();
    });
  }

  /** A copy under a new name, with a copy of the saved password. */
  duplicate(id: string): Promise<Profile> {
    return this.serial(async () => {
      const original = this.profile(id);
      if (this.profiles.length >= MAX_PROFILES) throw new LibraryError(`at most ${MAX_PROFILES} connections can be saved`);
      const { id: _id, hasPassword: _hasPassword, ...fields } = original;
      const copy: Profile = { ...fields, id: newId(), name: copyName(original.name, new Set(this.profiles.map((p) => p.name))), hasPassword: false };
      let hasPassword = false;
      if (original.hasPassword) {
        const password = await this.keychain.get(accountFor(id));
        if (password !== null) {
          await this.keychain.set(accountFor(copy.id), password).then(
            () => (hasPassword = true),
            () => {},
          );
        }
      }
      const saved = { ...copy, hasPassword };
      this.profiles = [...this.profiles, saved];
      await this.persist();
      return saved;
    });
  }

  /** Puts a connection at the top of the recent list (one entry per target). */
  remember(entry: Omit<RecentConnection, 'at'>): Promise<void> {
    return this.serial(async () => {
      const same = (r: RecentConnection): boolean =>
        entry.profileId !== undefined ? r.profileId === entry.profileId : r.profileId === undefined && r.host === entry.host && r.port === entry.port && r.tlsPort === entry.tlsPort;
      this.recent = [{ ...entry, at: this.now() }, ...this.recent.filter((r) => !same(r))].slice(0, MAX_RECENT);
      await this.persist();
    });
  }

  saveSettings(settings: Settings): Promise<void> {
    return this.serial(async () => {
      this.currentSettings = settings;
      await writeJsonFile(join(this.dir, SETTINGS_FILE), { version: FILE_VERSION, ...settings });
      this.emit('settings', settings);
    });
  }

  private checkFields(fields: ProfileFields): ProfileFields {
    const checked = validateProfileFields(fields);
    if (typeof checked === 'string') throw new LibraryError(`the connection was not saved: ${checked}`);
    return checked;
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => {});
    return result;
  }

  private async persist(): Promise<void> {
    const profiles = this.profiles.map((p) => ({ ...p }));
    await writeJsonFile(join(this.dir, PROFILES_FILE), { version: FILE_VERSION, profiles, recent: this.recent });
    this.emit('changed', this.state);
  }

  private async load(): Promise<void> {
    const stored = await this.readOrSetAside(PROFILES_FILE);
    if (stored && typeof stored === 'object') {
      const record = stored as { profiles?: unknown; recent?: unknown };
      for (const raw of Array.isArray(record.profiles) ? record.profiles : []) {
        const profile = this.loadProfile(raw);
        if (profile && this.profiles.length < MAX_PROFILES) this.profiles.push(profile);
      }
      for (const raw of Array.isArray(record.recent) ? record.recent.slice(0, MAX_RECENT) : []) {
        const recent = loadRecent(raw);
        if (recent) this.recent.push(recent);
      }
    }
    const settings = await this.readOrSetAside(SETTINGS_FILE);
    if (settings && typeof settings === 'object') {
      const { version: _version, ...rest } = settings as Record<string, unknown>;
      const checked = validateSettings(rest);
      if (typeof checked === 'string') this.log.warn(`${join(this.dir, SETTINGS_FILE)}: ${checked}; using the defaults`);
      else this.currentSettings = checked;
    }
  }

  private loadProfile(raw: unknown): Profile | null {
    if (!raw || typeof raw !== 'object') return null;
    const { id, hasPassword, ...rest } = raw as Record<string, unknown>;
    const fields = validateProfileFields(rest);
    if (!isProfileId(id) || typeof fields === 'string') {
      this.log.warn(`${join(this.dir, PROFILES_FILE)}: skipping a saved connection (${typeof fields === 'string' ? fields : 'bad id'})`);
      return null;
    }
    return { id, hasPassword: hasPassword === true, ...fields };
  }

  /** A file that is not JSON is renamed aside (not overwritten: the person may want it back). */
  private async readOrSetAside(name: string): Promise<unknown> {
    const path = join(this.dir, name);
    try {
      return await readJsonFile(path);
    } catch (error) {
      const aside = `${path}.broken-${this.now()}`;
      await rename(path, aside).catch(() => {});
      this.log.warn(`${(error as Error).message}; it was renamed to ${aside} and Saffron starts without it`);
      return undefined;
    }
  }
}

function loadRecent(raw: unknown): RecentConnection | null {
  const checked = validateRecent(raw);
  return typeof checked === 'string' ? null : checked;
}
