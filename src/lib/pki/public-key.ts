/**
 * Subject public keys: what a SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) holds, the signature
 * algorithm a CA key signs with (CA/B Forum S/MIME BR §7.1.3.2, byte-exact AlgorithmIdentifiers;
 * RFC 4055 §5 NULL parameters for RSA, RFC 5758 §3.2 absent ones for ECDSA) and the key
 * identifier of RFC 5280 §4.2.1.2 method 1. Keys are parsed by node:crypto.
 */
import { createHash, createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import {
  encodingOf, expectTag, nullValue, oid, readBitString, readChildren, readIntegerBytes, readOid, readTlv, readWhole, seq,
} from './der.js';
import { PkiError } from './errors.js';
import * as oids from './oids.js';

export type NamedCurve = 'P-256' | 'P-384' | 'P-521';

export type PublicKeyInfo =
  | { kind: 'rsa'; bits: number; exponent: bigint }
  /** `curve` is one of ours, or OpenSSL's name of another named curve (e.g. 'secp256k1'). */
  | { kind: 'ec'; curve: NamedCurve | string }
  | { kind: 'ed25519' }
  | { kind: 'ed448' };

export type SignatureHash = 'sha256' | 'sha384' | 'sha512';

export interface SignatureAlgorithm {
  /** AlgorithmIdentifier DER, shared between calls: do not modify. */
  algorithmIdentifier: Buffer;
  hash: SignatureHash;
}

const curveByOpenSslName: Record<string, NamedCurve> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };
const curveOids = new Set([oids.secp256r1, oids.secp384r1, oids.secp521r1]);

function describeKeyObject(key: KeyObject): PublicKeyInfo {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return { kind: 'rsa', bits: details.modulusLength ?? 0, exponent: details.publicExponent ?? 0n };
    case 'ec':
      if (!details.namedCurve) throw new PkiError('key.unsupported', 'EC keys must use a named curve');
      return { kind: 'ec', curve: curveByOpenSslName[details.namedCurve] ?? details.namedCurve };
    case 'ed25519':
    case 'ed448':
      return { kind: key.asymmetricKeyType };
    case 'rsa-pss':
      throw new PkiError('key.unsupported', 'RSA keys restricted to RSASSA-PSS are not supported; use rsaEncryption');
    default:
      throw new PkiError('key.unsupported', `unsupported public key type ${key.asymmetricKeyType ?? 'unknown'}`);
  }
}

/** Why node:crypto refused a SubjectPublicKeyInfo: a key type or curve we do not take, or a broken key. */
function importFailure(spki: Buffer): PkiError {
  try {
    const algorithm = readChildren(spki, readTlv(spki, 0, { ber: true }), { ber: true })[0];
    const algorithmIdentifier = expectTag(algorithm, 0x30, 'AlgorithmIdentifier');
    const [algorithmOid, parameters] = readChildren(spki, algorithmIdentifier, { ber: true });
    const name = readOid(spki, expectTag(algorithmOid, 0x06, 'algorithm'));
    if (name === oids.idEcPublicKey && parameters?.tag === 0x06 && !curveOids.has(readOid(spki, parameters))) {
      return new PkiError('key.unsupported', `unsupported elliptic curve ${readOid(spki, parameters)}`);
    }
    if (![oids.rsaEncryption, oids.idEcPublicKey, oids.idEd25519, oids.idEd448].includes(name)) {
      return new PkiError('key.unsupported', `unsupported public key algorithm ${name}`);
    }
  } catch (error) {
    if (!(error instanceof PkiError)) throw error;
  }
  return new PkiError('der.malformed', 'public key is not a valid SubjectPublicKeyInfo');
}

const rsaAlgorithm = seq(oid(oids.rsaEncryption), nullValue());

/** The RSAPublicKey (PKCS#1) inside an rsaEncryption SPKI, or undefined for any other key. */
function rsaPublicKeyOf(spki: Buffer): Buffer | undefined {
  try {
    const info = expectTag(readWhole(spki, 'SubjectPublicKeyInfo'), 0x30, 'SubjectPublicKeyInfo');
    const [algorithm, subjectPublicKey, extra] = readChildren(spki, info);
    if (extra || !algorithm || !encodingOf(spki, algorithm).equals(rsaAlgorithm)) return undefined;
    const { bytes, unusedBits } = readBitString(spki, expectTag(subjectPublicKey, 0x03, 'subjectPublicKey'));
    return unusedBits === 0 ? bytes : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The key as a node:crypto KeyObject, and what it is. Throws 'key.unsupported' or 'der.malformed'.
 * RSA keys are imported from their PKCS#1 form: with OpenSSL 3, Node imports an SPKI in about 100 µs
 * and the same key as PKCS#1 in about 3 µs, and every CSR and SCEP message carries one.
 */
export function importPublicKey(spki: Buffer): { key: KeyObject; info: PublicKeyInfo } {
  const rsaPublicKey = rsaPublicKeyOf(spki);
  let key: KeyObject;
  try {
    key = rsaPublicKey
      ? createPublicKey({ key: rsaPublicKey, format: 'der', type: 'pkcs1' })
      : createPublicKey({ key: spki, format: 'der', type: 'spki' });
  } catch {
    throw importFailure(spki);
  }
  return { key, info: describeKeyObject(key) };
}

export function describePublicKey(spki: Buffer): PublicKeyInfo {
  return importPublicKey(spki).info;
}

const rsaSha256: SignatureAlgorithm = {
  algorithmIdentifier: seq(oid(oids.sha256WithRSAEncryption), nullValue()),
  hash: 'sha256',
};
const ecdsaByCurve: Record<NamedCurve, SignatureAlgorithm> = {
  'P-256': { algorithmIdentifier: seq(oid(oids.ecdsaWithSHA256)), hash: 'sha256' },
  'P-384': { algorithmIdentifier: seq(oid(oids.ecdsaWithSHA384)), hash: 'sha384' },
  'P-521': { algorithmIdentifier: seq(oid(oids.ecdsaWithSHA512)), hash: 'sha512' },
};

/** How a CA holding this key signs: RSA with SHA-256, ECDSA with the hash matching its curve. */
export function signatureAlgorithmFor(key: PublicKeyInfo): SignatureAlgorithm {
  if (key.kind === 'rsa') return rsaSha256;
  const ecdsa: SignatureAlgorithm | undefined =
    key.kind === 'ec' ? ecdsaByCurve[key.curve as NamedCurve] : undefined;
  if (!ecdsa) throw new PkiError('key.unsupported', 'a CA key must be RSA or ECDSA on P-256, P-384 or P-521');
  return ecdsa;
}

/** SHA-1 of the subjectPublicKey BIT STRING value, without tag, length and unused-bits octet. */
export function keyIdentifier(spki: Buffer): Buffer {
  const info = expectTag(readWhole(spki, 'SubjectPublicKeyInfo'), 0x30, 'SubjectPublicKeyInfo');
  const [, subjectPublicKey] = readChildren(spki, info);
  const { bytes } = readBitString(spki, expectTag(subjectPublicKey, 0x03, 'subjectPublicKey'));
  return createHash('sha1').update(bytes).digest();
}

/** S/MIME BR §7.1.3.1 byte-exact AlgorithmIdentifiers of the subject keys we take as sent. */
const canonicalAlgorithms = [
  seq(oid(oids.rsaEncryption), nullValue()),
  ...[oids.secp256r1, oids.secp384r1, oids.secp521r1].map((curve) => seq(oid(oids.idEcPublicKey), oid(curve))),
  seq(oid(oids.idEd25519)),
  seq(oid(oids.idEd448)),
];

function isCanonical(spki: Buffer): boolean {
  try {
    const info = expectTag(readWhole(spki, 'SubjectPublicKeyInfo'), 0x30, 'SubjectPublicKeyInfo');
    const [algorithm, subjectPublicKey, extra] = readChildren(spki, info);
    const algorithmDer = algorithm && encodingOf(spki, algorithm);
    if (extra || !algorithmDer || !canonicalAlgorithms.some((known) => known.equals(algorithmDer))) return false;
    const { bytes, unusedBits } = readBitString(spki, expectTag(subjectPublicKey, 0x03, 'subjectPublicKey'));
    if (unusedBits !== 0) return false;
    if (algorithmDer.equals(canonicalAlgorithms[0]!)) {
      // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }, both minimal.
      const rsaPublicKey = expectTag(readWhole(bytes, 'RSAPublicKey'), 0x30, 'RSAPublicKey');
      const [modulus, exponent, more] = readChildren(bytes, rsaPublicKey);
      readIntegerBytes(bytes, expectTag(modulus, 0x02, 'modulus'));
      readIntegerBytes(bytes, expectTag(exponent, 0x02, 'publicExponent'));
      if (more) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * The SubjectPublicKeyInfo to put in a certificate: the bytes as received when they already are
 * the canonical DER the S/MIME BR require, otherwise node:crypto's re-encoding of the key (which
 * costs about 0.1 ms, hence the check).
 */
export function canonicalSpki(spki: Buffer, key: KeyObject): Buffer {
  return isCanonical(spki) ? spki : key.export({ type: 'spki', format: 'der' });
}
