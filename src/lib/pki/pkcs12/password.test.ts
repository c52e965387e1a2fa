// PKCS#12 passwords: the generated ones (≥ 112 bits, typeable), empty ones refused, RFC 7292 B.1 encoding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PkiError } from '../errors.js';
import { buildPkcs12 } from './build-pkcs12.js';
import { testCa, testIdentity } from './fixtures/test-identities.js';
import { bmpPassword, newPkcs12Password, passwordAlphabet } from './password.js';
import { readPkcs12 } from './read-pkcs12.js';

const isCode = (code: string) => (error: unknown) => error instanceof PkiError && error.code === code;

test('newPkcs12Password: 24 symbols of a 32-symbol alphabet (120 bits) in four dash-separated groups', () => {
  assert.equal(passwordAlphabet.length, 32);
  assert.equal(new Set(passwordAlphabet).size, 32);
  assert.doesNotMatch(passwordAlphabet, /[01lo]/, 'no look-alike symbols');
  const bits = 24 * Math.log2(passwordAlphabet.length);
  assert.ok(bits >= 112, `${bits} bits`);
  const seen = new Set<string>();
  const counts = new Map<string, number>();
  for (let i = 0; i < 2000; i++) {
    const password = newPkcs12Password();
    assert.match(password, /^[2-9a-km-np-z]{6}(-[2-9a-km-np-z]{6}){3}$/);
    seen.add(password);
    for (const symbol of password.replaceAll('-', '')) counts.set(symbol, (counts.get(symbol) ?? 0) + 1);
  }
  assert.equal(seen.size, 2000, 'no repeats');
  assert.equal(counts.size, 32, 'every symbol is used');
  // 48,000 symbols, 1,500 expected each: a fair source stays far inside ±20 %.
  for (const [symbol, count] of counts) assert.ok(count > 1200 && count < 1800, `${symbol}: ${count}`);
});

test('bmpPassword: UTF-16BE with two trailing zero octets (RFC 7292 Appendix B.1)', () => {
  assert.equal(bmpPassword('smeg').toString('hex'), '0073006d006500670000');
  assert.equal(bmpPassword('é𝄞').toString('hex'), '00e9d834dd1e0000', 'surrogate pairs beyond the BMP, as OpenSSL');
});

test('an empty password is refused when building and when reading', () => {
  const ca = testCa();
  const identity = testIdentity(ca, 'p-256', 'empty@example.test');
  for (const variant of ['legacy', 'modern'] as const) {
    assert.throws(() => buildPkcs12({ identities: [identity], password: '', variant }), (error: unknown) =>
      isCode('pkcs12.unusable-password')(error) && /must not be empty/.test((error as Error).message));
  }
  const file = buildPkcs12({ identities: [identity], password: newPkcs12Password(), variant: 'legacy' });
  assert.throws(() => readPkcs12(file, ''), isCode('pkcs12.unusable-password'));
  assert.throws(() => buildPkcs12({ identities: [identity], password: 'bad \ud800 text', variant: 'legacy' }), isCode('pkcs12.unusable-password'));
});
