/**
 * SCEP transactions, keyed by transactionID and the requester's key hash (RFC 8894 §3.2.1.1: the
 * transactionID stays the same over one enrollment, so a retry finds its first result). The primary
 * key keeps a second insert of the same pair out; an index on approval_id finds the transaction an
 * operator's decision releases.
 */
import type { Insertable, Kysely, Selectable } from 'kysely';
import type {
  EnrollmentErrorCode, ScepTransaction, ScepTransactionRepository, ScepTransactionStatus,
} from '../../domain/enrollment/index.js';
import { DomainError } from '../../domain/errors.js';
import { PreparedQuery } from './prepared-query.js';
import type { Database, ScepTransactionsTable } from './schema.js';
import { dateFrom, instant } from './schema.js';

function transactionFrom(row: Selectable<ScepTransactionsTable>): ScepTransaction {
  return {
    transactionId: row.transaction_id,
    requesterKeyHash: row.requester_key_hash,
    profile: row.profile,
    subscriberId: row.subscriber_id,
    deviceId: row.device_id,
    status: row.status as ScepTransactionStatus,
    csr: row.csr,
    certificateSerial: row.certificate_serial,
    approvalId: row.approval_id,
    createdAt: dateFrom(row.created_at),
    updatedAt: dateFrom(row.updated_at),
  };
}

type TransactionRow = Selectable<ScepTransactionsTable>;

const INSERT = new PreparedQuery<Insertable<ScepTransactionsTable>, never>((db, p) => db.insertInto('scep_transactions').values({
  transaction_id: p.transaction_id,
  requester_key_hash: p.requester_key_hash,
  profile: p.profile,
  subscriber_id: p.subscriber_id,
  device_id: p.device_id,
  status: p.status,
  csr: p.csr,
  certificate_serial: p.certificate_serial,
  approval_id: p.approval_id,
  created_at: p.created_at,
  updated_at: p.updated_at,
}).onConflict((oc) => oc.columns(['transaction_id', 'requester_key_hash']).doNothing()));

const FIND = new PreparedQuery<{ transactionId: string; requesterKeyHash: string }, TransactionRow>((db, p) => db.selectFrom('scep_transactions')
  .selectAll()
  .where('transaction_id', '=', p.transactionId)
  .where('requester_key_hash', '=', p.requesterKeyHash));

export class KyselyScepTransactionRepository implements ScepTransactionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * ON CONFLICT DO NOTHING rather than a caught unique violation: no savepoint is needed to keep the
   * caller's PostgreSQL transaction usable, and a concurrent insert of the same pair still waits for
   * the first to commit and then inserts nothing.
   */
  async insert(transaction: ScepTransaction): Promise<void> {
    const result = await INSERT.execute(this.db, {
      transaction_id: transaction.transactionId,
      requester_key_hash: transaction.requesterKeyHash,
      profile: transaction.profile,
      subscriber_id: transaction.subscriberId,
      device_id: transaction.deviceId,
      status: transaction.status,
      csr: transaction.csr,
      certificate_serial: transaction.certificateSerial,
      approval_id: transaction.approvalId,
      created_at: instant(transaction.createdAt),
      updated_at: instant(transaction.updatedAt),
    });
    if (result.numAffectedRows !== 1n) {
      throw new DomainError<EnrollmentErrorCode>('scep.transaction-exists', `SCEP transaction ${transaction.transactionId} exists for this key`);
    }
  }

  async find(transactionId: string, requesterKeyHash: string): Promise<ScepTransaction | null> {
    const row = await FIND.takeFirst(this.db, { transactionId, requesterKeyHash });
    return row ? transactionFrom(row) : null;
  }

  /** One approval releases one transaction; should two name it, the newest is the one returned. */
  async findByApproval(approvalId: string): Promise<ScepTransaction | null> {
    const row = await this.db.selectFrom('scep_transactions').selectAll()
      .where('approval_id', '=', approvalId)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    return row ? transactionFrom(row) : null;
  }

  /** `certificateSerial` left out keeps the stored one; null clears it. */
  async update(
    transactionId: string,
    requesterKeyHash: string,
    changes: { status: ScepTransactionStatus; certificateSerial?: string | null; updatedAt: Date },
  ): Promise<void> {
    await this.db.updateTable('scep_transactions')
      .set({
        status: changes.status,
        updated_at: instant(changes.updatedAt),
        ...(changes.certificateSerial !== undefined ? { certificate_serial: changes.certificateSerial } : {}),
      })
      .where('transaction_id', '=', transactionId)
      .where('requester_key_hash', '=', requesterKeyHash)
      .execute();
  }
}
