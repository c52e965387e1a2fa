// RSAES-PKCS1-v1_5 unpadding with implicit rejection (RFC 8017 §7.2.2, RFC 3218 §2.3.2).
import { constants, generateKeyPairSync, privateDecrypt, publicEncrypt, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rsaPkcs1Unpad } from './rsa-pkcs1-unpad.js';

const modulusOctets = 256;

/** EM = 00 02 PS 00 M for a 2048-bit modulus, PS non-zero. */
function encoded(message: Buffer, size = modulusOctets): Buffer {
  const ps = Buffer.alloc(size - 3 - message.length);
  for (let i = 0; i < ps.length; i++) ps[i] = 1 + (randomBytes(1)[0]! % 255);
  return Buffer.concat([Buffer.of(0x00, 0x02), ps, Buffer.of(0x00), message]);
}

test('a block made by publicEncrypt(RSA_PKCS1_PADDING) and opened with RSA_NO_PADDING gives the key', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  for (const length of [8, 16, 24, 32]) {
    const key = randomBytes(length);
    const block = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, key));
    assert.equal(block.length, modulusOctets);
    assert.deepEqual(rsaPkcs1Unpad(block, length), key);
  }
});

test('valid encodings at the edges: the shortest PS (8 octets) and a 1024-bit block', () => {
  const key = randomBytes(16);
  assert.deepEqual(rsaPkcs1Unpad(encoded(key, 16 + 11), 16), key);
  assert.deepEqual(rsaPkcs1Unpad(encoded(key, 128), 16), key);
});

const nonZero = (length: number): Buffer => Buffer.from(randomBytes(length).map((octet) => octet | 1));

function corruptions(): [string, Buffer][] {
  const key = nonZero(16);
  const good = encoded(key);
  const at = (index: number, value: number): Buffer => {
    const copy = Buffer.from(good);
    copy[index] = value;
    return copy;
  };
  const separator = good.length - 17;
  const noSeparator = Buffer.from(good);
  noSeparator[separator] = 0x5a;
  return [
    ['first octet not zero', at(0, 0x01)],
    ['block type 1 (signature padding)', at(1, 0x01)],
    ['block type 0', at(1, 0x00)],
    ['no zero separator', noSeparator],
    ['PS of 7 octets', Buffer.concat([Buffer.of(0, 2), Buffer.alloc(7, 0xaa), Buffer.of(0), key])],
    ['zero inside PS (PS too short)', at(5, 0x00)],
    ['message of 15 octets', encoded(nonZero(15))],
    ['message of 17 octets', encoded(nonZero(17))],
    ['separator one octet late', Buffer.concat([noSeparator.subarray(0, separator + 1), Buffer.of(0), key.subarray(1)])],
    ['empty block', Buffer.alloc(0)],
    ['block shorter than any valid encoding', encoded(key).subarray(0, 20)],
    ['all zeros', Buffer.alloc(modulusOctets)],
    ['all 0xff', Buffer.alloc(modulusOctets, 0xff)],
  ];
}

test('invalid blocks give the fallback key of the expected length, and never throw', () => {
  const fallback = randomBytes(16);
  for (const [what, block] of corruptions()) {
    assert.deepEqual(rsaPkcs1Unpad(block, 16, { fallback }), fallback, what);
    const random = rsaPkcs1Unpad(block, 16);
    assert.equal(random.length, 16, what);
  }
  for (let i = 0; i < 500; i++) {
    const block = randomBytes(i % 300);
    assert.equal(rsaPkcs1Unpad(block, 24).length, 24);
  }
});

test('without a fallback, two rejections give two different random keys (not something derived from the block)', () => {
  const block = Buffer.alloc(modulusOctets, 0x42);
  assert.notDeepEqual(rsaPkcs1Unpad(block, 32), rsaPkcs1Unpad(block, 32));
});

test('the key length is a programming parameter: nonsense is a RangeError, not a silent result', () => {
  assert.throws(() => rsaPkcs1Unpad(Buffer.alloc(256), 0), RangeError);
  assert.throws(() => rsaPkcs1Unpad(Buffer.alloc(256), 16, { fallback: Buffer.alloc(8) }), RangeError);
});

test('timing by where the padding breaks (diagnostic only: the code has no data-dependent branch)', (t) => {
  const cases = [['valid', encoded(randomBytes(16))] as [string, Buffer], ...corruptions().filter(([, block]) => block.length === modulusOctets)];
  const medians = cases.map(([what, block]) => {
    const samples: number[] = [];
    for (let round = 0; round < 31; round++) {
      const start = performance.now();
      for (let i = 0; i < 200; i++) rsaPkcs1Unpad(block, 16);
      samples.push(performance.now() - start);
    }
    samples.sort((a, b) => a - b);
    return `${what}: ${((samples[15]! / 200) * 1000).toFixed(2)} µs`;
  });
  t.diagnostic(medians.join('; '));
});
