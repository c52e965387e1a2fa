// DER/BER reader (X.690 §8.1): bounds, strictness, leniency, and that hostile input only yields der.malformed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readChildren, readIntegerBytes, readOid, readText, readTime, readTlv, stringOctets } from './der.js';
import type { ReadOptions, Tlv } from './der.js';
import { PkiError } from './errors.js';

const from = (hex: string): Buffer => Buffer.from(hex.replace(/\s+/g, ''), 'hex');
const isMalformed = (error: unknown) => error instanceof PkiError && error.code === 'der.malformed';

test('a complete element and its children', () => {
  const buf = from('3006 020101 020102');
  const outer = readTlv(buf, 0);
  assert.deepEqual(outer, { tag: 0x30, offset: 0, headerLength: 2, length: 6, start: 2, end: 8 });
  assert.deepEqual(readChildren(buf, outer).map((child) => child.offset), [2, 5]);
});

test('truncated and overlong input is der.malformed', () => {
  const cases = [
    '', '30', '3004020101', '3082 01', '0481', '0484ffffffff00', '048500000000 01',
    '3003 040500000000', // a child claims more than its parent holds
    '1f0100', // high tag number
    '0000', // end-of-contents outside an indefinite length
  ];
  for (const hex of cases) {
    assert.throws(() => {
      const buf = from(hex);
      const outer = readTlv(buf, 0);
      if (outer.tag & 0x20) readChildren(buf, outer);
    }, isMalformed, hex);
  }
  assert.throws(() => readTlv(from('0400'), 5), isMalformed, 'offset past the end');
  assert.throws(() => readTlv(from('04020000'), 0, { end: 3 }), isMalformed, 'bounded by end');
});

test('DER refuses BER lengths; { ber: true } accepts them', () => {
  const nonMinimal = from('048103 616263');
  assert.throws(() => readTlv(nonMinimal, 0), isMalformed);
  assert.equal(readTlv(nonMinimal, 0, { ber: true }).length, 3);
  assert.throws(() => readTlv(from('04820003616263'), 0), isMalformed);

  const indefinite = from('3080 020101 3080 0500 0000 0000 ff');
  assert.throws(() => readTlv(indefinite, 0), isMalformed);
  const outer = readTlv(indefinite, 0, { ber: true });
  assert.deepEqual([outer.start, outer.length, outer.end], [2, 9, 13]);
  assert.deepEqual(readChildren(indefinite, outer, { ber: true }).map((c) => c.tag), [0x02, 0x30]);
  assert.throws(() => readTlv(from('0480 00 0000'), 0, { ber: true }), isMalformed, 'indefinite primitive');
  assert.throws(() => readTlv(from('3080 020101'), 0, { ber: true }), isMalformed, 'missing end-of-contents');
});

test('deeply nested indefinite lengths end in der.malformed, not a stack overflow', () => {
  const bomb = Buffer.from('3080'.repeat(100_000), 'hex');
  assert.throws(() => readTlv(bomb, 0, { ber: true }), isMalformed);
});

test('INTEGER, OID and Time decoding is strict', () => {
  const read = (hex: string, decode: (buf: Buffer, element: Tlv) => unknown) => {
    const buf = from(hex);
    return decode(buf, readTlv(buf, 0));
  };
  assert.throws(() => read('02020001', readIntegerBytes), isMalformed, 'non-minimal INTEGER');
  assert.throws(() => read('0200', readIntegerBytes), isMalformed, 'empty INTEGER');
  assert.equal(read('0603550403', readOid), '2.5.4.3');
  assert.equal(read('06028837', readOid), '2.999');
  assert.throws(() => read('0600', readOid), isMalformed, 'empty OID');
  assert.throws(() => read('060355048003', readOid), isMalformed, 'non-minimal subidentifier');
  assert.throws(() => read('06025580', readOid), isMalformed, 'truncated OID');
  const utc = (text: string) => `17${Buffer.from(text).length.toString(16).padStart(2, '0')}${Buffer.from(text).toString('hex')}`;
  assert.equal((read(utc('500101000000Z'), readTime) as Date).toISOString(), '1950-01-01T00:00:00.000Z');
  assert.equal((read(utc('491231235959Z'), readTime) as Date).toISOString(), '2049-12-31T23:59:59.000Z');
  for (const bad of ['491301000000Z', '490230000000Z', '4912312359Z', '491231235959+0100', '491231246000Z']) {
    assert.throws(() => read(utc(bad), readTime), isMalformed, bad);
  }
});

test('strings: every DirectoryString type, and BER constructed strings only when lenient', () => {
  const text = (hex: string, options?: Pick<ReadOptions, 'ber'>) => {
    const buf = from(hex);
    return readText(buf, readTlv(buf, 0, options), options);
  };
  assert.equal(text('0c02c3a9'), 'é');
  assert.equal(text('1303614062'), 'a@b', 'certmonger puts @ in PrintableString');
  assert.equal(text('1e0400e90041'), 'éA');
  assert.equal(text('1c08000000e90001f600'), 'é😀');
  assert.equal(text('1402e941'), 'éA');
  assert.equal(text('0400'), undefined);
  const constructed = '2c08 0c026162 0c026364';
  assert.throws(() => text(constructed), isMalformed);
  assert.equal(text(constructed, { ber: true }), 'abcd');
  assert.equal(text('2c80 0c0161 2c80 0c0162 0000 0000', { ber: true }), 'ab');
  const buf = from('2404 04020102');
  assert.deepEqual([...stringOctets(buf, readTlv(buf, 0), { ber: true })], [1, 2]);
});

/** Walks every constructed element; used to show that no input makes the reader misbehave. */
function walk(buf: Buffer, element: Tlv, options: Pick<ReadOptions, 'ber'>): void {
  if ((element.tag & 0x20) === 0) return;
  for (const child of readChildren(buf, element, options)) walk(buf, child, options);
}

test('random and mutated input only ever throws der.malformed', () => {
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) & 0xff;
  const sample = from('3081 9a 3003 020102 a0 80 0c0161 0000 3010 06035504030c09616c696365406578 31 6f 30 6d 0403 010203'.padEnd(320, '0'));
  for (let round = 0; round < 3000; round++) {
    const buf = round % 2
      ? Buffer.from(Array.from({ length: next() % 64 }, next))
      : Buffer.from(sample.map((byte) => (next() < 8 ? next() : byte)));
    for (const options of [{}, { ber: true }]) {
      try {
        walk(buf, readTlv(buf, 0, options), options);
      } catch (error) {
        assert.ok(isMalformed(error), `round ${round}: ${String(error)}`);
      }
    }
  }
});
