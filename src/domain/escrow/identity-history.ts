/** `mcms escrow history`: a person's current and past encryption identities, newest first. */
import type { Principal } from '../access/index.js';
import { requirePermission } from '../access/index.js';
import type { CertificateRecord } from '../inventory/index.js';
import type { Subscriber } from '../subscribers/index.js';
import { findSubscriber } from '../subscribers/index.js';
import type { EscrowDeps } from './escrow-deps.js';
import type { EncryptionIdentity, EscrowRecord } from './model.js';

export function identityView(record: EscrowRecord, certificate: Pick<CertificateRecord, 'notBefore' | 'notAfter'>): EncryptionIdentity {
  return {
    id: record.id, serial: record.certificateSerial, keyAlgorithm: record.keyAlgorithm, status: record.status, pastReason: record.pastReason,
    notBefore: certificate.notBefore, notAfter: certificate.notAfter, createdAt: record.createdAt, retiredAt: record.retiredAt,
  };
}

/** The records with their certificates, current first, then newest first. */
export async function identitiesOf(
  deps: Pick<EscrowDeps, 'uow'>,
  subscriber: Subscriber,
): Promise<{ record: EscrowRecord; certificate: CertificateRecord }[]> {
  const records = await deps.uow.read.escrow.listBySubscriber(subscriber.id);
  const sorted = [...records.filter((r) => r.status === 'current'), ...records.filter((r) => r.status !== 'current')];
  const pairs = [];
  for (const record of sorted) {
    const certificate = await deps.uow.read.certificates.findBySerial(record.certificateSerial);
    if (certificate) pairs.push({ record, certificate });
  }
  return pairs;
}

export async function encryptionHistory(
  deps: Pick<EscrowDeps, 'uow'>,
  principal: Principal,
  subscriberKey: string,
): Promise<{ subscriber: Subscriber; identities: EncryptionIdentity[] }> {
  requirePermission(principal, 'certificates.read');
  const subscriber = await findSubscriber(deps.uow.read.subscribers, subscriberKey);
  const pairs = await identitiesOf(deps, subscriber);
  return { subscriber, identities: pairs.map((p) => identityView(p.record, p.certificate)) };
}
