/**
 * The issuance step every enrollment path shares: the person's names into the profile's certificate
 * for the requested key, prepared, checked and signed once by the CA. It writes nothing; each path
 * commits the returned inventory row with its own records and audit entry.
 */
import type { PublicKeyInfo } from '../../lib/pki/index.js';
import type { IssuingAuthority } from '../ca/index.js';
import { DomainError } from '../errors.js';
import type { CertificateRecord } from '../inventory/index.js';
import { inventoryRecord } from '../inventory/index.js';
import type { CertificateProfile, SubjectSettings } from '../policy/index.js';
import { subscriberSubject } from '../policy/index.js';
import type { Device, Subscriber } from '../subscribers/index.js';
import { mailboxAddresses, primaryMailbox } from '../subscribers/index.js';

/** The public key a certificate is for: from a CSR (device-generated) or from central key generation. */
export interface KeyToCertify {
  subjectPublicKeyInfo: Buffer;
  publicKey: PublicKeyInfo;
}

export interface CertifyDeps {
  ca: IssuingAuthority;
  subject: SubjectSettings;
}

export async function certifyRequest(
  deps: CertifyDeps,
  input: { profile: CertificateProfile; subscriber: Subscriber; device: Device | null; key: KeyToCertify; now: Date },
): Promise<CertificateRecord> {
  const { subscriber, profile, key, now } = input;
  const mailbox = primaryMailbox(subscriber);
  if (subscriber.status !== 'active') throw new DomainError('subscriber.disabled', `subscriber ${mailbox} is disabled`);
  // A device reported lost or retired gets nothing more, by any path (a pending approval, a webhook's grant).
  if (input.device && input.device.status !== 'active') throw new DomainError('device.inactive', `device ${input.device.id} is ${input.device.status}`);
  const prepared = deps.ca.prepare({
    profile,
    subject: subscriberSubject(deps.subject, { displayName: subscriber.displayName, mailbox }),
    emails: mailboxAddresses(subscriber),
    subjectPublicKeyInfo: key.subjectPublicKeyInfo,
    publicKey: key.publicKey,
    now,
  });
  const issued = await deps.ca.issue(prepared);
  return inventoryRecord(issued.der, {
    issuerId: issued.issuerId, profile: profile.id, subscriberId: subscriber.id, deviceId: input.device?.id ?? null, now,
  });
}

/** Audit details of an issuance, the same for every path. */
export function issuanceDetails(record: CertificateRecord, extra: Record<string, unknown>): Record<string, unknown> {
  return { profile: record.profile, subscriber: record.emails[0] ?? null, device: record.deviceId, subject: record.subject, notAfter: record.notAfter.toISOString(), ...extra };
}
