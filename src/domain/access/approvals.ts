/**
 * Approval use cases: open a request (called by the module whose work waits), cast a vote, list and
 * show. Which permission a vote needs depends on the kind: approving an enrollment is certificate work,
 * approving a recovery is a recovery agent's. The module whose work waits completes it once the request
 * is approved (see main/ for the wiring), so this module knows nothing of SCEP or escrow.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import type { AuditRepository } from '../audit/index.js';
import { describeActor, recordAuditEvent } from '../audit/index.js';
import { DomainError } from '../errors.js';
import type { Page, PageRequest, UnitOfWork } from '../unit-of-work.js';
import type { ApprovalKind, ApprovalRequest, ApprovalStatus } from './approval-model.js';
import { approvalsCast } from './approval-model.js';
import type { ApprovalRepository } from './approval-ports.js';
import { requirePermission } from './authorize.js';
import type { AccessErrorCode } from './errors.js';
import type { Permission, Principal } from './model.js';

export interface ApprovalDeps {
  uow: UnitOfWork<{ approvals: ApprovalRepository; audit: AuditRepository }>;
  clock: Clock;
}

const VOTE_PERMISSION = {
  'scep-enrollment': 'certificates.issue',
  'key-recovery': 'recovery.approve',
} as const satisfies Record<ApprovalKind, Permission>;

const fail = (code: AccessErrorCode, message: string) => new DomainError(code, message);

/** The id a principal votes under: distinct operators are distinct voters; the console is one more. */
export function voterId(principal: Principal): string {
  return principal.operatorId ?? `local:${principal.actor.id}`;
}

export interface NewApproval {
  kind: ApprovalKind;
  target: string;
  summary: string;
  requiredApprovals: number;
  ttlMs: number;
  details?: Record<string, unknown>;
}

/** Opens a request inside the caller's transaction. */
export async function openApproval(
  repos: { approvals: ApprovalRepository },
  clock: Clock,
  requester: Principal,
  input: NewApproval,
): Promise<ApprovalRequest> {
  const now = clock.now();
  const request: ApprovalRequest = {
    id: randomUUID(), kind: input.kind, target: input.target, summary: input.summary,
    requestedBy: describeActor(requester.actor), requesterId: voterId(requester),
    requiredApprovals: input.requiredApprovals, status: 'open', createdAt: now,
    expiresAt: new Date(now.getTime() + input.ttlMs), decidedAt: null, votes: [], details: input.details ?? {},
  };
  await repos.approvals.insert(request);
  return request;
}

/**
 * Casts a vote. A rejection ends the request; enough approvals approve it; an expired request is
 * closed as expired. Returns the request as it stands after the vote.
 */
export async function castVote(
  deps: ApprovalDeps,
  principal: Principal,
  input: { id: string; decision: 'approve' | 'reject'; comment?: string | undefined },
): Promise<ApprovalRequest> {
  return deps.uow.transaction(async (tx) => {
    const request = await tx.approvals.findById(input.id);
    if (!request) throw fail('approval.not-found', `no approval request ${input.id}`);
    requirePermission(principal, VOTE_PERMISSION[request.kind]);
    const now = deps.clock.now();
    if (request.status === 'open' && now.getTime() >= request.expiresAt.getTime()) {
      await tx.approvals.updateStatus(request.id, 'expired', now);
      await recordAuditEvent(tx.audit, deps.clock, principal.actor, { action: 'approval.expire', target: request.id, details: { kind: request.kind } });
      return { ...request, status: 'expired' as const, decidedAt: now };
    }
    if (request.status !== 'open') throw fail('approval.closed', `approval request ${request.id} is ${request.status}`);
    const voter = voterId(principal);
    if (voter === request.requesterId) throw fail('approval.own-request', 'the requester cannot decide their own request');
    const vote = { voterId: voter, voterName: principal.actor.name, decision: input.decision, comment: input.comment ?? null, at: now };
    await tx.approvals.addVote(request.id, vote);
    const votes = [...request.votes, vote];
    const status: ApprovalStatus = input.decision === 'reject' ? 'rejected'
      : approvalsCast({ ...request, votes }) >= request.requiredApprovals ? 'approved' : 'open';
    if (status !== 'open') await tx.approvals.updateStatus(request.id, status, now);
    await recordAuditEvent(tx.audit, deps.clock, principal.actor, {
      action: `approval.${input.decision}`, target: request.id,
      details: { kind: request.kind, target: request.target, status, approvals: approvalsCast({ ...request, votes }), required: request.requiredApprovals },
    });
    return { ...request, votes, status, decidedAt: status === 'open' ? null : now };
  });
}

export async function showApproval(deps: Pick<ApprovalDeps, 'uow'>, principal: Principal, id: string): Promise<ApprovalRequest> {
  const request = await deps.uow.read.approvals.findById(id);
  if (!request) throw fail('approval.not-found', `no approval request ${id}`);
  requirePermission(principal, VOTE_PERMISSION[request.kind]);
  return request;
}

export async function listApprovals(
  deps: Pick<ApprovalDeps, 'uow'>,
  principal: Principal,
  filter: { status?: ApprovalStatus; kind?: ApprovalKind },
  page: PageRequest,
): Promise<Page<ApprovalRequest>> {
  requirePermission(principal, 'subscribers.read');
  return deps.uow.read.approvals.list(filter, page);
}
