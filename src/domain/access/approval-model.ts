/**
 * Approval requests: work that waits for operators. A SCEP enrollment on a profile that needs approval
 * waits for one; a third party's key recovery waits for M distinct recovery agents (dual control).
 * Each operator's vote counts once; the requester never votes on their own request.
 */

export const APPROVAL_KINDS = ['scep-enrollment', 'key-recovery'] as const;
export type ApprovalKind = (typeof APPROVAL_KINDS)[number];

export type ApprovalStatus = 'open' | 'approved' | 'rejected' | 'expired';

export interface ApprovalVote {
  /** The operator's id, or `local:<user>` for the administrator at the console. */
  voterId: string;
  voterName: string;
  decision: 'approve' | 'reject';
  comment: string | null;
  at: Date;
}

export interface ApprovalRequest {
  id: string;
  kind: ApprovalKind;
  /** What the request is about: a SCEP transaction id, a subscriber's mailbox… */
  target: string;
  /** One line for the operator deciding. */
  summary: string;
  /** The requester as the audit trail names them, and their voter id (who may not vote). */
  requestedBy: string;
  requesterId: string;
  requiredApprovals: number;
  status: ApprovalStatus;
  createdAt: Date;
  expiresAt: Date;
  decidedAt: Date | null;
  votes: ApprovalVote[];
  details: Record<string, unknown>;
}

export function approvalsCast(request: ApprovalRequest): number {
  return request.votes.filter((v) => v.decision === 'approve').length;
}
