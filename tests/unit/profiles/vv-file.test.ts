import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVvFile, readVvFile, VvFileError } from '../../../src/main/profiles/vv-file';

const CA = '-----BEGIN CERTIFICATE-----\\nMIIBszCCAVmgAwIBAgIU\\n-----END CERTIFICATE-----\\n';

const PROXMOX = `[virt-viewer]
secure-attention=Ctrl+Alt+Ins
delete-this-file=1
proxy=http://pve.example.org:3128
type=spice
toggle-fullscreen=Shift+F11
release-cursor=Ctrl+Alt+R
tls-port=61000
password=7a0b=c;d
title=VM 100 - web01
host=pvespiceproxy:6542:100::abc
host-subject=OU=PVE Cluster Node,O=Proxmox Virtual Environment,CN=pve.example.org
ca=${CA}
`;

test('a Proxmox VE file: every key honoured', () => {
  const vv = parseVvFile(PROXMOX);
  assert.deepEqual(vv.connect, {
    target: { host: 'pvespiceproxy:6542:100::abc', tlsPort: 61000 },
    password: '7a0b=c;d',
    tls: {
      caPem: '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n',
      caSource: 'the ca of the .vv file',
      hostSubject: 'OU=PVE Cluster Node,O=Proxmox Virtual Environment,CN=pve.example.org',
    },
    proxy: { host: 'pve.example.org', port: 3128 },
  });
  assert.equal(vv.deleteThisFile, true);
  assert.deepEqual(vv.viewer, {
    title: 'VM 100 - web01',
    fullscreen: false,
    hotkeys: { 'toggle-fullscreen': 'shift+f11', 'release-cursor': 'ctrl+alt+r', 'secure-attention': 'ctrl+alt+ins' },
  });
  assert.deepEqual(vv.unsupported, []);
  assert.deepEqual(vv.notes, []);
});

test('an oVirt file: port=-1, secure-channels list, disable-channels, username, ciphers, versions, USB keys reported', () => {
  const vv = parseVvFile(`[virt-viewer]
type=spice
host=10.0.0.5
port=-1
tls-port=5901
username=admin@internal
password=ticket
fullscreen=1
tls-ciphers=DEFAULT
secure-channels=main;inputs;cursor;playback;record;display;smartcard;usbredir;
disable-channels=playback;record
enable-usbredir=1
enable-smartcard=0
usb-filter=-1,-1,-1,-1,1
color-depth=24
disable-effects=wallpaper;animation
smartcard-insert=shift+f9
versions=rhev-win64:2.0-160;rhev-win32:2.0-160;rhel8:7.0-3
newer-version-url=https://example.org/viewer
x-custom=ignored quietly
mystery=1
[ovirt]
host=https://engine.example.org
`);
  assert.deepEqual(vv.connect.target, { host: '10.0.0.5', tlsPort: 5901 });
  assert.equal(vv.connect.username, 'admin@internal');
  assert.equal(vv.connect.tls?.ciphers, 'DEFAULT');
  assert.deepEqual(vv.connect.secureChannels, ['main', 'inputs', 'cursor', 'playback', 'record', 'display', 'smartcard', 'usbredir']);
  assert.deepEqual(vv.connect.disableChannels, ['playback', 'record']);
  assert.equal(vv.viewer.fullscreen, true);
  assert.deepEqual(vv.unsupported, [
    'smartcard-insert: smart cards and USB redirection are not supported yet',
    'enable-usbredir=1: USB redirection is not supported yet',
    'usb-filter: USB redirection is not supported yet',
    'color-depth: asking the guest for a colour depth is not supported yet',
    'disable-effects: asking the guest to turn off effects is not supported yet',
    '[ovirt]: the oVirt integration (CD images) is not supported yet',
  ]);
  assert.deepEqual(vv.notes, ['versions: no entry for "saffron"; version= applies', 'unknown key "mystery" (remote-viewer does not read it either)']);
});

test('secure-channels=all, unix-path, and plain-port files', () => {
  assert.equal(parseVvFile('[virt-viewer]\ntype=spice\nhost=h\ntls-port=5901\nsecure-channels=all\n').connect.secureChannels, 'all');
  const unix = parseVvFile('[virt-viewer]\ntype=spice\nunix-path=/run/vm.sock\n');
  assert.equal(unix.connect.unixPath, '/run/vm.sock');
  assert.deepEqual(parseVvFile('[virt-viewer]\ntype=spice\nhost=h\nport=5900\n').connect, { target: { host: 'h', port: 5900 } });
});

test('version checks follow remote-viewer: too new a version is refused with the URL', () => {
  assert.doesNotThrow(() => parseVvFile('[virt-viewer]\ntype=spice\nhost=h\nport=1\nversion=2.0\n'));
  assert.throws(() => parseVvFile('[virt-viewer]\ntype=spice\nhost=h\nport=1\nversion=99.1\nnewer-version-url=https://x.example/get\n'),
    /requires viewer version 99\.1 or newer; Saffron matches remote-viewer 11\.0 \(a newer viewer: https:\/\/x\.example\/get\)/);
  assert.doesNotThrow(() => parseVvFile('[virt-viewer]\ntype=spice\nhost=h\nport=1\nversion=99.0\nversions=saffron:1.0\n'), 'an entry for Saffron replaces version=');
  assert.throws(() => parseVvFile('[virt-viewer]\ntype=spice\nhost=h\nport=1\nversions=saffron:12\n'), /requires viewer version 12/);
});

test('bad files: one clear reason each', () => {
  const cases: [string, RegExp][] = [
    ['[other]\ntype=spice\n', /no \[virt-viewer\] group/],
    ['[virt-viewer]\nhost=h\nport=1\n', /has no type/],
    ['[virt-viewer]\ntype=vnc\nhost=h\nport=1\n', /type=vnc: only spice connections are supported/],
    ['[virt-viewer]\ntype=spice\nport=1\n', /names no host/],
    ['[virt-viewer]\ntype=spice\nhost=h\n', /neither port nor tls-port/],
    ['[virt-viewer]\ntype=spice\nhost=h\nport=70000\n', /port=70000 is not a port number/],
    ['[virt-viewer]\ntype=spice\nhost=h\nport=abc\n', /port=abc is not a port number/],
    ['[virt-viewer]\ntype=spice\nhost=h\nport=1\nfullscreen=maybe\n', /fullscreen=maybe is not 0 or 1/],
    ['[virt-viewer]\ntype=spice\nhost=h\nport=1\nca=not a pem\n', /ca: not a PEM certificate/],
    ['[virt-viewer]\ntype=spice\nhost=h\nport=1\nhost-subject=CN\n', /host-subject "CN": "CN" has no "="/],
    ['[virt-viewer]\ntype=spice\nhost=h\nport=1\nsecure-channels=main;warp\n', /secure-channels: unknown channel "warp"/],
    ['[virt-viewer]\ntype=spice\nhost=h\nport=1\ndisable-channels=main\n', /main channel cannot be disabled/],
    ['[virt-viewer]\ntype=spice\nhost=h\nport=1\nproxy=socks5://p:1080\n', /socks5 proxies are not supported yet/],
    ['[virt-viewer]\ntype=spice\nhost=h\nport=1\ntoggle-fullscreen=shift f11\n', /not a hotkey/],
    ['[virt-viewer]\ntype=spice\nhost=h\nport=1\npassword=bad\\escape\n', /invalid escape sequence/],
  ];
  for (const [text, reason] of cases) assert.throws(() => parseVvFile(text), (error: Error) => error instanceof VvFileError && reason.test(error.message), text);
});

test('readVvFile obeys delete-this-file, and keeps a file that does not parse', () => {
  const removed: string[] = [];
  const files = (text: string) => ({ read: () => text, remove: (path: string) => { removed.push(path); } });
  readVvFile('/tmp/a.vv', files('[virt-viewer]\ntype=spice\nhost=h\nport=1\ndelete-this-file=1\n'));
  readVvFile('/tmp/b.vv', files('[virt-viewer]\ntype=spice\nhost=h\nport=1\ndelete-this-file=0\n'));
  assert.throws(() => readVvFile('/tmp/c.vv', files('[virt-viewer]\ntype=vnc\ndelete-this-file=1\n')), /\/tmp\/c\.vv: type=vnc/);
  assert.deepEqual(removed, ['/tmp/a.vv']);
  const unreadable = { read: () => { throw Object.assign(new Error('x'), { code: 'EACCES' }); }, remove: () => {} };
  assert.throws(() => readVvFile('/tmp/d.vv', unreadable), /\/tmp\/d\.vv: cannot read the file \(EACCES\)/);
});
