import type { Page, PageRequest } from '../unit-of-work.js';
import type { ApprovalKind, ApprovalRequest, ApprovalStatus, ApprovalVote } from './approval-model.js';

export interface ApprovalRepository {
  /** Inserts the request (its `votes` must be empty). */
  insert(request: ApprovalRequest): Promise<void>;
  /** The request with its votes in the order they were cast. */
  findById(id: string): Promise<ApprovalRequest | null>;
  /** Throws DomainError('approval.already-voted') if this voter has voted on this request (a unique key). */
  addVote(requestId: string, vote: ApprovalVote): Promise<void>;
  updateStatus(requestId: string, status: ApprovalStatus, decidedAt: Date): Promise<void>;
  /** Newest first. */
  list(filter: { status?: ApprovalStatus | undefined; kind?: ApprovalKind | undefined }, page: PageRequest): Promise<Page<ApprovalRequest>>;
}
