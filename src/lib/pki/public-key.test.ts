// Public keys (RFC 5280 §4.1.2.7, §4.2.1.2; S/MIME BR §7.1.3.2), with OpenSSL computing key identifiers.
import { execFileSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readCertificate } from './certificate.js';
import { PkiError } from './errors.js';
import { derOrPem } from './pem.js';
import { seq, oid } from './der.js';
import { rsaEncryption } from './oids.js';
import { canonicalSpki, describePublicKey, keyIdentifier, signatureAlgorithmFor } from './public-key.js';

const dir = mkdtempSync(join(tmpdir(), 'mcms-pki-key-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const spkiOf = (key: KeyObject): Buffer => key.export({ type: 'spki', format: 'der' });
const isCode = (code: string) => (error: unknown) => error instanceof PkiError && error.code === code;

test('describePublicKey reads RSA, EC and EdDSA keys', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024, publicExponent: 3 }).publicKey;
  assert.deepEqual(describePublicKey(spkiOf(rsa)), { kind: 'rsa', bits: 1024, exponent: 3n });
  for (const [namedCurve, curve] of [['P-256', 'P-256'], ['P-384', 'P-384'], ['P-521', 'P-521'], ['secp256k1', 'secp256k1']]) {
    const key = generateKeyPairSync('ec', { namedCurve: namedCurve! }).publicKey;
    assert.deepEqual(describePublicKey(spkiOf(key)), { kind: 'ec', curve });
  }
  assert.deepEqual(describePublicKey(spkiOf(generateKeyPairSync('ed25519').publicKey)), { kind: 'ed25519' });
  assert.deepEqual(describePublicKey(spkiOf(generateKeyPairSync('ed448').publicKey)), { kind: 'ed448' });
});

test('describePublicKey refuses other key types and garbage with specific codes', () => {
  assert.throws(() => describePublicKey(spkiOf(generateKeyPairSync('x25519').publicKey)), isCode('key.unsupported'));
  const spki = spkiOf(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey);
  const unknownAlgorithm = Buffer.from(spki);
  unknownAlgorithm[8] = 0x7f; // inside the id-ecPublicKey OID
  assert.throws(() => describePublicKey(unknownAlgorithm), isCode('key.unsupported'));
  assert.throws(() => describePublicKey(Buffer.from('not a key')), isCode('der.malformed'));
  assert.throws(() => describePublicKey(spki.subarray(0, 40)), isCode('der.malformed'));
});

test('signatureAlgorithmFor gives the byte-exact S/MIME BR §7.1.3.2 AlgorithmIdentifiers', () => {
  const rsa = signatureAlgorithmFor({ kind: 'rsa', bits: 4096, exponent: 65537n });
  assert.deepEqual([rsa.algorithmIdentifier.toString('hex'), rsa.hash], ['300d06092a864886f70d01010b0500', 'sha256']);
  const expected: [string, string, string][] = [
    ['P-256', '300a06082a8648ce3d040302', 'sha256'],
    ['P-384', '300a06082a8648ce3d040303', 'sha384'],
    ['P-521', '300a06082a8648ce3d040304', 'sha512'],
  ];
  for (const [curve, der, hash] of expected) {
    const algorithm = signatureAlgorithmFor({ kind: 'ec', curve });
    assert.deepEqual([algorithm.algorithmIdentifier.toString('hex'), algorithm.hash], [der, hash]);
  }
  assert.throws(() => signatureAlgorithmFor({ kind: 'ec', curve: 'secp256k1' }), isCode('key.unsupported'));
  assert.throws(() => signatureAlgorithmFor({ kind: 'ed25519' }), isCode('key.unsupported'));
});

test('keyIdentifier matches the subjectKeyIdentifier OpenSSL computes (RFC 5280 method 1)', () => {
  for (const algorithm of ['rsa:2048', 'ec', 'ed25519']) {
    const certPath = join(dir, `${algorithm.replace(':', '-')}.pem`);
    const keyPath = join(dir, `${algorithm.replace(':', '-')}.key`);
    const args = algorithm === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'] : ['-newkey', algorithm];
    execFileSync('/usr/bin/openssl', ['req', '-x509', ...args, '-nodes', '-keyout', keyPath, '-out', certPath,
      '-subj', '/CN=ski test', '-days', '1', '-addext', 'subjectKeyIdentifier=hash'], { stdio: 'pipe' });
    const fields = readCertificate(derOrPem(execFileSync('/usr/bin/openssl', ['x509', '-in', certPath], { encoding: 'utf8' }), 'CERTIFICATE'));
    assert.ok(fields.subjectKeyIdentifier, algorithm);
    assert.deepEqual(keyIdentifier(fields.subjectPublicKeyInfo), fields.subjectKeyIdentifier, algorithm);
  }
});

test('canonicalSpki keeps canonical DER as sent and re-encodes anything else', () => {
  const ec = spkiOf(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey);
  assert.equal(canonicalSpki(ec, createPublicKey({ key: ec, format: 'der', type: 'spki' })), ec);
  const nonMinimal = Buffer.concat([Buffer.from('308159', 'hex'), ec.subarray(2)]);
  assert.deepEqual(canonicalSpki(nonMinimal, createPublicKey({ key: nonMinimal, format: 'der', type: 'spki' })), ec);
  const rsa = spkiOf(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey);
  const withoutNull = seq(seq(oid(rsaEncryption)), rsa.subarray(rsa.indexOf(Buffer.from('0500', 'hex')) + 2));
  assert.deepEqual(canonicalSpki(withoutNull, createPublicKey({ key: withoutNull, format: 'der', type: 'spki' })), rsa);
});
