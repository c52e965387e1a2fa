// SignedData (RFC 5652 §5): our builder against our reader and verifier, and both against OpenSSL.
import { writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { tempDir } from '../../../../test/support/openssl.js';
import { encodingOf, octetString, oid, printableString, readChildren, readTlv, set } from '../der.js';
import { PkiError } from '../errors.js';
import { fromPem } from '../pem.js';
import type { Attribute } from './attributes.js';
import { idData, idEnvelopedData, idMessageDigest } from './cms-oids.js';
import { toStreamingBer } from './fixtures/ber.js';
import { ecKeys, issueTestCertificate, signWith, testHierarchy } from './fixtures/test-certificates.js';
import type { TestParty } from './fixtures/test-certificates.js';
import type { CmsDigest, SignerKeyKind } from './signature-algorithms.js';
import { buildSignedData, degenerateSignedData, signerIdentity } from './signed-data.js';
import type { SignedDataSigner } from './signed-data.js';
import { parseSignedData } from './signed-data-reader.js';
import { verifySignerInfo } from './signer-verification.js';

const dir = tempDir('mcms-cms-signed-');
after(() => dir.remove());

const run = (args: string[], input?: Buffer): Buffer => execFileSync('/usr/bin/openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'] });

const { ca, ra } = testHierarchy();
const ecSigner = issueTestCertificate({ commonName: 'EC signer', keys: ecKeys(), issuer: ca, keyUsage: ['digitalSignature'] });
const spkiOf = (party: TestParty): Buffer => party.publicKey.export({ type: 'spki', format: 'der' });

const extraAttributes: Attribute[] = [
  // Deliberately unsorted, with a longer value first, to see the builder sort them.
  { oid: '2.16.840.1.113733.1.9.7', values: [printableString('a transaction that has a long identifier')] },
  { oid: '2.16.840.1.113733.1.9.2', values: [printableString('19')] },
  { oid: '2.16.840.1.113733.1.9.5', values: [octetString(Buffer.alloc(16, 7))] },
];

function signer(party: TestParty, keyKind: SignerKeyKind, digest: CmsDigest): SignedDataSigner {
  return { certificate: party.certificate, signedAttributes: extraAttributes, digest, sign: signWith(party.privateKey), keyKind };
}

const content = Buffer.from('the content of a SCEP message, or anything else');

for (const [label, party, keyKind] of [['RSA', ra, 'rsa'], ['ECDSA P-256', ecSigner, 'ec']] as const) {
  for (const digest of ['sha1', 'sha256', 'sha384', 'sha512'] as const) {
    test(`${label} with ${digest}: build, parse and verify round trip`, async () => {
      const der = await buildSignedData({ contentType: idData, content, certificates: [party.certificate, ca.certificate], signer: signer(party, keyKind, digest) });
      const signed = parseSignedData(der);
      assert.equal(signed.version, 1);
      assert.equal(signed.contentType, idData);
      assert.deepEqual(signed.content, content);
      assert.deepEqual(signed.certificates, [party.certificate, ca.certificate]);
      const [signerInfo] = signed.signerInfos;
      assert.ok(signerInfo);
      assert.equal(signerInfo.digest, digest);
      assert.equal(signerInfo.sid.kind, 'issuerAndSerialNumber');
      assert.deepEqual(signerInfo.signedAttributes?.values.get('2.16.840.1.113733.1.9.2'), [printableString('19')]);
      verifySignerInfo(signed, signerInfo, spkiOf(party));
    });
  }
}

test('signed attributes come out DER-sorted as a SET OF, and are signed in that order', async () => {
  const der = await buildSignedData({ contentType: idData, content, certificates: [], signer: signer(ra, 'rsa', 'sha256') });
  const attributes = parseSignedData(der).signerInfos[0]!.signedAttributes!.der;
  assert.equal(attributes[0], 0xa0);
  const encodings = readChildren(attributes, readTlv(attributes, 0)).map((element) => encodingOf(attributes, element));
  const sorted = [...encodings].sort(Buffer.compare);
  assert.deepEqual(encodings, sorted);
  assert.deepEqual(set(...encodings).subarray(1), attributes.subarray(1), 'identical to a fresh DER SET OF of the same attributes');
  assert.equal(encodings.length, 5, 'contentType and messageDigest added');
});

test('eContent is a primitive OCTET STRING; without content there is no eContent at all', async () => {
  const withContent = await buildSignedData({ contentType: idData, content: Buffer.alloc(5000, 1), certificates: [], signer: signer(ra, 'rsa', 'sha256') });
  assert.ok(withContent.includes(Buffer.of(0xa0, 0x82, 0x13, 0x8c, 0x04, 0x82, 0x13, 0x88)), 'a0 [04 (5000 octets)] in one piece');
  const without = await buildSignedData({ contentType: idData, certificates: [ra.certificate], signer: signer(ra, 'rsa', 'sha256') });
  const signed = parseSignedData(without);
  assert.equal(signed.content, undefined);
  verifySignerInfo(signed, signed.signerInfos[0]!, spkiOf(ra));
});

test('a content type other than id-data makes version 3 (RFC 5652 §5.1)', async () => {
  const der = await buildSignedData({ contentType: idEnvelopedData, content, certificates: [], signer: signer(ra, 'rsa', 'sha256') });
  assert.equal(parseSignedData(der).version, 3);
  verifySignerInfo(parseSignedData(der), parseSignedData(der).signerInfos[0]!, spkiOf(ra));
});

test('a pre-encoded signer identity gives the same bytes as reading the certificate each time', async () => {
  const cached = { ...signer(ra, 'rsa', 'sha256'), issuerAndSerialNumber: signerIdentity(ra.certificate) };
  const fromCache = await buildSignedData({ contentType: idData, content, certificates: [], signer: cached });
  const fromCertificate = await buildSignedData({ contentType: idData, content, certificates: [], signer: signer(ra, 'rsa', 'sha256') });
  assert.deepEqual(fromCache, fromCertificate, 'RSA PKCS#1 v1.5 is deterministic, so the whole encoding matches');
});

function rejectsWith(work: () => unknown, code: string): void {
  assert.throws(work, (error: unknown) => error instanceof PkiError && error.code === code, code);
}

test('tampered content, attributes or signature, and the wrong key, are cms.bad-signature', async () => {
  const der = await buildSignedData({ contentType: idData, content, certificates: [], signer: signer(ra, 'rsa', 'sha256') });
  const signed = parseSignedData(der);
  const signerInfo = signed.signerInfos[0]!;
  rejectsWith(() => verifySignerInfo({ ...signed, content: Buffer.from('something else') }, signerInfo, spkiOf(ra)), 'cms.bad-signature');
  rejectsWith(() => verifySignerInfo(signed, signerInfo, spkiOf(ca)), 'cms.bad-signature');
  const signature = Buffer.from(signerInfo.signature);
  signature[10]! ^= 1;
  rejectsWith(() => verifySignerInfo(signed, { ...signerInfo, signature }, spkiOf(ra)), 'cms.bad-signature');
  const attributes = Buffer.from(signerInfo.signedAttributes!.der);
  attributes[attributes.indexOf(Buffer.from('long identifier'))]! ^= 0x20;
  rejectsWith(() => verifySignerInfo(signed, { ...signerInfo, signedAttributes: { ...signerInfo.signedAttributes!, der: attributes } }, spkiOf(ra)), 'cms.bad-signature');
  rejectsWith(() => verifySignerInfo(signed, { ...signerInfo, digestAlgorithm: '1.2.3.4', digest: undefined }, spkiOf(ra)), 'cms.unsupported-algorithm');
});

test('the builder refuses to be handed contentType or messageDigest', async () => {
  const bad = { ...signer(ra, 'rsa', 'sha256'), signedAttributes: [{ oid: idMessageDigest, values: [octetString(Buffer.alloc(32))] }] };
  await assert.rejects(buildSignedData({ contentType: idData, content, certificates: [], signer: bad }), (error: unknown) => error instanceof PkiError);
  await assert.rejects(buildSignedData({ contentType: idData, content, certificates: [Buffer.from('not a certificate')] }), (error: unknown) => error instanceof PkiError);
});

test('openssl cms -verify accepts our SignedData (RSA and ECDSA, SHA-1 and SHA-256)', async () => {
  for (const [party, keyKind, digest] of [[ra, 'rsa', 'sha1'], [ra, 'rsa', 'sha256'], [ecSigner, 'ec', 'sha256']] as const) {
    const der = await buildSignedData({ contentType: idData, content, certificates: [party.certificate], signer: signer(party, keyKind, digest) });
    writeFileSync(dir.file('signed.der'), der);
    const out = run(['cms', '-verify', '-noverify', '-inform', 'DER', '-in', dir.file('signed.der')]);
    assert.deepEqual(out, content);
  }
});

test('SignedData made by openssl cms -sign (DER, and streamed BER) parses and verifies', () => {
  writeFileSync(dir.file('content.bin'), content);
  writeFileSync(dir.file('ra.pem'), ra.certificatePem);
  writeFileSync(dir.file('ra.key'), ra.privateKeyPem);
  for (const stream of [false, true]) {
    const der = run(['cms', '-sign', '-binary', '-nodetach', '-md', 'sha256', '-signer', dir.file('ra.pem'), '-inkey', dir.file('ra.key'),
      '-in', dir.file('content.bin'), '-outform', 'DER', ...(stream ? ['-stream'] : [])]);
    const signed = parseSignedData(der, { ber: true });
    assert.deepEqual(signed.content, content);
    verifySignerInfo(signed, signed.signerInfos[0]!, spkiOf(ra));
    if (stream) rejectsWith(() => parseSignedData(der), 'cms.malformed');
  }
});

test('our own SignedData re-encoded as streaming BER still verifies with { ber: true } only', async () => {
  const der = await buildSignedData({ contentType: idData, content: Buffer.alloc(1000, 3), certificates: [ra.certificate], signer: signer(ra, 'rsa', 'sha256') });
  const ber = toStreamingBer(der, 100);
  rejectsWith(() => parseSignedData(ber), 'cms.malformed');
  const signed = parseSignedData(ber, { ber: true });
  assert.deepEqual(signed.content, Buffer.alloc(1000, 3));
  verifySignerInfo(signed, signed.signerInfos[0]!, spkiOf(ra));
});

test('degenerate certs-only SignedData keeps the order, first certificate first (openssl agrees)', () => {
  const der = degenerateSignedData([ra.certificate, ca.certificate, ecSigner.certificate]);
  const signed = parseSignedData(der);
  assert.deepEqual(signed.certificates, [ra.certificate, ca.certificate, ecSigner.certificate]);
  assert.equal(signed.signerInfos.length, 0);
  assert.equal(signed.content, undefined);
  const printed = run(['pkcs7', '-inform', 'DER', '-print_certs'], der).toString();
  assert.deepEqual(fromPem(printed, 'CERTIFICATE'), [ra.certificate, ca.certificate, ecSigner.certificate]);
});

test('garbage and other content types are cms.malformed', () => {
  for (const input of [Buffer.alloc(0), Buffer.from('hello'), Buffer.of(0x30, 0x03, 0x02, 0x01, 0x01), oid(idData), degenerateSignedData([]).subarray(0, 20)]) {
    rejectsWith(() => parseSignedData(input, { ber: true }), 'cms.malformed');
  }
  const other = Buffer.from(degenerateSignedData([ra.certificate]));
  other[other.indexOf(oid('1.2.840.113549.1.7.2')) + 10] = 3; // id-signedData → id-envelopedData
  rejectsWith(() => parseSignedData(other), 'cms.malformed');
});
