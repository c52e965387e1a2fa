import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { PlistError, readPlist, readPlistDict, writePlist } from './index.js';

test('writes the types Apple schemas expect, leaves out undefined, and reads them back; plistutil agrees', () => {
  const xml = writePlist({ Keysize: 2048, 'Key Type': 'RSA', Data: Buffer.from([0, 1, 2]), When: new Date('2030-01-02T03:04:05Z'), On: true, Skip: undefined, List: [[['CN', 'x']]] });
  assert.match(xml, /<key>Keysize<\/key>\s*<integer>2048<\/integer>/);
  assert.match(xml, /<data>AAEC<\/data>/);
  assert.match(xml, /<date>2030-01-02T03:04:05Z<\/date>/);
  assert.doesNotMatch(xml, /Skip|<real>/);
  const back = readPlistDict(xml);
  assert.equal(back.Keysize, 2048);
  assert.deepEqual(Buffer.from(back.Data as Uint8Array), Buffer.from([0, 1, 2]));
  assert.deepEqual(back.List, [[['CN', 'x']]]);
  // libplist re-encodes it as binary and back, keeping the integer an integer.
  const binary = execFileSync('plistutil', ['-i', '-', '-f', 'bin'], { input: xml });
  const again = execFileSync('plistutil', ['-i', '-', '-f', 'xml'], { input: binary, encoding: 'utf8' });
  assert.match(again, /<key>Keysize<\/key>\s*<integer>2048<\/integer>/);
  assert.equal(readPlistDict(again)['Key Type'], 'RSA');
});

test('refuses non-finite numbers on the way out', () => {
  assert.throws(() => writePlist({ n: Number.NaN }), PlistError);
});

test('rejects garbage with a PlistError, never anything else', () => {
  for (const input of ['', 'garbage', '{"a":1}', '<plist><dict><key>a</dict></plist>', '<?xml version="1.0"?><plist><array><integer>x</integer>']) {
    assert.throws(() => readPlist(input), PlistError, JSON.stringify(input));
  }
  assert.throws(() => readPlistDict('<plist version="1.0"><array/></plist>'), /not a dictionary/);
});
