import { createRequire } from 'node:module';
import type { PasswordStorage } from '../../../shared/profiles';
import type { Logger } from '../../session/logger';

/** Where passwords go: the OS keychain (Secret Service, macOS Keychain, Windows Credential Vault). */
export interface Keychain {
  /** Whether passwords can be saved now, and why not. */
  readonly status: PasswordStorage;
  get(account: string): Promise<string | null>;
  /** Throws when the keychain refuses; the keychain then reports itself unavailable. */
  set(account: string, password: string): Promise<void>;
  remove(account: string): Promise<void>;
}

/** The part of keytar we use (declared here: keytar is optional, its types may be absent). */
export interface KeytarModule {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<{ account: string; password: string }[]>;
}

/** The service name both shells use, so a password saved in one is found by the other. */
export const KEYCHAIN_SERVICE = 'saffron';
/** A keychain that does not answer within this long counts as unavailable (D-Bus activation can hang). */
const CALL_TIMEOUT_MS = 5000;

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`the keychain did not answer ${what} within ${CALL_TIMEOUT_MS / 1000} s`)), CALL_TIMEOUT_MS);
    timer.unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** One line, without the stack or anything a library might append. */
function reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].slice(0, 200);
}

/** Loads keytar, or says in one line why it cannot be used. */
export function loadKeytar(load: (name: string) => unknown = createRequire(__filename)): KeytarModule | string {
  try {
    return load('keytar') as KeytarModule;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'MODULE_NOT_FOUND') return 'keytar is not installed (it needs libsecret-1-dev when npm ci runs)';
    return `keytar cannot be loaded: ${reason(error)}`;
  }
}

class KeytarKeychain implements Keychain {
  status: PasswordStorage = { available: true };

  constructor(private readonly keytar: KeytarModule, private readonly log: Logger) {}

  get(account: string): Promise<string | null> {
    if (!this.status.available) return Promise.resolve(null);
    return withTimeout(this.keytar.getPassword(KEYCHAIN_SERVICE, account), 'a lookup').catch((error: unknown) => {
      this.log.warn(`the keychain could not be read: ${reason(error)}`);
      return null;
    });
  }

  async set(account: string, password: string): Promise<void> {
    if (!this.status.available) throw new Error(this.status.problem ?? 'the keychain is unavailable');
    try {
      await withTimeout(this.keytar.setPassword(KEYCHAIN_SERVICE, account, password), 'a save');
    } catch (error) {
      this.disable(`the keychain refused to save a password: ${reason(error)}`);
      throw new Error(this.status.problem, { cause: error });
    }
  }

  async remove(account: string): Promise<void> {
    if (!this.status.available) return;
    try {
      await withTimeout(this.keytar.deletePassword(KEYCHAIN_SERVICE, account), 'a removal');
    } catch (error) {
      this.log.warn(`the keychain could not remove a password: ${reason(error)}`);
    }
  }

  disable(problem: string): void {
    if (!this.status.available) return;
    this.status = { available: false, problem };
    this.log.warn(`passwords cannot be saved: ${problem} (connecting still works)`);
  }
}

/** For when there is no keychain at all: nothing is saved, and the reason is reported. */
export class UnavailableKeychain implements Keychain {
  readonly status: PasswordStorage;

  constructor(problem: string) {
    this.status = { available: false, problem };
  }

  get(): Promise<string | null> {
    return Promise.resolve(null);
  }

  set(): Promise<void> {
    return Promise.reject(new Error(this.status.problem));
  }

  remove(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Opens the system keychain through keytar, loaded only now (it is an optional native module),
 * and asks it one harmless question: without a Secret Service (no D-Bus session, nothing
 * answering org.freedesktop.secrets) Saffron still connects; it logs one warning line and only
 * saving passwords is off.
 */
export async function openKeychain(log: Logger, keytar: KeytarModule | string = loadKeytar()): Promise<Keychain> {
  if (typeof keytar === 'string') {
    log.warn(`passwords cannot be saved: ${keytar} (connecting still works)`);
    return new UnavailableKeychain(keytar);
  }
  const keychain = new KeytarKeychain(keytar, log);
  try {
    await withTimeout(keytar.findCredentials(KEYCHAIN_SERVICE), 'a first question');
  } catch (error) {
    keychain.disable(`no keychain (Secret Service) answered: ${reason(error)}`);
  }
  return keychain;
}
