/**
 * EnvelopedData (RFC 5652 §6) with RSA PKCS#1 v1.5 key transport (RFC 3370 §4.2.1): writing one for
 * a certificate (what Apple devices and `openssl smime` read; pkijs would pick RSA-OAEP) and opening
 * one with a raw RSA private operation plus our own implicit-rejection unpadding (RFC 3218 §2.3.2),
 * because Node 20 refuses PKCS#1 v1.5 decryption. Every failure to open is the same
 * PkiError('cms.decrypt-failed', 'cannot decrypt the message'): no oracle for an attacker.
 */
import { constants, publicEncrypt, randomBytes } from 'node:crypto';
import { contextImplicit, integer, nullValue, octetString, oid, seq, set } from '../der.js';
import { PkiError } from '../errors.js';
import * as oids from '../oids.js';
import { encodeIssuerAndSerialNumber, identifiesCertificate, subjectPublicKeyInfoOf } from './certificate-identifier.js';
import { idData, idEnvelopedData } from './cms-oids.js';
import { encodeContentInfo } from './content-info.js';
import {
  contentEncryptionAlgorithmIdentifier, contentEncryptionIvLength, contentEncryptionKeyLength, decryptContent,
  encryptContent, randomContentKey,
} from './content-encryption.js';
import type { ContentEncryption } from './content-encryption.js';
import type { EnvelopedDataInfo, KeyTransRecipient } from './enveloped-data-reader.js';
import { rsaPkcs1Unpad } from './rsa-pkcs1-unpad.js';
import { importSignerKey } from './signer-key.js';

export interface EnvelopedDataSpec {
  content: Buffer;
  /** The recipient's X.509 certificate (an RSA key). */
  recipientCertificate: Buffer;
  contentEncryption: ContentEncryption;
}

export interface EnvelopedDataRecipientKey {
  recipientCertificate: Buffer;
  /**
   * The raw RSA private-key operation on one block (RSADP, RFC 8017 §5.1.2), returning all k octets
   * of the modulus length, leading zeros included: e.g.
   * `crypto.privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, block)` or CKM_RSA_X_509 on an HSM.
   */
  rsaRawDecrypt(block: Buffer): Promise<Buffer>;
}

const rsaEncryptionAlgorithm = seq(oid(oids.rsaEncryption), nullValue());
const version0 = integer(0n);

function decryptFailed(): PkiError {
  return new PkiError('cms.decrypt-failed', 'cannot decrypt the message');
}

/** Encrypts `content` to the certificate's RSA key with a fresh key and IV; returns a ContentInfo. */
export function buildEnvelopedData(spec: EnvelopedDataSpec): Buffer {
  const recipient = importSignerKey(subjectPublicKeyInfoOf(spec.recipientCertificate));
  if (recipient.info.kind !== 'rsa') throw new PkiError('key.unsupported', 'the recipient certificate does not hold an RSA key');
  const key = randomContentKey(spec.contentEncryption);
  const iv = randomBytes(contentEncryptionIvLength(spec.contentEncryption));
  const encryptedKey = publicEncrypt({ key: recipient.key, padding: constants.RSA_PKCS1_PADDING }, key);
  const recipientInfo = seq(version0, encodeIssuerAndSerialNumber(spec.recipientCertificate), rsaEncryptionAlgorithm, octetString(encryptedKey));
  const encryptedContentInfo = seq(
    oid(idData),
    contentEncryptionAlgorithmIdentifier(spec.contentEncryption, iv),
    contextImplicit(0, encryptContent(spec.contentEncryption, key, iv, spec.content)),
  );
  return encodeContentInfo(idEnvelopedData, seq(version0, set(recipientInfo), encryptedContentInfo));
}

/** The RSA PKCS#1 v1.5 recipient naming the certificate; failing that, the only recipient there is. */
function recipientFor(info: EnvelopedDataInfo, certificate: Buffer): KeyTransRecipient | undefined {
  const candidates = info.recipients.filter((recipient) => recipient.keyEncryptionAlgorithm === oids.rsaEncryption);
  const named = candidates.find((recipient) => identifiesCertificate(recipient.rid, certificate));
  return named ?? (info.recipients.length === 1 ? candidates[0] : undefined);
}

/**
 * The plaintext of a parsed EnvelopedData. A block that does not unpad to a key of the cipher's
 * length is replaced by a random key (never reported), so it fails in content decryption, where
 * every error becomes PkiError('cms.decrypt-failed').
 */
export async function decryptEnvelopedData(info: EnvelopedDataInfo, key: EnvelopedDataRecipientKey): Promise<Buffer> {
  let recipient: KeyTransRecipient | undefined;
  try {
    recipient = recipientFor(info, key.recipientCertificate);
  } catch {
    recipient = undefined;
  }
  if (!recipient) throw decryptFailed();
  let block: Buffer;
  try {
    block = await key.rsaRawDecrypt(recipient.encryptedKey);
  } catch {
    block = Buffer.alloc(0); // e.g. a wrong-length encryptedKey: rejected like bad padding, below
  }
  const contentKey = rsaPkcs1Unpad(block, contentEncryptionKeyLength(info.contentEncryption));
  try {
    return decryptContent(info.contentEncryption, contentKey, info.iv, info.encryptedContent);
  } catch {
    throw decryptFailed();
  }
}
