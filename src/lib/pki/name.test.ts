// Names (RFC 5280 §4.1.2.4/§4.1.2.6 encoding, RFC 4514 strings).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ia5String, oid, printableString, seq, set, utf8String } from './der.js';
import { PkiError } from './errors.js';
import { encodeName, formatName, formatNameDer, parseName } from './name.js';
import type { NameAttribute } from './name.js';

const subject: NameAttribute[] = [
  { type: 'C', value: 'DE' },
  { type: 'O', value: 'Example GmbH' },
  { type: 'OU', value: 'Mail' },
  { type: 'serialNumber', value: '12345' },
  { type: 'organizationIdentifier', value: 'VATDE-123456789' },
  { type: 'CN', value: 'Alice Müller' },
  { type: 'emailAddress', value: 'alice@example.test' },
];

test('encodeName: one attribute per RDN, in order, with the RFC 5280 string types', () => {
  const der = encodeName(subject);
  const expected = seq(
    set(seq(oid('2.5.4.6'), printableString('DE'))),
    set(seq(oid('2.5.4.10'), utf8String('Example GmbH'))),
    set(seq(oid('2.5.4.11'), utf8String('Mail'))),
    set(seq(oid('2.5.4.5'), printableString('12345'))),
    set(seq(oid('2.5.4.97'), utf8String('VATDE-123456789'))),
    set(seq(oid('2.5.4.3'), utf8String('Alice Müller'))),
    set(seq(oid('1.2.840.113549.1.9.1'), ia5String('alice@example.test'))),
  );
  assert.deepEqual(der, expected);
  assert.deepEqual(encodeName([]), Buffer.from('3000', 'hex'));
  assert.deepEqual(parseName(der), subject.map(({ type, value }, i) => ({ oid: parseName(der)[i]!.oid, type, value })));
});

test('encodeName refuses values outside their type or RFC 5280 bounds', () => {
  const refuses = (attrs: NameAttribute[]) =>
    assert.throws(() => encodeName(attrs), (e: unknown) => e instanceof PkiError && e.code === 'der.unencodable');
  refuses([{ type: 'C', value: 'DEU' }]);
  refuses([{ type: 'CN', value: 'x'.repeat(65) }]);
  refuses([{ type: 'CN', value: '' }]);
  refuses([{ type: 'emailAddress', value: 'jörg@example.test' }]);
  refuses([{ type: 'serialNumber', value: 'a@b' }]);
  assert.doesNotThrow(() => encodeName([{ type: 'CN', value: 'ü'.repeat(64) }]), 'the bound counts characters');
});

test('formatName: RFC 4514 order (last RDN first) and escaping', () => {
  assert.equal(formatName([{ type: 'O', value: 'Example' }, { type: 'CN', value: 'alice@example.com' }]), 'CN=alice@example.com,O=Example');
  assert.equal(formatName([{ type: 'CN', value: 'Smith, "J" <j+1@x>; \\' }]), 'CN=Smith\\, \\"J\\" \\<j\\+1@x\\>\\; \\\\');
  assert.equal(formatName([{ type: 'CN', value: ' #lead and trail ' }]), 'CN=\\ #lead and trail\\ ');
  assert.equal(formatName([{ type: 'CN', value: '#x' }]), 'CN=\\#x');
  assert.equal(formatName([{ type: 'CN', value: 'a\\ ' }]), 'CN=a\\\\\\ ', 'an escaped backslash before a trailing space');
  assert.equal(formatName([{ type: 'CN', value: ' ' }]), 'CN=\\ ');
  assert.equal(formatName([{ type: 'CN', value: 'line\nbreak\u0000' }]), 'CN=line\\0abreak\\00');
  assert.equal(formatNameDer(encodeName(subject)), formatName(subject));
});

test('formatNameDer shows any Name: multi-valued RDNs, unknown types and values', () => {
  const der = seq(
    set(seq(oid('0.9.2342.19200300.100.1.25'), ia5String('test'))),
    set(seq(oid('2.5.4.3'), utf8String('a')), seq(oid('2.5.4.4'), utf8String('b'))),
    set(seq(oid('1.2.3.4'), Buffer.from('020105', 'hex'))),
  );
  assert.equal(formatNameDer(der), '1.2.3.4=#020105,CN=a+SN=b,DC=test');
  assert.deepEqual(parseName(der).map((a) => a.value), ['test', 'a', 'b', '#020105']);
  assert.throws(() => formatNameDer(Buffer.from('3002310000', 'hex')), (e: unknown) => e instanceof PkiError && e.code === 'der.malformed');
});
