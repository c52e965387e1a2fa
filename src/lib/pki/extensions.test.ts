// Extension encoders (RFC 5280 §4.2, RFC 6960): exact DER for each, checked by hand against the ASN.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PkiError } from './errors.js';
import {
  authorityInfoAccess, authorityKeyIdentifier, basicConstraints, certificatePolicies, crlDistributionPoints,
  encodeExtensions, extendedKeyUsage, keyUsage, ocspNoCheck, subjectAltName, subjectKeyIdentifier,
} from './extensions.js';
import * as oids from './oids.js';

const hex = (buf: Buffer): string => buf.toString('hex');
const unencodable = (error: unknown) => error instanceof PkiError && error.code === 'der.unencodable';

test('keyUsage is a critical DER named bit list without trailing zero bits', () => {
  assert.equal(hex(keyUsage(['digitalSignature']).value), '03020780');
  assert.equal(hex(keyUsage(['digitalSignature', 'keyEncipherment']).value), '030205a0');
  assert.equal(hex(keyUsage(['keyCertSign', 'cRLSign']).value), '03020106');
  assert.equal(hex(keyUsage(['cRLSign', 'digitalSignature', 'keyCertSign']).value), '03020186');
  assert.equal(hex(keyUsage(['keyAgreement', 'decipherOnly']).value), '0303070880');
  assert.equal(hex(keyUsage(['encipherOnly']).value), '03020001');
  assert.equal(keyUsage(['digitalSignature']).critical, true);
  assert.throws(() => keyUsage([]), unencodable);
});

test('basicConstraints omits the DEFAULT FALSE and allows pathLen only for CAs', () => {
  assert.equal(hex(basicConstraints({ ca: false }, true).value), '3000');
  assert.equal(hex(basicConstraints({ ca: true }, true).value), '30030101ff');
  assert.equal(hex(basicConstraints({ ca: true, pathLength: 0 }, true).value), '30060101ff020100');
  assert.equal(basicConstraints({ ca: true }, false).critical, false);
  assert.throws(() => basicConstraints({ ca: false, pathLength: 0 }, true), unencodable);
  assert.throws(() => basicConstraints({ ca: true, pathLength: -1 }, true), unencodable);
});

test('identifiers, key purposes and OCSP no-check', () => {
  const id = Buffer.from('0102030405', 'hex');
  assert.equal(hex(subjectKeyIdentifier(id).value), '04050102030405');
  assert.equal(hex(authorityKeyIdentifier(id).value), '300780050102030405');
  const eku = extendedKeyUsage([oids.idKpEmailProtection, oids.idKpClientAuth]);
  assert.equal(hex(eku.value), '301406082b0601050507030406082b06010505070302');
  assert.equal(eku.critical, false);
  assert.deepEqual(ocspNoCheck(), { oid: '1.3.6.1.5.5.7.48.1.5', critical: false, value: Buffer.from('0500', 'hex') });
});

test('subjectAltName encodes IA5 GeneralNames and refuses what IA5 cannot hold', () => {
  const san = subjectAltName({ emails: ['a@b.test'], dns: ['b.test'], uris: ['https://b.test/'] }, true);
  assert.equal(hex(san.value), `3023810861406${'22e74657374'}8206622e74657374860f68747470733a2f2f622e746573742f`);
  assert.equal(san.critical, true);
  assert.throws(() => subjectAltName({ emails: ['jörg@example.test'] }, false), unencodable);
  assert.throws(() => subjectAltName({ emails: ['Alice <a@b.test>'] }, false), unencodable);
  assert.throws(() => subjectAltName({}, false), unencodable);
});

test('distribution points, access descriptions and policies have the RFC 5280 shape', () => {
  const url = Buffer.from('http://c/').toString('hex');
  assert.equal(hex(crlDistributionPoints(['http://c/']).value), `3011300fa00da00b${'8609'}${url}`);
  assert.equal(hex(authorityInfoAccess({ ocsp: ['http://c/'] }).value), `3017301506082b06010505073001${'8609'}${url}`);
  const policy = certificatePolicies([{ oid: '2.23.140.1.5.1.3', cpsUri: 'http://c/' }]).value;
  assert.equal(hex(policy), `3024302206076781${'0c01050103'}3017301506082b06010505070201${'1609'}${url}`);
  assert.throws(() => certificatePolicies([{ oid: '1.2.3' }, { oid: '1.2.3' }]), unencodable);
  assert.throws(() => crlDistributionPoints([]), unencodable);
  assert.throws(() => authorityInfoAccess({}), unencodable);
});

test('encodeExtensions: [3] EXPLICIT, critical only when true, each type once', () => {
  const exts = encodeExtensions([keyUsage(['digitalSignature']), ocspNoCheck()]);
  assert.equal(hex(exts), 'a3233021' + '300e0603551d0f0101ff040403020780' + '300f06092b060105050730010504020500');
  assert.equal(encodeExtensions([]).length, 0);
  assert.throws(() => encodeExtensions([ocspNoCheck(), ocspNoCheck()]), unencodable);
});
