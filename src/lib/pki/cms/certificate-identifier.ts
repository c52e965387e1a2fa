/**
 * How CMS names a certificate: SignerIdentifier (RFC 5652 §5.3) and RecipientIdentifier (§6.2.1),
 * each a CHOICE of IssuerAndSerialNumber (§10.2.4) or `[0] SubjectKeyIdentifier`. Encodes ours from
 * a certificate's own bytes (issuer and serial INTEGER as they are in the certificate, so even a
 * non-minimal serial still matches), reads theirs, and tells whether one names a certificate. Also
 * gives a certificate's key, which is all CMS needs of a client's self-signed certificate.
 */
import { encodingOf, expectTag, readChildren, readIntegerBytes, readTlv, seq, stringOctets } from '../der.js';
import type { ReadOptions, Tlv } from '../der.js';
import { malformed } from '../der-reader.js';
import { readCertificate } from '../certificate.js';
import { serialToHex } from '../serial.js';

export type CertificateIdentifier =
  | { kind: 'issuerAndSerialNumber'; /** Name DER. */ issuer: Buffer; /** Lowercase hex without leading zeros (serialToHex). */ serialHex: string }
  | { kind: 'subjectKeyIdentifier'; keyIdentifier: Buffer };

const lenient = { ber: true };

interface CertificateParts {
  /** Name DER. */
  issuer: Buffer;
  /** The serialNumber INTEGER's complete encoding. */
  serial: Buffer;
  subjectPublicKeyInfo: Buffer;
}

/**
 * The TBSCertificate fields CMS needs (RFC 5280 §4.1), read leniently: a client's self-signed
 * certificate only carries its key, and need not pass readCertificate's strict DER and RFC 5280 checks.
 */
function certificateParts(certificate: Buffer): CertificateParts {
  const [tbs] = readChildren(certificate, expectTag(readTlv(certificate, 0, lenient), 0x30, 'Certificate'), lenient);
  const fields = readChildren(certificate, expectTag(tbs, 0x30, 'TBSCertificate'), lenient);
  const first = fields[0]?.tag === 0xa0 ? 1 : 0;
  return {
    serial: encodingOf(certificate, expectTag(fields[first], 0x02, 'serialNumber')),
    issuer: encodingOf(certificate, expectTag(fields[first + 2], 0x30, 'issuer')),
    subjectPublicKeyInfo: encodingOf(certificate, expectTag(fields[first + 5], 0x30, 'subjectPublicKeyInfo')),
  };
}

/** The certificate's SubjectPublicKeyInfo, as encoded in it. */
export function subjectPublicKeyInfoOf(certificate: Buffer): Buffer {
  return certificateParts(certificate).subjectPublicKeyInfo;
}

/** The certificate's serial number as lowercase hex without leading zeros (serialToHex), read leniently. */
export function certificateSerialHex(certificate: Buffer): string {
  return serialHexOf(certificateParts(certificate).serial);
}

const serialHexOf = (serial: Buffer) => serialToHex(readIntegerBytes(serial, readTlv(serial, 0, lenient), lenient));

/** IssuerAndSerialNumber ::= SEQUENCE { issuer Name, serialNumber CertificateSerialNumber }. */
export function encodeIssuerAndSerialNumber(certificate: Buffer): Buffer {
  const { issuer, serial } = certificateParts(certificate);
  return seq(issuer, serial);
}

/** Reads a SignerIdentifier or RecipientIdentifier. */
export function readCertificateIdentifier(buf: Buffer, element: Tlv | undefined, options: Pick<ReadOptions, 'ber'>): CertificateIdentifier {
  if (element?.tag === 0x80 || (options.ber && element?.tag === 0xa0)) {
    return { kind: 'subjectKeyIdentifier', keyIdentifier: stringOctets(buf, element, options) };
  }
  const [issuer, serial, extra] = readChildren(buf, expectTag(element, 0x30, 'IssuerAndSerialNumber'), options);
  if (extra) malformed('IssuerAndSerialNumber has extra fields');
  return {
    kind: 'issuerAndSerialNumber',
    issuer: encodingOf(buf, expectTag(issuer, 0x30, 'issuer')),
    serialHex: serialToHex(readIntegerBytes(buf, expectTag(serial, 0x02, 'serialNumber'), { ber: true })),
  };
}

/** Whether the identifier names this certificate (DER bytes of the issuer, value of the serial, or SKI). */
export function identifiesCertificate(id: CertificateIdentifier, certificate: Buffer): boolean {
  if (id.kind === 'subjectKeyIdentifier') {
    const keyIdentifier = readCertificate(certificate).subjectKeyIdentifier;
    return keyIdentifier !== undefined && keyIdentifier.equals(id.keyIdentifier);
  }
  const { issuer, serial } = certificateParts(certificate);
  return issuer.equals(id.issuer) && serialHexOf(serial) === id.serialHex;
}
