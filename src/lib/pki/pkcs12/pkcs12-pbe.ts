/**
 * The PBE algorithms of RFC 7292 Appendix C with Triple-DES: `pbeWithSHAAnd3-KeyTripleDES-CBC` (what
 * Apple devices reliably import, and what OpenSSL 3 reads without its legacy provider) and, for
 * reading only, the 2-key variant. Key (ID 1) and IV (ID 2) come from the Appendix B KDF with SHA-1
 * over the BMPString password; the parameters are `pkcs-12PbeParams ::= SEQUENCE { salt OCTET STRING,
 * iterations INTEGER }`. The RC2 and RC4 variants need OpenSSL's legacy provider and are refused.
 */
import { randomBytes } from 'node:crypto';
import { expectTag, integer, octetString, oid, readChildren, seq } from '../der.js';
import type { Tlv } from '../der.js';
import { PkiError } from '../errors.js';
import { deriveAppendixB, kdfPurpose } from './appendix-b-kdf.js';
import { decryptCbc, encryptCbc } from './cbc.js';
import type { CbcCipher } from './cbc.js';
import { readIterationCount } from './iteration-count.js';
import { lenient, malformed, readOctets } from './lenient-reader.js';
import type { AlgorithmIdentifier } from './lenient-reader.js';
import { bmpPassword } from './password.js';
import * as oids from './pkcs12-oids.js';

interface PbeScheme {
  cipher: CbcCipher;
  keyLength: number;
}

const schemes: ReadonlyMap<string, PbeScheme> = new Map([
  [oids.pbeWithSHAAnd3KeyTripleDESCBC, { cipher: 'des-ede3-cbc', keyLength: 24 }],
  [oids.pbeWithSHAAnd2KeyTripleDESCBC, { cipher: 'des-ede-cbc', keyLength: 16 }],
]);

const legacyRc = new Set([
  oids.pbeWithSHAAnd128BitRC4, oids.pbeWithSHAAnd40BitRC4, oids.pbeWithSHAAnd128BitRC2CBC, oids.pbewithSHAAnd40BitRC2CBC,
]);

const saltLength = 8;
const ivLength = 8;

export function isPkcs12Pbe(algorithm: string): boolean {
  return schemes.has(algorithm) || legacyRc.has(algorithm);
}

/** Runs `use` with the scheme's key and IV, zeroing them (and the BMPString password) afterwards. */
function withKeyAndIv<T>(scheme: PbeScheme, password: string, salt: Buffer, iterations: number,
  use: (key: Buffer, iv: Buffer) => T): T {
  const bmp = bmpPassword(password);
  const common = { hash: 'sha1', password: bmp, salt, iterations } as const;
  const key = deriveAppendixB({ ...common, purpose: kdfPurpose.key, length: scheme.keyLength });
  const iv = deriveAppendixB({ ...common, purpose: kdfPurpose.iv, length: ivLength });
  bmp.fill(0);
  try {
    return use(key, iv);
  } finally {
    key.fill(0);
    iv.fill(0);
  }
}

/** pbeWithSHAAnd3-KeyTripleDES-CBC with a fresh 8-octet salt: the AlgorithmIdentifier DER and the ciphertext. */
export function encryptPkcs12Pbe(plaintext: Buffer, password: string, iterations: number): { algorithm: Buffer; ciphertext: Buffer } {
  const salt = randomBytes(saltLength);
  const scheme = schemes.get(oids.pbeWithSHAAnd3KeyTripleDESCBC)!;
  const ciphertext = withKeyAndIv(scheme, password, salt, iterations, (key, iv) => encryptCbc(scheme.cipher, key, iv, plaintext));
  const algorithm = seq(oid(oids.pbeWithSHAAnd3KeyTripleDESCBC), seq(octetString(salt), integer(BigInt(iterations))));
  return { algorithm, ciphertext };
}

function readParameters(buf: Buffer, parameters: Tlv | undefined): { salt: Buffer; iterations: number } {
  const [salt, iterations, extra] = readChildren(buf, expectTag(parameters, 0x30, 'pkcs-12PbeParams'), lenient);
  if (extra) malformed('pkcs-12PbeParams has extra fields');
  return {
    salt: readOctets(buf, salt, 'PBE salt'),
    iterations: readIterationCount(buf, iterations),
  };
}

/** Decrypts content under one of the Appendix C schemes we read. Zero the result after use. */
export function decryptPkcs12Pbe(buf: Buffer, algorithm: AlgorithmIdentifier, ciphertext: Buffer, password: string): Buffer {
  const scheme = schemes.get(algorithm.oid);
  if (!scheme) {
    throw new PkiError('pkcs12.unsupported',
      'RC2 and RC4 PKCS#12 encryption (openssl -legacy) is not supported; re-export with 3DES or AES');
  }
  const { salt, iterations } = readParameters(buf, algorithm.parameters);
  return withKeyAndIv(scheme, password, salt, iterations, (key, iv) => decryptCbc(scheme.cipher, key, iv, ciphertext));
}
