/**
 * The per-person, per-device S/MIME profile (smime-mobile-notes §1.8, §1.10): the CA chain, a SCEP
 * payload for the device-made signing key, one pkcs12 payload per encryption identity (current and
 * past, so old mail stays readable), and the mail account pointing at both. The top-level
 * PayloadIdentifier is stable per person and device, so a new profile replaces the installed one.
 */
import { DomainError } from '../errors.js';
import { caCertificatePayload, encryptionIdentityPayload, encryptionPayloadUuid } from './certificate-payloads.js';
import type { MobileconfigErrorCode } from './errors.js';
import { mailPayload } from './mail-payload.js';
import type { Payload, SmimeProfileInput } from './model.js';
import { profileIdentifier, stableUuid } from './payload-identity.js';
import { scepPayload } from './scep-payload.js';
import type { PlistDict } from '../../lib/plist/index.js';

/** The top-level dictionary (TopLevel.yaml) around a payload array, before encryption and signing. */
export interface ConfigurationProfile extends PlistDict {
  PayloadType: 'Configuration';
  PayloadVersion: 1;
  PayloadIdentifier: string;
  PayloadUUID: string;
  PayloadContent?: Payload[];
}

export function smimePayloads(input: SmimeProfileInput): Payload[] {
  const current = input.encryption.filter((identity) => identity.current);
  if (current.length !== 1) {
    throw new DomainError<MobileconfigErrorCode>('mobileconfig.invalid', 'a profile needs exactly one current encryption identity');
  }
  const prefix = input.identifierPrefix;
  const scep = scepPayload(input);
  const payloads: Payload[] = [
    caCertificatePayload(prefix, input.chain.root, 'root', input.organization),
    ...input.chain.intermediates.map((der) => caCertificatePayload(prefix, der, 'intermediate', input.organization)),
    scep,
    ...input.encryption.map((identity) => encryptionIdentityPayload(prefix, input.mailbox, identity)),
  ];
  if (input.mail.kind !== 'none') {
    payloads.push(mailPayload({
      prefix, subscriberId: input.subscriberId, deviceId: input.deviceId, mailbox: input.mailbox, displayName: input.displayName,
      signingUuid: scep.PayloadUUID, encryptionUuid: encryptionPayloadUuid(current[0]!.serial),
    }, input.mail));
  }
  return payloads;
}

/**
 * The profile's top level. The PayloadUUID changes with every build (it names this version); the
 * identifier does not (it names the profile on the device).
 */
export function smimeProfile(input: SmimeProfileInput, version: string): ConfigurationProfile {
  return {
    PayloadType: 'Configuration',
    PayloadVersion: 1,
    PayloadIdentifier: profileIdentifier(input.identifierPrefix, input.subscriberId, input.deviceId),
    PayloadUUID: stableUuid(`profile-version:${version}`),
    PayloadDisplayName: `${input.organization} secure mail (S/MIME)`,
    PayloadDescription: `Certificates and keys for signed and encrypted mail as ${input.mailbox}: a signing key made on this device, `
      + 'your encryption keys (current and earlier ones, so older encrypted mail stays readable), and the mail account settings.',
    PayloadOrganization: input.organization,
    TargetDeviceType: 1,
    PayloadExpirationDate: input.expiresAt,
    PayloadContent: smimePayloads(input),
  };
}
