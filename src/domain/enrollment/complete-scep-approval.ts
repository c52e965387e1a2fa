/**
 * Finishes a SCEP enrollment that waited for an operator: once its approval request is approved, the
 * certificate is issued from the stored request (the device collects it with CertPoll); once it is
 * rejected, the transaction is closed and the device's next poll gets a FAILURE. An approved request
 * that can no longer be issued (the person disabled or the device reported lost meanwhile) is closed
 * the same way, and the refusal is thrown for the operator who approved it.
 */
import type { ApprovalRequest } from '../access/index.js';
import { recordAuditEvent } from '../audit/index.js';
import { DomainError, isDomainError } from '../errors.js';
import { findSubscriberDevice } from '../subscribers/index.js';
import { certifyRequest, issuanceDetails } from './certify.js';
import { readCertificationRequest } from './read-request.js';
import type { ScepEnrollmentDeps } from './scep-enrollment.js';
import { checkRenewalStillValid } from './scep-enrollment.js';

export async function completeScepApproval(deps: ScepEnrollmentDeps, approval: ApprovalRequest): Promise<void> {
  if (approval.kind !== 'scep-enrollment' || approval.status === 'open') return;
  const transaction = await deps.uow.read.scepTransactions.findByApproval(approval.id);
  if (!transaction || transaction.status !== 'pending') return;
  const key = [transaction.transactionId, transaction.requesterKeyHash] as const;
  const now = deps.clock.now();
  const close = (reason: string | null) => deps.uow.transaction(async (tx) => {
    await tx.scepTransactions.update(...key, { status: 'rejected', updatedAt: now });
    await recordAuditEvent(tx.audit, deps.clock, deps.principal.actor, {
      action: 'scep.rejected', target: transaction.transactionId, details: { approval: approval.id, status: approval.status, ...(reason ? { reason } : {}) },
    });
  });
  if (approval.status !== 'approved') return close(null);
  let record;
  try {
    const subscriber = await deps.uow.read.subscribers.findById(transaction.subscriberId);
    if (!subscriber) return await close('the person is gone');
    const device = transaction.deviceId ? await findSubscriberDevice(deps.uow.read.devices, subscriber, transaction.deviceId) : null;
    if (typeof approval.details.renewalOf === 'string') await checkRenewalStillValid(deps, approval.details.renewalOf);
    record = await certifyRequest(deps, {
      profile: deps.profiles.get(transaction.profile), subscriber, device, key: readCertificationRequest(transaction.csr), now,
    });
  } catch (error) {
    if (!isDomainError(error)) throw error;
    await close(error.message);
    throw new DomainError(error.code, `the vote is recorded, but no certificate was issued: ${error.message}`, error.details);
  }
  await deps.uow.transaction(async (tx) => {
    await tx.certificates.insert(record);
    await tx.scepTransactions.update(...key, { status: 'issued', certificateSerial: record.serial, updatedAt: now });
    await recordAuditEvent(tx.audit, deps.clock, deps.principal.actor, {
      action: 'certificate.issue', target: record.serial,
      details: issuanceDetails(record, { via: 'scep', transactionId: transaction.transactionId, approval: approval.id }),
    });
  });
}
