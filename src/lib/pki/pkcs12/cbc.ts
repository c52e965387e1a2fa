/**
 * CBC-mode encryption and decryption with the padding of RFC 8018 §6.1.1 step 4 / RFC 5652 §6.3
 * (OpenSSL's default), for the PBE schemes of RFC 7292 Appendix C and RFC 8018 §6.2. Partial outputs
 * are zeroed once joined. A padding error can only mean a wrong key here: the callers decrypt after
 * the file's MAC has verified.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { PkiError } from '../errors.js';

export type CbcCipher = 'des-ede3-cbc' | 'des-ede-cbc' | 'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc';

function joinAndZero(parts: Buffer[]): Buffer {
  const joined = Buffer.concat(parts);
  for (const part of parts) part.fill(0);
  return joined;
}

export function encryptCbc(cipher: CbcCipher, key: Buffer, iv: Buffer, plaintext: Buffer): Buffer {
  const encryptor = createCipheriv(cipher, key, iv);
  return Buffer.concat([encryptor.update(plaintext), encryptor.final()]);
}

/** The plaintext, or PkiError('pkcs12.bad-password') when the padding shows the key is wrong. Zero it after use. */
export function decryptCbc(cipher: CbcCipher, key: Buffer, iv: Buffer, ciphertext: Buffer): Buffer {
  const parts: Buffer[] = [];
  try {
    const decryptor = createDecipheriv(cipher, key, iv);
    parts.push(decryptor.update(ciphertext));
    parts.push(decryptor.final());
  } catch (error) {
    for (const part of parts) part.fill(0);
    throw new PkiError('pkcs12.bad-password',
      'the file\'s MAC verifies but its encrypted contents do not decrypt with this password', { cause: error });
  }
  return joinAndZero(parts);
}
