/**
 * The content-encryption algorithms of EnvelopedData (RFC 5652 §6.3) we read and write, all CBC
 * with PKCS#7 padding and the IV as the AlgorithmIdentifier parameters: DES (RFC 8018 B.2.1),
 * 3DES (RFC 3370 §5.1) and AES (RFC 3565 §4.1). Single DES runs as 3DES with the key repeated
 * (K‖K‖K gives the identical cipher) because Node's des-cbc needs OpenSSL's legacy provider;
 * scepclient sends single DES even when AES is advertised. Padding is removed here, not by OpenSSL.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { octetString, oid, seq } from '../der.js';
import { desCBC, desEde3Cbc, idAes128CBC, idAes192CBC, idAes256CBC } from './cms-oids.js';

export type ContentEncryption = 'des-cbc' | 'des-ede3-cbc' | 'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc';

interface CipherSpec {
  oid: string;
  keyLength: number;
  blockSize: number;
}

const ciphers: Record<ContentEncryption, CipherSpec> = {
  'des-cbc': { oid: desCBC, keyLength: 8, blockSize: 8 },
  'des-ede3-cbc': { oid: desEde3Cbc, keyLength: 24, blockSize: 8 },
  'aes-128-cbc': { oid: idAes128CBC, keyLength: 16, blockSize: 16 },
  'aes-192-cbc': { oid: idAes192CBC, keyLength: 24, blockSize: 16 },
  'aes-256-cbc': { oid: idAes256CBC, keyLength: 32, blockSize: 16 },
};

const cipherByOid = new Map(Object.entries(ciphers).map(([name, spec]) => [spec.oid, name as ContentEncryption]));

export function contentEncryptionOfOid(algorithm: string): ContentEncryption | undefined {
  return cipherByOid.get(algorithm);
}

export function contentEncryptionKeyLength(algorithm: ContentEncryption): number {
  return ciphers[algorithm].keyLength;
}

/** The IV length: the cipher's block size. */
export function contentEncryptionIvLength(algorithm: ContentEncryption): number {
  return ciphers[algorithm].blockSize;
}

/** ContentEncryptionAlgorithmIdentifier with the IV as an OCTET STRING parameter. */
export function contentEncryptionAlgorithmIdentifier(algorithm: ContentEncryption, iv: Buffer): Buffer {
  return seq(oid(ciphers[algorithm].oid), octetString(iv));
}

/** DES keys carry odd parity in each octet's low bit (FIPS 46-3); OpenSSL ignores it, others may not. */
function withOddParity(key: Buffer): Buffer {
  for (let i = 0; i < key.length; i++) {
    let fold = key[i]!;
    fold ^= fold >> 4;
    fold ^= fold >> 2;
    fold ^= fold >> 1;
    key[i]! ^= (fold & 1) ^ 1; // flip the low bit when the count of ones is even
  }
  return key;
}

/** A fresh random content-encryption key. */
export function randomContentKey(algorithm: ContentEncryption): Buffer {
  const key = randomBytes(ciphers[algorithm].keyLength);
  return algorithm.startsWith('des') ? withOddParity(key) : key;
}

function nodeCipher(algorithm: ContentEncryption, key: Buffer): { name: string; key: Buffer } {
  if (algorithm === 'des-cbc') return { name: 'des-ede3-cbc', key: Buffer.concat([key, key, key]) };
  return { name: algorithm, key };
}

export function encryptContent(algorithm: ContentEncryption, key: Buffer, iv: Buffer, plaintext: Buffer): Buffer {
  const cipher = nodeCipher(algorithm, key);
  const encryptor = createCipheriv(cipher.name, cipher.key, iv);
  return Buffer.concat([encryptor.update(plaintext), encryptor.final()]);
}

/**
 * CBC decryption and PKCS#7 unpadding (RFC 5652 §6.3). Throws a plain Error on a wrong length or
 * bad padding; the caller turns every failure into the one generic decryption error.
 */
export function decryptContent(algorithm: ContentEncryption, key: Buffer, iv: Buffer, ciphertext: Buffer): Buffer {
  const { blockSize } = ciphers[algorithm];
  if (ciphertext.length === 0 || ciphertext.length % blockSize !== 0) throw new Error('ciphertext length');
  const cipher = nodeCipher(algorithm, key);
  const decryptor = createDecipheriv(cipher.name, cipher.key, iv).setAutoPadding(false);
  const padded = Buffer.concat([decryptor.update(ciphertext), decryptor.final()]);
  const pad = padded[padded.length - 1]!;
  let bad = pad === 0 || pad > blockSize ? 1 : 0;
  for (let i = padded.length - pad; i < padded.length && pad <= blockSize; i++) bad |= padded[i]! ^ pad;
  if (bad !== 0) throw new Error('padding');
  return padded.subarray(0, padded.length - pad);
}
