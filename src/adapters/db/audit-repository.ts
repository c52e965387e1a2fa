/**
 * The audit trail's storage: an append-only table and a one-row head (seq and hash of the newest
 * record). Appending takes the head under lock first, so concurrent transactions chain one after the
 * other: PostgreSQL with SELECT … FOR UPDATE on the head row; SQLite because every transaction already
 * holds the database's write lock (BEGIN IMMEDIATE, see sqlite-database.ts). Both operations refuse to
 * run outside a transaction, where a lock would end with the statement.
 */
import type { Insertable, Kysely, Selectable } from 'kysely';
import type { AuditHead, AuditRecord, AuditRepository } from '../../domain/audit/index.js';
import { canonicalJson } from '../../domain/audit/index.js';
import { PreparedQuery } from './prepared-query.js';
import type { AuditEventsTable, Database, Dialect } from './schema.js';
import { dateFrom, instant } from './schema.js';

function recordFrom(row: Selectable<AuditEventsTable>): AuditRecord {
  return {
    seq: Number(row.seq),
    at: dateFrom(row.at),
    actor: row.actor,
    action: row.action,
    target: row.target,
    details: JSON.parse(row.details) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

const HEAD = new PreparedQuery((db, _: Record<string, never>) => db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1));
const LOCK_HEAD = new PreparedQuery((db, _: Record<string, never>) => db.selectFrom('audit_head').select(['seq', 'hash']).where('id', '=', 1).forUpdate());

const INSERT_EVENT = new PreparedQuery<Insertable<AuditEventsTable>, never>((db, p) => db.insertInto('audit_events').values({
  seq: p.seq, at: p.at, actor: p.actor, action: p.action, target: p.target, details: p.details, prev_hash: p.prev_hash, hash: p.hash,
}));

const MOVE_HEAD = new PreparedQuery((db, p: { seq: number; hash: string; prevSeq: number; prevHash: string }) => db.updateTable('audit_head')
  .set({ seq: p.seq, hash: p.hash })
  .where('id', '=', 1)
  .where('seq', '=', p.prevSeq)
  .where('hash', '=', p.prevHash));

export class KyselyAuditRepository implements AuditRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async lockHead(): Promise<AuditHead> {
    this.requireTransaction('lockHead');
    const row = await (this.dialect === 'postgres' ? LOCK_HEAD : HEAD).takeFirst(this.db, {});
    if (!row) throw new Error('the audit head row is missing');
    return { seq: Number(row.seq), hash: row.hash };
  }

  async head(): Promise<AuditHead> {
    const row = await HEAD.takeFirst(this.db, {});
    if (!row) throw new Error('the audit head row is missing');
    return { seq: Number(row.seq), hash: row.hash };
  }

  /** Moves the head only from the record's predecessor: an append without the lock fails, it never forks. */
  async append(record: AuditRecord): Promise<void> {
    this.requireTransaction('append');
    await INSERT_EVENT.execute(this.db, {
      seq: record.seq,
      at: instant(record.at),
      actor: record.actor,
      action: record.action,
      target: record.target,
      // The text the hash covers (recordAuditEvent hashes canonicalJson(details)), so reading it back
      // always re-hashes to the same value.
      details: canonicalJson(record.details),
      prev_hash: record.prevHash,
      hash: record.hash,
    });
    const moved = await MOVE_HEAD.execute(this.db, { seq: record.seq, hash: record.hash, prevSeq: record.seq - 1, prevHash: record.prevHash });
    if (moved.numAffectedRows !== 1n) {
      throw new Error(`audit record ${record.seq} does not follow the head: call lockHead in the same transaction`);
    }
  }

  async listAfter(afterSeq: number, limit: number): Promise<AuditRecord[]> {
    const rows = await this.db.selectFrom('audit_events').selectAll()
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .limit(limit)
      .execute();
    return rows.map(recordFrom);
  }

  private requireTransaction(operation: string): void {
    if (!this.db.isTransaction) throw new Error(`audit ${operation} must run inside a transaction`);
  }
}
