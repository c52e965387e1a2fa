/**
 * Reads an EnvelopedData (RFC 5652 §6.1): its key-transport recipients (§6.2.1; the other
 * RecipientInfo kinds are skipped), the content-encryption algorithm with its IV, and the encrypted
 * content, which BER senders (scepclient, pkijs) split into a constructed `[0]` of OCTET STRING
 * segments. Nothing is decrypted here. Failures: 'cms.malformed', or 'cms.unsupported-algorithm'
 * for a cipher we do not have or no RSA key-transport recipient at all.
 */
import { expectTag, readChildren, readOid, readSmallInteger, stringOctets } from '../der.js';
import type { ReadOptions, Tlv } from '../der.js';
import { malformed } from '../der-reader.js';
import { PkiError } from '../errors.js';
import * as oids from '../oids.js';
import { readCertificateIdentifier } from './certificate-identifier.js';
import type { CertificateIdentifier } from './certificate-identifier.js';
import { idEnvelopedData } from './cms-oids.js';
import { readContentInfo, readingCms } from './content-info.js';
import { contentEncryptionIvLength, contentEncryptionOfOid } from './content-encryption.js';
import type { ContentEncryption } from './content-encryption.js';

export interface KeyTransRecipient {
  version: number;
  rid: CertificateIdentifier;
  /** keyEncryptionAlgorithm OID (rsaEncryption for PKCS#1 v1.5). */
  keyEncryptionAlgorithm: string;
  encryptedKey: Buffer;
}

export interface EnvelopedDataInfo {
  version: number;
  recipients: KeyTransRecipient[];
  /** The encrypted content's type (id-data for SCEP). */
  contentType: string;
  contentEncryption: ContentEncryption;
  iv: Buffer;
  encryptedContent: Buffer;
}

type Lenience = Pick<ReadOptions, 'ber'>;

function octets(buf: Buffer, element: Tlv | undefined, what: string, options: Lenience): Buffer {
  if (element?.tag !== 0x04 && element?.tag !== 0x24) malformed(`${what} is missing or not an OCTET STRING`);
  return stringOctets(buf, element, options);
}

function readRecipient(buf: Buffer, element: Tlv, options: Lenience): KeyTransRecipient {
  const [version, rid, algorithm, encryptedKey, extra] = readChildren(buf, element, options);
  if (extra) malformed('KeyTransRecipientInfo has extra fields');
  const [algorithmOid] = readChildren(buf, expectTag(algorithm, 0x30, 'keyEncryptionAlgorithm'), options);
  return {
    version: readSmallInteger(buf, expectTag(version, 0x02, 'KeyTransRecipientInfo version'), options),
    rid: readCertificateIdentifier(buf, rid, options),
    keyEncryptionAlgorithm: readOid(buf, expectTag(algorithmOid, 0x06, 'keyEncryptionAlgorithm algorithm')),
    encryptedKey: octets(buf, encryptedKey, 'encryptedKey', options),
  };
}

type EncryptedContentFields = Pick<EnvelopedDataInfo, 'contentType' | 'contentEncryption' | 'iv' | 'encryptedContent'>;

/** EncryptedContentInfo ::= SEQUENCE { contentType, contentEncryptionAlgorithm, encryptedContent [0] IMPLICIT OPTIONAL }. */
function readEncryptedContentInfo(buf: Buffer, element: Tlv | undefined, options: Lenience): EncryptedContentFields {
  const [type, algorithm, content, extra] = readChildren(buf, expectTag(element, 0x30, 'encryptedContentInfo'), options);
  if (extra) malformed('encryptedContentInfo has extra fields');
  const [algorithmOid, parameters] = readChildren(buf, expectTag(algorithm, 0x30, 'contentEncryptionAlgorithm'), options);
  const contentEncryption = contentEncryptionOfOid(readOid(buf, expectTag(algorithmOid, 0x06, 'contentEncryptionAlgorithm algorithm')));
  if (!contentEncryption) throw new PkiError('cms.unsupported-algorithm', 'unsupported content-encryption algorithm');
  const iv = octets(buf, parameters, 'content-encryption IV', options);
  if (iv.length !== contentEncryptionIvLength(contentEncryption)) malformed('the content-encryption IV has the wrong length');
  if (content?.tag !== 0x80 && content?.tag !== 0xa0) malformed('encryptedContent is missing');
  return {
    contentType: readOid(buf, expectTag(type, 0x06, 'contentType')),
    contentEncryption,
    iv,
    encryptedContent: stringOctets(buf, content, options),
  };
}

function readEnvelopedDataFields(der: Buffer, options: Lenience): EnvelopedDataInfo {
  const envelopedData = expectTag(readContentInfo(der, idEnvelopedData, 'an EnvelopedData', options), 0x30, 'EnvelopedData');
  const [version, ...rest] = readChildren(der, envelopedData, options);
  if (rest[0]?.tag === 0xa0) rest.shift(); // originatorInfo
  const [recipientInfos, encryptedContentInfo, unprotected, extra] = rest;
  if (extra || (unprotected && unprotected.tag !== 0xa1)) malformed('EnvelopedData has extra fields');
  const recipients = readChildren(der, expectTag(recipientInfos, 0x31, 'recipientInfos'), options)
    .filter((info) => info.tag === 0x30) // KeyTransRecipientInfo; kari [1], kekri [2], pwri [3], ori [4] are skipped
    .map((info) => readRecipient(der, info, options));
  const fields = readEncryptedContentInfo(der, encryptedContentInfo, options);
  if (!recipients.some((recipient) => recipient.keyEncryptionAlgorithm === oids.rsaEncryption)) {
    throw new PkiError('cms.unsupported-algorithm', 'no recipient uses RSA PKCS#1 v1.5 key transport');
  }
  return { version: readSmallInteger(der, expectTag(version, 0x02, 'EnvelopedData version'), options), recipients, ...fields };
}

/** Reads a DER (or, with `ber`, BER) ContentInfo holding an EnvelopedData. */
export function parseEnvelopedData(der: Buffer, options: Lenience = {}): EnvelopedDataInfo {
  return readingCms('EnvelopedData', () => readEnvelopedDataFields(der, { ber: options.ber === true }));
}
