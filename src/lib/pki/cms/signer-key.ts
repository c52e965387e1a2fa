/**
 * Imports the public key of a message's signer or recipient for node:crypto. RSA keys (RFC 8017
 * §A.1.1 inside an RFC 5280 §4.1.2.7 SubjectPublicKeyInfo with rsaEncryption, RFC 3279 §2.3.1) are
 * imported as PKCS#1: OpenSSL 3 routes an SPKI import through its decoder framework, which costs
 * about 100 µs per key against 3 µs for PKCS#1, and SCEP imports two keys per request. Any other
 * key, or an SPKI that is not plainly encoded, goes through importPublicKey as usual.
 */
import type { KeyObject } from 'node:crypto';
import { importPublicKey } from '../public-key.js';
import type { PublicKeyInfo } from '../public-key.js';

/** Kept as the CMS code's name for it: importPublicKey has the fast RSA path now. */
export function importSignerKey(spki: Buffer): { key: KeyObject; info: PublicKeyInfo } {
  return importPublicKey(spki);
}
