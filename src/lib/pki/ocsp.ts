/**
 * OCSP messages (RFC 6960 §4; RFC 5019 and RFC 9919 for the lightweight profile; RFC 9654 nonces),
 * read and written without an object graph: a request is walked in place by the DER reader and
 * yields each CertID's own encoding (echoed verbatim in the response) and the nonce; a response is
 * framed around a ResponseData the caller signs. Anything that is not a well-formed OCSPRequest ends
 * in PkiError('der.malformed'), which a responder answers with malformedRequest.
 */
import { bitString, contextExplicit, octetString, oid, seq, tlv } from './der.js';
import {
  contentOf, encodingOf, expectTag, malformed, readChildren, readIntegerBytes, readWhole,
} from './der-reader.js';
import { readOid } from './der-value-reader.js';
import type { Extension } from './extension.js';
import { encodeExtensionsTagged } from './extension.js';
import * as oids from './oids.js';

export const idPkixOcspBasic = '1.3.6.1.5.5.7.48.1.1';
export const idPkixOcspNonce = '1.3.6.1.5.5.7.48.1.2';

/** OCSPResponseStatus (RFC 6960 §4.2.1); 4 is unused. */
export const OCSP_STATUS = { successful: 0, malformedRequest: 1, internalError: 2, tryLater: 3, sigRequired: 5, unauthorized: 6 } as const;
export type OcspResponseStatus = keyof typeof OCSP_STATUS;

/** RFC 9654 §2.1: a nonce is 1 to 128 octets; longer ones are refused. */
export const MAX_NONCE_OCTETS = 128;

export interface OcspCertId {
  /** The CertID's complete encoding, for the SingleResponse. */
  encoding: Buffer;
  hashAlgorithm: 'sha1' | 'sha256' | 'other';
  issuerNameHash: Buffer;
  issuerKeyHash: Buffer;
  /** Serial magnitude in lower-case hex without leading zeros. */
  serialHex: string;
}

export interface OcspRequest {
  certIds: OcspCertId[];
  /** The nonce extension's extnValue (the DER OCTET STRING holding the nonce), to echo as is. */
  nonce: Buffer | null;
}

const HASHES: Record<string, 'sha1' | 'sha256'> = { [oids.idSha1]: 'sha1', [oids.idSha256]: 'sha256' };

function readCertId(buf: Buffer, element: ReturnType<typeof readWhole>): OcspCertId {
  const [algorithm, nameHash, keyHash, serial, extra] = readChildren(buf, expectTag(element, 0x30, 'CertID'));
  if (extra) malformed('CertID has extra fields');
  const [algorithmOid] = readChildren(buf, expectTag(algorithm, 0x30, 'hashAlgorithm'));
  const hashAlgorithm = HASHES[readOid(buf, expectTag(algorithmOid, 0x06, 'hashAlgorithm OID'))] ?? 'other';
  const serialBytes = readIntegerBytes(buf, expectTag(serial, 0x02, 'serialNumber'));
  const hex = serialBytes.toString('hex').replace(/^0+(?=.)/, '');
  return {
    encoding: encodingOf(buf, element),
    hashAlgorithm,
    issuerNameHash: contentOf(buf, expectTag(nameHash, 0x04, 'issuerNameHash')),
    issuerKeyHash: contentOf(buf, expectTag(keyHash, 0x04, 'issuerKeyHash')),
    serialHex: serialBytes[0]! & 0x80 ? `-${hex}` : hex,
  };
}

function readNonce(buf: Buffer, extensions: ReturnType<typeof readWhole>): Buffer | null {
  const [list, extra] = readChildren(buf, extensions);
  if (extra) malformed('requestExtensions has extra fields');
  for (const extension of readChildren(buf, expectTag(list, 0x30, 'Extensions'))) {
    const parts = readChildren(buf, expectTag(extension, 0x30, 'Extension'));
    const value = parts[parts.length - 1];
    if (readOid(buf, expectTag(parts[0], 0x06, 'extnID')) !== idPkixOcspNonce) continue;
    const extnValue = contentOf(buf, expectTag(value, 0x04, 'extnValue'));
    const nonce = readWhole(extnValue, 'nonce');
    expectTag(nonce, 0x04, 'nonce');
    if (nonce.length < 1 || nonce.length > MAX_NONCE_OCTETS) malformed(`a nonce of ${nonce.length} octets is outside RFC 9654's 1..128`);
    return extnValue;
  }
  return null;
}

/** Reads an OCSPRequest (RFC 6960 §4.1.1); a signature, if any, is not checked (we answer anyone). */
export function readOcspRequest(der: Buffer): OcspRequest {
  const [tbs, signature, extra] = readChildren(der, expectTag(readWhole(der, 'OCSPRequest'), 0x30, 'OCSPRequest'));
  if (extra || (signature && signature.tag !== 0xa0)) malformed('OCSPRequest has unexpected fields');
  const fields = readChildren(der, expectTag(tbs, 0x30, 'TBSRequest'));
  let i = 0;
  if (fields[i]?.tag === 0xa0) i++; // version [0], v1 only
  if (fields[i]?.tag === 0xa1) i++; // requestorName [1]
  const list = expectTag(fields[i++], 0x30, 'requestList');
  const extensions = fields[i]?.tag === 0xa2 ? fields[i++] : undefined;
  if (i !== fields.length) malformed('TBSRequest has unexpected fields');
  const requests = readChildren(der, list);
  if (requests.length === 0) malformed('requestList is empty');
  const certIds = requests.map((request) => {
    const [certId, single, more] = readChildren(der, expectTag(request, 0x30, 'Request'));
    if (more || (single && single.tag !== 0xa0)) malformed('Request has unexpected fields');
    return readCertId(der, certId!);
  });
  return { certIds, nonce: extensions ? readNonce(der, extensions) : null };
}

const digits = (n: number, width: number) => String(n).padStart(width, '0');

/** GeneralizedTime, whole seconds, Zulu: what OCSP uses for every time (RFC 6960 §4.2.2.1). */
export function generalizedTime(date: Date): Buffer {
  const text = `${digits(date.getUTCFullYear(), 4)}${digits(date.getUTCMonth() + 1, 2)}${digits(date.getUTCDate(), 2)}`
    + `${digits(date.getUTCHours(), 2)}${digits(date.getUTCMinutes(), 2)}${digits(date.getUTCSeconds(), 2)}Z`;
  return tlv(0x18, Buffer.from(text, 'latin1'));
}

export type OcspCertStatus =
  | { status: 'good' }
  | { status: 'revoked'; revokedAt: Date; reasonCode: number | null }
  | { status: 'unknown' };

const GOOD = Buffer.of(0x80, 0x00);
const UNKNOWN = Buffer.of(0x82, 0x00);

/** SingleResponse (RFC 6960 §4.2.1); the reason goes in RevokedInfo, never as a singleExtension (S/MIME BR §7.3). */
export function encodeSingleResponse(certId: Buffer, status: OcspCertStatus, thisUpdate: Date, nextUpdate: Date): Buffer {
  let certStatus: Buffer;
  if (status.status === 'good') certStatus = GOOD;
  else if (status.status === 'unknown') certStatus = UNKNOWN;
  else {
    const reason = status.reasonCode === null ? [] : [contextExplicit(0, tlv(0x0a, Buffer.of(status.reasonCode)))];
    certStatus = tlv(0xa1, Buffer.concat([generalizedTime(status.revokedAt), ...reason]));
  }
  return seq(certId, certStatus, generalizedTime(thisUpdate), contextExplicit(0, generalizedTime(nextUpdate)));
}

/** ResponseData with ResponderID byKey (RFC 6960 §4.2.1; RFC 5019 §2.2.3 prefers it). */
export function encodeResponseData(spec: { responderKeyHash: Buffer; producedAt: Date; responses: Buffer[]; extensions: Extension[] }): Buffer {
  return seq(
    contextExplicit(2, octetString(spec.responderKeyHash)),
    generalizedTime(spec.producedAt),
    seq(...spec.responses),
    encodeExtensionsTagged(1, spec.extensions),
  );
}

/** The nonce extension of a response: the request's extnValue echoed (RFC 9654 §2.1). */
export function nonceExtension(extnValue: Buffer): Extension {
  // Extension.value is the DER inside extnValue's OCTET STRING: the nonce OCTET STRING itself.
  return { oid: idPkixOcspNonce, critical: false, value: extnValue };
}

/** A successful OCSPResponse around a signed BasicOCSPResponse. */
export function encodeOcspResponse(spec: { responseData: Buffer; signatureAlgorithm: Buffer; signature: Buffer; certificates: Buffer[] }): Buffer {
  const certs = spec.certificates.length > 0 ? [contextExplicit(0, seq(...spec.certificates))] : [];
  const basic = seq(spec.responseData, spec.signatureAlgorithm, bitString(spec.signature), ...certs);
  return seq(tlv(0x0a, Buffer.of(OCSP_STATUS.successful)), contextExplicit(0, seq(oid(idPkixOcspBasic), octetString(basic))));
}

/** An unsuccessful OCSPResponse: the status alone (no responseBytes, RFC 6960 §4.2.1). */
export function ocspErrorResponse(status: Exclude<OcspResponseStatus, 'successful'>): Buffer {
  return seq(tlv(0x0a, Buffer.of(OCSP_STATUS[status])));
}

