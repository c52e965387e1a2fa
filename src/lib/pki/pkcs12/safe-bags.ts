/**
 * SafeBags as we write them (RFC 7292 §4.2): `SafeBag ::= SEQUENCE { bagId, bagValue [0] EXPLICIT,
 * bagAttributes SET OF PKCS12Attribute OPTIONAL }`, for a pkcs8ShroudedKeyBag (§4.2.2, an
 * EncryptedPrivateKeyInfo) and a certBag (§4.2.3, x509Certificate). Attributes are RFC 2985 §5.5.1
 * friendlyName (BMPString) and §5.5.2 localKeyId (OCTET STRING), both DER-sorted by set().
 */
import { contextExplicit, octetString, oid, seq, set, tlv } from '../der.js';
import { PkiError } from '../errors.js';
import type { EncryptedContent } from './encrypted-content.js';
import * as oids from './pkcs12-oids.js';

export interface BagAttributes {
  localKeyId?: Buffer;
  friendlyName?: string;
}

/** RFC 2985 pkcs-9-ub-friendlyName. */
export const friendlyNameMaxLength = 255;
const loneSurrogate = /\p{Cs}/u;

/** BMPString (X.690 §8.23.8, UTF-16BE); beyond the BMP as surrogate pairs, as OpenSSL and Windows write them. */
function bmpString(text: string): Buffer {
  const bytes = Buffer.alloc(2 * text.length);
  for (let i = 0; i < text.length; i++) bytes.writeUInt16BE(text.charCodeAt(i), 2 * i);
  return tlv(0x1e, bytes);
}

export function checkFriendlyName(name: string): void {
  if (typeof name !== 'string' || name.length === 0 || name.length > friendlyNameMaxLength || loneSurrogate.test(name)) {
    throw new PkiError('pkcs12.invalid-input', `friendlyName must be 1–${friendlyNameMaxLength} characters of valid Unicode text`);
  }
}

function encodeAttributes(attributes: BagAttributes): Buffer[] {
  const encoded: Buffer[] = [];
  if (attributes.friendlyName !== undefined) {
    encoded.push(seq(oid(oids.pkcs9AtFriendlyName), set(bmpString(attributes.friendlyName))));
  }
  if (attributes.localKeyId !== undefined) {
    encoded.push(seq(oid(oids.pkcs9AtLocalKeyId), set(octetString(attributes.localKeyId))));
  }
  return encoded.length > 0 ? [set(...encoded)] : [];
}

function safeBag(bagId: string, value: Buffer, attributes: BagAttributes): Buffer {
  return seq(oid(bagId), contextExplicit(0, value), ...encodeAttributes(attributes));
}

export function shroudedKeyBag(encrypted: EncryptedContent, attributes: BagAttributes): Buffer {
  return safeBag(oids.pkcs8ShroudedKeyBag, seq(encrypted.algorithm, octetString(encrypted.ciphertext)), attributes);
}

export function certificateBag(certificate: Buffer, attributes: BagAttributes = {}): Buffer {
  return safeBag(oids.certBag, seq(oid(oids.x509Certificate), contextExplicit(0, octetString(certificate))), attributes);
}

/** SafeContents ::= SEQUENCE OF SafeBag. */
export function safeContents(bags: readonly Buffer[]): Buffer {
  return seq(...bags);
}
