/**
 * Imports the public key of a message's signer or recipient for node:crypto. RSA keys (RFC 8017
 * §A.1.1 inside an RFC 5280 §4.1.2.7 SubjectPublicKeyInfo with rsaEncryption, RFC 3279 §2.3.1) are
 * imported as PKCS#1: OpenSSL 3 routes an SPKI import through its decoder framework, which costs
 * about 100 µs per key against 3 µs for PKCS#1, and SCEP imports two keys per request. Any other
 * key, or an SPKI that is not plainly encoded, goes through importPublicKey as usual.
 */
import { createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { encodingOf, expectTag, nullValue, oid, readBitString, readChildren, readWhole, seq } from '../der.js';
import * as oids from '../oids.js';
import { importPublicKey } from '../public-key.js';
import type { PublicKeyInfo } from '../public-key.js';

const rsaAlgorithm = seq(oid(oids.rsaEncryption), nullValue());

/** The RSAPublicKey inside a DER SPKI whose AlgorithmIdentifier is exactly rsaEncryption with NULL. */
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

/** The key and what it is; throws as importPublicKey does ('key.unsupported', 'der.malformed'). */
export function importSignerKey(spki: Buffer): { key: KeyObject; info: PublicKeyInfo } {
  const rsaPublicKey = rsaPublicKeyOf(spki);
  if (rsaPublicKey) {
    try {
      const key = createPublicKey({ key: rsaPublicKey, format: 'der', type: 'pkcs1' });
      const details = key.asymmetricKeyDetails ?? {};
      return { key, info: { kind: 'rsa', bits: details.modulusLength ?? 0, exponent: details.publicExponent ?? 0n } };
    } catch {
      // fall through: importPublicKey says what is wrong with it
    }
  }
  return importPublicKey(spki);
}
