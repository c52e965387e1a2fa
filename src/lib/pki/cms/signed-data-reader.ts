/**
 * Reads a SignedData (RFC 5652 §5.1–§5.3) in place: the encapsulated content (§5.2, a BER
 * constructed OCTET STRING reassembled), the certificates (§10.2.3: only X.509 ones are kept) and
 * each SignerInfo with its signed attributes exactly as received, which is what §5.4 signs.
 * Nothing is verified here; see signer-verification.ts. Every failure is PkiError('cms.malformed').
 */
import {
  encodingOf, expectTag, readChildren, readOid, readSmallInteger, stringOctets,
} from '../der.js';
import type { ReadOptions, Tlv } from '../der.js';
import { malformed } from '../der-reader.js';
import { readAttributes } from './attributes.js';
import type { AttributeMap } from './attributes.js';
import { readCertificateIdentifier } from './certificate-identifier.js';
import type { CertificateIdentifier } from './certificate-identifier.js';
import { idSignedData } from './cms-oids.js';
import { readContentInfo, readingCms } from './content-info.js';
import { digestOfOid } from './signature-algorithms.js';
import type { CmsDigest } from './signature-algorithms.js';

export interface SignedAttributes {
  /** The `[0] IMPLICIT` encoding exactly as received (identifier octet 0xa0). */
  der: Buffer;
  /** Attribute type → the DER of each of its values. */
  values: AttributeMap;
}

export interface SignerInfo {
  version: number;
  sid: CertificateIdentifier;
  /** DigestAlgorithmIdentifier OID, and the digest it names when we compute it. */
  digestAlgorithm: string;
  digest?: CmsDigest;
  signedAttributes?: SignedAttributes;
  /** SignatureAlgorithmIdentifier DER, and its OID. */
  signatureAlgorithm: Buffer;
  signatureAlgorithmOid: string;
  signature: Buffer;
}

export interface SignedDataInfo {
  version: number;
  /** eContentType. */
  contentType: string;
  /** eContent's octets, or undefined when absent (certs-only and SCEP FAILURE/PENDING replies). */
  content?: Buffer;
  /** DER of each X.509 certificate, in the order received. */
  certificates: Buffer[];
  signerInfos: SignerInfo[];
}

type Lenience = Pick<ReadOptions, 'ber'>;

function readAlgorithmOid(buf: Buffer, element: Tlv | undefined, what: string, options: Lenience): string {
  const [algorithm] = readChildren(buf, expectTag(element, 0x30, what), options);
  return readOid(buf, expectTag(algorithm, 0x06, `${what} algorithm`));
}

function readOctets(buf: Buffer, element: Tlv | undefined, what: string, options: Lenience): Buffer {
  if (element?.tag !== 0x04 && element?.tag !== 0x24) malformed(`${what} is missing or not an OCTET STRING`);
  return stringOctets(buf, element, options);
}

function readSignerInfo(buf: Buffer, element: Tlv, options: Lenience): SignerInfo {
  const [version, sid, digestAlgorithm, ...rest] = readChildren(buf, expectTag(element, 0x30, 'SignerInfo'), options);
  const attributes = rest[0]?.tag === 0xa0 ? rest.shift() : undefined;
  const [signatureAlgorithm, signature, unsigned, extra] = rest;
  if (extra || (unsigned && unsigned.tag !== 0xa1)) malformed('SignerInfo has extra fields');
  const digestOid = readAlgorithmOid(buf, digestAlgorithm, 'digestAlgorithm', options);
  const digest = digestOfOid(digestOid);
  return {
    version: readSmallInteger(buf, expectTag(version, 0x02, 'SignerInfo version'), options),
    sid: readCertificateIdentifier(buf, sid, options),
    digestAlgorithm: digestOid,
    ...(digest ? { digest } : {}),
    ...(attributes ? { signedAttributes: { der: encodingOf(buf, attributes), values: readAttributes(buf, attributes, options) } } : {}),
    signatureAlgorithm: encodingOf(buf, expectTag(signatureAlgorithm, 0x30, 'signatureAlgorithm')),
    signatureAlgorithmOid: readAlgorithmOid(buf, signatureAlgorithm, 'signatureAlgorithm', options),
    signature: readOctets(buf, signature, 'signature', options),
  };
}

/** EncapsulatedContentInfo ::= SEQUENCE { eContentType, eContent [0] EXPLICIT OCTET STRING OPTIONAL }. */
function readEncapsulated(buf: Buffer, element: Tlv | undefined, options: Lenience): Pick<SignedDataInfo, 'contentType' | 'content'> {
  const [type, wrapper, extra] = readChildren(buf, expectTag(element, 0x30, 'encapContentInfo'), options);
  if (extra) malformed('encapContentInfo has extra fields');
  const contentType = readOid(buf, expectTag(type, 0x06, 'eContentType'));
  if (!wrapper) return { contentType };
  const [octets, more] = readChildren(buf, expectTag(wrapper, 0xa0, 'eContent'), options);
  if (more) malformed('eContent has extra fields');
  return { contentType, content: readOctets(buf, octets, 'eContent', options) };
}

function readSignedDataFields(der: Buffer, options: Lenience): SignedDataInfo {
  const signedData = expectTag(readContentInfo(der, idSignedData, 'a SignedData', options), 0x30, 'SignedData');
  const [version, digestAlgorithms, encapsulated, ...rest] = readChildren(der, signedData, options);
  expectTag(digestAlgorithms, 0x31, 'digestAlgorithms');
  const certificates = rest[0]?.tag === 0xa0 ? rest.shift() : undefined;
  if (rest[0]?.tag === 0xa1) rest.shift(); // crls: not needed by anything we do
  const [signerInfos, extra] = rest;
  if (extra) malformed('SignedData has extra fields');
  return {
    version: readSmallInteger(der, expectTag(version, 0x02, 'SignedData version'), options),
    ...readEncapsulated(der, encapsulated, options),
    certificates: certificates
      ? readChildren(der, certificates, options).filter((choice) => choice.tag === 0x30).map((cert) => encodingOf(der, cert))
      : [],
    signerInfos: readChildren(der, expectTag(signerInfos, 0x31, 'signerInfos'), options)
      .map((signerInfo) => readSignerInfo(der, signerInfo, options)),
  };
}

/** Reads a DER (or, with `ber`, BER) ContentInfo holding a SignedData. Buffers are views into `der`, except reassembled strings. */
export function parseSignedData(der: Buffer, options: Lenience = {}): SignedDataInfo {
  return readingCms('SignedData', () => readSignedDataFields(der, { ber: options.ber === true }));
}
