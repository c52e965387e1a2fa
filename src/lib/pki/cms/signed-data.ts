/**
 * Writes SignedData (RFC 5652 §5) as DER: at most one signer identified by IssuerAndSerialNumber,
 * signed attributes DER-sorted before signing (§5.4; Go and Bouncy Castle re-encode before
 * verifying), eContent as a primitive OCTET STRING (scepclient fails on the chunked form), and
 * certs-only "degenerate" SignedData (§5.2, RFC 8894 §3.4). The certificates keep the caller's order
 * instead of DER's sorted SET OF: SCEP clients take the first certificate as the issued one, and
 * OpenSSL and Go write them in order too. Reading and verifying are in the sibling modules.
 */
import { createHash } from 'node:crypto';
import { contextExplicit, contextImplicit, integer, octetString, oid, readTlv, seq, set } from '../der.js';
import { PkiError } from '../errors.js';
import { encodeAttributes } from './attributes.js';
import type { Attribute } from './attributes.js';
import { encodeIssuerAndSerialNumber } from './certificate-identifier.js';
import { idContentType, idData, idMessageDigest, idSignedData } from './cms-oids.js';
import { encodeContentInfo } from './content-info.js';
import { digestAlgorithmIdentifier, signatureAlgorithmIdentifier } from './signature-algorithms.js';
import type { CmsDigest, SignerKeyKind } from './signature-algorithms.js';

export interface SignedDataSigner {
  certificate: Buffer;
  /** Attributes besides contentType and messageDigest, which the builder adds. */
  signedAttributes: Attribute[];
  digest: CmsDigest;
  /** Signs `data` (the DER SET OF signed attributes) with the certificate's key; ECDSA signatures in DER form. */
  sign(data: Buffer, hash: CmsDigest): Promise<Buffer>;
  keyKind: SignerKeyKind;
  /** The certificate's IssuerAndSerialNumber, if the caller keeps it (signerIdentity); otherwise read from `certificate`. */
  issuerAndSerialNumber?: Buffer;
}

export interface SignedDataSpec {
  /** eContentType, dotted. */
  contentType: string;
  /** eContent; undefined writes none (messageDigest is then the digest of no octets). */
  content?: Buffer;
  certificates: readonly Buffer[];
  signer?: SignedDataSigner;
}

const noOctets = Buffer.alloc(0);
const emptySet = set();
const version1 = integer(1n);
const version3 = integer(3n);

function checkCertificate(certificate: Buffer): Buffer {
  if (certificate.length === 0 || readTlv(certificate, 0).end !== certificate.length || certificate[0] !== 0x30) {
    throw new PkiError('der.unencodable', 'a certificate is not a single DER SEQUENCE');
  }
  return certificate;
}

function encapsulatedContentInfo(contentType: string, content: Buffer | undefined): Buffer {
  return content === undefined
    ? seq(oid(contentType))
    : seq(oid(contentType), contextExplicit(0, octetString(content)));
}

interface SignedDataParts {
  contentType: string;
  content: Buffer | undefined;
  certificates: readonly Buffer[];
  /** revocationInfoChoices [1]: CRLs (DER CertificateList), for a GetCRL reply (RFC 8894 §3.3.2). */
  crls?: readonly Buffer[];
  digestAlgorithms: Buffer;
  signerInfos: Buffer;
}

function encodeSignedData(parts: SignedDataParts): Buffer {
  // §5.1: version 3 when eContentType is not id-data; our signers are all v1 (IssuerAndSerialNumber).
  const version = parts.contentType === idData ? version1 : version3;
  const certificates = parts.certificates.length === 0
    ? noOctets
    : contextImplicit(0, Buffer.concat(parts.certificates.map(checkCertificate)), true);
  const crls = parts.crls && parts.crls.length > 0 ? contextImplicit(1, Buffer.concat(parts.crls), true) : noOctets;
  return encodeContentInfo(idSignedData, seq(
    version, parts.digestAlgorithms, encapsulatedContentInfo(parts.contentType, parts.content), certificates, crls, parts.signerInfos,
  ));
}

/** The signer's IssuerAndSerialNumber, to keep with a long-lived signer so no reply re-reads its certificate. */
export function signerIdentity(certificate: Buffer): Buffer {
  return encodeIssuerAndSerialNumber(certificate);
}

async function encodeSignerInfo(spec: SignedDataSpec, signer: SignedDataSigner): Promise<Buffer> {
  for (const attribute of signer.signedAttributes) {
    if (attribute.oid === idContentType || attribute.oid === idMessageDigest) {
      throw new PkiError('der.unencodable', 'contentType and messageDigest are added by the builder');
    }
  }
  const messageDigest = createHash(signer.digest).update(spec.content ?? noOctets).digest();
  const signedAttributes = encodeAttributes([
    { oid: idContentType, values: [oid(spec.contentType)] },
    { oid: idMessageDigest, values: [octetString(messageDigest)] },
    ...signer.signedAttributes,
  ]);
  const signature = await signer.sign(signedAttributes, signer.digest);
  const implicitAttributes = Buffer.from(signedAttributes);
  implicitAttributes[0] = 0xa0; // [0] IMPLICIT SET OF Attribute: same octets, context tag
  return seq(
    version1,
    signer.issuerAndSerialNumber ?? signerIdentity(signer.certificate),
    digestAlgorithmIdentifier(signer.digest),
    implicitAttributes,
    signatureAlgorithmIdentifier(signer.keyKind, signer.digest),
    octetString(signature),
  );
}

/** A ContentInfo holding the SignedData; with no signer, one without SignerInfos. */
export async function buildSignedData(spec: SignedDataSpec): Promise<Buffer> {
  const { signer } = spec;
  return encodeSignedData({
    contentType: spec.contentType,
    content: spec.content,
    certificates: spec.certificates,
    digestAlgorithms: signer ? set(digestAlgorithmIdentifier(signer.digest)) : emptySet,
    signerInfos: signer ? set(await encodeSignerInfo(spec, signer)) : emptySet,
  });
}

/** Certs-only SignedData (§5.2 degenerate case): no content, no signers; the first certificate first; CRLs if given. */
export function degenerateSignedData(certificates: readonly Buffer[], crls: readonly Buffer[] = []): Buffer {
  return encodeSignedData({ contentType: idData, content: undefined, certificates, crls, digestAlgorithms: emptySet, signerInfos: emptySet });
}
