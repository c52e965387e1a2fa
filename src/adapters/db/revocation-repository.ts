/**
 * The revocation log and the CRL state. `revoke` is a conditional update of the inventory row
 * (valid → revoked) followed by the log row, so two revocations of one serial cannot both succeed;
 * the log's (issuer_id, seq) index serves CRL building in seq order and the delta CRL's range, and
 * its primary key makes `latestSeq` one index probe. The cRLNumber sequence advances by one upsert.
 */
import type { Kysely, Selectable } from 'kysely';
import { sql } from 'kysely';
import type {
  CrlState, CrlStateRepository, PublishedCrl, Revocation, RevocationEntry, RevocationRepository, SerialStatus,
} from '../../domain/revocation/index.js';
import { REVOCATION_REASONS } from '../../domain/revocation/index.js';
import type { CrlStateTable, Database } from './schema.js';
import { dateFrom, instant } from './schema.js';

export class KyselyRevocationRepository implements RevocationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async revoke(revocation: Revocation): Promise<boolean> {
    const updated = await this.db.updateTable('certificates')
      .set({ status: 'revoked', revoked_at: instant(revocation.revokedAt), revocation_reason: revocation.reason })
      .where('serial', '=', revocation.serial)
      .where('status', '=', 'valid')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) return false;
    const code = REVOCATION_REASONS[revocation.reason];
    await this.db.insertInto('revocations').values({
      serial: revocation.serial,
      issuer_id: revocation.issuerId,
      revoked_at: instant(revocation.revokedAt),
      reason_code: code === 0 ? null : code,
      not_after: instant(revocation.notAfter),
    }).execute();
    return true;
  }

  async latestSeq(issuerId?: string): Promise<number> {
    let query = this.db.selectFrom('revocations').select((eb) => eb.fn.max('seq').as('seq'));
    if (issuerId !== undefined) query = query.where('issuer_id', '=', issuerId);
    const row = await query.executeTakeFirst();
    return row?.seq === null || row?.seq === undefined ? 0 : Number(row.seq);
  }

  async revokedSince(afterSeq: number, limit: number): Promise<{ seq: number; serial: string }[]> {
    const rows = await this.db.selectFrom('revocations').select(['seq', 'serial'])
      .where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
    return rows.map((r) => ({ seq: Number(r.seq), serial: r.serial }));
  }

  async entries(issuerId: string, options: { afterSeq: number; notExpiredAt: Date; limit: number }): Promise<RevocationEntry[]> {
    const rows = await this.db.selectFrom('revocations').select(['seq', 'serial', 'revoked_at', 'reason_code'])
      .where('issuer_id', '=', issuerId)
      .where('seq', '>', options.afterSeq)
      .where('not_after', '>', instant(options.notExpiredAt))
      .orderBy('seq').limit(options.limit).execute();
    return rows.map((r) => ({ seq: Number(r.seq), serial: r.serial, revokedAt: dateFrom(r.revoked_at), reasonCode: r.reason_code }));
  }

  async status(serial: string): Promise<SerialStatus | null> {
    const row = await this.db.selectFrom('certificates').select(['issuer_id', 'status', 'revoked_at', 'revocation_reason'])
      .where('serial', '=', serial).executeTakeFirst();
    if (!row) return null;
    return {
      issuerId: row.issuer_id,
      status: row.status === 'revoked' ? 'revoked' : 'valid',
      revokedAt: row.revoked_at === null ? null : dateFrom(row.revoked_at),
      reason: row.revocation_reason,
    };
  }
}

function published(row: Selectable<CrlStateTable>, kind: 'full' | 'delta'): PublishedCrl | null {
  const number = kind === 'full' ? row.full_number : row.delta_number;
  const der = kind === 'full' ? row.full_der : row.delta_der;
  const thisUpdate = kind === 'full' ? row.full_this_update : row.delta_this_update;
  const nextUpdate = kind === 'full' ? row.full_next_update : row.delta_next_update;
  const covers = kind === 'full' ? row.full_covers_seq : row.delta_covers_seq;
  if (number === null || der === null || thisUpdate === null || nextUpdate === null) return null;
  return {
    kind, issuerId: row.issuer_id, number: Number(number), thisUpdate: dateFrom(thisUpdate), nextUpdate: dateFrom(nextUpdate),
    coversSeq: Number(covers ?? 0), der: Buffer.from(der),
  };
}

export class KyselyCrlStateRepository implements CrlStateRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async find(issuerId: string): Promise<CrlState | null> {
    const row = await this.db.selectFrom('crl_state').selectAll().where('issuer_id', '=', issuerId).executeTakeFirst();
    if (!row) return null;
    return { issuerId, lastNumber: Number(row.crl_number), full: published(row, 'full'), delta: published(row, 'delta') };
  }

  async numbers(issuerId: string): Promise<{ full: number | null; delta: number | null } | null> {
    const row = await this.db.selectFrom('crl_state').select(['full_number', 'delta_number']).where('issuer_id', '=', issuerId).executeTakeFirst();
    if (!row) return null;
    return { full: row.full_number === null ? null : Number(row.full_number), delta: row.delta_number === null ? null : Number(row.delta_number) };
  }

  async nextNumber(issuerId: string): Promise<number> {
    const row = await this.db.insertInto('crl_state').values({ issuer_id: issuerId, crl_number: 1 })
      .onConflict((oc) => oc.column('issuer_id').doUpdateSet({ crl_number: sql<number>`crl_state.crl_number + 1` }))
      .returning('crl_number').executeTakeFirstOrThrow();
    return Number(row.crl_number);
  }

  async save(crl: PublishedCrl): Promise<boolean> {
    const columns = crl.kind === 'full'
      ? { full_number: crl.number, full_this_update: instant(crl.thisUpdate), full_next_update: instant(crl.nextUpdate), full_covers_seq: crl.coversSeq, full_der: crl.der }
      : { delta_number: crl.number, delta_this_update: instant(crl.thisUpdate), delta_next_update: instant(crl.nextUpdate), delta_covers_seq: crl.coversSeq, delta_der: crl.der };
    const numberColumn = crl.kind === 'full' ? 'full_number' : 'delta_number';
    const updated = await this.db.updateTable('crl_state').set(columns)
      .where('issuer_id', '=', crl.issuerId)
      .where((eb) => eb.or([eb(numberColumn, 'is', null), eb(numberColumn, '<', crl.number)]))
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) > 0;
  }

  async findShard(issuerId: string, shard: number): Promise<PublishedCrl | null> {
    const row = await this.db.selectFrom('crl_shards').selectAll().where('issuer_id', '=', issuerId).where('shard', '=', shard).executeTakeFirst();
    if (!row) return null;
    return {
      kind: 'full', issuerId, shard, number: Number(row.crl_number), thisUpdate: dateFrom(row.this_update), nextUpdate: dateFrom(row.next_update),
      coversSeq: Number(row.covers_seq), der: Buffer.from(row.der),
    };
  }

  async saveShard(crl: PublishedCrl & { shard: number }): Promise<boolean> {
    const values = {
      crl_number: crl.number, this_update: instant(crl.thisUpdate), next_update: instant(crl.nextUpdate), covers_seq: crl.coversSeq, der: crl.der,
    };
    const result = await this.db.insertInto('crl_shards').values({ issuer_id: crl.issuerId, shard: crl.shard, ...values })
      .onConflict((oc) => oc.columns(['issuer_id', 'shard']).doUpdateSet(values).where('crl_shards.crl_number', '<', crl.number))
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }
}
