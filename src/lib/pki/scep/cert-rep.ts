/**
 * CertRep, the SCEP reply (RFC 8894 §3.3.2): a SignedData by the RA (or CA) with the signed
 * attributes transactionID, messageType "3", pkiStatus, failInfo (FAILURE), senderNonce (fresh) and
 * recipientNonce (the request's senderNonce) — PrintableStrings and OCTET STRINGs, DER-sorted, and
 * nothing more (iOS 10.3.3 crashed on odd attributes, micromdm/scep#76). SUCCESS carries an
 * EnvelopedData, encrypted to the request's signer with the request's cipher, of a certs-only
 * SignedData with the issued certificate first (§3.3.2.1); FAILURE and PENDING carry no content.
 * Like micromdm and step-ca, a SUCCESS also puts the issued certificate first in the outer
 * certificates, for clients that look there.
 */
import { randomBytes } from 'node:crypto';
import { importPublicKey } from '../public-key.js';
import { readCertificate } from '../certificate.js';
import { ia5String, octetString, printableString, utf8String } from '../der.js';
import { PkiError } from '../errors.js';
import type { Attribute } from '../cms/attributes.js';
import { idData } from '../cms/cms-oids.js';
import type { ContentEncryption } from '../cms/content-encryption.js';
import { buildEnvelopedData } from '../cms/enveloped-data.js';
import type { CmsDigest, SignerKeyKind } from '../cms/signature-algorithms.js';
import { buildSignedData, degenerateSignedData, signerIdentity } from '../cms/signed-data.js';
import {
  failInfos, idFailInfo, idMessageType, idPkiStatus, idRecipientNonce, idScepFailInfoText, idSenderNonce, idTransactionID,
  pkiStatuses, scepMessageTypes,
} from './scep-attributes.js';
import type { FailInfo, PkiStatus } from './scep-attributes.js';

export interface CertRepSigner {
  /** The RA (or CA) certificate the client got from GetCACert. */
  certificate: Buffer;
  /** Signs with that certificate's key; ECDSA signatures in DER form. */
  sign(data: Buffer, hash: CmsDigest): Promise<Buffer>;
  keyKind: SignerKeyKind;
  /** The certificate's IssuerAndSerialNumber, pre-encoded by createCertRepSigner. */
  issuerAndSerialNumber?: Buffer;
}

export interface CertRepInput {
  transactionId: string;
  /** The request's senderNonce. */
  recipientNonce: Buffer;
  status: PkiStatus;
  /** Required for FAILURE, refused otherwise. */
  failInfo?: FailInfo;
  /** Optional free text for FAILURE (id-scep-failInfoText): shown by some clients, so nothing internal. */
  failInfoText?: string;
  /** The request's digest algorithm. */
  digest: CmsDigest;
  signer: CertRepSigner;
  /** Required for SUCCESS, refused otherwise. */
  success?: {
    /** The issued certificate first, then its chain (none in a GetCRL reply). */
    certificates: readonly Buffer[];
    /** The CRL a GetCRL asked for (RFC 8894 §3.3.2: in the degenerate SignedData's crls). */
    crls?: readonly Buffer[];
    /** The certificate that signed the request (self-signed on first enrolment). */
    recipientCertificate: Buffer;
    /** The request's content-encryption algorithm. */
    contentEncryption: ContentEncryption;
  };
}

function unencodable(message: string): never {
  throw new PkiError('der.unencodable', message);
}

/**
 * A signer made once per RA: checks that the certificate holds a key of `keyKind` and pre-encodes
 * its IssuerAndSerialNumber, so building a reply never re-reads the certificate.
 */
export function createCertRepSigner(signer: Omit<CertRepSigner, 'issuerAndSerialNumber'>): CertRepSigner {
  const { info } = importPublicKey(readCertificate(signer.certificate).subjectPublicKeyInfo);
  if (info.kind !== signer.keyKind) throw new PkiError('key.unsupported', `the signer certificate does not hold an ${signer.keyKind} key`);
  return Object.freeze({
    certificate: signer.certificate,
    sign: (data: Buffer, hash: CmsDigest) => signer.sign(data, hash),
    keyKind: signer.keyKind,
    issuerAndSerialNumber: signerIdentity(signer.certificate),
  });
}

const printable = /^[A-Za-z0-9 '()+,\-./:=?]*$/;
const statusValues = new Map((Object.keys(pkiStatuses) as PkiStatus[]).map((status) => [status, printableString(String(pkiStatuses[status]))]));
const failInfoValues = new Map((Object.keys(failInfos) as FailInfo[]).map((name) => [name, printableString(String(failInfos[name]))]));
const certRepType = printableString(String(scepMessageTypes.CertRep));

/** PrintableString as §3.2.1.1 asks; IA5String for a client's ID with other ASCII characters, echoed as sent. */
function transactionIdValue(transactionId: string): Buffer {
  return printable.test(transactionId) ? printableString(transactionId) : ia5String(transactionId);
}

function checkStatusFields(input: CertRepInput): void {
  if (input.status === 'SUCCESS' ? !input.success : input.success) unencodable('a CertRep carries certificates exactly when it is SUCCESS');
  if ((input.status === 'FAILURE') !== (input.failInfo !== undefined)) unencodable('a CertRep has a failInfo exactly when it is FAILURE');
  if (input.failInfoText !== undefined && input.status !== 'FAILURE') unencodable('failInfoText belongs to a FAILURE');
  if (input.success?.certificates.length === 0 && !input.success.crls?.length) unencodable('a SUCCESS CertRep needs the issued certificate or a CRL');
}

function certRepAttributes(input: CertRepInput): Attribute[] {
  const attributes: Attribute[] = [
    { oid: idTransactionID, values: [transactionIdValue(input.transactionId)] },
    { oid: idMessageType, values: [certRepType] },
    { oid: idPkiStatus, values: [statusValues.get(input.status)!] },
    { oid: idSenderNonce, values: [octetString(randomBytes(16))] },
    { oid: idRecipientNonce, values: [octetString(input.recipientNonce)] },
  ];
  if (input.failInfo !== undefined) attributes.push({ oid: idFailInfo, values: [failInfoValues.get(input.failInfo)!] });
  if (input.failInfoText !== undefined) attributes.push({ oid: idScepFailInfoText, values: [utf8String(input.failInfoText)] });
  return attributes;
}

/** The DER CertRep pkiMessage. */
export async function buildCertRep(input: CertRepInput): Promise<Buffer> {
  checkStatusFields(input);
  const { signer, success } = input;
  const content = success && buildEnvelopedData({
    content: degenerateSignedData(success.certificates, success.crls ?? []),
    recipientCertificate: success.recipientCertificate,
    contentEncryption: success.contentEncryption,
  });
  return buildSignedData({
    contentType: idData,
    ...(content ? { content } : {}),
    certificates: success?.certificates[0] ? [success.certificates[0], signer.certificate] : [signer.certificate],
    signer: {
      certificate: signer.certificate,
      sign: (data, hash) => signer.sign(data, hash),
      keyKind: signer.keyKind,
      ...(signer.issuerAndSerialNumber ? { issuerAndSerialNumber: signer.issuerAndSerialNumber } : {}),
      digest: input.digest,
      signedAttributes: certRepAttributes(input),
    },
  });
}
