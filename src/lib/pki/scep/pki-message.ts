/**
 * Reads a SCEP request pkiMessage (RFC 8894 §3.2): a SignedData over id-data whose content is the
 * pkcsPKIEnvelope (§3.2.2), signed by the certificate its SignerInfo names (self-signed for a
 * first enrolment, §2.3), with the signed attributes of §3.2.1. The signature is verified before
 * any attribute is believed; the envelope is parsed but not opened (see decryptEnvelopedData).
 * Lenient about encoding (BER: clients differ); strict about what must be there. Only PkiError
 * comes out: 'scep.malformed', 'cms.bad-signature' or 'cms.unsupported-algorithm'.
 */
import { readText, readTlv, stringOctets } from '../der.js';
import { PkiError } from '../errors.js';
import { identifiesCertificate, subjectPublicKeyInfoOf } from '../cms/certificate-identifier.js';
import type { AttributeMap } from '../cms/attributes.js';
import { idData } from '../cms/cms-oids.js';
import { parseEnvelopedData } from '../cms/enveloped-data-reader.js';
import type { EnvelopedDataInfo } from '../cms/enveloped-data-reader.js';
import type { CmsDigest } from '../cms/signature-algorithms.js';
import { parseSignedData } from '../cms/signed-data-reader.js';
import type { SignerInfo } from '../cms/signed-data-reader.js';
import { verifySignerInfo } from '../cms/signer-verification.js';
import type { PublicKeyInfo } from '../public-key.js';
import { idMessageType, idSenderNonce, idTransactionID, requestTypeOf } from './scep-attributes.js';
import type { ScepRequestType } from './scep-attributes.js';

export interface PkiMessage {
  messageType: ScepRequestType;
  /** transactionID (§3.2.1.1): printable ASCII, constant over one enrolment. */
  transactionId: string;
  /** senderNonce (§3.2.1.5), to return as the reply's recipientNonce. */
  senderNonce: Buffer;
  /** The certificate that signed the message, and its SubjectPublicKeyInfo. */
  signerCertificate: Buffer;
  signerPublicKey: Buffer;
  /** What kind of key signed it: the reply can be encrypted to an RSA key only. */
  signerKeyKind: PublicKeyInfo['kind'];
  /** The SignerInfo's digest algorithm; the reply uses the same. */
  digest: CmsDigest;
  /** The pkcsPKIEnvelope, parsed; the reply is encrypted with its contentEncryption. */
  envelope: EnvelopedDataInfo;
}

const lenient = { ber: true };
const transactionIdText = /^[\x20-\x7e]{1,255}$/;

function malformed(message: string): never {
  throw new PkiError('scep.malformed', message);
}

function onlyValue(attributes: AttributeMap, type: string, what: string): Buffer {
  const values = attributes.get(type);
  if (!values) malformed(`the ${what} attribute is missing`);
  if (values.length !== 1) malformed(`the ${what} attribute must have exactly one value`);
  return values[0]!;
}

function textAttribute(attributes: AttributeMap, type: string, what: string): string {
  const value = onlyValue(attributes, type, what);
  return readText(value, readTlv(value, 0, lenient), lenient) ?? malformed(`the ${what} attribute is not a string`);
}

/** §3.2.1.5: 16 random octets; 8–64 accepted. */
function nonceAttribute(attributes: AttributeMap): Buffer {
  const value = onlyValue(attributes, idSenderNonce, 'senderNonce');
  const element = readTlv(value, 0, lenient);
  if (element.tag !== 0x04 && element.tag !== 0x24) malformed('the senderNonce attribute is not an OCTET STRING');
  const nonce = stringOctets(value, element, lenient);
  if (nonce.length < 8 || nonce.length > 64) malformed('the senderNonce must be 8–64 octets (16 expected)');
  return nonce;
}

/** The certificate the SignerInfo names, among those the message carries. */
function signerCertificateOf(certificates: Buffer[], signerInfo: SignerInfo): Buffer {
  const named = certificates.find((certificate) => {
    try {
      return identifiesCertificate(signerInfo.sid, certificate);
    } catch {
      return false;
    }
  });
  return named ?? malformed('the signer certificate is not in the message');
}

function readRequest(der: Buffer): PkiMessage {
  const signed = parseSignedData(der, lenient);
  const [signerInfo, another] = signed.signerInfos;
  if (!signerInfo || another) malformed('a pkiMessage must have exactly one signer');
  if (!signerInfo.signedAttributes) malformed('the pkiMessage has no signed attributes');
  const digest = signerInfo.digest ?? unsupported('unsupported digest algorithm');
  const signerCertificate = signerCertificateOf(signed.certificates, signerInfo);
  const signerPublicKey = subjectPublicKeyInfoOf(signerCertificate);
  const signerKey = verifySignerInfo(signed, signerInfo, signerPublicKey);

  const attributes = signerInfo.signedAttributes.values;
  const messageType = requestTypeOf(textAttribute(attributes, idMessageType, 'messageType'))
    ?? malformed('the messageType is not a request type');
  const transactionId = textAttribute(attributes, idTransactionID, 'transactionID');
  if (!transactionIdText.test(transactionId)) malformed('the transactionID must be 1–255 printable ASCII characters');
  const senderNonce = nonceAttribute(attributes);
  if (signed.contentType !== idData || signed.content === undefined) malformed('the pkiMessage has no pkcsPKIEnvelope');
  const envelope = parseEnvelopedData(signed.content, lenient);
  return { messageType, transactionId, senderNonce, signerCertificate, signerPublicKey, signerKeyKind: signerKey.kind, digest, envelope };
}

function unsupported(message: string): never {
  throw new PkiError('cms.unsupported-algorithm', message);
}

const passedThrough = new Set(['scep.malformed', 'cms.bad-signature', 'cms.unsupported-algorithm']);

function asScepError(error: unknown): PkiError {
  if (error instanceof PkiError) {
    if (passedThrough.has(error.code)) return error;
    if (error.code === 'key.unsupported') return new PkiError('cms.unsupported-algorithm', 'unsupported signer key', { cause: error });
    return new PkiError('scep.malformed', `not a valid pkiMessage: ${error.message}`, { cause: error });
  }
  return new PkiError('scep.malformed', 'not a valid pkiMessage', { cause: error });
}

/** Reads and verifies a request pkiMessage (DER or BER). Throws only PkiError. */
export function readPkiMessage(der: Buffer): PkiMessage {
  try {
    return readRequest(der);
  } catch (error) {
    throw asScepError(error);
  }
}
