// A real Secret Service for tests: gnome-keyring in its own D-Bus session (dbus-run-session),
// its login keyring created and unlocked under a throwaway HOME. The keyring's password travels
// in the environment and stdin, never on a command line.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { endProcess, requireProgram } from './servers';

export interface Keyring {
  /** The session bus address: give it to a process as DBUS_SESSION_BUS_ADDRESS. */
  readonly busAddress: string;
  stop(): Promise<void>;
}

/** Starts gnome-keyring (secrets component) in a new session bus, with HOME and XDG_DATA_HOME under `home`. */
export function startKeyring(home: string): Promise<Keyring> {
  requireProgram('dbus-run-session', 'dbus');
  requireProgram('gnome-keyring-daemon', 'gnome-keyring');
  const script = 'printf %s "$SAFFRON_TEST_KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 1; echo "$DBUS_SESSION_BUS_ADDRESS"; exec cat >/dev/null';
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn('dbus-run-session', ['--', 'sh', '-c', script], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, XDG_DATA_HOME: `${home}/.local/share`, XDG_RUNTIME_DIR: home, SAFFRON_TEST_KEYRING_PASSWORD: randomBytes(12).toString('hex') },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`gnome-keyring did not start within 15 s: ${err}`)), 15_000);
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`dbus-run-session exited with ${code}: ${err}`));
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const newline = out.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({
        busAddress: out.slice(0, newline).trim(),
        stop: async () => {
          // Closing stdin ends `cat`, the session, its bus, and the keyring daemon on that bus.
          child.stdin!.end();
          await new Promise<void>((done) => {
            if (child.exitCode !== null) done();
            else child.once('exit', () => done());
            setTimeout(() => void endProcess(child).then(done, done), 5000).unref();
          });
        },
      });
    });
  });
}
