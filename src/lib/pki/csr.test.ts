// PKCS#10 (RFC 2986) requests made by `openssl req` and by hand (BER, certmonger quirks), good and bad.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCertificationRequest } from './csr.js';
import type { CertificationRequest } from './csr.js';
import { bitString, contextImplicit, integer, octetString, oid, printableString, seq, set, utf8String } from './der.js';
import { PkiError } from './errors.js';
import type { PkiErrorCode } from './errors.js';
import { subjectAltName } from './extensions.js';
import { encodeName } from './name.js';
import * as oids from './oids.js';
import { derOrPem, toPem } from './pem.js';
import { signatureAlgorithmFor } from './public-key.js';

const dir = mkdtempSync(join(tmpdir(), 'mcms-pki-csr-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const openssl = (...args: string[]): string => execFileSync('/usr/bin/openssl', args, { encoding: 'utf8', stdio: 'pipe' });
const rejects = (input: string | Buffer, code: PkiErrorCode, message?: RegExp) => assert.throws(
  () => parseCertificationRequest(input),
  (error: unknown) => error instanceof PkiError && error.code === code && (!message || message.test(error.message)),
  `${code} ${String(message)}`,
);

const config = `[req]
prompt = no
distinguished_name = dn
attributes = attrs
req_extensions = ext
[dn]
O = Example
CN = alice@example.test
[attrs]
challengePassword = one-time-secret
[ext]
subjectAltName = email:alice@example.test,email:alice.alias@example.test
`;
writeFileSync(join(dir, 'req.cnf'), config);

/** Makes a CSR with `openssl req` and reads openssl's own view of its subject and key. */
function opensslCsr(name: string, keyArgs: string[], extraArgs: string[] = []) {
  const csrPath = join(dir, `${name}.csr`);
  openssl('req', '-new', ...keyArgs, '-nodes', '-keyout', join(dir, `${name}.key`), '-config', join(dir, 'req.cnf'), '-out', csrPath, ...extraArgs);
  const pem = readFileSync(csrPath, 'utf8');
  const subject = openssl('req', '-in', csrPath, '-noout', '-subject', '-nameopt', 'RFC2253').trim().replace(/^subject=/, '');
  const spki = derOrPem(openssl('req', '-in', csrPath, '-noout', '-pubkey'), 'PUBLIC KEY');
  return { pem, subject, spki, der: derOrPem(pem, 'CERTIFICATE REQUEST') };
}

const made = [
  { name: 'rsa-2048', key: ['-newkey', 'rsa:2048'], extra: [], algorithm: 'sha256WithRSAEncryption', publicKey: { kind: 'rsa', bits: 2048, exponent: 65537n } },
  { name: 'rsa-1024', key: ['-newkey', 'rsa:1024'], extra: ['-sha1'], algorithm: 'sha1WithRSAEncryption', publicKey: { kind: 'rsa', bits: 1024, exponent: 65537n } },
  { name: 'p-256', key: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], extra: [], algorithm: 'ecdsa-with-SHA256', publicKey: { kind: 'ec', curve: 'P-256' } },
  { name: 'p-384', key: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'], extra: ['-sha384'], algorithm: 'ecdsa-with-SHA384', publicKey: { kind: 'ec', curve: 'P-384' } },
  { name: 'p-384-sha512', key: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'], extra: ['-sha512'], algorithm: 'ecdsa-with-SHA512', publicKey: { kind: 'ec', curve: 'P-384' } },
  { name: 'ed25519', key: ['-newkey', 'ed25519'], extra: [], algorithm: 'ED25519', publicKey: { kind: 'ed25519' } },
  { name: 'rsa-pss', key: ['-newkey', 'rsa:2048'], extra: ['-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32'], algorithm: 'rsassaPss', publicKey: { kind: 'rsa', bits: 2048, exponent: 65537n } },
];

const csrs = new Map<string, ReturnType<typeof opensslCsr>>();

/** Each openssl CSR is made once and shared by the tests below. */
function csrFor(name: string): ReturnType<typeof opensslCsr> {
  const spec = made.find((m) => m.name === name);
  assert.ok(spec, name);
  const csr = csrs.get(name) ?? opensslCsr(name, spec.key, spec.extra);
  csrs.set(name, csr);
  return csr;
}

for (const { name, algorithm, publicKey } of made) {
  test(`openssl req ${name} (${algorithm}): parsed, verified and agreeing with openssl`, () => {
    const csr = csrFor(name);
    assert.match(openssl('req', '-in', join(dir, `${name}.csr`), '-noout', '-text'), new RegExp(`Signature Algorithm: ${algorithm}\\b`));
    for (const input of [csr.pem, csr.der, Buffer.from(csr.pem), csr.pem.replace(/CERTIFICATE REQUEST/g, 'NEW CERTIFICATE REQUEST')]) {
      const parsed: CertificationRequest = parseCertificationRequest(input);
      assert.deepEqual(parsed.publicKey, publicKey);
      assert.equal(parsed.subject, csr.subject);
      assert.equal(parsed.subject, 'CN=alice@example.test,O=Example');
      assert.deepEqual(parsed.subjectPublicKeyInfo, csr.spki);
      assert.deepEqual(parsed.requestedEmails, ['alice@example.test', 'alice.alias@example.test']);
      assert.equal(parsed.challengePassword, 'one-time-secret');
      assert.deepEqual(parsed.der, csr.der);
    }
  });
}

test('a tampered CSR fails signature verification', () => {
  for (const name of ['rsa-2048', 'p-256', 'ed25519', 'rsa-pss']) {
    const { der } = csrFor(name);
    const lastByte = Buffer.from(der);
    lastByte[lastByte.length - 1]! ^= 0x01;
    rejects(lastByte, 'csr.bad-signature', /^CSR signature does not verify$/);
    const renamed = Buffer.from(der);
    renamed[renamed.indexOf('alice@example.test')] = 'b'.charCodeAt(0);
    rejects(toPem('CERTIFICATE REQUEST', renamed), 'csr.bad-signature', /^CSR signature does not verify$/);
  }
});

test('garbage, truncation, wrong labels and empty input give specific errors', () => {
  const { der } = csrFor('p-256');
  rejects(der.subarray(0, der.length - 10), 'csr.malformed', /^CSR is not valid DER\/BER: truncated/);
  rejects(der.subarray(0, 1), 'csr.malformed', /^CSR is not valid DER\/BER/);
  rejects(toPem('CERTIFICATE REQUEST', der.subarray(0, 100)), 'csr.malformed', /^CSR is not valid DER\/BER/);
  rejects(Buffer.concat([der, Buffer.of(0)]), 'csr.malformed', /trailing data/);
  rejects(randomBytes(300), 'csr.malformed');
  rejects(Buffer.concat([Buffer.of(0x30, 0x82, 0x01, 0x00), randomBytes(256)]), 'csr.malformed');
  rejects(toPem('CERTIFICATE', der), 'pem.invalid', /^not a PEM CERTIFICATE REQUEST$/);
  rejects('hello, I am not a CSR', 'pem.invalid', /^not a PEM CERTIFICATE REQUEST$/);
  rejects('-----BEGIN CERTIFICATE REQUEST-----\n@@@@\n-----END CERTIFICATE REQUEST-----\n', 'pem.invalid', /broken base64/);
  rejects('', 'csr.malformed', /^CSR is empty$/);
  rejects(' \n', 'csr.malformed', /^CSR is empty$/);
  rejects(Buffer.alloc(0), 'csr.malformed', /^CSR is empty$/);
});

test('every single-byte corruption ends in a PkiError', () => {
  const { der } = csrFor('p-256');
  for (let i = 0; i < der.length; i++) {
    const corrupted = Buffer.from(der);
    corrupted[i]! ^= 0x55;
    assert.throws(() => parseCertificationRequest(corrupted), PkiError, `byte ${i}`);
  }
});

const ecKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ecSpki = ecKeys.publicKey.export({ type: 'spki', format: 'der' });
const ecdsaSha256 = signatureAlgorithmFor({ kind: 'ec', curve: 'P-256' }).algorithmIdentifier;

/** A CSR built by hand: DER by default, or whatever BER the caller encodes for the info. */
function handMade(info: Buffer, algorithm = ecdsaSha256, signature = sign('sha256', info, ecKeys.privateKey)): Buffer {
  return seq(info, algorithm, bitString(signature));
}

const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');
const ber = (tag: string, ...parts: Buffer[]): Buffer => Buffer.concat([hex(`${tag}80`), ...parts, hex('0000')]);

test('lenient parsing: BER lengths, constructed strings and @ in a PrintableString (certmonger)', () => {
  const cn = ber('2c', utf8String('alice'), utf8String('@example.test'));
  const subject = ber('30',
    set(seq(oid(oids.idAtOrganizationName), hex('1307 4578616d706c65'))),
    ber('31', ber('30', oid(oids.idAtCommonName), cn)),
    set(seq(oid(oids.idAtOrganizationalUnitName), Buffer.concat([hex('1303'), Buffer.from('x@y')]))));
  const san = subjectAltName({ emails: ['alice@example.test'] }, false).value;
  const extnValue = ber('24', octetString(san.subarray(0, 5)), octetString(san.subarray(5)));
  const extensionRequest = seq(oid(oids.pkcs9AtExtensionRequest), set(seq(seq(oid(oids.idCeSubjectAltName), extnValue))));
  const password = seq(oid(oids.pkcs9AtChallengePassword), set(hex('1e0a 0070 0061 0073 0073 0021')));
  const berSpki = Buffer.concat([hex('308159'), ecSpki.subarray(2)]); // non-minimal length
  const info = ber('30', integer(0n), subject, berSpki, ber('a0', extensionRequest, password));
  const csr = ber('30', info, ecdsaSha256, bitString(sign('sha256', info, ecKeys.privateKey)));
  const parsed = parseCertificationRequest(csr);
  assert.equal(parsed.subject, 'OU=x@y,CN=alice@example.test,O=Example');
  assert.deepEqual(parsed.requestedEmails, ['alice@example.test']);
  assert.equal(parsed.challengePassword, 'pass!');
  assert.deepEqual(parsed.subjectPublicKeyInfo, ecSpki, 'the key comes out as canonical DER');
  assert.deepEqual(parsed.publicKey, { kind: 'ec', curve: 'P-256' });
  // Without attributes (some clients omit the [0]) and with an empty subject.
  assert.equal(parseCertificationRequest(handMade(seq(integer(0n), seq(), ecSpki))).subject, '');
});

test('unsupported keys and algorithms are named, and a mismatched algorithm does not verify', () => {
  const name = encodeName([{ type: 'CN', value: 'x' }]);
  const attributes = contextImplicit(0, Buffer.alloc(0), true);
  const x25519 = generateKeyPairSync('x25519').publicKey.export({ type: 'spki', format: 'der' });
  rejects(handMade(seq(integer(0n), name, x25519, attributes)), 'key.unsupported');
  const unknownAlgorithm = Buffer.from(ecSpki);
  unknownAlgorithm[8] = 0x7f;
  rejects(handMade(seq(integer(0n), name, unknownAlgorithm, attributes)), 'key.unsupported', /unsupported public key algorithm/);
  const info = seq(integer(0n), name, ecSpki, attributes);
  rejects(handMade(info, seq(oid('1.2.3.4'))), 'csr.unsupported-algorithm', /1\.2\.3\.4/);
  rejects(handMade(info, signatureAlgorithmFor({ kind: 'rsa', bits: 2048, exponent: 65537n }).algorithmIdentifier), 'csr.bad-signature');
  rejects(handMade(seq(integer(1n), name, ecSpki, attributes)), 'csr.malformed', /version/);
  assert.equal(parseCertificationRequest(handMade(info)).subject, 'CN=x');
  assert.throws(() => printableString('x@y'), PkiError, 'our encoder stays strict while the reader is lenient');
});
