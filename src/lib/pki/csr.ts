/**
 * PKCS#10 certification requests (RFC 2986 §4), read leniently because real clients send BER,
 * constructed strings and PrintableStrings holding '@' (certmonger): the subject for display, the
 * key (RFC 5280 §4.1.2.7), SAN mailboxes from an extensionRequest (RFC 2985 §5.4.2) and a
 * challengePassword (§5.4.1). The self-signature is always verified over the bytes as received.
 */
import {
  encodingOf, expectTag, readBitString, readChildren, readOid, readSmallInteger, readText, readTlv, readWhole,
  stringOctets,
} from './der.js';
import type { Tlv } from './der.js';
import { PkiError } from './errors.js';
import { verifyRequestSignature } from './csr-signature.js';
import { readRfc822Names } from './general-names.js';
import { formatNameDer } from './name.js';
import * as oids from './oids.js';
import { canonicalSpki, importPublicKey } from './public-key.js';
import type { PublicKeyInfo } from './public-key.js';
import { derOrPem } from './pem.js';

export interface CertificationRequest {
  der: Buffer;
  /** The key as canonical DER (re-encoded by node:crypto when the request's encoding was not). */
  subjectPublicKeyInfo: Buffer;
  publicKey: PublicKeyInfo;
  /** RFC 4514 form, for display and audit only. */
  subject: string;
  /** rfc822Names from an extensionRequest subjectAltName, if any. */
  requestedEmails: string[];
  challengePassword?: string;
}

const csrLabels = ['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST'];
const lenient = { ber: true };

interface RequestAttributes {
  requestedEmails: string[];
  challengePassword?: string;
}

/** Extensions ::= SEQUENCE OF Extension; only the subjectAltName matters here. */
function requestedEmails(buf: Buffer, extensions: Tlv): string[] {
  for (const extension of readChildren(buf, expectTag(extensions, 0x30, 'requested Extensions'), lenient)) {
    const parts = readChildren(buf, expectTag(extension, 0x30, 'requested Extension'), lenient);
    if (readOid(buf, expectTag(parts[0], 0x06, 'extnID')) !== oids.idCeSubjectAltName) continue;
    const octets = parts[parts.length - 1];
    if (octets?.tag !== 0x04 && octets?.tag !== 0x24) throw new PkiError('der.malformed', 'extnValue is not an OCTET STRING');
    const value = stringOctets(buf, octets, lenient);
    return readRfc822Names(value, readTlv(value, 0, lenient), lenient);
  }
  return [];
}

function readAttributes(buf: Buffer, attributes: Tlv | undefined): RequestAttributes {
  const found: RequestAttributes = { requestedEmails: [] };
  // Some clients omit the [0] attributes entirely although RFC 2986 requires it: accept that.
  if (attributes === undefined) return found;
  for (const attribute of readChildren(buf, expectTag(attributes, 0xa0, 'attributes'), lenient)) {
    const [type, values] = readChildren(buf, expectTag(attribute, 0x30, 'Attribute'), lenient);
    const attributeOid = readOid(buf, expectTag(type, 0x06, 'attribute type'));
    const [value] = readChildren(buf, expectTag(values, 0x31, 'attribute values'), lenient);
    if (!value) continue;
    if (attributeOid === oids.pkcs9AtExtensionRequest || attributeOid === oids.msCertExtensions) {
      found.requestedEmails.push(...requestedEmails(buf, value));
    } else if (attributeOid === oids.pkcs9AtChallengePassword) {
      const password = readText(buf, value, lenient);
      if (password === undefined) throw new PkiError('csr.malformed', 'challengePassword is not a string');
      found.challengePassword = password;
    }
  }
  return found;
}

function parse(input: string | Buffer): CertificationRequest {
  if ((typeof input === 'string' ? input.trim() : input).length === 0) throw new PkiError('csr.malformed', 'CSR is empty');
  const der = derOrPem(input, csrLabels);
  const request = expectTag(readWhole(der, 'CSR', lenient), 0x30, 'CertificationRequest');
  const [infoField, algorithm, signatureValue] = readChildren(der, request, lenient);
  const info = expectTag(infoField, 0x30, 'certificationRequestInfo');
  const [version, subject, spki, attributes] = readChildren(der, info, lenient);
  if (readSmallInteger(der, expectTag(version, 0x02, 'version'), lenient) !== 0) {
    throw new PkiError('csr.malformed', 'CSR version is not v1 (0)');
  }
  const subjectPublicKeyInfo = encodingOf(der, expectTag(spki, 0x30, 'subjectPKInfo'));
  const { key, info: publicKey } = importPublicKey(subjectPublicKeyInfo);
  const signature = readBitString(der, expectTag(signatureValue, 0x03, 'signature'));
  if (signature.unusedBits !== 0) throw new PkiError('csr.bad-signature', 'CSR signature is not a whole number of octets');
  verifyRequestSignature({
    buf: der,
    signedBytes: encodingOf(der, info),
    algorithm: expectTag(algorithm, 0x30, 'signatureAlgorithm'),
    signature: signature.bytes,
  }, key, publicKey);
  return {
    der,
    subjectPublicKeyInfo: canonicalSpki(subjectPublicKeyInfo, key),
    publicKey,
    subject: formatNameDer(encodingOf(der, expectTag(subject, 0x30, 'subject')), lenient),
    ...readAttributes(der, attributes),
  };
}

/**
 * Reads and verifies a CSR given as PEM (`CERTIFICATE REQUEST` or `NEW CERTIFICATE REQUEST`) or DER.
 * Every failure is a PkiError: 'pem.invalid', 'csr.malformed', 'csr.bad-signature',
 * 'csr.unsupported-algorithm' or 'key.unsupported'.
 */
export function parseCertificationRequest(input: string | Buffer): CertificationRequest {
  try {
    return parse(input);
  } catch (error) {
    if (!(error instanceof PkiError)) throw new PkiError('csr.malformed', 'CSR could not be read', { cause: error });
    if (error.code === 'der.malformed' || error.code === 'der.unencodable') {
      throw new PkiError('csr.malformed', `CSR is not valid DER/BER: ${error.message}`, { cause: error });
    }
    throw error;
  }
}
