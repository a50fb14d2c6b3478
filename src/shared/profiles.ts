/**
 * Saved connections as every side sees them. A profile never holds its password: that lives in
 * the OS keychain, and the renderer only learns whether one is saved (`hasPassword`).
 */

export interface ProfileFields {
  /** What the person calls it; shown in lists and on the "Open …" button. */
  readonly name: string;
  readonly host: string;
  readonly port?: number;
  readonly tlsPort?: number;
  /** SASL user name. */
  readonly username?: string;
  /** Every channel over TLS (remote-viewer's secure-channels=all). */
  readonly tlsOnly: boolean;
  /** The CA certificate(s) to trust, PEM text (from a .vv file or pasted). */
  readonly caPem?: string;
  /** The exact subject the server's certificate must carry, e.g. "O=Example,CN=host". */
  readonly hostSubject?: string;
  /** An HTTP CONNECT proxy, http://host:port (credentials are not saved). */
  readonly proxy?: string;
  /** Open the session full screen. */
  readonly fullscreen: boolean;
}

export interface Profile extends ProfileFields {
  readonly id: string;
  /** A password for this profile is in the keychain. */
  readonly hasPassword: boolean;
}

/** A connection made recently, newest first; reopened by its "Open …" button. */
export interface RecentConnection {
  readonly label: string;
  readonly host: string;
  readonly port?: number;
  readonly tlsPort?: number;
  /** Set when it was made from a saved profile (which is then reopened, options and all). */
  readonly profileId?: string;
  /** When, in milliseconds since 1970. */
  readonly at: number;
}

export interface PasswordStorage {
  /** Whether passwords can be saved (a Secret Service / keychain answered). */
  readonly available: boolean;
  /** Why not, in one line, when unavailable. */
  readonly problem?: string;
}

export interface LibraryState {
  readonly profiles: readonly Profile[];
  readonly recent: readonly RecentConnection[];
  readonly passwordStorage: PasswordStorage;
}

/** The user's settings, kept beside the profiles. */
export interface Settings {
  /** The keys that release the keyboard and pointer grab, in spice-gtk's format ("ctrl+alt"). */
  readonly releaseHotkey: string;
  /** Share the clipboard with the guest both ways (absent: yes, as remote-viewer does). */
  readonly shareClipboard?: boolean;
}

/** Whether the settings let the clipboard cross between the guest and this machine. */
export function clipboardShared(settings: Settings | null | undefined): boolean {
  return settings?.shareClipboard !== false;
}

export const DEFAULT_SETTINGS: Settings = { releaseHotkey: 'ctrl+alt' };

export const MAX_PROFILE_NAME = 120;
export const MAX_PEM_LENGTH = 64 * 1024;
export const MAX_PROFILES = 1000;
export const MAX_RECENT = 10;
