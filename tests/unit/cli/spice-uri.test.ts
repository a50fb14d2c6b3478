import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSpiceUri } from '../../../src/main/profiles/spice-uri';
import { parseArgs, integerOption, UsageError } from '../../../src/main/host/cli/args';

test('remote-viewer URI forms', () => {
  assert.deepEqual(parseSpiceUri('spice://127.0.0.1:5900'), { host: '127.0.0.1', port: 5900 });
  assert.deepEqual(parseSpiceUri('spice://host?port=5900&tls-port=5901'), { host: 'host', port: 5900, tlsPort: 5901 });
  assert.deepEqual(parseSpiceUri('spice://host?tls-port=5901'), { host: 'host', tlsPort: 5901 });
  assert.deepEqual(parseSpiceUri('spice://[::1]:5900'), { host: '::1', port: 5900 });
});

test('bad URIs are refused with a reason', () => {
  assert.throws(() => parseSpiceUri('vnc://host:5900'), /not a spice:\/\/ URI/);
  assert.throws(() => parseSpiceUri('spice://host'), /neither a port nor a tls-port/);
  assert.throws(() => parseSpiceUri('spice://host?port=99999'), /not a port number/);
  assert.throws(() => parseSpiceUri('spice://host?port=1&color=red'), /unknown URI option "color"/);
  assert.throws(() => parseSpiceUri('spice://host:5900?password=x'), /passwords are not accepted/);
});

test('argument parsing', () => {
  const args = parseArgs(['spice://h:1', '--out', 'a.png', '--delay-ms=5'], ['out', 'delay-ms']);
  assert.deepEqual(args.positionals, ['spice://h:1']);
  assert.equal(args.options.get('out'), 'a.png');
  assert.equal(integerOption(args, 'delay-ms', 0), 5);
  assert.equal(integerOption(args, 'settle-ms', 500), 500);
  assert.throws(() => parseArgs(['--bogus'], []), UsageError);
  assert.throws(() => parseArgs(['--out'], ['out']), /needs a value/);
  assert.throws(() => integerOption(parseArgs(['--delay-ms', '-1'], ['delay-ms']), 'delay-ms', 0), /whole number/);
});
