// Certificates (RFC 5280 §4.1) built with our encoder and judged by OpenSSL: text, verify -x509_strict, re-encoding.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { assembleCertificate, encodeTbsCertificate, readCertificate } from './certificate.js';
import { readChildren, readTlv } from './der.js';
import type { Tlv } from './der.js';
import { PkiError } from './errors.js';
import {
  authorityInfoAccess, authorityKeyIdentifier, basicConstraints, certificatePolicies, crlDistributionPoints,
  extendedKeyUsage, keyUsage, ocspNoCheck, subjectAltName, subjectKeyIdentifier,
} from './extensions.js';
import type { Extension } from './extensions.js';
import { encodeName, formatNameDer } from './name.js';
import * as oids from './oids.js';
import { toPem } from './pem.js';
import { describePublicKey, keyIdentifier, signatureAlgorithmFor } from './public-key.js';
import { randomSerial, serialToHex } from './serial.js';

const dir = mkdtempSync(join(tmpdir(), 'mcms-pki-cert-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const openssl = (...args: string[]): string => execFileSync('/usr/bin/openssl', args, { encoding: 'utf8', stdio: 'pipe' });
const spkiOf = (key: KeyObject): Buffer => key.export({ type: 'spki', format: 'der' });
const colonHex = (buf: Buffer): string => buf.toString('hex').toUpperCase().replace(/(..)(?!$)/g, '$1:');
const day = 86_400_000;

interface Party { privateKey: KeyObject; spki: Buffer; name: Buffer; keyId: Buffer }

function party(privateKey: KeyObject, publicKey: KeyObject, name: Parameters<typeof encodeName>[0]): Party {
  const spki = spkiOf(publicKey);
  return { privateKey, spki, name: encodeName(name), keyId: keyIdentifier(spki) };
}

function issue(issuer: Party, subject: Party, extensions: Extension[], notAfter: Date): Buffer {
  const { algorithmIdentifier, hash } = signatureAlgorithmFor(describePublicKey(issuer.spki));
  const tbs = encodeTbsCertificate({
    serial: randomSerial(), signatureAlgorithm: algorithmIdentifier, issuer: issuer.name, subject: subject.name,
    notBefore: new Date(Date.now() - 60_000), notAfter, subjectPublicKeyInfo: subject.spki,
    extensions: [...extensions, subjectKeyIdentifier(subject.keyId), authorityKeyIdentifier(issuer.keyId)],
  });
  return assembleCertificate(tbs, algorithmIdentifier, sign(hash, tbs, issuer.privateKey));
}

/** Our own strict reader over every element, and every extension value, as a second DER check. */
function walkStrict(buf: Buffer, element: Tlv): void {
  if (element.tag === 0x04 && element.length > 0 && buf[element.start] === 0x30) {
    walkStrict(buf, readTlv(buf, element.start, { end: element.start + element.length }));
  }
  if (element.tag & 0x20) for (const child of readChildren(buf, element)) walkStrict(buf, child);
}

const leafKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signers = [
  { label: 'RSA-2048', keys: () => generateKeyPairSync('rsa', { modulusLength: 2048 }), text: 'sha256WithRSAEncryption' },
  { label: 'P-256', keys: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }), text: 'ecdsa-with-SHA256' },
  { label: 'P-384', keys: () => generateKeyPairSync('ec', { namedCurve: 'P-384' }), text: 'ecdsa-with-SHA384' },
];

for (const signer of signers) {
  test(`${signer.label} CA, S/MIME leaf and OCSP responder pass openssl`, () => {
    const caKeys = signer.keys();
    const ca = party(caKeys.privateKey, caKeys.publicKey, [{ type: 'C', value: 'DE' }, { type: 'O', value: 'Example' }, { type: 'CN', value: `Test CA ${signer.label}` }]);
    const leaf = party(leafKeys.privateKey, leafKeys.publicKey, [{ type: 'O', value: 'Example' }, { type: 'CN', value: 'alice@example.test' }]);
    const responder = party(leafKeys.privateKey, leafKeys.publicKey, [{ type: 'CN', value: 'OCSP responder' }]);
    const caCert = issue(ca, ca, [basicConstraints({ ca: true, pathLength: 0 }, true), keyUsage(['digitalSignature', 'keyCertSign', 'cRLSign'])],
      new Date('2051-01-01T00:00:00Z'));
    const leafCert = issue(ca, leaf, [
      basicConstraints({ ca: false }, true),
      keyUsage(['digitalSignature', 'keyEncipherment']),
      extendedKeyUsage([oids.idKpEmailProtection, oids.idKpClientAuth]),
      subjectAltName({ emails: ['alice@example.test', 'a.smith@example.test'] }, false),
      crlDistributionPoints(['http://crl.example.test/ca.crl']),
      authorityInfoAccess({ caIssuers: ['http://pki.example.test/ca.crt'], ocsp: ['http://ocsp.example.test'] }),
      certificatePolicies([{ oid: oids.smimePolicyOid('mailbox', 'strict'), cpsUri: 'https://pki.example.test/cps' }]),
    ], new Date(Date.now() + 365 * day));
    const responderCert = issue(ca, responder, [keyUsage(['digitalSignature']), extendedKeyUsage([oids.idKpOCSPSigning]), ocspNoCheck()],
      new Date(Date.now() + 30 * day));

    const files: Record<string, Buffer> = { ca: caCert, leaf: leafCert, ocsp: responderCert };
    for (const [name, der] of Object.entries(files)) {
      writeFileSync(join(dir, `${signer.label}-${name}.der`), der);
      writeFileSync(join(dir, `${signer.label}-${name}.pem`), toPem('CERTIFICATE', der));
      const derPath = join(dir, `${signer.label}-${name}.der`);
      const reencoded = join(dir, `${signer.label}-${name}.reencoded.der`);
      openssl('x509', '-inform', 'DER', '-in', derPath, '-outform', 'DER', '-out', reencoded);
      assert.deepEqual(readFileSync(reencoded), der, `${name}: openssl re-encodes identical bytes`);
      assert.match(openssl('asn1parse', '-inform', 'DER', '-in', derPath), /BIT STRING/);
      walkStrict(der, readTlv(der, 0));
    }

    const text = (name: string) => openssl('x509', '-inform', 'DER', '-in', join(dir, `${signer.label}-${name}.der`), '-text', '-noout');
    const caText = text('ca');
    assert.match(caText, new RegExp(`Signature Algorithm: ${signer.text}`));
    assert.match(caText, /X509v3 Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    assert.match(caText, /X509v3 Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign/);
    assert.match(caText, /Not After : Jan {2}1 00:00:00 2051 GMT/, 'GeneralizedTime from 2050');
    assert.ok(caText.includes(`X509v3 Subject Key Identifier: \n                ${colonHex(ca.keyId)}`));

    const leafText = text('leaf');
    assert.match(leafText, /X509v3 Basic Constraints: critical\s+CA:FALSE/);
    assert.match(leafText, /X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment\n/);
    assert.match(leafText, /X509v3 Extended Key Usage: \n\s+E-mail Protection, TLS Web Client Authentication\n/);
    assert.match(leafText, /X509v3 Subject Alternative Name: \n\s+email:alice@example\.test, email:a\.smith@example\.test\n/);
    assert.match(leafText, /X509v3 CRL Distribution Points: \s+Full Name:\s+URI:http:\/\/crl\.example\.test\/ca\.crl\n/);
    assert.match(leafText, /OCSP - URI:http:\/\/ocsp\.example\.test\n/);
    assert.match(leafText, /CA Issuers - URI:http:\/\/pki\.example\.test\/ca\.crt\n/);
    assert.match(leafText, /Policy: 2\.23\.140\.1\.5\.1\.3\n\s+CPS: https:\/\/pki\.example\.test\/cps\n/);
    assert.ok(leafText.includes(`X509v3 Subject Key Identifier: \n                ${colonHex(leaf.keyId)}`));
    assert.ok(leafText.includes(`X509v3 Authority Key Identifier: \n                ${colonHex(ca.keyId)}`));
    assert.match(text('ocsp'), /OCSP No Check/);
    assert.match(text('ocsp'), /X509v3 Extended Key Usage: \n\s+OCSP Signing\n/);
    for (const output of [caText, leafText, text('ocsp')]) assert.doesNotMatch(output, /error|unable|<Parse Error>|Unknown/i);

    const caFile = join(dir, `${signer.label}-ca.pem`);
    const verified = openssl('verify', '-x509_strict', '-CAfile', caFile, caFile, join(dir, `${signer.label}-ocsp.pem`));
    assert.equal(verified.match(/: OK$/gm)?.length, 2);
    assert.match(openssl('verify', '-x509_strict', '-purpose', 'smimesign', '-CAfile', caFile, join(dir, `${signer.label}-leaf.pem`)), /: OK\n$/);
    assert.match(openssl('verify', '-x509_strict', '-purpose', 'smimeencrypt', '-CAfile', caFile, join(dir, `${signer.label}-leaf.pem`)), /: OK\n$/);
  });
}

test('readCertificate agrees with openssl on serial, dates, names, SAN and key identifiers', () => {
  const keyPath = join(dir, 'openssl.key');
  const certPath = join(dir, 'openssl.der');
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyPath,
    '-subj', '/C=DE/O=Example, Inc./CN=bob@example.test', '-days', '30', '-outform', 'DER', '-out', certPath,
    '-addext', 'subjectAltName=email:bob@example.test,DNS:example.test,email:b@example.test', '-set_serial', '0x00ff0102');
  const fields = readCertificate(readFileSync(certPath));
  const view = openssl('x509', '-inform', 'DER', '-in', certPath, '-noout', '-serial', '-dates', '-dateopt', 'iso_8601',
    '-subject', '-issuer', '-nameopt', 'RFC2253');
  assert.match(view, new RegExp(`^serial=${fields.serialHex.toUpperCase()}$`, 'm'));
  assert.equal(fields.serialHex, 'ff0102');
  const dates = [...view.matchAll(/^not(?:Before|After)=(.+)Z$/gm)].map((m) => new Date(`${m[1]!.replace(' ', 'T')}Z`).getTime());
  assert.deepEqual(dates, [fields.notBefore.getTime(), fields.notAfter.getTime()]);
  assert.match(view, new RegExp(`^subject=${formatNameDer(fields.subject).replace(/[\\.]/g, '\\$&')}$`, 'm'));
  assert.match(view, new RegExp(`^issuer=${formatNameDer(fields.issuer).replace(/[\\.]/g, '\\$&')}$`, 'm'));
  assert.deepEqual(fields.emails, ['bob@example.test', 'b@example.test']);
  assert.deepEqual(fields.subjectKeyIdentifier, keyIdentifier(fields.subjectPublicKeyInfo));
  assert.deepEqual(fields.authorityKeyIdentifier, fields.subjectKeyIdentifier);
});

test('serials are 16 octets, positive without padding, and read back as written', () => {
  for (let i = 0; i < 200; i++) {
    const serial = randomSerial();
    assert.equal(serial.length, 16);
    assert.equal(serial[0]! & 0xc0, 0x40);
    assert.match(serialToHex(serial), /^[4-7][0-9a-f]{31}$/);
  }
  assert.equal(serialToHex(Buffer.from('0000ab', 'hex')), 'ab');
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const self = party(keys.privateKey, keys.publicKey, [{ type: 'CN', value: 'x' }]);
  const der = issue(self, self, [], new Date(Date.now() + day));
  assert.equal(readCertificate(der).serialHex, openssl('x509', '-inform', 'DER', '-noout', '-serial', '-in', (() => {
    const path = join(dir, 'serial.der');
    writeFileSync(path, der);
    return path;
  })()).trim().slice('serial='.length).toLowerCase());
});

test('encodeTbsCertificate refuses impossible certificates; readCertificate refuses garbage', () => {
  const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const self = party(keys.privateKey, keys.publicKey, [{ type: 'CN', value: 'x' }]);
  const spec = {
    serial: randomSerial(), signatureAlgorithm: signatureAlgorithmFor({ kind: 'ec', curve: 'P-256' }).algorithmIdentifier,
    issuer: self.name, subject: self.name, notBefore: new Date(), notAfter: new Date(Date.now() + day),
    subjectPublicKeyInfo: self.spki, extensions: [],
  };
  const unencodable = (error: unknown) => error instanceof PkiError && error.code === 'der.unencodable';
  assert.throws(() => encodeTbsCertificate({ ...spec, serial: Buffer.alloc(21, 1) }), unencodable);
  assert.throws(() => encodeTbsCertificate({ ...spec, serial: Buffer.alloc(4) }), unencodable);
  assert.throws(() => encodeTbsCertificate({ ...spec, notAfter: new Date(0) }), unencodable);
  assert.throws(() => encodeTbsCertificate({ ...spec, issuer: Buffer.concat([self.name, self.name]) }), unencodable);

  const der = issue(self, self, [subjectAltName({ emails: ['x@example.test'] }, false)], new Date(Date.now() + day));
  const malformed = (error: unknown) => error instanceof PkiError && error.code === 'der.malformed';
  assert.throws(() => readCertificate(der.subarray(0, der.length - 1)), malformed);
  assert.throws(() => readCertificate(Buffer.concat([der, Buffer.of(0)])), malformed);
  assert.throws(() => readCertificate(Buffer.from('garbage')), malformed);
  assert.throws(() => readCertificate(Buffer.alloc(0)), malformed);
  for (let i = 0; i < der.length; i++) {
    const flipped = Buffer.from(der);
    flipped[i]! ^= 0xff;
    try {
      readCertificate(flipped);
    } catch (error) {
      assert.ok(malformed(error), `byte ${i}: ${String(error)}`);
    }
  }
});
