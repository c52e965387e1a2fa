/**
 * Cryptographic Message Syntax (RFC 5652): SignedData (§5) and EnvelopedData (§6) with RSA
 * PKCS#1 v1.5 key transport, read leniently and written as DER, on our DER encoder and node:crypto.
 */
export * from './cms-oids.js';
export { encodeAttributes, readAttributes } from './attributes.js';
export type { Attribute, AttributeMap } from './attributes.js';
export { certificateSerialHex, encodeIssuerAndSerialNumber, identifiesCertificate } from './certificate-identifier.js';
export type { CertificateIdentifier } from './certificate-identifier.js';
export { contentEncryptionKeyLength } from './content-encryption.js';
export type { ContentEncryption } from './content-encryption.js';
export { buildEnvelopedData, decryptEnvelopedData } from './enveloped-data.js';
export type { EnvelopedDataRecipientKey, EnvelopedDataSpec } from './enveloped-data.js';
export { parseEnvelopedData } from './enveloped-data-reader.js';
export type { EnvelopedDataInfo, KeyTransRecipient } from './enveloped-data-reader.js';
export { rsaPkcs1Unpad } from './rsa-pkcs1-unpad.js';
export type { UnpadOptions } from './rsa-pkcs1-unpad.js';
export { isCmsDigest } from './signature-algorithms.js';
export type { CmsDigest, SignerKeyKind } from './signature-algorithms.js';
export { buildSignedData, degenerateSignedData, signerIdentity } from './signed-data.js';
export type { SignedDataSigner, SignedDataSpec } from './signed-data.js';
export { parseSignedData } from './signed-data-reader.js';
export type { SignedAttributes, SignedDataInfo, SignerInfo } from './signed-data-reader.js';
export { verifySignerInfo } from './signer-verification.js';
