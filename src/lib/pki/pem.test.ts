// PEM (RFC 7468): output shape, lax parsing, specific errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PkiError } from './errors.js';
import { derOrPem, fromPem, toPem } from './pem.js';

const invalid = (message: RegExp) => (error: unknown) =>
  error instanceof PkiError && error.code === 'pem.invalid' && message.test(error.message);

test('toPem writes 64-column base64 between BEGIN and END lines, ending in a newline', () => {
  const der = Buffer.from(Array.from({ length: 100 }, (_, i) => i));
  const pem = toPem('CERTIFICATE', der);
  const lines = pem.split('\n');
  assert.equal(lines[0], '-----BEGIN CERTIFICATE-----');
  assert.equal(lines[1]!.length, 64);
  assert.ok(lines.slice(1, -2).every((line) => line.length <= 64));
  assert.equal(lines.at(-2), '-----END CERTIFICATE-----');
  assert.ok(pem.endsWith('-----\n'));
  assert.deepEqual(fromPem(pem, 'CERTIFICATE'), [der]);
});

test('fromPem is tolerant of CRLF, indentation and surrounding text, and returns every block', () => {
  const a = Buffer.from('first object');
  const b = Buffer.from('second object');
  const text = `Subject: something\r\n${toPem('CERTIFICATE', a).replace(/\n/g, '\r\n').replace(/^/gm, '  ')}`
    + toPem('PRIVATE KEY', Buffer.from('skip me')) + toPem('CERTIFICATE', b);
  assert.deepEqual(fromPem(text, 'CERTIFICATE'), [a, b]);
  assert.deepEqual(fromPem(text, ['NEW CERTIFICATE REQUEST', 'PRIVATE KEY']), [Buffer.from('skip me')]);
});

test('fromPem names what is wrong', () => {
  assert.throws(() => fromPem('hello', 'CERTIFICATE REQUEST'), invalid(/^not a PEM CERTIFICATE REQUEST$/));
  assert.throws(() => fromPem(toPem('CERTIFICATE', Buffer.from('x')), 'CERTIFICATE REQUEST'), invalid(/^not a PEM CERTIFICATE REQUEST$/));
  assert.throws(() => fromPem('-----BEGIN X-----\nAB$D\n-----END X-----\n', 'X'), invalid(/broken base64/));
  assert.throws(() => fromPem('-----BEGIN X-----\nABC\n-----END X-----\n', 'X'), invalid(/broken base64/));
  assert.throws(() => fromPem('-----BEGIN X-----\n\n-----END X-----\n', 'X'), invalid(/broken base64/));
  assert.throws(() => fromPem('-----BEGIN X-----\nAAAA\n', 'X'), invalid(/no END line/));
});

test('fromPem stays linear on hostile input', () => {
  const hostile = '-----BEGIN X-----'.repeat(50_000);
  const started = process.hrtime.bigint();
  assert.throws(() => fromPem(hostile, 'Y'), invalid(/not a PEM/));
  assert.throws(() => fromPem(hostile, 'X'), invalid(/no END line/));
  assert.ok(process.hrtime.bigint() - started < 1_000_000_000n);
});

test('derOrPem takes DER bytes, PEM bytes or PEM text, and exactly one block', () => {
  const der = Buffer.from('3003020101', 'hex');
  const pem = toPem('CERTIFICATE', der);
  assert.equal(derOrPem(der, 'CERTIFICATE'), der);
  assert.deepEqual(derOrPem(Buffer.from(pem), 'CERTIFICATE'), der);
  assert.deepEqual(derOrPem(pem, 'CERTIFICATE'), der);
  assert.throws(() => derOrPem(pem + pem, 'CERTIFICATE'), invalid(/expected one PEM CERTIFICATE, found 2/));
  assert.throws(() => derOrPem('3003020101', 'CERTIFICATE'), invalid(/not a PEM CERTIFICATE/));
});
