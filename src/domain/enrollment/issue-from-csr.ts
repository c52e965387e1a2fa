/**
 * Issues a certificate from a CSR for a named person: the RA path an operator (or, later, SCEP and the
 * enrollment pages) takes. Checks run before the CA is involved; the certificate, its inventory row and
 * its audit record commit together, and nothing is returned before they have.
 */
import type { Clock } from '../../lib/clock.js';
import type { Principal } from '../access/index.js';
import { requirePermission } from '../access/index.js';
import type { AuditRepository } from '../audit/index.js';
import { recordAuditEvent } from '../audit/index.js';
import type { IssuingAuthority } from '../ca/index.js';
import { DomainError } from '../errors.js';
import type { CertificateRecord, CertificateRepository } from '../inventory/index.js';
import { inventoryRecord } from '../inventory/index.js';
import type { ProfileCatalog, SubjectSettings } from '../policy/index.js';
import { subscriberSubject } from '../policy/index.js';
import type { DeviceRepository, SubscriberRepository } from '../subscribers/index.js';
import { findSubscriber, findSubscriberDevice, mailboxAddresses, primaryMailbox } from '../subscribers/index.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { readCertificationRequest } from './read-request.js';

export interface IssuanceDeps {
  uow: UnitOfWork<{
    subscribers: SubscriberRepository; devices: DeviceRepository; certificates: CertificateRepository; audit: AuditRepository;
  }>;
  ca: IssuingAuthority;
  profiles: ProfileCatalog;
  subject: SubjectSettings;
  clock: Clock;
}

export interface CsrIssuance {
  profile: string;
  subscriber: string;
  csr: string | Buffer;
  deviceId?: string | undefined;
}

export async function issueFromCsr(deps: IssuanceDeps, principal: Principal, input: CsrIssuance): Promise<CertificateRecord> {
  requirePermission(principal, 'certificates.issue');
  const profile = deps.profiles.get(input.profile);
  const csr = readCertificationRequest(input.csr);
  const subscriber = await findSubscriber(deps.uow.read.subscribers, input.subscriber);
  const mailbox = primaryMailbox(subscriber);
  if (subscriber.status !== 'active') throw new DomainError('subscriber.disabled', `subscriber ${mailbox} is disabled`);
  const device = input.deviceId ? await findSubscriberDevice(deps.uow.read.devices, subscriber, input.deviceId) : null;

  const now = deps.clock.now();
  const prepared = deps.ca.prepare({
    profile,
    subject: subscriberSubject(deps.subject, { displayName: subscriber.displayName, mailbox }),
    emails: mailboxAddresses(subscriber),
    subjectPublicKeyInfo: csr.subjectPublicKeyInfo,
    publicKey: csr.publicKey,
    now,
  });
  const issued = await deps.ca.issue(prepared);
  const record = inventoryRecord(issued.der, {
    issuerId: issued.issuerId, profile: profile.id, subscriberId: subscriber.id, deviceId: device?.id ?? null, now,
  });
  await deps.uow.transaction(async (tx) => {
    await tx.certificates.insert(record);
    await recordAuditEvent(tx.audit, deps.clock, principal.actor, {
      action: 'certificate.issue',
      target: record.serial,
      details: { profile: profile.id, subscriber: mailbox, device: device?.id ?? null, subject: record.subject, notAfter: record.notAfter.toISOString(), via: 'csr' },
    });
  });
  return record;
}
