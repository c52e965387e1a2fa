/**
 * The mail account (com.apple.mail.managed, com.apple.eas.account schemas; smime-mobile-notes §1.5–§1.7):
 * S/MIME signing points at the SCEP payload, encryption at the current encryption identity's pkcs12
 * payload, both in this profile. Each switch is written under its current name and its older one
 * (SMIMEEncryptionEnabled before iOS 12, SMIMEEnablePerMessageSwitch before iOS 12) for older devices.
 */
import type { PlistDict } from '../../lib/plist/index.js';
import type { MailAccountSettings, Payload } from './model.js';
import { stableUuid } from './payload-identity.js';

export interface MailPayloadInput {
  prefix: string;
  subscriberId: string;
  deviceId: string;
  mailbox: string;
  displayName: string | null;
  signingUuid: string;
  encryptionUuid: string;
}

function smimeKeys(input: MailPayloadInput): PlistDict {
  return {
    SMIMEEnabled: true,
    SMIMESigningEnabled: true,
    SMIMESigningCertificateUUID: input.signingUuid,
    SMIMESigningUserOverrideable: true,
    SMIMEEncryptionCertificateUUID: input.encryptionUuid,
    SMIMEEncryptionEnabled: true,
    SMIMEEncryptByDefault: false,
    SMIMEEncryptByDefaultUserOverrideable: true,
    SMIMEEnableEncryptionPerMessageSwitch: true,
    SMIMEEnablePerMessageSwitch: true,
  };
}

function userName(mailbox: string, form: 'email' | 'local-part'): string {
  return form === 'email' ? mailbox : mailbox.slice(0, mailbox.lastIndexOf('@'));
}

export function mailPayload(input: MailPayloadInput, settings: Exclude<MailAccountSettings, { kind: 'none' }>): Payload {
  const common = {
    PayloadVersion: 1 as const,
    PayloadIdentifier: `${input.prefix}.mail.${input.subscriberId}.${input.deviceId}`,
    PayloadUUID: stableUuid(`mail-account:${input.subscriberId}:${input.deviceId}`),
    PayloadDisplayName: `${input.mailbox} mail`,
  };
  if (settings.kind === 'exchange') {
    return {
      ...common, PayloadType: 'com.apple.eas.account',
      EmailAddress: input.mailbox, Host: settings.host, SSL: settings.ssl, UserName: userName(input.mailbox, settings.userName),
      ...smimeKeys(input),
    };
  }
  const login = userName(input.mailbox, settings.userName);
  return {
    ...common, PayloadType: 'com.apple.mail.managed',
    EmailAccountType: 'EmailTypeIMAP',
    EmailAccountDescription: input.mailbox,
    EmailAccountName: input.displayName ?? undefined,
    EmailAddress: input.mailbox,
    IncomingMailServerHostName: settings.incomingHost,
    IncomingMailServerPortNumber: settings.incomingPort,
    IncomingMailServerUseSSL: settings.incomingSsl,
    IncomingMailServerAuthentication: 'EmailAuthPassword',
    IncomingMailServerUsername: login,
    OutgoingMailServerHostName: settings.outgoingHost,
    OutgoingMailServerPortNumber: settings.outgoingPort,
    OutgoingMailServerUseSSL: settings.outgoingSsl,
    OutgoingMailServerAuthentication: 'EmailAuthPassword',
    OutgoingMailServerUsername: login,
    OutgoingPasswordSameAsIncomingPassword: true,
    ...smimeKeys(input),
  };
}
