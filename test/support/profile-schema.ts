/**
 * The profile checker: every configuration profile mcms builds goes through it. Against Apple's own
 * schemas (test/fixtures/apple-device-management, copied from apple/device-management): only known
 * keys, every required key, the right plist types (no <real> where an <integer> belongs), values in
 * `rangelist` / `range` / `format`, array cardinality (`repetition`), unique PayloadUUIDs and
 * PayloadIdentifiers, and every UUID reference resolving to a payload of the right type in the same
 * profile. Against real tools: `openssl cms -verify` with our root, `plistutil` on the content (and on
 * the decrypted payload array), each PKCS#12 opened by `openssl pkcs12` and NSS `pk12util` with the
 * payload's password and holding the key of its certificate.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { readPlist } from '../../src/lib/plist/index.js';
import { openssl } from './openssl.js';

const SCHEMA_DIR = join(import.meta.dirname, '../fixtures/apple-device-management');

interface KeySchema {
  key: string;
  type: string;
  presence?: 'required' | 'optional';
  rangelist?: (string | number)[];
  range?: { min?: number; max?: number };
  format?: string;
  repetition?: { min: number; max: number };
  subkeys?: KeySchema[];
}

const schemaCache = new Map<string, KeySchema[]>();

function payloadKeys(file: string): KeySchema[] {
  let keys = schemaCache.get(file);
  if (!keys) {
    const doc = parseYaml(readFileSync(join(SCHEMA_DIR, file), 'utf8')) as { payloadkeys: KeySchema[] };
    keys = doc.payloadkeys;
    schemaCache.set(file, keys);
  }
  return keys;
}

type Value = unknown;
const isDict = (v: Value): v is Record<string, Value> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !ArrayBuffer.isView(v);

function typeProblem(value: Value, type: string): string | null {
  const ok = {
    '<string>': typeof value === 'string',
    '<integer>': typeof value === 'number' && Number.isInteger(value),
    '<real>': typeof value === 'number',
    '<boolean>': typeof value === 'boolean',
    '<date>': value instanceof Date,
    '<data>': ArrayBuffer.isView(value),
    '<array>': Array.isArray(value),
    '<dictionary>': isDict(value),
    '<any>': true,
  }[type];
  if (ok === undefined) return `schema type ${type} unknown to the checker`;
  return ok ? null : `expected ${type}, found ${Array.isArray(value) ? 'array' : value instanceof Date ? 'date' : ArrayBuffer.isView(value) ? 'data' : typeof value}`;
}

function checkValue(path: string, value: Value, schema: KeySchema, problems: string[]): void {
  const wrongType = typeProblem(value, schema.type);
  if (wrongType) {
    problems.push(`${path}: ${wrongType}`);
    return;
  }
  if (schema.rangelist && (typeof value === 'string' || typeof value === 'number') && !schema.rangelist.includes(value)) {
    problems.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.rangelist)}`);
  }
  if (schema.range && typeof value === 'number') {
    if (schema.range.min !== undefined && value < schema.range.min) problems.push(`${path}: ${value} < ${schema.range.min}`);
    if (schema.range.max !== undefined && value > schema.range.max) problems.push(`${path}: ${value} > ${schema.range.max}`);
  }
  if (schema.format && typeof value === 'string' && !new RegExp(schema.format).test(value)) problems.push(`${path}: ${JSON.stringify(value)} does not match ${schema.format}`);
  if (schema.type === '<dictionary>' && schema.subkeys && schema.subkeys.length > 0) checkDict(path, value as Record<string, Value>, schema.subkeys, problems);
  if (schema.type === '<array>' && schema.subkeys && schema.subkeys.length === 1) {
    const item = schema.subkeys[0]!;
    const items = value as Value[];
    if (item.repetition && (items.length < item.repetition.min || items.length > item.repetition.max)) {
      problems.push(`${path}: ${items.length} items, schema allows ${item.repetition.min}..${item.repetition.max}`);
    }
    items.forEach((v, i) => checkValue(`${path}[${i}]`, v, item, problems));
  }
}

function checkDict(path: string, dict: Record<string, Value>, keys: KeySchema[], problems: string[], optional: Set<string> = new Set()): void {
  const byName = new Map(keys.map((k) => [k.key, k]));
  // A subkey named ANY stands for keys of any name (the payload dictionaries inside TopLevel's PayloadContent).
  const any = byName.get('ANY');
  for (const [name, value] of Object.entries(dict)) {
    const schema = byName.get(name) ?? any;
    if (!schema) problems.push(`${path}.${name}: key not in Apple's schema`);
    else checkValue(`${path}.${name}`, value, schema, problems);
  }
  for (const schema of keys) {
    if (schema.presence === 'required' && schema !== any && !(schema.key in dict) && !optional.has(schema.key)) problems.push(`${path}.${schema.key}: required key missing`);
  }
}

/** Schema files per payload type that mcms writes. */
const PAYLOAD_SCHEMAS: Record<string, string> = {
  'com.apple.security.root': 'com.apple.security.root.yaml',
  'com.apple.security.pkcs1': 'com.apple.security.pkcs1.yaml',
  'com.apple.security.pem': 'com.apple.security.pem.yaml',
  'com.apple.security.pkcs12': 'com.apple.security.pkcs12.yaml',
  'com.apple.security.scep': 'com.apple.security.scep.yaml',
  'com.apple.security.acme': 'com.apple.security.acme.yaml',
  'com.apple.mail.managed': 'com.apple.mail.managed.yaml',
  'com.apple.eas.account': 'com.apple.eas.account.yaml',
};

/** Which payload types a UUID-reference key may point at (smime-mobile-notes §1.7). */
const REFERENCES: Record<string, string[]> = {
  SMIMESigningCertificateUUID: ['com.apple.security.scep', 'com.apple.security.pkcs12', 'com.apple.security.acme'],
  SMIMEEncryptionCertificateUUID: ['com.apple.security.pkcs12', 'com.apple.security.scep', 'com.apple.security.acme'],
  PayloadCertificateUUID: ['com.apple.security.pkcs12', 'com.apple.security.scep', 'com.apple.security.acme'],
};

/** Schema problems of a profile's top level and payloads (empty when it is valid). */
export function schemaProblems(top: Record<string, Value>, payloads: Record<string, Value>[]): string[] {
  const problems: string[] = [];
  const encrypted = 'EncryptedPayloadContent' in top;
  // TopLevel.yaml marks PayloadContent required; an encrypted profile carries EncryptedPayloadContent instead.
  checkDict('profile', top, payloadKeys('TopLevel.yaml'), problems, encrypted ? new Set(['PayloadContent']) : new Set());
  if (encrypted && top.IsEncrypted !== true) problems.push('profile.IsEncrypted: must be true with EncryptedPayloadContent');
  if (encrypted && 'PayloadContent' in top) problems.push('profile.PayloadContent: present beside EncryptedPayloadContent');
  const common = payloadKeys('CommonPayloadKeys.yaml');
  const uuids = new Map<string, string>();
  const identifiers = new Set<string>([String(top.PayloadIdentifier)]);
  payloads.forEach((payload, i) => {
    const type = String(payload.PayloadType);
    const path = `payload[${i}](${type})`;
    const file = PAYLOAD_SCHEMAS[type];
    if (!file) {
      problems.push(`${path}: payload type without a schema here`);
      return;
    }
    const own = payloadKeys(file);
    const ownNames = new Set(own.map((k) => k.key));
    checkDict(path, payload, [...common.filter((k) => !ownNames.has(k.key)), ...own], problems);
    const uuid = String(payload.PayloadUUID);
    if (uuids.has(uuid)) problems.push(`${path}: PayloadUUID ${uuid} repeated`);
    uuids.set(uuid, type);
    const identifier = String(payload.PayloadIdentifier);
    if (identifiers.has(identifier)) problems.push(`${path}: PayloadIdentifier ${identifier} repeated`);
    identifiers.add(identifier);
  });
  if (uuids.has(String(top.PayloadUUID))) problems.push('profile.PayloadUUID: repeated in a payload');
  payloads.forEach((payload, i) => {
    for (const [key, allowed] of Object.entries(REFERENCES)) {
      if (!(key in payload)) continue;
      const target = uuids.get(String(payload[key]));
      if (!target) problems.push(`payload[${i}].${key}: ${String(payload[key])} names no payload of this profile`);
      else if (!allowed.includes(target)) problems.push(`payload[${i}].${key}: points at ${target}, expected ${allowed.join(' or ')}`);
    }
  });
  return problems;
}

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });

/** plistutil (libplist) must read the XML; returns its binary re-encoding's size as a sign it did. */
export function plistutilParses(dir: string, xml: Buffer, name: string): void {
  const input = join(dir, `${name}.plist`);
  writeFileSync(input, xml);
  run('plistutil', ['-i', input, '-o', join(dir, `${name}.bplist`), '-f', 'bin']);
  assert.equal(readFileSync(join(dir, `${name}.bplist`)).subarray(0, 8).toString('latin1'), 'bplist00', `plistutil did not re-encode ${name}`);
}

export interface CheckedProfile {
  /** The signed XML as it was verified. */
  xml: Buffer;
  top: Record<string, Value>;
  payloads: Record<string, Value>[];
  /** openssl's verdict line ("CMS Verification successful"). */
  verification: string;
  /** The payloads by type. */
  ofType(type: string): Record<string, Value>[];
}

export interface CheckOptions {
  dir: string;
  /** PEM of the root to verify the signature against. */
  rootPem: string;
  /** Key and certificate to open EncryptedPayloadContent with (the device's identity). */
  recipient?: { keyPem: string; certificatePem: string };
}

export function verifyProfileSignature(dir: string, mobileconfig: Buffer, rootPem: string): { xml: Buffer; verification: string } {
  const file = join(dir, 'profile.mobileconfig');
  const root = join(dir, 'profile-root.pem');
  const out = join(dir, 'profile-content.xml');
  writeFileSync(file, mobileconfig);
  writeFileSync(root, rootPem);
  const result = spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', file, '-CAfile', root, '-purpose', 'any', '-out', out], { encoding: 'utf8' });
  assert.equal(result.status, 0, `openssl cms -verify refused the profile: ${result.stderr}`);
  // smime-mobile-notes §2.1: one signer, the pure SHA-256 OID as digest algorithm (Apple's CMS code maps
  // only plain hash OIDs), signed attributes with signingTime, the chain in the certificates.
  const printed = run('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', file]);
  assert.match(printed, /digestAlgorithms:\s+algorithm: sha256 \(2\.16\.840\.1\.101\.3\.4\.2\.1\)\s+parameter: <ABSENT>\s+encapContentInfo/);
  assert.equal((printed.match(/d\.issuerAndSerialNumber:/g) ?? []).length, 1, 'exactly one signer');
  assert.match(printed, /object: signingTime \(1\.2\.840\.113549\.1\.9\.5\)/);
  assert.ok((printed.match(/cert_info:/g) ?? []).length >= 3, 'the signer certificate with its chain');
  return { xml: readFileSync(out), verification: result.stderr.trim() };
}

function decryptPayloads(dir: string, envelope: Uint8Array, recipient: { keyPem: string; certificatePem: string }): Buffer {
  const file = join(dir, 'payloads.p7m');
  writeFileSync(file, envelope);
  writeFileSync(join(dir, 'device.key'), recipient.keyPem, { mode: 0o600 });
  writeFileSync(join(dir, 'device.pem'), recipient.certificatePem);
  execFileSync('openssl', ['cms', '-decrypt', '-binary', '-inform', 'DER', '-in', file, '-recip', join(dir, 'device.pem'), '-inkey', join(dir, 'device.key'), '-out', join(dir, 'payloads.xml')],
    { stdio: ['pipe', 'pipe', 'pipe'] });
  return readFileSync(join(dir, 'payloads.xml'));
}

/** Checks a signed (possibly encrypted) profile end to end; throws with every problem found. */
export function checkMobileconfig(mobileconfig: Buffer, options: CheckOptions): CheckedProfile {
  const { dir } = options;
  const { xml, verification } = verifyProfileSignature(dir, mobileconfig, options.rootPem);
  plistutilParses(dir, xml, 'profile');
  assert.ok(!xml.includes('<real>'), 'the profile has a <real>: every number mcms writes is an <integer>');
  const top = readPlist(xml) as Record<string, Value>;
  let payloads: Record<string, Value>[];
  if (top.EncryptedPayloadContent) {
    assert.ok(options.recipient, 'the profile is encrypted: give the checker the device identity to open it');
    const inner = decryptPayloads(dir, top.EncryptedPayloadContent as Uint8Array, options.recipient);
    plistutilParses(dir, inner, 'payloads');
    const array = readPlist(inner);
    assert.ok(Array.isArray(array), 'EncryptedPayloadContent must hold a plist whose root is an array');
    payloads = array as Record<string, Value>[];
  } else {
    payloads = top.PayloadContent as Record<string, Value>[];
  }
  const problems = schemaProblems(top, payloads);
  assert.deepEqual(problems, [], `profile fails Apple's schema:\n${problems.join('\n')}`);
  for (const [i, payload] of payloads.entries()) {
    if (payload.PayloadType === 'com.apple.security.pkcs12') checkPkcs12Payload(join(dir), payload, i);
  }
  return { xml, top, payloads, verification, ofType: (type) => payloads.filter((p) => p.PayloadType === type) };
}

/**
 * A pkcs12 payload opens with its own password in OpenSSL and NSS, holds exactly one certificate and
 * one key, and the key is the certificate's.
 */
export function checkPkcs12Payload(dir: string, payload: Record<string, Value>, index: number): { certificatePem: string; keyPem: string } {
  const file = join(dir, `payload-${index}.p12`);
  writeFileSync(file, payload.PayloadContent as Uint8Array);
  const pass = `pass:${String(payload.Password)}`;
  const keyPem = openssl(['pkcs12', '-in', file, '-nocerts', '-nodes', '-passin', pass]);
  const certificatePem = openssl(['pkcs12', '-in', file, '-nokeys', '-clcerts', '-passin', pass]);
  assert.equal((keyPem.match(/BEGIN PRIVATE KEY/g) ?? []).length, 1, `payload ${index}: one key per PKCS#12`);
  assert.equal((certificatePem.match(/BEGIN CERTIFICATE/g) ?? []).length, 1, `payload ${index}: one identity certificate per PKCS#12`);
  writeFileSync(join(dir, `payload-${index}.key`), keyPem, { mode: 0o600 });
  writeFileSync(join(dir, `payload-${index}.crt`), certificatePem);
  const fromKey = openssl(['pkey', '-in', join(dir, `payload-${index}.key`), '-pubout']);
  const fromCert = openssl(['x509', '-in', join(dir, `payload-${index}.crt`), '-noout', '-pubkey']);
  assert.equal(fromKey, fromCert, `payload ${index}: the key is not the certificate's`);
  const listed = run('pk12util', ['-l', file, '-W', String(payload.Password)]);
  assert.match(listed, /Key\(shrouded\):/, `payload ${index}: pk12util finds no key`);
  assert.match(listed, /Certificate:/, `payload ${index}: pk12util finds no certificate`);
  return { certificatePem, keyPem };
}
