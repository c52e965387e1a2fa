/**
 * The sealed form of a software private key: AES-256-GCM under the master key, with the key's id and
 * algorithm as additional authenticated data, so a blob cannot be swapped onto another key's row or
 * relabelled as another algorithm without failing to open.
 *
 *   version (1 byte, 0x01) ‖ nonce (12 bytes, fresh per seal) ‖ tag (16 bytes) ‖ ciphertext
 *
 * The plaintext is the PKCS#8 DER. Callers zero the plaintext they hand in or get back once used.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 0x01;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + NONCE_BYTES + TAG_BYTES;

export interface SealContext {
  keyId: string;
  algorithm: string;
}

function additionalData(context: SealContext): Buffer {
  return Buffer.from(`mcms-key\n${context.keyId}\n${context.algorithm}`, 'utf8');
}

function checkMasterKey(masterKey: Buffer): void {
  if (masterKey.length !== 32) throw new Error('the master key must be 32 bytes');
}

export function sealPrivateKey(masterKey: Buffer, context: SealContext, pkcs8: Buffer): Buffer {
  checkMasterKey(masterKey);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', masterKey, nonce);
  cipher.setAAD(additionalData(context));
  const ciphertext = Buffer.concat([cipher.update(pkcs8), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), nonce, cipher.getAuthTag(), ciphertext]);
}

/** The PKCS#8 DER; the caller zeroes it after use. Errors name the key, never its bytes. */
export function openSealedKey(masterKey: Buffer, context: SealContext, sealed: Buffer): Buffer {
  checkMasterKey(masterKey);
  if (sealed.length <= HEADER_BYTES || sealed[0] !== VERSION) {
    throw new Error(`key ${context.keyId} is not sealed in a format this version of mcms reads`);
  }
  const nonce = sealed.subarray(1, 1 + NONCE_BYTES);
  const tag = sealed.subarray(1 + NONCE_BYTES, HEADER_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', masterKey, nonce);
  decipher.setAAD(additionalData(context));
  decipher.setAuthTag(tag);
  const head = decipher.update(sealed.subarray(HEADER_BYTES));
  try {
    const tail = decipher.final();
    const plaintext = Buffer.concat([head, tail]);
    tail.fill(0);
    return plaintext;
  } catch {
    throw new Error(`the master key does not open key ${context.keyId}: wrong MCMS_MASTER_KEY or master.key?`);
  } finally {
    head.fill(0);
  }
}
