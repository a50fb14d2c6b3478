// QEMU showing its firmware screen, then stopped so the screen cannot change: what a correct
// client shows equals `truth` (QEMU's own screendump), 0 px differ.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RgbImage } from './images';
import { requireProgram, startQemu, type QemuOptions, type QemuServer } from './servers';

export interface FrozenQemu {
  readonly server: QemuServer;
  readonly truth: RgbImage;
}

export async function startFrozenQemu(options: QemuOptions = {}): Promise<FrozenQemu> {
  const server = await startQemu(options);
  try {
    // Let the firmware draw its screen, then freeze the guest.
    await new Promise((r) => setTimeout(r, 2500));
    await server.monitor('stop');
    const truth = await server.screendump();
    assert.ok(truth.width >= 640 && truth.height >= 200, `screendump is ${truth.width}x${truth.height}`);
    return { server, truth };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

export interface SaslDb {
  /** The dir to give QEMU as SASL_CONF_PATH (qemu.conf and passwd.db inside). */
  readonly confDir: string;
  remove(): void;
}

/**
 * A cyrus-sasl configuration for QEMU (`sasl=on`, env SASL_CONF_PATH=confDir) with one user in a
 * sasldb made by saslpasswd2 (package sasl2-bin), and the mechanisms listed (e.g. 'digest-md5').
 */
export function makeSaslDb(mechanisms: string, username: string, password: string): SaslDb {
  requireProgram('saslpasswd2');
  const confDir = mkdtempSync(join(tmpdir(), 'saffron-sasl-'));
  writeFileSync(join(confDir, 'qemu.conf'), `mech_list: ${mechanisms}\nsasldb_path: ${join(confDir, 'passwd.db')}\n`);
  // -p reads the password from stdin (never a command-line argument); -a qemu is the app name.
  const result = spawnSync('saslpasswd2', ['-p', '-a', 'qemu', '-f', join(confDir, 'passwd.db'), '-c', username], { input: password });
  if (result.status !== 0) {
    rmSync(confDir, { recursive: true, force: true });
    throw new Error(`saslpasswd2 failed: ${result.stderr.toString()}`);
  }
  return { confDir, remove: () => rmSync(confDir, { recursive: true, force: true }) };
}

/** A temp dir with a password file in it (mode 0600); remove() deletes both. */
export function passwordFile(password: string): { path: string; dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'saffron-secret-'));
  const path = join(dir, 'password');
  writeFileSync(path, `${password}\n`, { mode: 0o600 });
  return { path, dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
