// DER encoder (X.690 §8, §10, §11; RFC 5280 §4.1.2.5 times): exact bytes, and OpenSSL for big OID arcs.
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bitString, boolean, contextExplicit, contextImplicit, ia5String, integer, nullValue, octetString, oid,
  printableString, readOid, readTime, readTlv, seq, set, time, tlv, utf8String,
} from './der.js';
import { PkiError } from './errors.js';

const hex = (buf: Buffer): string => buf.toString('hex');
const isCode = (code: string) => (error: unknown) => error instanceof PkiError && error.code === code;

test('INTEGER from bigint: minimal two\'s complement', () => {
  const cases: [bigint, string][] = [
    [0n, '020100'], [1n, '020101'], [127n, '02017f'], [128n, '02020080'], [255n, '020200ff'],
    [256n, '02020100'], [-1n, '0201ff'], [-128n, '020180'], [-129n, '0202ff7f'], [-256n, '0202ff00'],
    [2n ** 64n, '0209010000000000000000'],
  ];
  for (const [value, expected] of cases) assert.equal(hex(integer(value)), expected, `${value}`);
});

test('INTEGER from an unsigned Buffer: sign octet added, redundant zeros stripped', () => {
  const cases: [string, string][] = [
    ['', '020100'], ['00', '020100'], ['0000', '020100'], ['01', '020101'], ['7f', '02017f'],
    ['80', '02020080'], ['0080', '02020080'], ['000001', '020101'], ['ff00', '020300ff00'],
    ['40112233', '020440112233'],
  ];
  for (const [input, expected] of cases) assert.equal(hex(integer(Buffer.from(input, 'hex'))), expected, input);
});

test('OBJECT IDENTIFIER: X.690 examples, large arcs, cache, and refusals', () => {
  assert.equal(hex(oid('1.2.840.113549')), '06062a864886f70d');
  assert.equal(hex(oid('2.999.3')), '0603883703'); // X.690 §8.19.5 example
  assert.equal(hex(oid('2.5.29.17')), '0603551d11');
  assert.equal(oid('2.5.29.17'), oid('2.5.29.17'), 'encodings are cached');
  const uuidOid = '2.25.329800735698586629295641978511506172918';
  assert.equal(readOid(oid(uuidOid), readTlv(oid(uuidOid), 0)), uuidOid);
  assert.equal(readOid(oid('1.3.6.1.4.1.311.2.1.14'), readTlv(oid('1.3.6.1.4.1.311.2.1.14'), 0)), '1.3.6.1.4.1.311.2.1.14');
  // OpenSSL decodes the big arcs the same way.
  const parsed = execFileSync('/usr/bin/openssl', ['asn1parse', '-inform', 'DER'], { input: oid(uuidOid), encoding: 'utf8' });
  assert.match(parsed, /OBJECT\s+:2\.25\.329800735698586629295641978511506172918/);
  for (const bad of ['', '1', '3.1', '1.40', '1.2.03', '1..2', '1.2.x']) {
    assert.throws(() => oid(bad), isCode('der.unencodable'), bad);
  }
});

test('lengths 127, 128, 255, 256, 65535 and 65536 use minimal long forms', () => {
  const cases: [number, string][] = [
    [0, '0400'], [127, '047f'], [128, '048180'], [255, '0481ff'], [256, '04820100'],
    [65535, '0482ffff'], [65536, '0483010000'],
  ];
  for (const [length, header] of cases) {
    const encoded = octetString(Buffer.alloc(length, 0xab));
    assert.equal(hex(encoded.subarray(0, header.length / 2)), header, `${length}`);
    const read = readTlv(encoded, 0);
    assert.deepEqual([read.tag, read.length, read.headerLength, read.end], [0x04, length, header.length / 2, encoded.length]);
  }
});

test('Time: UTCTime up to 2049, GeneralizedTime from 2050 and before 1950, whole seconds', () => {
  const cases: [string, string][] = [
    ['2049-12-31T23:59:59.999Z', '170d3439313233313233353935395a'],
    ['2050-01-01T00:00:00Z', '180f32303530303130313030303030305a'],
    ['1950-01-01T00:00:00Z', '170d3530303130313030303030305a'],
    ['1949-12-31T23:59:59Z', '180f31393439313233313233353935395a'],
  ];
  for (const [iso, expected] of cases) {
    const encoded = time(new Date(iso));
    assert.equal(hex(encoded), expected, iso);
    assert.equal(readTime(encoded, readTlv(encoded, 0)).toISOString(), new Date(iso).toISOString().replace(/\.\d{3}Z/, '.000Z'));
  }
  assert.throws(() => time(new Date('nonsense')), isCode('der.unencodable'));
});

test('SET OF is DER-sorted by encoding, and the caller\'s array is left alone', () => {
  const parts = [integer(2n), integer(1n), octetString(Buffer.of(1, 2)), octetString(Buffer.of(1))];
  assert.equal(hex(set(...parts)), '310d' + '020101' + '020102' + '040101' + '04020102');
  assert.equal(hex(parts[0]!), '020102');
  assert.equal(hex(set()), '3100');
});

test('primitive types and tagging', () => {
  assert.equal(hex(boolean(true)), '0101ff');
  assert.equal(hex(boolean(false)), '010100');
  assert.equal(hex(nullValue()), '0500');
  assert.equal(hex(bitString(Buffer.of(0x80), 7)), '03020780');
  assert.equal(hex(bitString(Buffer.alloc(0))), '030100');
  assert.throws(() => bitString(Buffer.of(1), 8), isCode('der.unencodable'));
  assert.equal(hex(utf8String('é')), '0c02c3a9');
  assert.equal(hex(printableString('DE')), '13024445');
  assert.throws(() => printableString('a@b'), isCode('der.unencodable'));
  assert.equal(hex(ia5String('a@b')), '1603614062');
  assert.throws(() => ia5String('ä@b'), isCode('der.unencodable'));
  assert.throws(() => utf8String('\ud800'), isCode('der.unencodable'));
  assert.equal(hex(seq(integer(1n), nullValue())), '30050201010500');
  assert.equal(hex(contextExplicit(3, nullValue())), 'a3020500');
  assert.equal(hex(contextImplicit(0, Buffer.from('ab'))), '80026162');
  assert.equal(hex(contextImplicit(1, seq(), true)), 'a1023000');
  assert.equal(hex(tlv(0x86, Buffer.from('x'))), '860178');
  assert.throws(() => tlv(0x1f, Buffer.alloc(0)), isCode('der.unencodable'));
  assert.throws(() => contextExplicit(31, nullValue()), isCode('der.unencodable'));
});
