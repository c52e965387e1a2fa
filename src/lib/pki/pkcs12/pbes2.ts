/**
 * PBES2 (RFC 8018 §6.2, parameters Appendix A.4) with PBKDF2 (§5.2, parameters Appendix A.2): what we
 * write is PBKDF2 with hmacWithSHA256 named explicitly (it is not the DEFAULT), a 16-octet salt and
 * AES-256-CBC (RFC 3565 §4.1), as OpenSSL 3's `pkcs12 -export` does. Reading also takes the other
 * HMAC-SHA PRFs and AES-128/192 or des-ede3-cbc (Appendix B.2.2). The password is UTF-8.
 */
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { expectTag, integer, nullValue, octetString, oid, readChildren, readSmallInteger, seq } from '../der.js';
import type { Tlv } from '../der.js';
import { PkiError } from '../errors.js';
import type { Pkcs12Hash } from './appendix-b-kdf.js';
import { decryptCbc, encryptCbc } from './cbc.js';
import type { CbcCipher } from './cbc.js';
import { readIterationCount } from './iteration-count.js';
import { hasNoParameters, lenient, malformed, readAlgorithmIdentifier, readOctets } from './lenient-reader.js';
import type { AlgorithmIdentifier } from './lenient-reader.js';
import { utf8Password } from './password.js';
import * as oids from './pkcs12-oids.js';

interface Pbes2Cipher {
  cipher: CbcCipher;
  keyLength: number;
  ivLength: number;
}

const ciphers: ReadonlyMap<string, Pbes2Cipher> = new Map([
  [oids.idAes256CBC, { cipher: 'aes-256-cbc', keyLength: 32, ivLength: 16 }],
  [oids.idAes192CBC, { cipher: 'aes-192-cbc', keyLength: 24, ivLength: 16 }],
  [oids.idAes128CBC, { cipher: 'aes-128-cbc', keyLength: 16, ivLength: 16 }],
  [oids.desEde3Cbc, { cipher: 'des-ede3-cbc', keyLength: 24, ivLength: 8 }],
]);

const prfs: ReadonlyMap<string, Pkcs12Hash> = new Map([
  [oids.idHmacWithSHA1, 'sha1'], [oids.idHmacWithSHA224, 'sha224'], [oids.idHmacWithSHA256, 'sha256'],
  [oids.idHmacWithSHA384, 'sha384'], [oids.idHmacWithSHA512, 'sha512'],
] as const);

const saltLength = 16;

interface Pbes2Parameters {
  salt: Buffer;
  iterations: number;
  prf: Pkcs12Hash;
  cipher: Pbes2Cipher;
  iv: Buffer;
}

function withKey<T>(parameters: Pbes2Parameters, password: string, use: (key: Buffer) => T): T {
  const secret = utf8Password(password);
  const key = pbkdf2Sync(secret, parameters.salt, parameters.iterations, parameters.cipher.keyLength, parameters.prf);
  secret.fill(0);
  try {
    return use(key);
  } finally {
    key.fill(0);
  }
}

/** PBES2 / PBKDF2-HMAC-SHA256 / AES-256-CBC with a fresh salt and IV: the AlgorithmIdentifier DER and the ciphertext. */
export function encryptPbes2(plaintext: Buffer, password: string, iterations: number): { algorithm: Buffer; ciphertext: Buffer } {
  const cipher = ciphers.get(oids.idAes256CBC)!;
  const parameters = { salt: randomBytes(saltLength), iterations, prf: 'sha256', cipher, iv: randomBytes(cipher.ivLength) } as const;
  const ciphertext = withKey(parameters, password, (key) => encryptCbc(cipher.cipher, key, parameters.iv, plaintext));
  const pbkdf2Params = seq(octetString(parameters.salt), integer(BigInt(iterations)), seq(oid(oids.idHmacWithSHA256), nullValue()));
  const algorithm = seq(oid(oids.idPBES2), seq(
    seq(oid(oids.idPBKDF2), pbkdf2Params),
    seq(oid(oids.idAes256CBC), octetString(parameters.iv)),
  ));
  return { algorithm, ciphertext };
}

type Pbkdf2Parameters = Pick<Pbes2Parameters, 'salt' | 'iterations' | 'prf'> & { keyLength?: number };

/**
 * PBKDF2-params ::= SEQUENCE { salt CHOICE { specified OCTET STRING, … }, iterationCount INTEGER,
 * keyLength INTEGER OPTIONAL, prf AlgorithmIdentifier DEFAULT algid-hmacWithSHA1 } (RFC 8018 A.2).
 */
function readPbkdf2(buf: Buffer, kdf: AlgorithmIdentifier): Pbkdf2Parameters {
  if (kdf.oid !== oids.idPBKDF2) throw new PkiError('pkcs12.unsupported', `PBES2 key derivation ${kdf.oid} is not supported`);
  const [salt, iterations, ...optional] = readChildren(buf, expectTag(kdf.parameters, 0x30, 'PBKDF2-params'), lenient);
  const keyLengthField = optional[0]?.tag === 0x02 ? optional.shift() : undefined;
  const [prfField, extra] = optional;
  if (extra) malformed('PBKDF2-params has extra fields');
  const prfAlgorithm = prfField ? readAlgorithmIdentifier(buf, prfField, 'PBKDF2 prf') : { oid: oids.idHmacWithSHA1 };
  const prf = prfs.get(prfAlgorithm.oid);
  if (!prf || !hasNoParameters(prfAlgorithm)) throw new PkiError('pkcs12.unsupported', `PBKDF2 prf ${prfAlgorithm.oid} is not supported`);
  const parameters = { salt: readOctets(buf, salt, 'PBKDF2 salt'), iterations: readIterationCount(buf, iterations), prf };
  return keyLengthField ? { ...parameters, keyLength: readSmallInteger(buf, keyLengthField, lenient) } : parameters;
}

function readParameters(buf: Buffer, parameters: Tlv | undefined): Pbes2Parameters {
  const [kdfField, schemeField, extra] = readChildren(buf, expectTag(parameters, 0x30, 'PBES2-params'), lenient);
  if (extra) malformed('PBES2-params has extra fields');
  const { keyLength, ...kdf } = readPbkdf2(buf, readAlgorithmIdentifier(buf, kdfField, 'PBES2 keyDerivationFunc'));
  const scheme = readAlgorithmIdentifier(buf, schemeField, 'PBES2 encryptionScheme');
  const cipher = ciphers.get(scheme.oid);
  if (!cipher) throw new PkiError('pkcs12.unsupported', `PBES2 encryption scheme ${scheme.oid} is not supported`);
  if (keyLength !== undefined && keyLength !== cipher.keyLength) malformed('PBKDF2 keyLength does not fit the cipher');
  const iv = readOctets(buf, scheme.parameters, 'PBES2 IV');
  if (iv.length !== cipher.ivLength) malformed('PBES2 IV has the wrong length');
  return { ...kdf, cipher, iv };
}

/** Decrypts PBES2 content. Zero the result after use. */
export function decryptPbes2(buf: Buffer, algorithm: AlgorithmIdentifier, ciphertext: Buffer, password: string): Buffer {
  const parameters = readParameters(buf, algorithm.parameters);
  return withKey(parameters, password, (key) => decryptCbc(parameters.cipher.cipher, key, parameters.iv, ciphertext));
}
