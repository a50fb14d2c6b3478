import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from '../../../src/main/host/cli/args';
import { connectionFromArgs, CONNECT_VALUED_OPTIONS } from '../../../src/main/host/cli/connect-options';
import { DEFAULT_RECONNECT_POLICY, isRetryable, reconnectDelay } from '../../../src/main/session/reconnect';

const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function withDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'saffron-cli-'));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const parse = (argv: string[], env: NodeJS.ProcessEnv = {}) => connectionFromArgs(parseArgs(argv, [...CONNECT_VALUED_OPTIONS]), env);

test('URI target with every connection option', () => withDir((dir) => {
  writeFileSync(join(dir, 'pw'), 'se=cret\r\n');
  writeFileSync(join(dir, 'ca.pem'), CA);
  const { options, notices } = parse(['spice://h?port=1&tls-port=2', '--password-file', join(dir, 'pw'), '--username', 'bob', '--ca-file', join(dir, 'ca.pem'),
    '--host-subject', 'O=X,CN=h', '--tls-ciphers', 'HIGH', '--secure-channels', 'main,display', '--proxy', 'http://u:p@proxy:8080']);
  assert.deepEqual(options, {
    target: { host: 'h', port: 1, tlsPort: 2 },
    password: 'se=cret',
    username: 'bob',
    tls: { caPem: CA, caSource: `the CA file ${join(dir, 'ca.pem')}`, hostSubject: 'O=X,CN=h', ciphers: 'HIGH' },
    secureChannels: ['main', 'display'],
    proxy: { host: 'proxy', port: 8080, username: 'u', password: 'p' },
  });
  assert.deepEqual(notices, []);
}));

test('precedence: option, then .vv, then environment; delete-this-file obeyed', () => withDir((dir) => {
  const vv = join(dir, 'c.vv');
  const write = (): void => writeFileSync(vv, `[virt-viewer]\ntype=spice\nhost=h\nport=5\npassword=from-vv\nproxy=http://vvproxy:1\nenable-smartcard=1\ndelete-this-file=1\n`);
  write();
  const fromVv = parse([vv], { SPICE_PASSWORD: 'from-env', SPICE_PROXY: 'http://envproxy:2' });
  assert.equal(fromVv.options.password, 'from-vv');
  assert.equal(fromVv.options.proxy?.host, 'vvproxy');
  assert.deepEqual(fromVv.notices, [`${vv}: enable-smartcard=1: smart cards are not supported yet`]);
  assert.equal(existsSync(vv), false);

  write();
  writeFileSync(join(dir, 'pw'), 'from-file\n');
  const fromOptions = parse([vv, '--password-file', join(dir, 'pw'), '--proxy', 'http://optproxy:3'], { SPICE_PASSWORD: 'from-env' });
  assert.equal(fromOptions.options.password, 'from-file');
  assert.equal(fromOptions.options.proxy?.host, 'optproxy');

  const fromEnv = parse(['spice://h:5'], { SPICE_PASSWORD: 'from-env', SPICE_PROXY: 'envproxy:2' });
  assert.equal(fromEnv.options.password, 'from-env');
  assert.deepEqual(fromEnv.options.proxy, { host: 'envproxy', port: 2 });
  assert.equal(parse(['spice://h:5', '--proxy', ''], { SPICE_PROXY: 'envproxy:2' }).options.proxy, undefined, '--proxy "" turns the proxy off');
}));

test('bad connection options are usage errors', () => withDir((dir) => {
  writeFileSync(join(dir, 'notpem'), 'hello');
  assert.throws(() => parse(['spice://h:1', '--password-file', join(dir, 'missing')]), /--password-file .*cannot read it \(ENOENT\)/);
  assert.throws(() => parse(['spice://h:1', '--ca-file', join(dir, 'notpem')]), /not a PEM certificate file/);
  assert.throws(() => parse(['spice://h:1', '--host-subject', 'nonsense']), /host-subject "nonsense"/);
  assert.throws(() => parse(['spice://h:1', '--secure-channels', 'main,warp']), /--secure-channels: unknown channel "warp"/);
  assert.throws(() => parse(['spice://h:1'], { SPICE_PROXY: 'ftp://x' }), /SPICE_PROXY: ftp proxies are not supported yet/);
  assert.throws(() => parse([]), /a target is required/);
  assert.throws(() => parse(['vnc://h:1']), /not a spice:\/\/ URI/);
}));

test('reconnect backoff grows to its cap with bounded jitter; only network failures are retried', () => {
  const policy = { ...DEFAULT_RECONNECT_POLICY, jitter: 0 };
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => reconnectDelay(policy, n)), [500, 1000, 2000, 4000, 8000, 15000, 15000, 15000]);
  const jittered = DEFAULT_RECONNECT_POLICY;
  assert.equal(reconnectDelay(jittered, 1, () => 0), 400);
  assert.equal(reconnectDelay(jittered, 1, () => 1), 600);
  assert.deepEqual(['closed', 'connect', 'timeout', 'auth', 'tls', 'protocol', 'unsupported'].map((kind) => isRetryable(kind as never)), [true, true, true, false, false, false, false]);
});
