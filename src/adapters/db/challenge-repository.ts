/**
 * One-time SCEP challenges (the secret's hash only). Every state change is one conditional UPDATE, so
 * it holds under concurrency without a lock of our own: on PostgreSQL a second UPDATE of the same row
 * waits for the first to commit and then re-checks its WHERE against the new row (READ COMMITTED); on
 * SQLite every write transaction holds the database's write lock. So two devices presenting the same
 * challenge at once consume it once, and wrong secrets are all counted.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Challenge, ChallengeRepository, ChallengeStatus } from '../../domain/enrollment/index.js';
import { PreparedQuery } from './prepared-query.js';
import type { ChallengesTable, Database } from './schema.js';
import { dateFrom, instant } from './schema.js';

function challengeFrom(row: Selectable<ChallengesTable>): Challenge {
  return {
    id: row.id,
    subscriberId: row.subscriber_id,
    deviceId: row.device_id,
    profile: row.profile,
    secretHash: row.secret_hash,
    status: row.status as ChallengeStatus,
    failedAttempts: row.failed_attempts,
    createdBy: row.created_by,
    createdAt: dateFrom(row.created_at),
    expiresAt: dateFrom(row.expires_at),
    usedAt: row.used_at === null ? null : dateFrom(row.used_at),
  };
}

const FIND_BY_ID = new PreparedQuery<{ id: string }, Selectable<ChallengesTable>>((db, p) => db.selectFrom('challenges')
  .selectAll()
  .where('id', '=', p.id));

const CONSUME = new PreparedQuery<{ id: string; at: string }, never>((db, p) => db.updateTable('challenges')
  .set({ status: 'used' satisfies ChallengeStatus, used_at: p.at })
  .where('id', '=', p.id)
  .where('status', '=', 'open' satisfies ChallengeStatus));

export class KyselyChallengeRepository implements ChallengeRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(challenge: Challenge): Promise<void> {
    await this.db.insertInto('challenges').values({
      id: challenge.id,
      subscriber_id: challenge.subscriberId,
      device_id: challenge.deviceId,
      profile: challenge.profile,
      secret_hash: challenge.secretHash,
      status: challenge.status,
      failed_attempts: challenge.failedAttempts,
      created_by: challenge.createdBy,
      created_at: instant(challenge.createdAt),
      expires_at: instant(challenge.expiresAt),
      used_at: challenge.usedAt ? instant(challenge.usedAt) : null,
    }).execute();
  }

  async findById(id: string): Promise<Challenge | null> {
    const row = await FIND_BY_ID.takeFirst(this.db, { id });
    return row ? challengeFrom(row) : null;
  }

  /**
   * Counts and, at `lockAt`, locks in the same statement (both SET expressions read the row as it was
   * before the update). Only an open challenge locks: a used or revoked one keeps its status.
   */
  async recordFailure(id: string, lockAt: number): Promise<number> {
    const row = await this.db.updateTable('challenges')
      .set((eb) => ({
        failed_attempts: eb('failed_attempts', '+', 1),
        status: eb.case()
          .when(eb.and([eb('status', '=', 'open'), eb(eb('failed_attempts', '+', 1), '>=', lockAt)]))
          .then('locked' satisfies ChallengeStatus)
          .else(eb.ref('status'))
          .end(),
      }))
      .where('id', '=', id)
      .returning('failed_attempts')
      .executeTakeFirst();
    return row ? Number(row.failed_attempts) : 0;
  }

  async consume(id: string, at: Date): Promise<boolean> {
    const result = await CONSUME.execute(this.db, { id, at: instant(at) });
    return result.numAffectedRows === 1n;
  }

  /** Both filters given: the open challenges of that device of that person. Neither is refused. */
  async revokeOpen(filter: { subscriberId?: string; deviceId?: string }): Promise<number> {
    if (filter.subscriberId === undefined && filter.deviceId === undefined) {
      throw new Error('revokeOpen needs a subscriberId or a deviceId (it never revokes every challenge)');
    }
    let query = this.db.updateTable('challenges')
      .set({ status: 'revoked' satisfies ChallengeStatus })
      .where('status', '=', 'open' satisfies ChallengeStatus);
    if (filter.subscriberId !== undefined) query = query.where('subscriber_id', '=', filter.subscriberId);
    if (filter.deviceId !== undefined) query = query.where('device_id', '=', filter.deviceId);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async listBySubscriber(subscriberId: string): Promise<Challenge[]> {
    const rows = await this.db.selectFrom('challenges').selectAll()
      .where('subscriber_id', '=', subscriberId)
      .orderBy('created_at', 'desc').orderBy('id', 'desc')
      .execute();
    return rows.map(challengeFrom);
  }
}
