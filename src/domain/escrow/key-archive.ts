/**
 * The archive format of an escrowed private key (DESIGN.md "Key custody"; S/MIME BR §6.1.2: never
 * stored in the clear). The PKCS#8 DER is sealed with AES-256-GCM under a fresh 256-bit data key:
 *
 *   sealed  = version (0x01) ‖ nonce (12) ‖ tag (16) ‖ ciphertext
 *   AAD     = "mcms-escrow" ‖ record id ‖ subscriber id ‖ certificate serial (newline-separated)
 *   wrapped = RSAES-OAEP (SHA-256, MGF1-SHA-256; RFC 8017 §7.1) of the data key under the KRA public key
 *
 * A record moved to another person or certificate, or an edited blob, fails authentication. The data key
 * and the PKCS#8 are zeroed once used; the KRA private key stays in custody (SigningKey.rsaOaepDecrypt).
 */
import { constants, createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, publicEncrypt, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { SigningKey } from '../ca/index.js';
import { DomainError } from '../errors.js';
import type { EscrowErrorCode } from './errors.js';
import type { EscrowRecord } from './model.js';

const VERSION = 0x01;
const NONCE = 12;
const TAG = 16;
const HEADER = 1 + NONCE + TAG;

export interface ArchiveBinding {
  recordId: string;
  subscriberId: string;
  certificateSerial: string;
}

const aad = (b: ArchiveBinding) => Buffer.from(`mcms-escrow\n${b.recordId}\n${b.subscriberId}\n${b.certificateSerial}`, 'utf8');

export function wrapDataKey(kraPublicKey: Buffer, dataKey: Buffer): Buffer {
  const key = createPublicKey({ key: kraPublicKey, format: 'der', type: 'spki' });
  return publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, dataKey);
}

/** Seals a private key for a record; returns the sealed blob and the wrapped data key. */
export function archivePrivateKey(privateKey: KeyObject, binding: ArchiveBinding, kra: SigningKey): { sealedKey: Buffer; wrappedKey: Buffer } {
  const dataKey = randomBytes(32);
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  try {
    const nonce = randomBytes(NONCE);
    const cipher = createCipheriv('aes-256-gcm', dataKey, nonce);
    cipher.setAAD(aad(binding));
    const ciphertext = Buffer.concat([cipher.update(pkcs8), cipher.final()]);
    const sealedKey = Buffer.concat([Buffer.from([VERSION]), nonce, cipher.getAuthTag(), ciphertext]);
    return { sealedKey, wrappedKey: wrapDataKey(kra.publicKey, dataKey) };
  } finally {
    pkcs8.fill(0);
    dataKey.fill(0);
  }
}

const tampered = (record: EscrowRecord) =>
  new DomainError<EscrowErrorCode>('escrow.archive-tampered', `the archive of certificate ${record.certificateSerial} fails authentication and is not delivered`, { record: record.id });

/** The data key of a record, unwrapped by its KRA key; the caller zeroes it. */
export async function unwrapDataKey(record: EscrowRecord, kra: SigningKey): Promise<Buffer> {
  if (!kra.rsaOaepDecrypt) throw new Error(`KRA key ${kra.id} cannot decrypt`);
  try {
    const dataKey = await kra.rsaOaepDecrypt(record.wrappedKey);
    if (dataKey.length !== 32) throw new Error('data key length');
    return dataKey;
  } catch {
    throw tampered(record);
  }
}

/** Opens a record's private key in memory; DomainError('escrow.archive-tampered') if anything does not authenticate. */
export async function openArchivedKey(record: EscrowRecord, kra: SigningKey): Promise<KeyObject> {
  const dataKey = await unwrapDataKey(record, kra);
  const sealed = record.sealedKey;
  let pkcs8: Buffer | undefined;
  try {
    if (sealed.length <= HEADER || sealed[0] !== VERSION) throw new Error('format');
    const decipher = createDecipheriv('aes-256-gcm', dataKey, sealed.subarray(1, 1 + NONCE));
    decipher.setAAD(aad({ recordId: record.id, subscriberId: record.subscriberId, certificateSerial: record.certificateSerial }));
    decipher.setAuthTag(sealed.subarray(1 + NONCE, HEADER));
    const head = decipher.update(sealed.subarray(HEADER));
    const tail = decipher.final();
    pkcs8 = Buffer.concat([head, tail]);
    head.fill(0);
    tail.fill(0);
    return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  } catch {
    throw tampered(record);
  } finally {
    dataKey.fill(0);
    pkcs8?.fill(0);
  }
}
