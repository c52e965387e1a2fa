/**
 * X.509 v3 certificates (RFC 5280 §4.1): the TBSCertificate encoded directly as DER from parts the
 * caller has already encoded (names, keys, AlgorithmIdentifier), and the signed Certificate around
 * it. No object graph, so building one costs a few microseconds. Reading is in certificate-reader.ts.
 */
import { bitString, contextExplicit, integer, readTlv, seq, time } from './der.js';
import { PkiError } from './errors.js';
import { encodeExtensions } from './extension.js';
import type { Extension } from './extension.js';

export { readCertificate } from './certificate-reader.js';
export type { CertificateFields } from './certificate-reader.js';

export interface TbsCertificateSpec {
  /** Unsigned big-endian magnitude, 1–20 octets (RFC 5280 §4.1.2.2). */
  serial: Buffer;
  /** AlgorithmIdentifier DER; must equal the one the Certificate carries (§4.1.2.3). */
  signatureAlgorithm: Buffer;
  /** Name DER. */
  issuer: Buffer;
  notBefore: Date;
  notAfter: Date;
  /** Name DER. */
  subject: Buffer;
  subjectPublicKeyInfo: Buffer;
  extensions: Extension[];
}

const version3 = contextExplicit(0, integer(2n));

function unencodable(message: string): never {
  throw new PkiError('der.unencodable', message);
}

/** Each caller-encoded part must be exactly one DER element (catches PEM or concatenations early). */
function checkElement(part: Buffer, what: string): Buffer {
  if (part.length === 0 || readTlv(part, 0).end !== part.length) unencodable(`${what} is not a single DER element`);
  return part;
}

export function encodeTbsCertificate(spec: TbsCertificateSpec): Buffer {
  const serial = integer(spec.serial);
  if (serial.length > 22 || spec.serial.every((octet) => octet === 0)) {
    unencodable('serial number must be positive and at most 20 octets');
  }
  if (!(spec.notAfter.getTime() >= spec.notBefore.getTime())) unencodable('notAfter is before notBefore');
  return seq(
    version3,
    serial,
    checkElement(spec.signatureAlgorithm, 'signature AlgorithmIdentifier'),
    checkElement(spec.issuer, 'issuer Name'),
    seq(time(spec.notBefore), time(spec.notAfter)),
    checkElement(spec.subject, 'subject Name'),
    checkElement(spec.subjectPublicKeyInfo, 'SubjectPublicKeyInfo'),
    encodeExtensions(spec.extensions),
  );
}

/** Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue BIT STRING }. */
export function assembleCertificate(tbs: Buffer, signatureAlgorithm: Buffer, signature: Buffer): Buffer {
  return seq(tbs, signatureAlgorithm, bitString(signature));
}
