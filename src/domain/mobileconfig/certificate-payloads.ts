/**
 * Certificate payloads (com.apple.security.root, .pkcs1, .pkcs12 schemas; smime-mobile-notes §1.4):
 * the CA chain as DER certificates, and each encryption identity as its own PKCS#12 with its password
 * (exactly one identity per pkcs12 payload). Identifiers and UUIDs come from the certificate, so a
 * re-delivered profile updates these payloads instead of adding copies.
 */
import { createHash } from 'node:crypto';
import type { EncryptionIdentityPayload, Payload } from './model.js';
import { stableUuid } from './payload-identity.js';

const fingerprint = (der: Buffer) => createHash('sha256').update(der).digest('hex');

export function caCertificatePayload(prefix: string, der: Buffer, role: 'root' | 'intermediate', organization: string): Payload {
  const id = fingerprint(der);
  return {
    PayloadType: role === 'root' ? 'com.apple.security.root' : 'com.apple.security.pkcs1',
    PayloadVersion: 1,
    PayloadIdentifier: `${prefix}.ca.${id.slice(0, 16)}`,
    PayloadUUID: stableUuid(`ca-certificate:${id}`),
    PayloadDisplayName: role === 'root' ? `${organization} root certificate` : `${organization} issuing certificate`,
    PayloadCertificateFileName: `${role === 'root' ? 'root' : 'issuing'}-${id.slice(0, 8)}.cer`,
    PayloadContent: der,
  };
}

/** The PayloadUUID of an encryption identity's payload: the one `SMIMEEncryptionCertificateUUID` names. */
export function encryptionPayloadUuid(serial: string): string {
  return stableUuid(`encryption-identity:${serial}`);
}

export function encryptionIdentityPayload(prefix: string, mailbox: string, identity: EncryptionIdentityPayload): Payload {
  return {
    PayloadType: 'com.apple.security.pkcs12',
    PayloadVersion: 1,
    PayloadIdentifier: `${prefix}.encryption.${identity.serial}`,
    PayloadUUID: encryptionPayloadUuid(identity.serial),
    PayloadDisplayName: `${mailbox} encryption${identity.current ? '' : ' (earlier key, to read older mail)'}`,
    PayloadCertificateFileName: `encryption-${identity.serial.slice(0, 8)}.p12`,
    Password: identity.password,
    PayloadContent: identity.pkcs12,
  };
}
