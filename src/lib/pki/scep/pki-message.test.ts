// Reading SCEP request pkiMessages (RFC 8894 §3.2): what must be there, what may vary, what is refused.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { tempDir } from '../../../../test/support/openssl.js';
import { integer, octetString, printableString, utf8String } from '../der.js';
import { PkiError } from '../errors.js';
import type { PkiErrorCode } from '../errors.js';
import { decryptEnvelopedData } from '../cms/enveloped-data.js';
import { toStreamingBer } from '../cms/fixtures/ber.js';
import { ecKeys, issueTestCertificate, rawDecryptWith, rsaKeys, testHierarchy } from '../cms/fixtures/test-certificates.js';
import { buildTestRequest, defaultNonce } from './fixtures/scep-request.js';
import type { TestRequestSpec } from './fixtures/scep-request.js';
import { readPkiMessage } from './pki-message.js';
import { idMessageType, idSenderNonce, idTransactionID } from './scep-attributes.js';

const dir = tempDir('mcms-scep-message-');
after(() => dir.remove());

const { ra } = testHierarchy();
const self = issueTestCertificate({ commonName: 'SCEP SIGNER', keys: rsaKeys(), keyUsage: ['digitalSignature', 'keyEncipherment'] });
const stranger = issueTestCertificate({ commonName: 'SCEP SIGNER', keys: rsaKeys(), keyUsage: ['digitalSignature'] });
const messageData = Buffer.from('the CSR would be here');

const request = (spec: Partial<TestRequestSpec> = {}) => buildTestRequest({ signer: self, recipient: ra, messageData, ...spec });

function rejects(input: Buffer, code: PkiErrorCode, message?: RegExp): void {
  assert.throws(() => readPkiMessage(input), (error: unknown) => error instanceof PkiError && error.code === code
    && (!message || message.test(error.message)), `${code} ${String(message)}`);
}

test('a PKCSReq: type, transactionID, nonce, signer, digest and the parsed envelope', async () => {
  for (const digest of ['sha1', 'sha256', 'sha512'] as const) {
    for (const contentEncryption of ['des-cbc', 'des-ede3-cbc', 'aes-128-cbc', 'aes-256-cbc'] as const) {
      const message = readPkiMessage(await request({ digest, contentEncryption }));
      assert.equal(message.messageType, 'PKCSReq');
      assert.equal(message.transactionId, 'dGVzdCB0cmFuc2FjdGlvbg==');
      assert.deepEqual(message.senderNonce, defaultNonce);
      assert.deepEqual(message.signerCertificate, self.certificate);
      assert.deepEqual(message.signerPublicKey, self.publicKey.export({ type: 'spki', format: 'der' }));
      assert.equal(message.digest, digest);
      assert.equal(message.envelope.contentEncryption, contentEncryption);
      const plaintext = await decryptEnvelopedData(message.envelope, { recipientCertificate: ra.certificate, rsaRawDecrypt: rawDecryptWith(ra.privateKey) });
      assert.deepEqual(plaintext, messageData);
    }
  }
});

test('every request type by its number; CertRep (3), 18 and anything else are refused', async () => {
  const types = { 17: 'RenewalReq', 19: 'PKCSReq', 20: 'CertPoll', 21: 'GetCert', 22: 'GetCRL' } as const;
  for (const [number, name] of Object.entries(types)) {
    assert.equal(readPkiMessage(await request({ attributes: { [idMessageType]: [printableString(number)] } })).messageType, name);
  }
  for (const value of ['3', '18', '019', 'PKCSReq', '']) {
    rejects(await request({ attributes: { [idMessageType]: [printableString(value)] } }), 'scep.malformed', /messageType/);
  }
});

test('the signer may hold an EC key, and the certificate list may carry others before it', async () => {
  const ecSelf = issueTestCertificate({ commonName: 'EC SIGNER', keys: ecKeys(), keyUsage: ['digitalSignature'] });
  const message = readPkiMessage(await request({ signer: ecSelf, keyKind: 'ec', certificates: [ra.certificate, ecSelf.certificate] }));
  assert.deepEqual(message.signerCertificate, ecSelf.certificate);
});

test('missing, repeated or garbage transactionID and senderNonce are scep.malformed', async (t) => {
  const cases: [string, Record<string, Buffer[] | null>, RegExp][] = [
    ['no transactionID', { [idTransactionID]: null }, /transactionID/],
    ['two transactionIDs', { [idTransactionID]: [printableString('a'), printableString('b')] }, /transactionID/],
    ['transactionID as INTEGER', { [idTransactionID]: [integer(7n)] }, /transactionID/],
    ['transactionID with a control character', { [idTransactionID]: [utf8String('abc\ndef')] }, /transactionID/],
    ['empty transactionID', { [idTransactionID]: [printableString('')] }, /transactionID/],
    ['no senderNonce', { [idSenderNonce]: null }, /senderNonce/],
    ['senderNonce as a string', { [idSenderNonce]: [printableString('0123456789abcdef')] }, /senderNonce/],
    ['senderNonce of 4 octets', { [idSenderNonce]: [octetString(Buffer.alloc(4))] }, /senderNonce/],
    ['no messageType', { [idMessageType]: null }, /messageType/],
  ];
  for (const [what, attributes, message] of cases) {
    await t.test(what, async () => rejects(await request({ attributes }), 'scep.malformed', message));
  }
});

test('an unsigned-looking request: signer certificate missing, or another key signed it', async () => {
  rejects(await request({ certificates: [ra.certificate] }), 'scep.malformed', /signer certificate/);
  rejects(await request({ certificates: [] }), 'scep.malformed', /signer certificate/);
  // Names and carries `self`, but signed with another key.
  rejects(await request({ signer: { ...self, privateKey: stranger.privateKey } }), 'cms.bad-signature');
});

test('a tampered request is cms.bad-signature: attributes, envelope or signature', async () => {
  const good = await request();
  const flipAt = (needle: Buffer, delta = 1): Buffer => {
    const copy = Buffer.from(good);
    copy[good.indexOf(needle) + needle.length - 1]! ^= delta;
    return copy;
  };
  rejects(flipAt(defaultNonce), 'cms.bad-signature');
  rejects(flipAt(Buffer.from('dGVzdCB0cmFuc2FjdGlvbg==')), 'cms.bad-signature');
  const signature = Buffer.from(good);
  signature[signature.length - 3]! ^= 1;
  rejects(signature, 'cms.bad-signature');
});

test('no pkcsPKIEnvelope, or one that is not an EnvelopedData, is scep.malformed', async () => {
  rejects(await request({ content: null }), 'scep.malformed', /pkcsPKIEnvelope/);
  rejects(await request({ content: Buffer.from('not CMS') }), 'scep.malformed');
});

test('an envelope with a cipher we do not have is cms.unsupported-algorithm', async () => {
  writeFileSync(dir.file('ra.pem'), ra.certificatePem);
  writeFileSync(dir.file('data.bin'), messageData);
  const camellia = execFileSync('/usr/bin/openssl', ['cms', '-encrypt', '-binary', '-camellia128', '-outform', 'DER', '-in', dir.file('data.bin'), dir.file('ra.pem')]);
  rejects(await request({ content: camellia }), 'cms.unsupported-algorithm');
});

test('BER on the outside (indefinite lengths, chunked eContent) is accepted', async () => {
  const message = readPkiMessage(toStreamingBer(await request(), 50));
  assert.equal(message.messageType, 'PKCSReq');
});

test('garbage, truncations and random bytes give scep.malformed, never another exception', async () => {
  const good = await request();
  const inputs: Buffer[] = [Buffer.alloc(0), Buffer.from('GET / HTTP/1.1'), Buffer.of(0x30, 0x80), Buffer.of(0x30, 0x84, 0xff, 0xff, 0xff, 0xff)];
  for (let cut = 0; cut < good.length; cut += 7) inputs.push(good.subarray(0, cut));
  for (let i = 0; i < 300; i++) inputs.push(randomBytes(i * 3));
  for (const input of inputs) rejects(input, 'scep.malformed');
});
