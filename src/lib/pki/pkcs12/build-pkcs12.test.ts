// buildPkcs12 (RFC 7292, RFC 8018) judged by independent parsers: OpenSSL 3.0 (without -legacy), NSS
// pk12util and GnuTLS certtool; DER checked by re-encoding every layer, the decrypted ones included.
import { spawnSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { contentOf, expectTag, readChildren, readOid, readTlv, readWhole, set, tlv } from '../der.js';
import type { Tlv } from '../der.js';
import { PkiError } from '../errors.js';
import { forEachSafeContents } from './authenticated-safe.js';
import { buildPkcs12 } from './build-pkcs12.js';
import type { Pkcs12Variant } from './build-pkcs12.js';
import { decryptContent } from './encrypted-content.js';
import { testCa, testIdentity } from './fixtures/test-identities.js';
import type { TestIdentity } from './fixtures/test-identities.js';
import type { Pkcs12IdentityInput } from './identity-input.js';
import { newPkcs12Password } from './password.js';
import { readPfx } from './pfx.js';
import * as oids from './pkcs12-oids.js';

const dir = mkdtempSync(join(tmpdir(), 'mcms-pkcs12-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a tool; returns stdout and stderr together (openssl -info writes to stderr) and the exit status. */
function run(command: string, args: string[], input?: Buffer): { status: number | null; output: string } {
  const result = spawnSync(command, args, { input, encoding: 'latin1' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function mustRun(command: string, args: string[], input?: Buffer): string {
  const { status, output } = run(command, args, input);
  assert.equal(status, 0, `${command} ${args.join(' ')}:\n${output}`);
  return output;
}

const count = (text: string, pattern: RegExp): number => text.match(new RegExp(pattern.source, `${pattern.flags}g`))?.length ?? 0;
const isCode = (code: string) => (error: unknown) => error instanceof PkiError && error.code === code;

const ca = testCa();
const current = testIdentity(ca, 'rsa-2048', 'alice@example.test');
const previous = testIdentity(ca, 'p-256', 'alice@example.test');
const oldest = testIdentity(ca, 'rsa-2048', 'alice@example.test');

interface Scenario { label: string; identities: Pkcs12IdentityInput[]; keys: TestIdentity[]; chainCount: number }

const scenarios: Scenario[] = [
  {
    label: '1 identity',
    identities: [{ privateKey: current.privateKey, certificate: current.certificate, friendlyName: 'alice@example.test' }],
    keys: [current],
    chainCount: 0,
  },
  {
    label: '3 identities and a chain certificate',
    identities: [
      { privateKey: current.privateKey, certificate: current.certificate, chain: [ca.certificate], friendlyName: 'alice (current)' },
      { privateKey: previous.privateKey, certificate: previous.certificate, chain: [ca.certificate], friendlyName: 'alice (2025)' },
      // PKCS#8 DER instead of a KeyObject, and no friendlyName.
      { privateKey: oldest.privateKey.export({ type: 'pkcs8', format: 'der' }), certificate: oldest.certificate, chain: [ca.certificate] },
    ],
    keys: [current, previous, oldest],
    chainCount: 1,
  },
];

const expected: Record<Pkcs12Variant, { openssl: RegExp[]; nss: RegExp; certtool: RegExp[]; saltHex: number }> = {
  legacy: {
    openssl: [/MAC: sha1, Iteration 2048\n/, /MAC length: 20, salt length: 8\n/,
      /PKCS7 Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048\n/, /Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048\n/],
    nss: /Encryption algorithm: PKCS #12 V2 PBE With SHA-1 And 3KEY Triple DES-CBC/,
    certtool: [/MAC: SHA1 \(1\.3\.14\.3\.2\.26\)/, /Schema: PKCS12-3DES-SHA1 \(1\.2\.840\.113549\.1\.12\.1\.3\)/],
    saltHex: 16,
  },
  modern: {
    openssl: [/MAC: sha256, Iteration 2048\n/, /MAC length: 32, salt length: 16\n/,
      /PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256\n/,
      /Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256\n/],
    nss: /Encryption algorithm: PKCS #5 Password Based Encryption v2 \s+Encryption:\s+KDF: PKCS #5 Password Based Key Dervive Function v2 \s+Parameters:\s+Cipher: AES-256-CBC/,
    certtool: [/MAC: SHA256 \(2\.16\.840\.1\.101\.3\.4\.2\.1\)/, /Schema: PBES2-AES256-CBC \(2\.16\.840\.1\.101\.3\.4\.1\.42\)/],
    saltHex: 32,
  },
};

/** `openssl pkcs12 -nodes` output, cut into its bags: localKeyID (hex) and the PEM block. */
function opensslBags(text: string): { localKeyId?: string; friendlyName?: string; label: string; pem: string }[] {
  return text.split(/(?=^Bag Attributes)/m).filter((chunk) => chunk.startsWith('Bag Attributes')).map((chunk) => {
    const pem = /-----BEGIN ([A-Z ]+)-----\n[\s\S]*?-----END \1-----\n/.exec(chunk);
    assert.ok(pem, chunk);
    const localKeyId = /localKeyID: ([0-9A-F ]+)/.exec(chunk)?.[1]?.replaceAll(' ', '').toLowerCase();
    const friendlyName = /friendlyName: (.*)\n/.exec(chunk)?.[1];
    return { label: pem[1]!, pem: pem[0], ...(localKeyId ? { localKeyId } : {}), ...(friendlyName ? { friendlyName } : {}) };
  });
}

function publicKeyOfPem(kind: 'pkey' | 'x509', pem: string): Buffer {
  const args = kind === 'pkey' ? ['pkey', '-pubout', '-outform', 'DER'] : ['x509', '-pubkey', '-noout'];
  const result = spawnSync('/usr/bin/openssl', args, { input: pem });
  assert.equal(result.status, 0, result.stderr.toString());
  const spki = kind === 'pkey' ? result.stdout : createPublicKey(result.stdout.toString()).export({ type: 'spki', format: 'der' });
  return createPublicKey({ key: spki, format: 'der', type: 'spki' }).export({ type: 'spki', format: 'der' });
}

function checkWithOpenssl(file: string, password: string, scenario: Scenario, variant: Pkcs12Variant): void {
  const info = mustRun('/usr/bin/openssl', ['pkcs12', '-info', '-noout', '-in', file, '-passin', `pass:${password}`]);
  for (const pattern of expected[variant].openssl) assert.match(info, pattern, info);
  assert.equal(count(info, /Shrouded Keybag/), scenario.keys.length);
  assert.equal(count(info, /Certificate bag/), scenario.keys.length + scenario.chainCount);
  assert.doesNotMatch(info, /error|unsupported/i);

  const bags = opensslBags(mustRun('/usr/bin/openssl', ['pkcs12', '-in', file, '-nodes', '-passin', `pass:${password}`]));
  const keys = bags.filter((bag) => bag.label === 'PRIVATE KEY');
  const certificates = bags.filter((bag) => bag.label === 'CERTIFICATE');
  assert.equal(keys.length, scenario.keys.length);
  assert.equal(certificates.filter((bag) => !bag.localKeyId).length, scenario.chainCount, 'chain certificates carry no localKeyId');
  keys.forEach((key, index) => {
    const certificate = certificates.find((bag) => bag.localKeyId === key.localKeyId);
    assert.ok(certificate && key.localKeyId, `key ${index + 1} has a certificate with its localKeyID`);
    const spki = publicKeyOfPem('pkey', key.pem);
    assert.deepEqual(spki, publicKeyOfPem('x509', certificate.pem), `key ${index + 1} matches its certificate`);
    assert.deepEqual(spki, scenario.keys[index]!.spki, `key ${index + 1} is the identity's key, in order`);
    assert.equal(key.friendlyName, scenario.identities[index]!.friendlyName);
    assert.equal(certificate.friendlyName, scenario.identities[index]!.friendlyName);
  });
}

function checkWithNss(file: string, password: string, scenario: Scenario, variant: Pkcs12Variant): void {
  const db = mkdtempSync(join(dir, 'nss-'));
  mustRun('certutil', ['-N', '-d', `sql:${db}`, '--empty-password']);
  const listing = mustRun('pk12util', ['-l', file, '-W', password, '-d', `sql:${db}`]);
  assert.equal(count(listing, /^Certificate\(has private key\):/m), scenario.keys.length, listing);
  assert.equal(count(listing, /^Certificate:/m), scenario.chainCount, listing);
  assert.equal(count(listing, /^Key\(shrouded\):/m), scenario.keys.length, listing);
  assert.equal(count(listing, expected[variant].nss), scenario.keys.length, listing);
  assert.match(mustRun('pk12util', ['-i', file, '-W', password, '-K', '', '-d', `sql:${db}`]), /PKCS12 IMPORT SUCCESSFUL/);
  const keys = mustRun('certutil', ['-K', '-d', `sql:${db}`]);
  assert.equal(count(keys, /^<\s*\d+> (rsa|ec) /m), scenario.keys.length, keys);
  const certificates = mustRun('certutil', ['-L', '-d', `sql:${db}`]);
  assert.equal(count(certificates, /u,u,u$/m), scenario.keys.length, certificates);
  for (const identity of scenario.identities) if (identity.friendlyName) assert.ok(certificates.includes(identity.friendlyName), certificates);
}

function checkWithGnutls(file: string, password: string, scenario: Scenario, variant: Pkcs12Variant): void {
  const info = mustRun('certtool', ['--p12-info', '--inder', '--infile', file, '--password', password]);
  for (const pattern of expected[variant].certtool) assert.match(info, pattern, info);
  assert.equal(count(info, /Type: PKCS #8 Encrypted key/), scenario.keys.length);
  assert.equal(count(info, /Type: Certificate/), scenario.keys.length + scenario.chainCount);
  assert.doesNotMatch(info, /verification failed|error/i);
  const salts = [...info.matchAll(/Salt: ([0-9a-f]+)\n/g)].map((match) => match[1]!);
  assert.equal(salts.length, 2 + scenario.keys.length, 'MAC, certificates and each key have a salt');
  assert.equal(new Set(salts).size, salts.length, 'every salt is fresh');
  for (const salt of salts) assert.equal(salt.length, expected[variant].saltHex);
  const wrong = run('certtool', ['--p12-info', '--inder', '--infile', file, '--password', `${password}x`]);
  assert.notEqual(wrong.status, 0);
  assert.match(wrong.output, /Message Authentication Code verification failed/);
}

/** Re-encodes with our DER encoder (minimal lengths, SET OF sorted); strict reading refuses BER on the way. */
function reencode(buf: Buffer, element: Tlv): Buffer {
  if ((element.tag & 0x20) === 0) return tlv(element.tag, contentOf(buf, element));
  const children = readChildren(buf, element).map((child) => reencode(buf, child));
  return element.tag === 0x31 ? set(...children) : tlv(element.tag, Buffer.concat(children));
}

function assertDer(der: Buffer, what: string): void {
  assert.deepEqual(reencode(der, readWhole(der, what)), der, `${what} is DER`);
}

/** Every layer is DER: the PFX, the AuthenticatedSafe, each SafeContents (decrypted) and each PKCS#8 (decrypted). */
function checkDerThroughout(p12: Buffer, password: string): number {
  assertDer(p12, 'PFX');
  const { authenticatedSafe } = readPfx(p12);
  assertDer(authenticatedSafe, 'AuthenticatedSafe');
  let layers = 2;
  forEachSafeContents(authenticatedSafe, password, (safeContents) => {
    assertDer(safeContents, 'SafeContents');
    layers++;
    for (const bag of readChildren(safeContents, readTlv(safeContents, 0))) {
      const [type, value] = readChildren(safeContents, bag);
      if (readOid(safeContents, type!) !== oids.pkcs8ShroudedKeyBag) continue;
      const [encrypted] = readChildren(safeContents, value!);
      const [algorithm, data] = readChildren(safeContents, expectTag(encrypted, 0x30, 'EncryptedPrivateKeyInfo'));
      const pkcs8 = decryptContent(safeContents, algorithm, contentOf(safeContents, data!), password);
      assertDer(pkcs8, 'PrivateKeyInfo');
      layers++;
    }
  });
  return layers;
}

for (const variant of ['legacy', 'modern'] as const) {
  for (const scenario of scenarios) {
    test(`${variant}, ${scenario.label}: OpenSSL, NSS and GnuTLS open it; DER throughout`, () => {
      const password = newPkcs12Password();
      const p12 = buildPkcs12({ identities: scenario.identities, password, variant });
      const file = join(dir, `${variant}-${scenario.keys.length}.p12`);
      writeFileSync(file, p12);
      checkWithOpenssl(file, password, scenario, variant);
      checkWithNss(file, password, scenario, variant);
      checkWithGnutls(file, password, scenario, variant);
      assert.doesNotMatch(mustRun('/usr/bin/openssl', ['asn1parse', '-inform', 'DER', '-in', file]), /error/i);
      assert.equal(checkDerThroughout(p12, password), 2 + 2 + scenario.keys.length);
    });
  }
}

test('a non-ASCII password means the same to OpenSSL, NSS and GnuTLS (BMPString for the KDF and MAC, UTF-8 for PBKDF2)', () => {
  const password = 'Grüße ✉ Åsa';
  for (const variant of ['legacy', 'modern'] as const) {
    const file = join(dir, `non-ascii-${variant}.p12`);
    writeFileSync(file, buildPkcs12({ identities: [{ privateKey: previous.privateKey, certificate: previous.certificate }], password, variant }));
    assert.match(mustRun('/usr/bin/openssl', ['pkcs12', '-in', file, '-nodes', '-passin', `pass:${password}`]), /BEGIN PRIVATE KEY/);
    assert.match(mustRun('certtool', ['--p12-info', '--inder', '--infile', file, '--password', password]), /PKCS #8 Encrypted key/);
    const db = mkdtempSync(join(dir, 'nss-'));
    mustRun('certutil', ['-N', '-d', `sql:${db}`, '--empty-password']);
    assert.match(mustRun('pk12util', ['-l', file, '-W', password, '-d', `sql:${db}`]), /Key\(shrouded\):/);
  }
});

test('more iterations when asked; salts and IVs differ from one build to the next', () => {
  const identities = [{ privateKey: previous.privateKey, certificate: previous.certificate }];
  const file = join(dir, 'iterations.p12');
  writeFileSync(file, buildPkcs12({ identities, password: 'pw-iterations', variant: 'modern', iterations: 10_000 }));
  const info = mustRun('/usr/bin/openssl', ['pkcs12', '-info', '-noout', '-in', file, '-passin', 'pass:pw-iterations']);
  assert.match(info, /MAC: sha256, Iteration 10000\n/);
  assert.equal(count(info, /Iteration 10000, PRF hmacWithSHA256/), 2);
  const first = buildPkcs12({ identities, password: 'same', variant: 'legacy' });
  const second = buildPkcs12({ identities, password: 'same', variant: 'legacy' });
  assert.equal(first.length, second.length);
  assert.notDeepEqual(first, second);
});

test('refuses what it cannot package faithfully', () => {
  const good = { privateKey: current.privateKey, certificate: current.certificate };
  const refusals: [string, Parameters<typeof buildPkcs12>[0]][] = [
    ['no identity', { identities: [], password: 'pw', variant: 'legacy' }],
    ['a key that is not the certificate\'s', { identities: [{ ...good, privateKey: previous.privateKey }], password: 'pw', variant: 'legacy' }],
    ['a public key', { identities: [{ ...good, privateKey: createPublicKey(current.privateKey) }], password: 'pw', variant: 'legacy' }],
    ['garbage PKCS#8', { identities: [{ ...good, privateKey: Buffer.from('3003020100', 'hex') }], password: 'pw', variant: 'legacy' }],
    ['a certificate that is not DER', { identities: [{ ...good, certificate: Buffer.from('not a certificate') }], password: 'pw', variant: 'legacy' }],
    ['a broken chain certificate', { identities: [{ ...good, chain: [Buffer.alloc(10)] }], password: 'pw', variant: 'legacy' }],
    ['the same certificate twice', { identities: [good, good], password: 'pw', variant: 'legacy' }],
    ['too few iterations', { identities: [good], password: 'pw', variant: 'legacy', iterations: 1000 }],
    ['fractional iterations', { identities: [good], password: 'pw', variant: 'legacy', iterations: 2048.5 }],
    ['an unknown variant', { identities: [good], password: 'pw', variant: 'rc2' as Pkcs12Variant }],
    ['an empty friendlyName', { identities: [{ ...good, friendlyName: '' }], password: 'pw', variant: 'modern' }],
    ['an overlong friendlyName', { identities: [{ ...good, friendlyName: 'x'.repeat(256) }], password: 'pw', variant: 'modern' }],
  ];
  for (const [what, input] of refusals) assert.throws(() => buildPkcs12(input), isCode('pkcs12.invalid-input'), what);
});

test('the DER check above is not vacuous: it rejects indefinite and long-form lengths and unsorted SET OF', () => {
  for (const ber of ['308005000000', '3081020500', '3106020102020101']) {
    assert.throws(() => assertDer(Buffer.from(ber, 'hex'), 'sample'), ber);
  }
  assertDer(Buffer.from('3106020101020102', 'hex'), 'the sorted SET');
});
