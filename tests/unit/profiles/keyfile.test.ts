import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyFile, KeyFileError } from '../../../src/main/profiles/keyfile';

test('GLib key-file syntax: groups, comments, blanks around keys, "=" inside values, CRLF', () => {
  const file = KeyFile.parse('\uFEFF# comment\r\n\r\n[virt-viewer]\r\n  type = spice\r\npassword=a=b==c\r\ntitle=  two  spaces kept inside  \r\n[other]\nkey=x\n[virt-viewer]\nhost=h\n');
  assert.deepEqual(file.groupNames(), ['virt-viewer', 'other']);
  assert.equal(file.string('virt-viewer', 'type'), 'spice');
  assert.equal(file.string('virt-viewer', 'password'), 'a=b==c');
  assert.equal(file.string('virt-viewer', 'title'), 'two  spaces kept inside  ');
  assert.equal(file.string('virt-viewer', 'host'), 'h', 'groups of the same name merge');
  assert.equal(file.string('other', 'key'), 'x');
  assert.equal(file.string('virt-viewer', 'absent'), undefined);
});

test('escapes are decoded: \\n \\s \\t \\r \\\\ (an inline CA is one line)', () => {
  const file = KeyFile.parse('[g]\nca=-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n\nlead=\\sspace\nmix=a\\tb\\rc\\\\d\\;e\n');
  assert.equal(file.string('g', 'ca'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  assert.equal(file.string('g', 'lead'), ' space');
  assert.equal(file.string('g', 'mix'), 'a\tb\rc\\d;e');
});

test('lists split at ";" with "\\;" escaped and a trailing ";" ignored', () => {
  const file = KeyFile.parse('[g]\nchannels=main;display;inputs;\nescaped=a\\;b;c\nempty=\n');
  assert.deepEqual(file.list('g', 'channels'), ['main', 'display', 'inputs']);
  assert.deepEqual(file.list('g', 'escaped'), ['a;b', 'c']);
  assert.deepEqual(file.list('g', 'empty'), []);
});

test('later keys win; translations are kept apart', () => {
  const file = KeyFile.parse('[g]\ntitle=first\ntitle=second\ntitle[fr]=titre\n');
  assert.equal(file.string('g', 'title'), 'second');
  assert.deepEqual(file.keys('g'), ['title']);
});

test('malformed files are refused with the line', () => {
  assert.throws(() => KeyFile.parse('type=spice\n'), /line 1: key "type" comes before any \[group\]/);
  assert.throws(() => KeyFile.parse('[g]\njust words\n'), /line 2: "just words" is not a key=value pair/);
  assert.throws(() => KeyFile.parse('[g\n'), /line 1: "\[g" is not a valid group header/);
  assert.throws(() => KeyFile.parse('[g]\n=value\n'), KeyFileError);
  const bad = KeyFile.parse('[g]\nx=a\\qb\ny=ends\\\n');
  assert.throws(() => bad.string('g', 'x'), /invalid escape sequence "\\q"/);
  assert.throws(() => bad.string('g', 'y'), /ends with an escape character/);
});
