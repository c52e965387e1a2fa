/**
 * Approval requests and their votes (dual control). A vote is a row of its own; the unique index on
 * (request_id, voter_id) makes a voter count once on a request even when two of their votes race, and
 * `seq` keeps the order the votes were cast in. Listing is newest first, paged by the request's `seq`,
 * and fetches the votes of a whole page in one query.
 */
import type { Kysely, Selectable } from 'kysely';
import type {
  AccessErrorCode, ApprovalKind, ApprovalRepository, ApprovalRequest, ApprovalStatus, ApprovalVote,
} from '../../domain/access/index.js';
import { DomainError } from '../../domain/errors.js';
import type { Page, PageRequest, PagingErrorCode } from '../../domain/unit-of-work.js';
import { atomically } from './atomic-write.js';
import { pageOf, readPageRequest } from './page-cursor.js';
import type { ApprovalRequestsTable, ApprovalVotesTable, Database } from './schema.js';
import { dateFrom, instant } from './schema.js';
import type { UniqueKey } from './unique-violation.js';
import { violatesUnique } from './unique-violation.js';

const ONE_VOTE_EACH: UniqueKey = {
  index: 'approval_votes_request_id_voter_id_key', table: 'approval_votes', columns: ['request_id', 'voter_id'],
};

function voteFrom(row: Selectable<ApprovalVotesTable>): ApprovalVote {
  return {
    voterId: row.voter_id,
    voterName: row.voter_name,
    decision: row.decision as ApprovalVote['decision'],
    comment: row.comment,
    at: dateFrom(row.at),
  };
}

function requestFrom(row: Selectable<ApprovalRequestsTable>, votes: ApprovalVote[]): ApprovalRequest {
  return {
    id: row.id,
    kind: row.kind as ApprovalKind,
    target: row.target,
    summary: row.summary,
    requestedBy: row.requested_by,
    requesterId: row.requester_id,
    requiredApprovals: row.required_approvals,
    status: row.status as ApprovalStatus,
    createdAt: dateFrom(row.created_at),
    expiresAt: dateFrom(row.expires_at),
    decidedAt: row.decided_at === null ? null : dateFrom(row.decided_at),
    votes,
    details: JSON.parse(row.details) as Record<string, unknown>,
  };
}

export class KyselyApprovalRepository implements ApprovalRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(request: ApprovalRequest): Promise<void> {
    if (request.votes.length > 0) throw new Error('an approval request is inserted without votes (add them with addVote)');
    await this.db.insertInto('approval_requests').values({
      id: request.id,
      kind: request.kind,
      target: request.target,
      summary: request.summary,
      requested_by: request.requestedBy,
      requester_id: request.requesterId,
      required_approvals: request.requiredApprovals,
      status: request.status,
      created_at: instant(request.createdAt),
      expires_at: instant(request.expiresAt),
      decided_at: request.decidedAt ? instant(request.decidedAt) : null,
      details: JSON.stringify(request.details),
    }).execute();
  }

  async findById(id: string): Promise<ApprovalRequest | null> {
    const row = await this.db.selectFrom('approval_requests').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return null;
    const votes = await this.votesOf([row.id]);
    return requestFrom(row, votes.get(row.id) ?? []);
  }

  async addVote(requestId: string, vote: ApprovalVote): Promise<void> {
    try {
      // In a savepoint: on PostgreSQL a caught violation must not abort the caller's transaction.
      await atomically(this.db, (db) => db.insertInto('approval_votes').values({
        request_id: requestId,
        voter_id: vote.voterId,
        voter_name: vote.voterName,
        decision: vote.decision,
        comment: vote.comment,
        at: instant(vote.at),
      }).execute());
    } catch (error) {
      if (violatesUnique(error, ONE_VOTE_EACH)) {
        throw new DomainError<AccessErrorCode>('approval.already-voted', `${vote.voterName} has already voted on this request`);
      }
      throw error;
    }
  }

  async updateStatus(requestId: string, status: ApprovalStatus, decidedAt: Date): Promise<void> {
    await this.db.updateTable('approval_requests')
      .set({ status, decided_at: instant(decidedAt) })
      .where('id', '=', requestId)
      .execute();
  }

  async list(
    filter: { status?: ApprovalStatus | undefined; kind?: ApprovalKind | undefined },
    page: PageRequest,
  ): Promise<Page<ApprovalRequest>> {
    const { before, limit } = readPageRequest(page, 'page.invalid-cursor' satisfies PagingErrorCode);
    let query = this.db.selectFrom('approval_requests').selectAll();
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
    if (before !== null) query = query.where('seq', '<', before);
    const rows = await query.orderBy('seq', 'desc').limit(limit + 1).execute();
    const votes = await this.votesOf(rows.slice(0, limit).map((r) => r.id));
    return pageOf(rows, limit, (row) => requestFrom(row, votes.get(row.id) ?? []));
  }

  /** The votes of these requests, each request's in the order cast; one query. */
  private async votesOf(requestIds: string[]): Promise<Map<string, ApprovalVote[]>> {
    const votes = new Map<string, ApprovalVote[]>();
    if (requestIds.length === 0) return votes;
    const rows = await this.db.selectFrom('approval_votes').selectAll()
      .where('request_id', 'in', requestIds)
      .orderBy('seq')
      .execute();
    for (const row of rows) {
      const list = votes.get(row.request_id) ?? [];
      list.push(voteFrom(row));
      votes.set(row.request_id, list);
    }
    return votes;
  }
}
