import type { Logger } from '../../session/logger';
import { configDir } from './config-dir';
import { openKeychain, type KeytarModule } from './keychain';
import { ProfileLibrary } from './profile-library';

export interface LibraryAccess {
  readonly library: ProfileLibrary | null;
  /** Why there is no library (one line), when library is null. */
  readonly problem?: string;
}

/**
 * Opens the saved connections for a shell: the config directory, and the keychain (loaded
 * lazily; without one, connecting still works and only saving passwords is off).
 */
export async function openLibrary(log: Logger, env: NodeJS.ProcessEnv = process.env, keytar?: KeytarModule | string): Promise<LibraryAccess> {
  const dir = configDir(env);
  try {
    const keychain = await openKeychain(log, ...(keytar !== undefined ? [keytar] : []));
    return { library: await ProfileLibrary.open(dir, keychain, log) };
  } catch (error) {
    const problem = `${dir}: ${(error as Error).message}`;
    log.warn(`saved connections are unavailable: ${problem}`);
    return { library: null, problem };
  }
}
