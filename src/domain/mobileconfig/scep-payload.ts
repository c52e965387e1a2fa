/**
 * The SCEP payload (com.apple.security.scep schema; smime-mobile-notes §1.3, §4): the device makes its
 * own signing key and asks mcms's SCEP endpoint for the certificate with a one-time challenge. Key
 * names keep their spaces (`Key Type`, `Key Usage`); Keysize is set to 2048 because Apple's default is 1024.
 */
import type { NameAttribute } from '../../lib/pki/index.js';
import type { Payload, SmimeProfileInput } from './model.js';
import { stableUuid } from './payload-identity.js';

/** Apple's short names (C L ST O OU CN); the rest as dotted OIDs. */
const SUBJECT_TYPES: Record<NameAttribute['type'], string> = {
  CN: 'CN', O: 'O', OU: 'OU', C: 'C', L: 'L', ST: 'ST',
  emailAddress: '1.2.840.113549.1.9.1', serialNumber: '2.5.4.5', organizationIdentifier: '2.5.4.97',
};

/** A Name as Apple's Subject: an array of RDNs, each an array of [type, value] pairs. */
export function appleSubject(attributes: readonly NameAttribute[]): [string, string][][] {
  return attributes.map((attribute) => [[SUBJECT_TYPES[attribute.type], attribute.value]]);
}

/** The SCEP payload's UUID for one person on one device: the one `SMIMESigningCertificateUUID` names. */
export function signingPayloadUuid(subscriberId: string, deviceId: string): string {
  return stableUuid(`scep-signing:${subscriberId}:${deviceId}`);
}

export function scepPayload(input: SmimeProfileInput): Payload {
  return {
    PayloadType: 'com.apple.security.scep',
    PayloadVersion: 1,
    PayloadIdentifier: `${input.identifierPrefix}.signing.${input.subscriberId}.${input.deviceId}`,
    PayloadUUID: signingPayloadUuid(input.subscriberId, input.deviceId),
    PayloadDisplayName: `${input.mailbox} signing (made on this device)`,
    PayloadContent: {
      URL: input.scep.url,
      Name: input.scep.name,
      Subject: input.scep.subject,
      SubjectAltName: { rfc822Name: input.mailbox },
      Challenge: input.scep.challenge,
      Keysize: 2048,
      'Key Type': 'RSA',
      'Key Usage': input.scep.keyUsage,
      Retries: 3,
      RetryDelay: 10,
    },
  };
}
