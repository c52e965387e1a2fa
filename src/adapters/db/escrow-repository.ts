/**
 * Escrowed encryption identities and the KRA keys that wrap their data keys. The sealed key and the
 * wrapped data key are stored as they come (never anything in the clear); a partial unique index keeps
 * one current identity per person; the escrow_exports primary key lets a recovery be exported once;
 * re-wrapping checks the KRA key it replaces, so a resumed rotation never wraps a record twice.
 */
import type { Kysely, Selectable } from 'kysely';
import { DomainError } from '../../domain/errors.js';
import type {
  EncryptionKeyAlgorithm, EscrowErrorCode, EscrowRecord, EscrowRepository, EscrowStatus, KraKey, KraKeyRepository, PastReason,
} from '../../domain/escrow/index.js';
import { atomically } from './atomic-write.js';
import type { Database, EscrowRecordsTable } from './schema.js';
import { dateFrom, instant } from './schema.js';
import type { UniqueKey } from './unique-violation.js';
import { violatesUnique } from './unique-violation.js';

const ONE_EXPORT: UniqueKey = { index: 'escrow_exports_pkey', table: 'escrow_exports', columns: ['approval_id'] };

function recordFrom(row: Selectable<EscrowRecordsTable>): EscrowRecord {
  return {
    id: row.id,
    subscriberId: row.subscriber_id,
    certificateSerial: row.certificate_serial,
    keyAlgorithm: row.key_algorithm as EncryptionKeyAlgorithm,
    publicKeyHash: row.public_key_hash,
    status: row.status as EscrowStatus,
    pastReason: row.past_reason as PastReason | null,
    sealedKey: row.sealed_key,
    wrappedKey: row.wrapped_key,
    kraKeyId: row.kra_key_id,
    createdAt: dateFrom(row.created_at),
    retiredAt: row.retired_at === null ? null : dateFrom(row.retired_at),
  };
}

export class KyselyEscrowRepository implements EscrowRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(record: EscrowRecord): Promise<void> {
    await this.db.insertInto('escrow_records').values({
      id: record.id,
      subscriber_id: record.subscriberId,
      certificate_serial: record.certificateSerial,
      key_algorithm: record.keyAlgorithm,
      public_key_hash: record.publicKeyHash,
      status: record.status,
      past_reason: record.pastReason,
      sealed_key: record.sealedKey,
      wrapped_key: record.wrappedKey,
      kra_key_id: record.kraKeyId,
      created_at: instant(record.createdAt),
      retired_at: record.retiredAt ? instant(record.retiredAt) : null,
    }).execute();
  }

  async findById(id: string): Promise<EscrowRecord | null> {
    const row = await this.db.selectFrom('escrow_records').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? recordFrom(row) : null;
  }

  async findBySerial(serial: string): Promise<EscrowRecord | null> {
    const row = await this.db.selectFrom('escrow_records').selectAll().where('certificate_serial', '=', serial).executeTakeFirst();
    return row ? recordFrom(row) : null;
  }

  async findCurrent(subscriberId: string): Promise<EscrowRecord | null> {
    const row = await this.db.selectFrom('escrow_records').selectAll()
      .where('subscriber_id', '=', subscriberId).where('status', '=', 'current').executeTakeFirst();
    return row ? recordFrom(row) : null;
  }

  async listBySubscriber(subscriberId: string): Promise<EscrowRecord[]> {
    const rows = await this.db.selectFrom('escrow_records').selectAll()
      .where('subscriber_id', '=', subscriberId).orderBy('seq', 'desc').execute();
    return rows.map(recordFrom);
  }

  async retire(id: string, change: { reason: PastReason; at: Date }): Promise<void> {
    const row = await this.db.selectFrom('escrow_records').select('retired_at').where('id', '=', id).executeTakeFirst();
    await this.db.updateTable('escrow_records')
      .set({ status: 'past', past_reason: change.reason, retired_at: row?.retired_at == null ? instant(change.at) : instant(dateFrom(row.retired_at)) })
      .where('id', '=', id)
      .execute();
  }

  async listNotWrappedBy(kraKeyId: string, limit: number): Promise<EscrowRecord[]> {
    const rows = await this.db.selectFrom('escrow_records').selectAll()
      .where('kra_key_id', '<>', kraKeyId).orderBy('seq').limit(limit).execute();
    return rows.map(recordFrom);
  }

  async countNotWrappedBy(kraKeyId: string): Promise<number> {
    const row = await this.db.selectFrom('escrow_records').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('kra_key_id', '<>', kraKeyId).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async rewrap(id: string, change: { fromKraKeyId: string; toKraKeyId: string; wrappedKey: Buffer }): Promise<boolean> {
    const result = await this.db.updateTable('escrow_records')
      .set({ kra_key_id: change.toKraKeyId, wrapped_key: change.wrappedKey })
      .where('id', '=', id).where('kra_key_id', '=', change.fromKraKeyId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async recordExport(approvalId: string, change: { at: Date; by: string }): Promise<void> {
    try {
      // In a savepoint: on PostgreSQL a caught violation must not abort the caller's transaction.
      await atomically(this.db, (db) => db.insertInto('escrow_exports')
        .values({ approval_id: approvalId, exported_by: change.by, exported_at: instant(change.at) }).execute());
    } catch (error) {
      if (violatesUnique(error, ONE_EXPORT)) {
        throw new DomainError<EscrowErrorCode>('escrow.already-exported', `the keys of recovery ${approvalId} were exported already`);
      }
      throw error;
    }
  }
}

export class KyselyKraKeyRepository implements KraKeyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(key: KraKey): Promise<void> {
    await this.db.insertInto('escrow_kra_keys').values({ key_id: key.keyId, status: key.status, created_at: instant(key.createdAt) }).execute();
  }

  async active(): Promise<KraKey | null> {
    const row = await this.db.selectFrom('escrow_kra_keys').selectAll().where('status', '=', 'active')
      .orderBy('created_at', 'desc').orderBy('key_id', 'desc').executeTakeFirst();
    return row ? { keyId: row.key_id, status: 'active', createdAt: dateFrom(row.created_at) } : null;
  }

  async list(): Promise<KraKey[]> {
    const rows = await this.db.selectFrom('escrow_kra_keys').selectAll().orderBy('created_at').orderBy('key_id').execute();
    return rows.map((row) => ({ keyId: row.key_id, status: row.status as KraKey['status'], createdAt: dateFrom(row.created_at) }));
  }

  async retireAllBut(keyId: string): Promise<void> {
    await this.db.updateTable('escrow_kra_keys').set({ status: 'retired' }).where('key_id', '<>', keyId).execute();
  }
}
