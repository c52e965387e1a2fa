// Requests captured from the real clients (scripts/capture-scep-vectors.ts): micromdm's scepclient and
// certmonger, kept byte for byte, so their encodings are checked on every run, with or without the
// clients installed. Each is read, its signature verified, decrypted with the test RA's key, and its
// PKCS#10 read; a reply to one carries its transactionID and nonce back.
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromPem } from '../pem.js';
import { readCertificate } from '../certificate.js';
import { decryptEnvelopedData, parseSignedData } from '../cms/index.js';
import { rawDecryptWith, signWith } from '../cms/fixtures/test-certificates.js';
import { buildCertRep, createCertRepSigner } from './cert-rep.js';
import { readMessageData } from './message-data.js';
import { readPkiMessage } from './pki-message.js';

const dir = join(import.meta.dirname, 'fixtures', 'vectors');
const raCertificate = fromPem(readFileSync(join(dir, 'ra.pem'), 'utf8'), 'CERTIFICATE')[0]!;
const raKey = createPrivateKey(readFileSync(join(dir, 'ra.key')));
const key = { recipientCertificate: raCertificate, rsaRawDecrypt: rawDecryptWith(raKey) };

const vectors = [
  { file: 'scepclient-pkcsreq.der', messageType: 'PKCSReq', cipher: /^des-cbc$/, challenge: 'vector-secret', selfSigned: true },
  // scepclient renews with the CSR it kept from enrolling, challenge and all (mcms ignores it in a RenewalReq).
  { file: 'scepclient-renewalreq.der', messageType: 'RenewalReq', cipher: /^des-cbc$/, challenge: 'vector-secret', selfSigned: false },
  { file: 'certmonger-pkcsreq.der', messageType: 'PKCSReq', cipher: /^aes-/, challenge: 'vector-secret', selfSigned: true },
] as const;

for (const vector of vectors) {
  test(`${vector.file}: read, verified, decrypted, its request read`, async () => {
    const message = readPkiMessage(readFileSync(join(dir, vector.file)));
    assert.equal(message.messageType, vector.messageType);
    assert.match(message.envelope.contentEncryption, vector.cipher);
    assert.match(message.transactionId, /^[\x20-\x7e]{1,255}$/);
    const signer = readCertificate(message.signerCertificate);
    assert.equal(signer.subject.equals(signer.issuer), vector.selfSigned, 'self-signed for PKCSReq, the old certificate for RenewalReq');

    const data = readMessageData(message.messageType, await decryptEnvelopedData(message.envelope, key));
    assert.ok('request' in data);
    assert.equal(data.request.challengePassword, vector.challenge);
    if (vector.selfSigned) assert.deepEqual(data.request.subjectPublicKeyInfo, message.signerPublicKey, 'the request is signed by the key it certifies');
  });
}

test('a tampered vector fails its signature check; a CertRep to a vector carries its transactionID and nonce', async () => {
  const der = readFileSync(join(dir, 'scepclient-pkcsreq.der'));
  const tampered = Buffer.from(der);
  tampered[tampered.length - 5]! ^= 0x01;
  assert.throws(() => readPkiMessage(tampered));
  const message = readPkiMessage(der);
  const reply = await buildCertRep({
    transactionId: message.transactionId, recipientNonce: message.senderNonce, digest: message.digest, status: 'PENDING',
    signer: createCertRepSigner({ certificate: raCertificate, sign: signWith(raKey), keyKind: 'rsa' }),
  });
  const attributes = parseSignedData(reply).signerInfos[0]!.signedAttributes!.values;
  const texts = [...attributes.values()].map((values) => values[0]!.subarray(2).toString('latin1'));
  assert.ok(texts.includes(message.transactionId));
  assert.ok([...attributes.values()].some((values) => values[0]!.subarray(2).equals(message.senderNonce)));
});
