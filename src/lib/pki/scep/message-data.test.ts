// Message data inside the pkcsPKIEnvelope (RFC 8894 §3.3): PKCS#10, IssuerAndSubject, IssuerAndSerialNumber.
import { readFileSync } from 'node:fs';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCsr, tempDir } from '../../../../test/support/openssl.js';
import { integer, printableString, seq } from '../der.js';
import { PkiError } from '../errors.js';
import { encodeName } from '../name.js';
import { fromPem } from '../pem.js';
import { decryptEnvelopedData } from '../cms/enveloped-data.js';
import { issueTestCertificate, rawDecryptWith, rsaKeys, testHierarchy } from '../cms/fixtures/test-certificates.js';
import { buildTestRequest } from './fixtures/scep-request.js';
import { readMessageData } from './message-data.js';
import { readPkiMessage } from './pki-message.js';
import { idMessageType } from './scep-attributes.js';

const dir = tempDir('mcms-scep-data-');
after(() => dir.remove());

const { ca, ra } = testHierarchy();
const caName = encodeName([{ type: 'O', value: 'mcms test' }, { type: 'CN', value: 'mcms test CA' }]);
const subject = encodeName([{ type: 'CN', value: 'alice' }]);

test('PKCSReq and RenewalReq: the CSR, its self-signature verified (csr.* errors pass through)', () => {
  const { csrFile } = makeCsr(dir.path, 'req');
  const der = fromPem(readFileSync(csrFile, 'utf8'), 'CERTIFICATE REQUEST')[0]!;
  const data = readMessageData('PKCSReq', der);
  assert.ok(data.messageType === 'PKCSReq');
  assert.deepEqual(data.request.der, der);
  const broken = Buffer.from(der);
  broken[broken.length - 5]! ^= 1;
  assert.throws(() => readMessageData('RenewalReq', broken), (error: unknown) => error instanceof PkiError && error.code === 'csr.bad-signature');
  assert.throws(() => readMessageData('PKCSReq', Buffer.from('nope')), (error: unknown) => error instanceof PkiError && error.code.startsWith('csr.'));
});

test('CertPoll: IssuerAndSubject; GetCert and GetCRL: IssuerAndSerialNumber', () => {
  assert.deepEqual(readMessageData('CertPoll', seq(caName, subject)), { messageType: 'CertPoll', issuer: caName, subject });
  const serial = Buffer.from('00c0ffee', 'hex');
  for (const messageType of ['GetCert', 'GetCRL'] as const) {
    assert.deepEqual(readMessageData(messageType, seq(caName, integer(serial))), { messageType, issuer: caName, serialHex: 'c0ffee' });
  }
});

test('malformed CertPoll / GetCert data is scep.malformed', () => {
  const cases: [('CertPoll' | 'GetCert'), Buffer][] = [
    ['CertPoll', seq(caName)],
    ['CertPoll', seq(caName, integer(1n))],
    ['GetCert', seq(caName, subject)],
    ['GetCert', seq(caName, integer(1n), integer(2n))],
    ['GetCert', Buffer.concat([seq(caName, integer(1n)), Buffer.of(0)])],
    ['GetCert', Buffer.alloc(0)],
  ];
  for (const [messageType, data] of cases) {
    assert.throws(() => readMessageData(messageType, data), (error: unknown) => error instanceof PkiError && error.code === 'scep.malformed');
  }
});

test('a GetCert request end to end: read, decrypt, message data', async () => {
  const self = issueTestCertificate({ commonName: 'requester', keys: rsaKeys(), keyUsage: ['digitalSignature'] });
  const issued = seq(ca.name, integer(Buffer.from('4242', 'hex')));
  const message = readPkiMessage(await buildTestRequest({
    signer: self, recipient: ra, messageData: issued, attributes: { [idMessageType]: [printableString('21')] },
  }));
  const plaintext = await decryptEnvelopedData(message.envelope, { recipientCertificate: ra.certificate, rsaRawDecrypt: rawDecryptWith(ra.privateKey) });
  assert.deepEqual(readMessageData(message.messageType, plaintext), { messageType: 'GetCert', issuer: ca.name, serialHex: '4242' });
});
