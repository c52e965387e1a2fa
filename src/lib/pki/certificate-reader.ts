/**
 * Reads the fields the CA needs from a DER certificate (RFC 5280 §4.1) by walking it in place:
 * serial, issuer, validity, subject, key, key identifiers (§4.2.1.1, §4.2.1.2) and SAN mailboxes
 * (§4.2.1.6). Returned Buffers are views into `der`. Anything that is not DER is 'der.malformed'.
 */
import {
  contentOf, encodingOf, expectTag, readBitString, readChildren, readIntegerBytes, readOid, readTime, readTlv, readWhole,
} from './der.js';
import type { Tlv } from './der.js';
import { PkiError } from './errors.js';
import { readRfc822Names } from './general-names.js';
import * as oids from './oids.js';

export interface CertificateFields {
  der: Buffer;
  /** The TBSCertificate's complete encoding, as signed. */
  tbs: Buffer;
  /** Lowercase hex, without the 00 octet that keeps a high first bit positive. */
  serialHex: string;
  /** Name DER. */
  issuer: Buffer;
  /** Name DER. */
  subject: Buffer;
  notBefore: Date;
  notAfter: Date;
  subjectPublicKeyInfo: Buffer;
  subjectKeyIdentifier?: Buffer;
  authorityKeyIdentifier?: Buffer;
  /** rfc822Names of the subjectAltName extension, as encoded. */
  emails: string[];
  /** The outer signatureAlgorithm AlgorithmIdentifier DER. */
  signatureAlgorithm: Buffer;
  signature: Buffer;
}

function malformed(message: string): never {
  throw new PkiError('der.malformed', message);
}

type ExtensionFields = Pick<CertificateFields, 'subjectKeyIdentifier' | 'authorityKeyIdentifier' | 'emails'>;

/** The value inside extnValue's OCTET STRING: exactly one DER element. */
function extensionValue(der: Buffer, octets: Tlv): Tlv {
  const value = readTlv(der, octets.start, { end: octets.start + octets.length });
  if (value.end !== octets.start + octets.length) malformed('extension value has trailing data');
  return value;
}

function readExtensions(der: Buffer, wrapper: Tlv): ExtensionFields {
  const found: ExtensionFields = { emails: [] };
  const [extensions] = readChildren(der, wrapper);
  for (const extension of readChildren(der, expectTag(extensions, 0x30, 'Extensions'))) {
    const parts = readChildren(der, expectTag(extension, 0x30, 'Extension'));
    const extensionOid = readOid(der, expectTag(parts[0], 0x06, 'extnID'));
    const octets = expectTag(parts[parts.length - 1], 0x04, 'extnValue');
    if (extensionOid === oids.idCeSubjectKeyIdentifier) {
      found.subjectKeyIdentifier = contentOf(der, expectTag(extensionValue(der, octets), 0x04, 'SubjectKeyIdentifier'));
    } else if (extensionOid === oids.idCeAuthorityKeyIdentifier) {
      const keyId = readChildren(der, expectTag(extensionValue(der, octets), 0x30, 'AuthorityKeyIdentifier'))
        .find((field) => field.tag === 0x80);
      if (keyId) found.authorityKeyIdentifier = contentOf(der, keyId);
    } else if (extensionOid === oids.idCeSubjectAltName) {
      found.emails = readRfc822Names(der, extensionValue(der, octets));
    }
  }
  return found;
}

function serialHex(bytes: Buffer): string {
  return (bytes.length > 1 && bytes[0] === 0 ? bytes.subarray(1) : bytes).toString('hex');
}

export function readCertificate(der: Buffer): CertificateFields {
  const certificate = expectTag(readWhole(der, 'certificate'), 0x30, 'Certificate');
  const [tbsField, signatureAlgorithm, signature, extra] = readChildren(der, certificate);
  if (extra) malformed('Certificate has extra fields');
  const tbs = expectTag(tbsField, 0x30, 'TBSCertificate');
  const fields = readChildren(der, tbs);
  const first = fields[0]?.tag === 0xa0 ? 1 : 0;
  const [serial, , issuer, validity, subject, spki, ...optional] = fields.slice(first);
  const [notBefore, notAfter] = readChildren(der, expectTag(validity, 0x30, 'Validity'));
  if (!notBefore || !notAfter) malformed('Validity needs notBefore and notAfter');
  const extensions = optional.find((field) => field.tag === 0xa3);
  return {
    der,
    tbs: encodingOf(der, tbs),
    serialHex: serialHex(readIntegerBytes(der, expectTag(serial, 0x02, 'serialNumber'))),
    issuer: encodingOf(der, expectTag(issuer, 0x30, 'issuer')),
    subject: encodingOf(der, expectTag(subject, 0x30, 'subject')),
    notBefore: readTime(der, notBefore),
    notAfter: readTime(der, notAfter),
    subjectPublicKeyInfo: encodingOf(der, expectTag(spki, 0x30, 'subjectPublicKeyInfo')),
    ...(extensions ? readExtensions(der, extensions) : { emails: [] }),
    signatureAlgorithm: encodingOf(der, expectTag(signatureAlgorithm, 0x30, 'signatureAlgorithm')),
    signature: readBitString(der, expectTag(signature, 0x03, 'signatureValue')).bytes,
  };
}
