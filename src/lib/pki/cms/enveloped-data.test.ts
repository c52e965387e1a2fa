// EnvelopedData (RFC 5652 §6) with RSA PKCS#1 v1.5 key transport: our builder and decryptor against
// each other and against `openssl cms`, and implicit rejection of tampered keys (RFC 3218 §2.3.2).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { tempDir } from '../../../../test/support/openssl.js';
import { PkiError } from '../errors.js';
import { contentEncryptionKeyLength } from './content-encryption.js';
import type { ContentEncryption } from './content-encryption.js';
import { buildEnvelopedData, decryptEnvelopedData } from './enveloped-data.js';
import { parseEnvelopedData } from './enveloped-data-reader.js';
import type { EnvelopedDataInfo } from './enveloped-data-reader.js';
import { toStreamingBer } from './fixtures/ber.js';
import { ecKeys, issueTestCertificate, rawDecryptWith, rsaKeys, testHierarchy } from './fixtures/test-certificates.js';
import type { TestParty } from './fixtures/test-certificates.js';
import { rsaPkcs1Unpad } from './rsa-pkcs1-unpad.js';

const dir = tempDir('mcms-cms-enveloped-');
after(() => dir.remove());

const openssl = (args: string[], input?: Buffer): Buffer => execFileSync('/usr/bin/openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'] });

const { ca, ra } = testHierarchy();
const other = issueTestCertificate({ commonName: 'another recipient', keys: rsaKeys(), issuer: ca, keyUsage: ['keyEncipherment'] });
const ciphers: ContentEncryption[] = ['des-cbc', 'des-ede3-cbc', 'aes-128-cbc', 'aes-192-cbc', 'aes-256-cbc'];
const plaintext = Buffer.from('a PKCS#10 request, or a degenerate SignedData with a certificate in it');

writeFileSync(dir.file('ra.pem'), ra.certificatePem);
writeFileSync(dir.file('ra.key'), ra.privateKeyPem);
writeFileSync(dir.file('other.pem'), other.certificatePem);
writeFileSync(dir.file('plain.bin'), plaintext);

const keyOf = (party: TestParty) => ({ recipientCertificate: party.certificate, rsaRawDecrypt: rawDecryptWith(party.privateKey) });

async function rejectsGenerically(work: Promise<unknown>, what: string): Promise<void> {
  await assert.rejects(work, (error: unknown) => error instanceof PkiError && error.code === 'cms.decrypt-failed'
    && error.message === 'cannot decrypt the message', what);
}

for (const cipher of ciphers) {
  test(`${cipher}: build, parse and decrypt round trip, any plaintext length`, async () => {
    for (const length of [0, 1, 7, 8, 15, 16, 17, 1000]) {
      const content = randomBytes(length);
      const der = buildEnvelopedData({ content, recipientCertificate: ra.certificate, contentEncryption: cipher });
      const info = parseEnvelopedData(der);
      assert.equal(info.version, 0);
      assert.equal(info.contentEncryption, cipher);
      assert.equal(info.recipients[0]?.rid.kind, 'issuerAndSerialNumber');
      assert.deepEqual(await decryptEnvelopedData(info, keyOf(ra)), content);
    }
  });
}

test('fresh content keys have the cipher length, DES keys with odd parity in every octet', async () => {
  for (const cipher of ciphers) {
    const info = parseEnvelopedData(buildEnvelopedData({ content: plaintext, recipientCertificate: ra.certificate, contentEncryption: cipher }));
    const key = rsaPkcs1Unpad(await rawDecryptWith(ra.privateKey)(info.recipients[0]!.encryptedKey), contentEncryptionKeyLength(cipher), { fallback: Buffer.alloc(contentEncryptionKeyLength(cipher)) });
    assert.notDeepEqual(key, Buffer.alloc(key.length), 'unpadded, not the fallback');
    if (cipher.startsWith('des')) {
      for (const octet of key) assert.equal([...octet.toString(2)].filter((bit) => bit === '1').length % 2, 1);
    }
  }
});

test('the encrypted content is a primitive [0] IMPLICIT OCTET STRING (tag 0x80)', () => {
  const der = buildEnvelopedData({ content: Buffer.alloc(2000), recipientCertificate: ra.certificate, contentEncryption: 'aes-128-cbc' });
  assert.ok(der.includes(Buffer.of(0x80, 0x82, 0x07, 0xe0)), '2000 octets padded to 2016 in one piece');
});

test('openssl cms -decrypt opens ours: AES, 3DES, and DES with the legacy provider', () => {
  for (const cipher of ciphers) {
    const der = buildEnvelopedData({ content: plaintext, recipientCertificate: ra.certificate, contentEncryption: cipher });
    writeFileSync(dir.file('ours.der'), der);
    const providers = cipher === 'des-cbc' ? ['-provider', 'legacy', '-provider', 'default'] : [];
    const out = openssl(['cms', '-decrypt', '-inform', 'DER', '-in', dir.file('ours.der'), '-recip', dir.file('ra.pem'), '-inkey', dir.file('ra.key'), ...providers]);
    assert.deepEqual(out, plaintext, cipher);
  }
});

test('we open what openssl cms -encrypt makes: -aes128, -aes256, -des3, streamed BER, and des with the legacy provider', async () => {
  const variants: [string, string[]][] = [
    ['aes-128-cbc', ['-aes128']], ['aes-256-cbc', ['-aes256']], ['des-ede3-cbc', ['-des3']],
    ['aes-128-cbc', ['-aes128', '-stream']], ['des-cbc', ['-des', '-provider', 'legacy', '-provider', 'default']],
  ];
  for (const [cipher, flags] of variants) {
    const der = openssl(['cms', '-encrypt', '-binary', '-outform', 'DER', '-in', dir.file('plain.bin'), ...flags, dir.file('ra.pem')]);
    const info = parseEnvelopedData(der, { ber: true });
    assert.equal(info.contentEncryption, cipher);
    assert.deepEqual(await decryptEnvelopedData(info, keyOf(ra)), plaintext, flags.join(' '));
  }
});

test('with several recipients the one naming our certificate is used, by issuer+serial or by SKI', async () => {
  for (const keyid of [[], ['-keyid']]) {
    const der = openssl(['cms', '-encrypt', '-binary', '-aes128', '-outform', 'DER', '-in', dir.file('plain.bin'), ...keyid, dir.file('other.pem'), dir.file('ra.pem')]);
    const info = parseEnvelopedData(der);
    assert.equal(info.recipients.length, 2);
    assert.equal(info.recipients[0]?.rid.kind, keyid.length ? 'subjectKeyIdentifier' : 'issuerAndSerialNumber');
    assert.deepEqual(await decryptEnvelopedData(info, keyOf(ra)), plaintext);
    assert.deepEqual(await decryptEnvelopedData(info, keyOf(other)), plaintext);
  }
});

/** Decrypts with the wrong key: rejected generically, or (1 time in ~256, when the random content key happens to
 *  unpad) garbage; never the plaintext. Returns whether it was rejected. */
async function rejectedOrGarbage(info: EnvelopedDataInfo, key: ReturnType<typeof keyOf>, what: string): Promise<boolean> {
  try {
    assert.notDeepEqual(await decryptEnvelopedData(info, key), plaintext, what);
    return false;
  } catch (error) {
    assert.ok(error instanceof PkiError && error.code === 'cms.decrypt-failed' && error.message === 'cannot decrypt the message', `${what}: ${String(error)}`);
    return true;
  }
}

test('a single recipient that names another certificate is still tried (and fails generically with the wrong key)', async () => {
  let rejected = 0;
  for (let i = 0; i < 16; i++) {
    const info = parseEnvelopedData(buildEnvelopedData({ content: plaintext, recipientCertificate: other.certificate, contentEncryption: 'aes-128-cbc' }));
    assert.deepEqual(await decryptEnvelopedData(info, { recipientCertificate: ra.certificate, rsaRawDecrypt: rawDecryptWith(other.privateKey) }), plaintext);
    if (await rejectedOrGarbage(info, keyOf(ra), 'wrong private key')) rejected++;
  }
  assert.ok(rejected >= 12, `${rejected} of 16 rejected`);
});

test('two recipients, none ours: cms.decrypt-failed', async () => {
  const der = openssl(['cms', '-encrypt', '-binary', '-aes128', '-outform', 'DER', '-in', dir.file('plain.bin'), dir.file('other.pem'), dir.file('other.pem')]);
  await rejectsGenerically(decryptEnvelopedData(parseEnvelopedData(der), keyOf(ra)), 'no recipient');
});

function tampered(info: EnvelopedDataInfo, change: (copy: EnvelopedDataInfo) => void): EnvelopedDataInfo {
  const copy: EnvelopedDataInfo = {
    ...info,
    recipients: info.recipients.map((recipient) => ({ ...recipient, encryptedKey: Buffer.from(recipient.encryptedKey) })),
    encryptedContent: Buffer.from(info.encryptedContent),
    iv: Buffer.from(info.iv),
  };
  change(copy);
  return copy;
}

test('implicit rejection: a tampered encryptedKey fails like a tampered ciphertext, with the same error', async () => {
  const info = parseEnvelopedData(buildEnvelopedData({ content: plaintext, recipientCertificate: ra.certificate, contentEncryption: 'aes-128-cbc' }));
  // A tampered next-to-last block flips the padding octet to 0x80+: certain to fail in unpadding.
  const badCiphertext = tampered(info, (copy) => { copy.encryptedContent[copy.encryptedContent.length - 17]! ^= 0x80; });
  await rejectsGenerically(decryptEnvelopedData(badCiphertext, keyOf(ra)), 'tampered ciphertext');
  let rejected = 0;
  for (let i = 0; i < 40; i++) {
    const badKey = tampered(info, (copy) => { copy.recipients[0]!.encryptedKey[i * 5]! ^= 0x01; });
    if (await rejectedOrGarbage(badKey, keyOf(ra), `encryptedKey octet ${i * 5} flipped`)) rejected++;
  }
  assert.ok(rejected >= 30, `${rejected} of 40 rejected`);
  const shortKey = tampered(info, (copy) => { copy.recipients[0]!.encryptedKey = copy.recipients[0]!.encryptedKey.subarray(1); });
  let shortRejected = 0;
  for (let i = 0; i < 8; i++) {
    if (await rejectedOrGarbage(shortKey, keyOf(ra), 'wrong-length encryptedKey (raw RSA throws)')) shortRejected++;
  }
  assert.ok(shortRejected >= 6, `${shortRejected} of 8 rejected`);
});

test('a key that unpads fine but is the wrong length for the cipher is rejected the same way', async () => {
  // An AES-256 envelope relabelled as AES-128: the 32-octet key no longer fits.
  const info = parseEnvelopedData(buildEnvelopedData({ content: plaintext, recipientCertificate: ra.certificate, contentEncryption: 'aes-256-cbc' }));
  let rejected = 0;
  for (let i = 0; i < 10; i++) {
    try {
      assert.notDeepEqual(await decryptEnvelopedData({ ...info, contentEncryption: 'aes-128-cbc' }, keyOf(ra)), plaintext);
    } catch (error) {
      assert.ok(error instanceof PkiError && error.code === 'cms.decrypt-failed');
      rejected++;
    }
  }
  assert.ok(rejected >= 7);
});

test('BER envelopes (indefinite lengths, chunked encrypted content) parse only with { ber: true }', async () => {
  const der = buildEnvelopedData({ content: Buffer.alloc(500, 9), recipientCertificate: ra.certificate, contentEncryption: 'des-ede3-cbc' });
  const ber = toStreamingBer(der, 64);
  assert.throws(() => parseEnvelopedData(ber), (error: unknown) => error instanceof PkiError && error.code === 'cms.malformed');
  assert.deepEqual(await decryptEnvelopedData(parseEnvelopedData(ber, { ber: true }), keyOf(ra)), Buffer.alloc(500, 9));
});

test('unsupported ciphers and key transports are cms.unsupported-algorithm; an EC recipient cannot be encrypted to', () => {
  const camellia = openssl(['cms', '-encrypt', '-binary', '-camellia128', '-outform', 'DER', '-in', dir.file('plain.bin'), dir.file('ra.pem')]);
  assert.throws(() => parseEnvelopedData(camellia), (error: unknown) => error instanceof PkiError && error.code === 'cms.unsupported-algorithm');
  const oaep = openssl(['cms', '-encrypt', '-binary', '-aes128', '-outform', 'DER', '-in', dir.file('plain.bin'), '-recip', dir.file('ra.pem'), '-keyopt', 'rsa_padding_mode:oaep']);
  assert.throws(() => parseEnvelopedData(oaep), (error: unknown) => error instanceof PkiError && error.code === 'cms.unsupported-algorithm');
  const ec = issueTestCertificate({ commonName: 'EC', keys: ecKeys(), issuer: ca, keyUsage: ['keyAgreement'] });
  assert.throws(() => buildEnvelopedData({ content: plaintext, recipientCertificate: ec.certificate, contentEncryption: 'aes-128-cbc' }),
    (error: unknown) => error instanceof PkiError && error.code === 'key.unsupported');
});

test('garbage is cms.malformed', () => {
  for (const input of [Buffer.alloc(0), randomBytes(100), Buffer.of(0x30, 0x80, 0x00, 0x00)]) {
    assert.throws(() => parseEnvelopedData(input, { ber: true }), (error: unknown) => error instanceof PkiError && error.code === 'cms.malformed');
  }
});
