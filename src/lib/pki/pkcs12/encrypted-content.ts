/**
 * Which password-based scheme encrypted a piece of a PKCS #12 file — a shrouded key (RFC 7292 §4.2.2,
 * RFC 5958 §3 EncryptedPrivateKeyInfo) or an EncryptedData (RFC 5652 §8) — chosen by its
 * AlgorithmIdentifier: PBES2 (RFC 8018 §6.2) or an RFC 7292 Appendix C PBE.
 */
import type { Tlv } from '../der.js';
import { PkiError } from '../errors.js';
import { readAlgorithmIdentifier } from './lenient-reader.js';
import { decryptPbes2 } from './pbes2.js';
import { decryptPkcs12Pbe, isPkcs12Pbe } from './pkcs12-pbe.js';
import * as oids from './pkcs12-oids.js';

/** What we write: the AlgorithmIdentifier DER and the ciphertext. */
export interface EncryptedContent {
  algorithm: Buffer;
  ciphertext: Buffer;
}

/** The plaintext of `ciphertext`, encrypted under the AlgorithmIdentifier `algorithmField`. Zero it after use. */
export function decryptContent(buf: Buffer, algorithmField: Tlv | undefined, ciphertext: Buffer, password: string): Buffer {
  const algorithm = readAlgorithmIdentifier(buf, algorithmField, 'content encryption AlgorithmIdentifier');
  if (algorithm.oid === oids.idPBES2) return decryptPbes2(buf, algorithm, ciphertext, password);
  if (isPkcs12Pbe(algorithm.oid)) return decryptPkcs12Pbe(buf, algorithm, ciphertext, password);
  throw new PkiError('pkcs12.unsupported', `content encryption ${algorithm.oid} is not supported`);
}
