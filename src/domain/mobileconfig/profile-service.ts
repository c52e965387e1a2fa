/**
 * The two profiles of over-the-air enrollment (Apple "Over-the-Air Profile Delivery and
 * Configuration"; smime-mobile-notes §3): the Profile Service payload of phase 1 (a top-level
 * dictionary of type `Profile Service` whose PayloadContent is a dictionary: where to post, which
 * device attributes, and the challenge), and the phase-2 profile with one SCEP payload through which
 * the device gets its own identity (`Key Usage` 5: it signs the phase-3 request and receives the
 * encrypted profile).
 */
import type { PlistDict } from '../../lib/plist/index.js';
import type { ConfigurationProfile } from './smime-profile.js';
import { stableUuid } from './payload-identity.js';

/** What the device is asked to report in phase 1 (its answer is signed by its Apple device identity). */
export const OTA_DEVICE_ATTRIBUTES = ['UDID', 'VERSION', 'PRODUCT', 'SERIAL', 'DEVICE_NAME'];

export function profileServiceProfile(input: {
  identifierPrefix: string; organization: string; sessionId: string; url: string; challenge: string;
}): PlistDict {
  return {
    PayloadType: 'Profile Service',
    PayloadVersion: 1,
    PayloadIdentifier: `${input.identifierPrefix}.profile-service`,
    PayloadUUID: stableUuid(`profile-service:${input.sessionId}`),
    PayloadDisplayName: `${input.organization} secure mail enrollment`,
    PayloadDescription: 'Shows your organisation which device this is, so that it can send your keys encrypted to this device only.',
    PayloadOrganization: input.organization,
    PayloadContent: { URL: input.url, DeviceAttributes: OTA_DEVICE_ATTRIBUTES, Challenge: input.challenge },
  };
}

export function deviceIdentityProfile(input: {
  identifierPrefix: string; organization: string; deviceId: string; scepUrl: string; challenge: string; subject: [string, string][][]; mailbox: string;
}): ConfigurationProfile {
  return {
    PayloadType: 'Configuration',
    PayloadVersion: 1,
    PayloadIdentifier: `${input.identifierPrefix}.device-identity.${input.deviceId}`,
    PayloadUUID: stableUuid(`device-identity-profile:${input.deviceId}:${input.challenge}`),
    PayloadDisplayName: `${input.organization} device identity`,
    PayloadOrganization: input.organization,
    PayloadContent: [{
      PayloadType: 'com.apple.security.scep',
      PayloadVersion: 1,
      PayloadIdentifier: `${input.identifierPrefix}.device-identity.${input.deviceId}.scep`,
      PayloadUUID: stableUuid(`device-identity-scep:${input.deviceId}`),
      PayloadDisplayName: 'Device identity',
      PayloadContent: {
        URL: input.scepUrl, Name: 'mcms', Subject: input.subject, SubjectAltName: { rfc822Name: input.mailbox },
        Challenge: input.challenge, Keysize: 2048, 'Key Type': 'RSA', 'Key Usage': 5, Retries: 3, RetryDelay: 10,
      },
    }],
  };
}
