// readPkcs12: our files and OpenSSL's (3.0 default, PBE-SHA1-3DES/SHA-1, unencrypted certificates, BER),
// wrong passwords, refusals, and fuzzing — raw byte flips, and flips behind a recomputed MAC — where
// nothing but a PkiError('pkcs12.*') may come out.
import { execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { contentOf, encodingOf, readChildren, readTlv, seq, tlv } from '../der.js';
import { PkiError } from '../errors.js';
import { toPem } from '../pem.js';
import { encryptedDataContentInfo } from './authenticated-safe.js';
import { buildPkcs12 } from './build-pkcs12.js';
import { testCa, testIdentity } from './fixtures/test-identities.js';
import type { TestIdentity } from './fixtures/test-identities.js';
import { encodeMacData } from './mac-data.js';
import { encryptPbes2 } from './pbes2.js';
import { dataContentInfo, encodePfx, readPfx } from './pfx.js';
import { readPkcs12 } from './read-pkcs12.js';
import type { Pkcs12Contents } from './read-pkcs12.js';
import { certificateBag, safeContents, shroudedKeyBag } from './safe-bags.js';

const dir = mkdtempSync(join(tmpdir(), 'mcms-pkcs12-read-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const isCode = (code: string) => (error: unknown) => error instanceof PkiError && error.code === code;
const pkcs12Codes = new Set(['pkcs12.bad-password', 'pkcs12.malformed', 'pkcs12.unsupported']);

/** Reads, and reports which PkiError code came out ('ok' when it opened); anything else fails the test. */
function outcome(der: Buffer, password: string): string {
  try {
    readPkcs12(der, password);
    return 'ok';
  } catch (error) {
    assert.ok(error instanceof PkiError, `not a PkiError: ${String(error)}`);
    assert.ok(pkcs12Codes.has(error.code), error.code);
    return error.code;
  }
}

const ca = testCa();
const rsa = testIdentity(ca, 'rsa-2048', 'bob@example.test');
const ec = testIdentity(ca, 'p-256', 'bob@example.test');
const rsaOld = testIdentity(ca, 'rsa-2048', 'bob@example.test');

function assertIdentity(contents: Pkcs12Contents, index: number, expected: TestIdentity, friendlyName?: string): void {
  const identity = contents.identities[index];
  assert.ok(identity, `identity ${index + 1}`);
  assert.ok(identity.privateKey.equals(expected.privateKey), `identity ${index + 1}: the private key`);
  assert.deepEqual(identity.certificate, expected.certificate, `identity ${index + 1}: the certificate`);
  assert.equal(identity.friendlyName, friendlyName);
}

const password = 'read-test-passw0rd';
const ours = {
  legacy: buildPkcs12({
    identities: [
      { privateKey: rsa.privateKey, certificate: rsa.certificate, chain: [ca.certificate], friendlyName: 'Bob — current' },
      { privateKey: ec.privateKey, certificate: ec.certificate, chain: [ca.certificate], friendlyName: 'Bob 2025' },
      { privateKey: rsaOld.privateKey, certificate: rsaOld.certificate },
    ],
    password, variant: 'legacy',
  }),
  modern: buildPkcs12({ identities: [{ privateKey: ec.privateKey, certificate: ec.certificate, friendlyName: 'Bob 2025' }], password, variant: 'modern' }),
};

test('opens its own files of both variants: keys, certificates, names and chain in order', () => {
  const legacy = readPkcs12(ours.legacy, password);
  assert.equal(legacy.identities.length, 3);
  assertIdentity(legacy, 0, rsa, 'Bob — current');
  assertIdentity(legacy, 1, ec, 'Bob 2025');
  assertIdentity(legacy, 2, rsaOld);
  assert.deepEqual(legacy.certificates, [ca.certificate]);
  const modern = readPkcs12(ours.modern, password);
  assert.equal(modern.identities.length, 1);
  assertIdentity(modern, 0, ec, 'Bob 2025');
  assert.deepEqual(modern.certificates, []);
});

function opensslExport(name: string, identity: TestIdentity, options: string[]): Buffer {
  const key = join(dir, `${name}.key`);
  const certificate = join(dir, `${name}.crt`);
  const chain = join(dir, `${name}-ca.crt`);
  const out = join(dir, `${name}.p12`);
  writeFileSync(key, identity.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(certificate, toPem('CERTIFICATE', identity.certificate));
  writeFileSync(chain, toPem('CERTIFICATE', ca.certificate));
  execFileSync('/usr/bin/openssl', ['pkcs12', '-export', '-inkey', key, '-in', certificate, '-certfile', chain,
    '-name', `openssl ${name}`, '-passout', `pass:${password}`, '-out', out, ...options], { stdio: 'pipe' });
  return readFileSync(out);
}

const opensslFiles = [
  { name: 'default', options: [], identity: rsa },
  { name: '3des-sha1', options: ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1'], identity: ec },
  { name: 'aes128-clear-certificates', options: ['-keypbe', 'AES-128-CBC', '-certpbe', 'NONE'], identity: ec },
  { name: 'single-iteration', options: ['-noiter', '-nomaciter'], identity: rsa },
];

for (const file of opensslFiles) {
  test(`opens openssl pkcs12 -export (${file.name}) and refuses a wrong password`, () => {
    const der = opensslExport(file.name, file.identity, file.options);
    const contents = readPkcs12(der, password);
    assert.equal(contents.identities.length, 1);
    assertIdentity(contents, 0, file.identity, `openssl ${file.name}`);
    assert.deepEqual(contents.certificates, [ca.certificate]);
    assert.throws(() => readPkcs12(der, `${password}!`), isCode('pkcs12.bad-password'));
  });
}

test('a wrong password is pkcs12.bad-password for both of our variants', () => {
  for (const der of [ours.legacy, ours.modern]) {
    assert.throws(() => readPkcs12(der, 'not the password'), (error: unknown) =>
      isCode('pkcs12.bad-password')(error) && /password is wrong/.test((error as Error).message));
  }
});

test('refuses what it does not read: RC2 (openssl -legacy), no MAC (-nomac)', () => {
  assert.throws(() => readPkcs12(opensslExport('rc2', rsa, ['-legacy']), password), (error: unknown) =>
    isCode('pkcs12.unsupported')(error) && /RC2/.test((error as Error).message));
  assert.throws(() => readPkcs12(opensslExport('no-mac', rsa, ['-nomac']), password), isCode('pkcs12.unsupported'));
});

test('pairs a key with its certificate by public key when the localKeyId attribute is missing', () => {
  const encrypt = (plaintext: Buffer) => encryptPbes2(plaintext, password, 2048);
  const pkcs8 = ec.privateKey.export({ type: 'pkcs8', format: 'der' });
  const authenticatedSafe = seq(
    encryptedDataContentInfo(encrypt(safeContents([certificateBag(ca.certificate), certificateBag(ec.certificate)]))),
    dataContentInfo(safeContents([shroudedKeyBag(encrypt(pkcs8), {})])),
  );
  const der = encodePfx(authenticatedSafe, encodeMacData(authenticatedSafe, password, { hash: 'sha256', iterations: 2048, saltLength: 16 }));
  const contents = readPkcs12(der, password);
  assertIdentity(contents, 0, ec);
  assert.deepEqual(contents.certificates, [ca.certificate]);
});

/** The same file in BER: indefinite lengths outside, the AuthenticatedSafe as a chunked constructed OCTET STRING. */
function toBer(der: Buffer): Buffer {
  const { authenticatedSafe, macData } = readPfx(der);
  const half = authenticatedSafe.length >> 1;
  const chunks = Buffer.concat([tlv(0x04, authenticatedSafe.subarray(0, half)), tlv(0x04, authenticatedSafe.subarray(half))]);
  const indefinite = (tag: number, ...parts: Buffer[]) => Buffer.concat([Buffer.of(tag, 0x80), ...parts, Buffer.of(0, 0)]);
  const [, authSafe] = readChildren(der, readTlv(der, 0));
  const [contentType] = readChildren(der, authSafe!);
  return indefinite(0x30, Buffer.from('020103', 'hex'),
    indefinite(0x30, encodingOf(der, contentType!), indefinite(0xa0, indefinite(0x24, chunks))),
    encodingOf(der, macData!));
}

test('reads BER (indefinite lengths, constructed OCTET STRING), as Java and Windows write it', () => {
  for (const der of [ours.legacy, ours.modern]) {
    const ber = toBer(der);
    assert.equal(ber[1], 0x80);
    assert.deepEqual(readPkcs12(ber, password).identities.map((identity) => identity.certificate),
      readPkcs12(der, password).identities.map((identity) => identity.certificate));
  }
});

test('garbage, truncations and other DER are pkcs12.malformed or pkcs12.unsupported, never another exception', () => {
  const inputs: Buffer[] = [
    Buffer.alloc(0), Buffer.of(0x30), Buffer.of(0x30, 0x00), Buffer.from('3080', 'hex'), ca.certificate,
    Buffer.concat([ours.legacy, Buffer.of(0)]), Buffer.from('3003020102', 'hex'),
  ];
  for (let i = 0; i < 100; i++) inputs.push(randomBytes(randomInt(1, 400)));
  for (let cut = 1; cut < ours.modern.length; cut += 37) inputs.push(ours.modern.subarray(0, cut));
  for (const input of inputs) assert.notEqual(outcome(input, password), 'ok');
  assert.throws(() => readPkcs12(undefined as unknown as Buffer, password), isCode('pkcs12.malformed'));
  assert.throws(() => readPkcs12(ours.modern, undefined as unknown as string), isCode('pkcs12.unusable-password'));
});

/** Positions spread over the whole file, plus random ones. */
function positions(length: number, wanted: number): number[] {
  const spread = Array.from({ length: wanted / 2 }, (_, i) => Math.floor((i * length) / (wanted / 2)));
  const random = Array.from({ length: wanted / 2 }, () => randomInt(length));
  return [...spread, ...random];
}

function flipped(der: Buffer, position: number): Buffer {
  const copy = Buffer.from(der);
  copy[position] = copy[position]! ^ randomInt(1, 256);
  return copy;
}

test('flipping any single byte gives a PkiError (300 positions per variant)', () => {
  for (const der of [ours.legacy, ours.modern]) {
    const tally = new Map<string, number>();
    for (const position of positions(der.length, 300)) {
      const code = outcome(flipped(der, position), password);
      tally.set(code, (tally.get(code) ?? 0) + 1);
    }
    assert.equal(tally.get('ok'), undefined, `a flipped file opened: ${JSON.stringify([...tally])}`);
  }
});

/** Flips a byte of the AuthenticatedSafe and recomputes the MAC, so the reader gets past it to decryption and parsing. */
function flippedBehindMac(der: Buffer, position: number, hash: 'sha1' | 'sha256'): Buffer {
  const authenticatedSafe = flipped(readPfx(der).authenticatedSafe, position);
  return encodePfx(authenticatedSafe, encodeMacData(authenticatedSafe, password, { hash, iterations: 2048, saltLength: 8 }));
}

test('flips behind a valid MAC reach decryption and parsing: still only PkiErrors (120 positions per variant)', () => {
  const variants = [{ der: ours.legacy, hash: 'sha1' }, { der: ours.modern, hash: 'sha256' }] as const;
  for (const { der, hash } of variants) {
    const length = contentOf(der, readChildren(der, readTlv(der, 0))[1]!).length - 4;
    const tally = new Map<string, number>();
    for (const position of positions(length, 120)) {
      const code = outcome(flippedBehindMac(der, position, hash), password);
      tally.set(code, (tally.get(code) ?? 0) + 1);
    }
    // outcome() already failed the test on any other exception. Some flips garble only the inside of a
    // certificate (its signature, say, which a container reader does not check) and the file still opens.
    assert.ok((tally.get('pkcs12.malformed') ?? 0) > 20, `the flips reached the parsers: ${JSON.stringify([...tally])}`);
  }
});
