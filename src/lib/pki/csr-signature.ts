/**
 * Verifies the self-signature of a PKCS#10 request (RFC 2986 §4.2) with node:crypto: RSA PKCS#1
 * v1.5 (RFC 8017 §8.2) with SHA-1/224/256/384/512, RSASSA-PSS (RFC 4055 §3.1 parameters, MGF1 with
 * the message hash), ECDSA (RFC 5758 §3.2, RFC 3279 §2.2.3) and EdDSA (RFC 8410 §6).
 */
import { constants, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { expectTag, readChildren, readOid, readSmallInteger } from './der.js';
import type { Tlv } from './der.js';
import { PkiError } from './errors.js';
import * as oids from './oids.js';
import type { PublicKeyInfo } from './public-key.js';

interface Scheme {
  key: PublicKeyInfo['kind'];
  /** Digest for crypto.verify; null for EdDSA, which hashes internally. */
  hash: string | null;
}

const schemes = new Map<string, Scheme>([
  [oids.sha1WithRSAEncryption, { key: 'rsa', hash: 'sha1' }],
  [oids.sha224WithRSAEncryption, { key: 'rsa', hash: 'sha224' }],
  [oids.sha256WithRSAEncryption, { key: 'rsa', hash: 'sha256' }],
  [oids.sha384WithRSAEncryption, { key: 'rsa', hash: 'sha384' }],
  [oids.sha512WithRSAEncryption, { key: 'rsa', hash: 'sha512' }],
  [oids.ecdsaWithSHA1, { key: 'ec', hash: 'sha1' }],
  [oids.ecdsaWithSHA224, { key: 'ec', hash: 'sha224' }],
  [oids.ecdsaWithSHA256, { key: 'ec', hash: 'sha256' }],
  [oids.ecdsaWithSHA384, { key: 'ec', hash: 'sha384' }],
  [oids.ecdsaWithSHA512, { key: 'ec', hash: 'sha512' }],
  [oids.idEd25519, { key: 'ed25519', hash: null }],
  [oids.idEd448, { key: 'ed448', hash: null }],
]);

const hashByOid = new Map<string, string>([
  [oids.idSha1, 'sha1'], [oids.idSha224, 'sha224'], [oids.idSha256, 'sha256'],
  [oids.idSha384, 'sha384'], [oids.idSha512, 'sha512'],
]);

function unsupported(message: string): never {
  throw new PkiError('csr.unsupported-algorithm', message);
}

function hashOf(buf: Buffer, algorithmIdentifier: Tlv | undefined): string {
  const [algorithm] = readChildren(buf, expectTag(algorithmIdentifier, 0x30, 'hash AlgorithmIdentifier'), { ber: true });
  const hash = hashByOid.get(readOid(buf, expectTag(algorithm, 0x06, 'hash algorithm')));
  return hash ?? unsupported('unsupported RSASSA-PSS hash algorithm');
}

/** RSASSA-PSS-params (RFC 4055 §3.1); node:crypto's MGF1 uses the message hash, so they must agree. */
function pssOptions(buf: Buffer, parameters: Tlv | undefined): { hash: string; saltLength: number } {
  let hash = 'sha1';
  let mgfHash = 'sha1';
  let saltLength = 20;
  const fields = parameters?.tag === 0x30 ? readChildren(buf, parameters, { ber: true }) : [];
  for (const field of fields) {
    const [inner] = readChildren(buf, field, { ber: true });
    if (field.tag === 0xa0) hash = hashOf(buf, inner);
    if (field.tag === 0xa1) {
      const [mgf, mgfParameters] = readChildren(buf, expectTag(inner, 0x30, 'maskGenAlgorithm'), { ber: true });
      if (readOid(buf, expectTag(mgf, 0x06, 'maskGenAlgorithm')) !== oids.idMgf1) {
        unsupported('RSASSA-PSS mask generation must be MGF1');
      }
      mgfHash = hashOf(buf, mgfParameters);
    }
    if (field.tag === 0xa2) saltLength = readSmallInteger(buf, expectTag(inner, 0x02, 'saltLength'), { ber: true });
    if (field.tag === 0xa3 && readSmallInteger(buf, expectTag(inner, 0x02, 'trailerField'), { ber: true }) !== 1) {
      unsupported('RSASSA-PSS trailer field must be 1');
    }
  }
  if (mgfHash !== hash) unsupported('RSASSA-PSS with a different MGF1 hash is not supported');
  return { hash, saltLength };
}

export interface SignedRequest {
  buf: Buffer;
  /** certificationRequestInfo exactly as received. */
  signedBytes: Buffer;
  algorithm: Tlv;
  signature: Buffer;
}

export function verifyRequestSignature(request: SignedRequest, key: KeyObject, keyInfo: PublicKeyInfo): void {
  const { buf, algorithm } = request;
  const [algorithmOid, parameters] = readChildren(buf, expectTag(algorithm, 0x30, 'signatureAlgorithm'), { ber: true });
  const name = readOid(buf, expectTag(algorithmOid, 0x06, 'signature algorithm'));
  const pss = name === oids.idRSASSAPSS ? pssOptions(buf, parameters) : undefined;
  const scheme: Scheme | undefined = pss ? { key: 'rsa', hash: pss.hash } : schemes.get(name);
  if (!scheme) unsupported(`unsupported CSR signature algorithm ${name}`);
  if (scheme.key !== keyInfo.kind) throw new PkiError('csr.bad-signature', 'CSR signature algorithm does not match its key');
  const verifyKey = pss ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: pss.saltLength } : key;
  let valid = false;
  try {
    valid = verify(scheme.hash, request.signedBytes, verifyKey, request.signature);
  } catch {
    valid = false;
  }
  if (!valid) throw new PkiError('csr.bad-signature', 'CSR signature does not verify');
}
