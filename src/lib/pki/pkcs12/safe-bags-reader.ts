/**
 * Reads the SafeBags of one SafeContents (RFC 7292 §4.2): keyBag and pkcs8ShroudedKeyBag become
 * node:crypto private keys at once (decrypted PKCS#8 is zeroed straight after), x509Certificate
 * certBags are copied out, safeContentsBag is followed (a few levels deep); CRL, secret and unknown
 * bags are skipped. friendlyName and localKeyId attributes (RFC 2985 §5.5) are kept for pairing.
 */
import { createPrivateKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { encodingOf, expectTag, readChildren, readOid, readText, readWhole } from '../der.js';
import type { Tlv } from '../der.js';
import { readCertificate } from '../certificate.js';
import { decryptContent } from './encrypted-content.js';
import { lenient, malformed, readOctets } from './lenient-reader.js';
import * as oids from './pkcs12-oids.js';
import type { BagAttributes } from './safe-bags.js';

export interface KeyEntry extends BagAttributes {
  privateKey: KeyObject;
}

export interface CertificateEntry extends BagAttributes {
  der: Buffer;
  subjectPublicKeyInfo: Buffer;
}

export interface BagsRead {
  keys: KeyEntry[];
  certificates: CertificateEntry[];
}

const maxNesting = 4;

function readAttributes(buf: Buffer, element: Tlv | undefined): BagAttributes {
  const attributes: BagAttributes = {};
  if (!element) return attributes;
  for (const attribute of readChildren(buf, expectTag(element, 0x31, 'bagAttributes'), lenient)) {
    const [type, values] = readChildren(buf, expectTag(attribute, 0x30, 'PKCS12Attribute'), lenient);
    const attrId = readOid(buf, expectTag(type, 0x06, 'attrId'));
    const [value] = readChildren(buf, expectTag(values, 0x31, 'attrValues'), lenient);
    if (attrId === oids.pkcs9AtFriendlyName && value) {
      const text = readText(buf, value, lenient);
      if (text !== undefined) attributes.friendlyName = text;
    } else if (attrId === oids.pkcs9AtLocalKeyId && value) {
      attributes.localKeyId = Buffer.from(readOctets(buf, value, 'localKeyId'));
    }
  }
  return attributes;
}

function importPrivateKey(pkcs8: Buffer): KeyObject {
  try {
    return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  } catch {
    return malformed('a key bag does not hold a private key node:crypto can read');
  }
}

/** EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm, encryptedData OCTET STRING } (RFC 5958 §3). */
function decryptShroudedKey(buf: Buffer, element: Tlv, password: string): KeyObject {
  const [algorithm, data, extra] = readChildren(buf, expectTag(element, 0x30, 'EncryptedPrivateKeyInfo'), lenient);
  if (extra) malformed('EncryptedPrivateKeyInfo has extra fields');
  const pkcs8 = decryptContent(buf, algorithm, readOctets(buf, data, 'encryptedData'), password);
  try {
    return importPrivateKey(pkcs8);
  } finally {
    pkcs8.fill(0);
  }
}

/** CertBag ::= SEQUENCE { certId, certValue [0] EXPLICIT }: an X.509 certificate's DER (a copy), or undefined for other types. */
function readCertBag(buf: Buffer, element: Tlv): Omit<CertificateEntry, keyof BagAttributes> | undefined {
  const [certId, wrapper] = readChildren(buf, expectTag(element, 0x30, 'CertBag'), lenient);
  if (readOid(buf, expectTag(certId, 0x06, 'certId')) !== oids.x509Certificate) return undefined;
  const [value] = readChildren(buf, expectTag(wrapper, 0xa0, 'certValue'), lenient);
  const der = Buffer.from(readOctets(buf, value, 'certValue'));
  return { der, subjectPublicKeyInfo: readCertificate(der).subjectPublicKeyInfo };
}

function readSafeBag(buf: Buffer, bag: Tlv, password: string, into: BagsRead, depth: number): void {
  const [type, wrapper, attributesField] = readChildren(buf, expectTag(bag, 0x30, 'SafeBag'), lenient);
  const bagId = readOid(buf, expectTag(type, 0x06, 'bagId'));
  const [value, extra] = readChildren(buf, expectTag(wrapper, 0xa0, 'bagValue'), lenient);
  if (!value || extra) malformed('a SafeBag has no single bagValue');
  const attributes = readAttributes(buf, attributesField);
  if (bagId === oids.keyBag) {
    into.keys.push({ ...attributes, privateKey: importPrivateKey(encodingOf(buf, value)) });
  } else if (bagId === oids.pkcs8ShroudedKeyBag) {
    into.keys.push({ ...attributes, privateKey: decryptShroudedKey(buf, value, password) });
  } else if (bagId === oids.certBag) {
    const certificate = readCertBag(buf, value);
    if (certificate) into.certificates.push({ ...attributes, ...certificate });
  } else if (bagId === oids.safeContentsBag) {
    if (depth >= maxNesting) malformed('safeContentsBags are nested too deeply');
    readSafeBags(buf.subarray(value.offset, value.end), password, into, depth + 1);
  }
}

/** Adds the keys and certificates of one SafeContents to `into`. */
export function readSafeBags(safeContents: Buffer, password: string, into: BagsRead, depth = 0): void {
  const sequence = expectTag(readWhole(safeContents, 'SafeContents', lenient), 0x30, 'SafeContents');
  for (const bag of readChildren(safeContents, sequence, lenient)) readSafeBag(safeContents, bag, password, into, depth);
}
