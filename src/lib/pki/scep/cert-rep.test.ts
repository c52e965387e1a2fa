// CertRep (RFC 8894 §3.3.2): the attributes, the content for each status, and what OpenSSL makes of it.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { tempDir } from '../../../../test/support/openssl.js';
import { encodingOf, octetString, printableString, readChildren, readTlv, utf8String } from '../der.js';
import { PkiError } from '../errors.js';
import { fromPem } from '../pem.js';
import { idData } from '../cms/cms-oids.js';
import { decryptEnvelopedData } from '../cms/enveloped-data.js';
import { parseEnvelopedData } from '../cms/enveloped-data-reader.js';
import { ecKeys, issueTestCertificate, rawDecryptWith, rsaKeys, signWith, testHierarchy } from '../cms/fixtures/test-certificates.js';
import { parseSignedData } from '../cms/signed-data-reader.js';
import type { SignedDataInfo } from '../cms/signed-data-reader.js';
import { verifySignerInfo } from '../cms/signer-verification.js';
import { buildCertRep, createCertRepSigner } from './cert-rep.js';
import type { CertRepInput } from './cert-rep.js';
import {
  idFailInfo, idMessageType, idPkiStatus, idRecipientNonce, idScepFailInfoText, idSenderNonce, idTransactionID,
} from './scep-attributes.js';

const dir = tempDir('mcms-scep-certrep-');
after(() => dir.remove());

const { ca, ra } = testHierarchy();
const requester = issueTestCertificate({ commonName: 'SCEP SIGNER', keys: rsaKeys(), keyUsage: ['digitalSignature', 'keyEncipherment'] });
const issued = issueTestCertificate({ commonName: 'alice', keys: { privateKey: requester.privateKey, publicKey: requester.publicKey }, issuer: ca, keyUsage: ['digitalSignature'] });
const signer = createCertRepSigner({ certificate: ra.certificate, sign: signWith(ra.privateKey), keyKind: 'rsa' });
const requestNonce = Buffer.alloc(16, 0xab);

const base = { transactionId: 'gKcGO2gDKLnWMPNceo9d0wZCKvI=', recipientNonce: requestNonce, digest: 'sha1', signer } satisfies Partial<CertRepInput>;
const success = { certificates: [issued.certificate, ca.certificate], recipientCertificate: requester.certificate, contentEncryption: 'des-cbc' } as const;

function attributesOf(signed: SignedDataInfo): ReadonlyMap<string, readonly Buffer[]> {
  const signerInfo = signed.signerInfos[0]!;
  verifySignerInfo(signed, signerInfo, ra.publicKey.export({ type: 'spki', format: 'der' }));
  return signerInfo.signedAttributes!.values;
}

test('SUCCESS: signed by the RA, PrintableString/OCTET STRING attributes, the issued certificate enveloped to the requester', async () => {
  const signed = parseSignedData(await buildCertRep({ ...base, status: 'SUCCESS', success }));
  const attributes = attributesOf(signed);
  assert.deepEqual(attributes.get(idTransactionID), [printableString(base.transactionId)]);
  assert.deepEqual(attributes.get(idMessageType), [printableString('3')]);
  assert.deepEqual(attributes.get(idPkiStatus), [printableString('0')]);
  assert.deepEqual(attributes.get(idRecipientNonce), [octetString(requestNonce)]);
  const senderNonce = attributes.get(idSenderNonce)![0]!;
  assert.equal(senderNonce.length, 18);
  assert.notDeepEqual(senderNonce, octetString(requestNonce));
  assert.equal(attributes.get(idFailInfo), undefined);
  assert.equal(signed.signerInfos[0]!.digest, 'sha1', 'the request digest');
  assert.deepEqual(signed.certificates, [issued.certificate, ra.certificate], 'issued certificate first, then the signer');

  const envelope = parseEnvelopedData(signed.content!);
  assert.equal(envelope.contentEncryption, 'des-cbc', 'the request cipher');
  const inner = parseSignedData(await decryptEnvelopedData(envelope, { recipientCertificate: requester.certificate, rsaRawDecrypt: rawDecryptWith(requester.privateKey) }));
  assert.deepEqual(inner.certificates, [issued.certificate, ca.certificate]);
  assert.equal(inner.signerInfos.length, 0);
  assert.equal(inner.content, undefined);
});

test('the signed attributes are DER-sorted, and nothing but the SCEP set plus contentType and messageDigest', async () => {
  const signed = parseSignedData(await buildCertRep({ ...base, status: 'FAILURE', failInfo: 'badRequest' }));
  const der = signed.signerInfos[0]!.signedAttributes!.der;
  const encodings = readChildren(der, readTlv(der, 0)).map((element) => encodingOf(der, element));
  assert.deepEqual(encodings, [...encodings].sort(Buffer.compare));
  assert.equal(encodings.length, 8);
});

test('FAILURE: failInfo as a PrintableString digit, optional failInfoText, no content, only the RA certificate', async () => {
  const signed = parseSignedData(await buildCertRep({ ...base, status: 'FAILURE', failInfo: 'badRequest', failInfoText: 'the challenge is not valid' }));
  const attributes = attributesOf(signed);
  assert.deepEqual(attributes.get(idPkiStatus), [printableString('2')]);
  assert.deepEqual(attributes.get(idFailInfo), [printableString('2')]);
  assert.deepEqual(attributes.get(idScepFailInfoText), [utf8String('the challenge is not valid')]);
  assert.equal(signed.contentType, idData);
  assert.equal(signed.content, undefined);
  assert.deepEqual(signed.certificates, [ra.certificate]);
  for (const [name, digit] of [['badAlg', '0'], ['badMessageCheck', '1'], ['badTime', '3'], ['badCertId', '4']] as const) {
    const values = attributesOf(parseSignedData(await buildCertRep({ ...base, status: 'FAILURE', failInfo: name })));
    assert.deepEqual(values.get(idFailInfo), [printableString(digit)]);
  }
});

test('PENDING: pkiStatus 3, no content', async () => {
  const signed = parseSignedData(await buildCertRep({ ...base, status: 'PENDING' }));
  assert.deepEqual(attributesOf(signed).get(idPkiStatus), [printableString('3')]);
  assert.equal(signed.content, undefined);
});

test('a transactionID PrintableString cannot hold (e.g. "@" or "_") is echoed as an IA5String', async () => {
  const signed = parseSignedData(await buildCertRep({ ...base, transactionId: 'device_42@example', status: 'PENDING' }));
  assert.equal(attributesOf(signed).get(idTransactionID)![0]![0], 0x16);
});

test('inconsistent inputs are refused before anything is signed', async () => {
  const refused = async (input: CertRepInput) => assert.rejects(buildCertRep(input), (error: unknown) => error instanceof PkiError && error.code === 'der.unencodable');
  await refused({ ...base, status: 'SUCCESS' });
  await refused({ ...base, status: 'FAILURE' });
  await refused({ ...base, status: 'PENDING', failInfo: 'badAlg' });
  await refused({ ...base, status: 'PENDING', success });
  await refused({ ...base, status: 'PENDING', failInfoText: 'why' });
  await refused({ ...base, status: 'SUCCESS', success: { ...success, certificates: [] } });
});

test('createCertRepSigner checks the key kind; an ECDSA RA signs replies too', async () => {
  assert.throws(() => createCertRepSigner({ certificate: ra.certificate, sign: signWith(ra.privateKey), keyKind: 'ec' }),
    (error: unknown) => error instanceof PkiError && error.code === 'key.unsupported');
  const ecRa = issueTestCertificate({ commonName: 'EC RA', keys: ecKeys(), issuer: ca, keyUsage: ['digitalSignature'] });
  const ecSigner = createCertRepSigner({ certificate: ecRa.certificate, sign: signWith(ecRa.privateKey), keyKind: 'ec' });
  const signed = parseSignedData(await buildCertRep({ ...base, digest: 'sha256', signer: ecSigner, status: 'PENDING' }));
  verifySignerInfo(signed, signed.signerInfos[0]!, ecRa.publicKey.export({ type: 'spki', format: 'der' }));
});

test('openssl verifies a SUCCESS CertRep and opens its envelope with the requester key to find the issued certificate', async () => {
  for (const contentEncryption of ['aes-128-cbc', 'des-ede3-cbc'] as const) {
    const der = await buildCertRep({ ...base, digest: 'sha256', status: 'SUCCESS', success: { ...success, contentEncryption } });
    writeFileSync(dir.file('certrep.der'), der);
    writeFileSync(dir.file('requester.pem'), requester.certificatePem);
    writeFileSync(dir.file('requester.key'), requester.privateKeyPem);
    const run = (args: string[], input?: Buffer) => execFileSync('/usr/bin/openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'] });
    const envelope = run(['cms', '-verify', '-noverify', '-inform', 'DER', '-in', dir.file('certrep.der')]);
    writeFileSync(dir.file('envelope.der'), envelope);
    const degenerate = run(['cms', '-decrypt', '-inform', 'DER', '-in', dir.file('envelope.der'), '-recip', dir.file('requester.pem'), '-inkey', dir.file('requester.key')]);
    const certificates = fromPem(run(['pkcs7', '-inform', 'DER', '-print_certs'], degenerate).toString(), 'CERTIFICATE');
    assert.deepEqual(certificates, [issued.certificate, ca.certificate]);
  }
});
