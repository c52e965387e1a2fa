/**
 * Issues a certificate from a CSR for a named person: the RA path an operator takes (CLI, REST API).
 * Checks run before the CA is involved; the certificate, its inventory row and its audit record commit
 * together, and nothing is returned before they have.
 */
import type { Clock } from '../../lib/clock.js';
import type { Principal } from '../access/index.js';
import { requirePermission } from '../access/index.js';
import type { AuditRepository } from '../audit/index.js';
import { recordAuditEvent } from '../audit/index.js';
import type { CertificateRecord, CertificateRepository } from '../inventory/index.js';
import type { ProfileCatalog } from '../policy/index.js';
import type { DeviceRepository, SubscriberRepository } from '../subscribers/index.js';
import { findSubscriber, findSubscriberDevice } from '../subscribers/index.js';
import type { UnitOfWork } from '../unit-of-work.js';
import type { CertifyDeps } from './certify.js';
import { certifyRequest, issuanceDetails } from './certify.js';
import { readCertificationRequest } from './read-request.js';

export interface IssuanceDeps extends CertifyDeps {
  uow: UnitOfWork<{
    subscribers: SubscriberRepository; devices: DeviceRepository; certificates: CertificateRepository; audit: AuditRepository;
  }>;
  profiles: ProfileCatalog;
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
  const device = input.deviceId ? await findSubscriberDevice(deps.uow.read.devices, subscriber, input.deviceId) : null;
  const record = await certifyRequest(deps, { profile, subscriber, device, key: csr, now: deps.clock.now() });
  await deps.uow.transaction(async (tx) => {
    await tx.certificates.insert(record);
    await recordAuditEvent(tx.audit, deps.clock, principal.actor, {
      action: 'certificate.issue', target: record.serial, details: issuanceDetails(record, { via: 'csr' }),
    });
  });
  return record;
}
