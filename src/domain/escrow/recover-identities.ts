/**
 * Third-party key recovery under dual control (S/MIME BR §4.12.1: recovery only as the CP/CPS says,
 * every step audited). An officer opens a 'key-recovery' approval request naming the person and the
 * identities; M distinct recovery agents approve it through the approval queue (the requester cannot,
 * each agent counts once, one rejection ends it, it expires after the TTL); only then may the requester
 * export the identities, once, as a PKCS#12 whose password is shown once.
 */
import type { ApprovalRequest, Principal } from '../access/index.js';
import { approvalsCast, openApproval, requirePermission, voterId } from '../access/index.js';
import { recordAuditEvent } from '../audit/index.js';
import { DomainError } from '../errors.js';
import { normaliseSerial } from '../inventory/index.js';
import { findSubscriber, primaryMailbox } from '../subscribers/index.js';
import type { EscrowDeps, Pkcs12Variant } from './escrow-deps.js';
import type { EscrowErrorCode } from './errors.js';
import { identitiesOf, identityView } from './identity-history.js';
import { packageIdentities } from './identity-package.js';
import type { OwnDelivery } from './deliver-own-identities.js';

const fail = (code: EscrowErrorCode, message: string) => new DomainError(code, message);

export async function requestKeyRecovery(
  deps: EscrowDeps,
  principal: Principal,
  input: { subscriber: string; serial?: string | undefined; reason?: string | undefined },
): Promise<ApprovalRequest> {
  requirePermission(principal, 'certificates.issue');
  const subscriber = await findSubscriber(deps.uow.read.subscribers, input.subscriber);
  const mailbox = primaryMailbox(subscriber);
  const serial = input.serial === undefined ? undefined : normaliseSerial(input.serial);
  const pairs = (await identitiesOf(deps, subscriber)).filter((p) => serial === undefined || p.record.certificateSerial === serial);
  if (pairs.length === 0) {
    throw fail('escrow.not-found', serial ? `${mailbox} has no escrowed identity with serial ${serial}` : `${mailbox} has no escrowed encryption identity`);
  }
  const serials = pairs.map((p) => p.record.certificateSerial);
  return deps.uow.transaction(async (tx) => {
    const request = await openApproval(tx, deps.clock, principal, {
      kind: 'key-recovery', target: mailbox,
      summary: `recover ${serials.length} encryption key(s) of ${mailbox}${input.reason ? `: ${input.reason}` : ''}`,
      requiredApprovals: deps.settings.recoveryApprovals, ttlMs: deps.settings.recoveryTtlMs,
      details: { subscriberId: subscriber.id, serials },
    });
    await recordAuditEvent(tx.audit, deps.clock, principal.actor, {
      action: 'escrow.recovery-request', target: mailbox,
      details: { approval: request.id, serials, required: request.requiredApprovals, expiresAt: request.expiresAt.toISOString(), reason: input.reason ?? null },
    });
    return request;
  });
}

/** Why an approval does not (yet) release a recovery, or null when it does. */
async function refusal(deps: EscrowDeps, principal: Principal, request: ApprovalRequest): Promise<DomainError | null> {
  const now = deps.clock.now();
  if (request.status === 'rejected') return fail('escrow.recovery-rejected', `recovery ${request.id} was rejected`);
  if (request.status === 'expired' || (request.status === 'open' && now.getTime() >= request.expiresAt.getTime())) {
    if (request.status === 'open') {
      await deps.uow.transaction(async (tx) => {
        await tx.approvals.updateStatus(request.id, 'expired', now);
        await recordAuditEvent(tx.audit, deps.clock, principal.actor, { action: 'approval.expire', target: request.id, details: { kind: request.kind } });
      });
    }
    return fail('escrow.recovery-expired', `recovery ${request.id} expired at ${request.expiresAt.toISOString()} without enough approvals`);
  }
  if (request.status === 'open') {
    return fail('escrow.recovery-pending', `recovery ${request.id} has ${approvalsCast(request)} of ${request.requiredApprovals} approvals`);
  }
  return null;
}

export async function exportRecoveredIdentities(
  deps: EscrowDeps,
  principal: Principal,
  input: { approvalId: string; variant?: Pkcs12Variant | undefined },
): Promise<OwnDelivery & { subscriber: string }> {
  requirePermission(principal, 'certificates.issue');
  const request = await deps.uow.read.approvals.findById(input.approvalId);
  if (!request || request.kind !== 'key-recovery') throw new DomainError('approval.not-found', `no key recovery request ${input.approvalId}`);
  if (voterId(principal) !== request.requesterId) throw new DomainError('auth.forbidden', 'only the operator who requested the recovery may export it');
  const refused = await refusal(deps, principal, request);
  if (refused) {
    await deps.uow.transaction((tx) => recordAuditEvent(tx.audit, deps.clock, principal.actor, {
      action: 'escrow.export-refused', target: request.id, details: { code: refused.code, status: request.status },
    }));
    throw refused;
  }
  const subscriber = await findSubscriber(deps.uow.read.subscribers, String(request.details.subscriberId));
  const serials = new Set(request.details.serials as string[]);
  const pairs = (await identitiesOf(deps, subscriber)).filter((p) => serials.has(p.record.certificateSerial));
  if (pairs.length === 0) throw fail('escrow.not-found', `the identities of recovery ${request.id} are no longer in escrow`);
  const variant = input.variant ?? deps.settings.pkcs12Variant;
  const delivered = await packageIdentities(deps, principal.actor, { mailbox: primaryMailbox(subscriber), pairs, variant });
  await deps.uow.transaction(async (tx) => {
    await tx.escrow.recordExport(request.id, { at: deps.clock.now(), by: voterId(principal) });
    await recordAuditEvent(tx.audit, deps.clock, principal.actor, {
      action: 'escrow.export', target: request.id,
      details: { subscriber: primaryMailbox(subscriber), serials: pairs.map((p) => p.record.certificateSerial), variant, approvals: request.votes.map((v) => v.voterName) },
    });
  });
  return { ...delivered, identities: pairs.map((p) => identityView(p.record, p.certificate)), subscriber: primaryMailbox(subscriber) };
}
