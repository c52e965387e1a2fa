// RFC 7292 Appendix B.2 KDF: published known-answer vectors, then OpenSSL's own PKCS12KDF on odd shapes.
import { execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deriveAppendixB } from './appendix-b-kdf.js';
import type { KdfPurpose, Pkcs12Hash } from './appendix-b-kdf.js';
import { bmpPassword } from './password.js';

interface Vector { password: string; salt: string; purpose: KdfPurpose; iterations: number; hash: Pkcs12Hash; expected: string }

const vectors: { source: string; cases: Vector[] }[] = [
  {
    // Dr Stephen Henson's PKCS#12 test vectors (drh-consultancy test.txt), as GnuTLS tests/pkcs12_s2k.c
    // and Bouncy Castle's PKCS12Test carry them.
    source: 'Henson test.txt',
    cases: [
      { password: 'smeg', salt: '0a58cf64530d823f', purpose: 1, iterations: 1, hash: 'sha1', expected: '8aaae6297b6cb04642ab5b077851284eb7128f1a2a7fbca3' },
      { password: 'smeg', salt: '0a58cf64530d823f', purpose: 2, iterations: 1, hash: 'sha1', expected: '79993dfe048d3b76' },
      { password: 'smeg', salt: '642b99ab44fb4b1f', purpose: 1, iterations: 1, hash: 'sha1', expected: 'f3a95fec48d7711e985cfe67908c5ab79fa3d7c5caa5d966' },
      { password: 'smeg', salt: '642b99ab44fb4b1f', purpose: 2, iterations: 1, hash: 'sha1', expected: 'c0a38d64a79bea1d' },
      { password: 'smeg', salt: '3d83c0e4546ac140', purpose: 3, iterations: 1, hash: 'sha1', expected: '8d967d88f6caa9d714800ab3d48051d63f73a312' },
      { password: 'queeg', salt: '05dec959acff72f7', purpose: 1, iterations: 1000, hash: 'sha1', expected: 'ed2034e36328830ff09df1e1a07dd357185dac0d4f9eb3d4' },
      { password: 'queeg', salt: '05dec959acff72f7', purpose: 2, iterations: 1000, hash: 'sha1', expected: '11dedad7758d4860' },
      { password: 'queeg', salt: '1682c0fc5b3f7ec5', purpose: 1, iterations: 1000, hash: 'sha1', expected: '483dd6e919d7de2e8e648ba8f862f3fbfbdc2bcb2c02957f' },
      { password: 'queeg', salt: '1682c0fc5b3f7ec5', purpose: 2, iterations: 1000, hash: 'sha1', expected: '9d461d1b00355c50' },
      { password: 'queeg', salt: '263216fcc2fab31c', purpose: 3, iterations: 1000, hash: 'sha1', expected: '5ec4c7a80df652294c3925b6489a7ab857c83476' },
    ],
  },
  {
    // golang.org/x/crypto/pkcs12 pbkdf_test.go (TestThatPBKDFWorksCorrectlyForLongKeys): two SHA-1 blocks.
    source: 'x/crypto pkcs12',
    cases: [{ password: 'sesame', salt: 'ffffffffffffffff', purpose: 1, iterations: 2048, hash: 'sha1', expected: '7cd9fd3e2b3be7691a44e3bef0f9ea0fb9b897d4e325d9d1' }],
  },
  {
    // Crypt::OpenSSL::PKCS::Func t/base.t: the SHA-256 MAC key of an OpenSSL 3 default file.
    source: 'Crypt-OpenSSL-PKCS-Func',
    cases: [{ password: '123456', salt: 'e241f01650dbeae4', purpose: 3, iterations: 2048, hash: 'sha256', expected: '721259f14aad70b58839f71566b433da1b8ad08f650f4d02faaa0b9b095bb51d' }],
  },
];

function derive(password: Buffer, salt: Buffer, vector: Pick<Vector, 'purpose' | 'iterations' | 'hash'>, length: number): string {
  return deriveAppendixB({ hash: vector.hash, password, salt, purpose: vector.purpose, iterations: vector.iterations, length }).toString('hex');
}

for (const { source, cases } of vectors) {
  test(`known-answer vectors: ${source}`, () => {
    for (const vector of cases) {
      const actual = derive(bmpPassword(vector.password), Buffer.from(vector.salt, 'hex'), vector, vector.expected.length / 2);
      assert.equal(actual, vector.expected, `${vector.password}/${vector.salt}/ID ${vector.purpose}`);
    }
  });
}

function opensslKdf(password: Buffer, salt: Buffer, vector: Pick<Vector, 'purpose' | 'iterations' | 'hash'>, length: number): string {
  const options = [`digest:${vector.hash}`, `hexpass:${password.toString('hex')}`, `iter:${vector.iterations}`, `id:${vector.purpose}`];
  if (salt.length > 0) options.push(`hexsalt:${salt.toString('hex')}`);
  const args = ['kdf', '-keylen', String(length), ...options.flatMap((option) => ['-kdfopt', option]), '-binary', 'PKCS12KDF'];
  return execFileSync('/usr/bin/openssl', args).toString('hex');
}

test('agrees with OpenSSL PKCS12KDF on every hash, multi-block outputs, long salts and passwords', () => {
  const hashes: Pkcs12Hash[] = ['sha1', 'sha224', 'sha256', 'sha384', 'sha512'];
  const shapes = [
    { password: 'x', saltLength: 8, length: 8 },
    { password: 'Grüße, 日本 ✉ 𝄞', saltLength: 16, length: 65 },
    { password: 'a much longer password that spans more than one sixty-four octet block', saltLength: 70, length: 24 },
    { password: 'p', saltLength: 129, length: 130 },
  ];
  for (const hash of hashes) {
    for (const shape of shapes) {
      const vector = { hash, purpose: randomInt(1, 4) as KdfPurpose, iterations: randomInt(1, 40) };
      const password = bmpPassword(shape.password);
      const salt = randomBytes(shape.saltLength);
      const what = `${hash} ${JSON.stringify(shape)} ID ${vector.purpose} × ${vector.iterations}`;
      assert.equal(derive(password, salt, vector, shape.length), opensslKdf(password, salt, vector, shape.length), what);
    }
  }
});

test('the result is exactly the length asked for, and intermediate carries wrap', () => {
  // A salt of 0xff octets makes step 6C carry through whole blocks.
  const vector = { hash: 'sha1', purpose: 1, iterations: 3 } as const;
  const salt = Buffer.alloc(64, 0xff);
  for (const length of [1, 20, 21, 40, 41, 100]) {
    const actual = derive(bmpPassword('carry'), salt, vector, length);
    assert.equal(actual.length, 2 * length);
    assert.equal(actual, opensslKdf(bmpPassword('carry'), salt, vector, length), `length ${length}`);
  }
});
