import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/**
 * Where Saffron keeps profiles and settings, the same for both shells (so a profile saved in
 * the Electron app shows up in the browser shell): $SAFFRON_CONFIG_DIR, else
 * $XDG_CONFIG_HOME/saffron, else the platform's usual place (~/.config/saffron on Linux).
 */
export function configDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  if (env.SAFFRON_CONFIG_DIR) return resolve(env.SAFFRON_CONFIG_DIR);
  // The XDG spec says a relative value is invalid and must be ignored.
  if (env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME)) return join(env.XDG_CONFIG_HOME, 'saffron');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Saffron');
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Saffron');
  return join(home, '.config', 'saffron');
}
