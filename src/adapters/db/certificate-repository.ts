/**
 * The certificate inventory. Every filter the domain offers maps onto an indexed column (see the
 * migrations: subscriber, device, profile and status each paired with seq; status + not_after, as
 * notAfter is only ever asked for of valid certificates), and listing walks seq downwards (newest first) with a keyset cursor, so a page costs the
 * same at row ten and at row ten million. The SANs are kept twice: as a JSON array on the row (the
 * record as issued, in order) and one row each in certificate_emails, the index a search by address
 * will use. The serial (and the DER's fingerprint) are unique by index.
 */
import type { Insertable, Kysely, Selectable } from 'kysely';
import { DomainError } from '../../domain/errors.js';
import type {
  CertificateFilter, CertificateRecord, CertificateRepository, CertificateStatus, InventoryErrorCode,
} from '../../domain/inventory/index.js';
import type { Page, PageRequest, PagingErrorCode } from '../../domain/unit-of-work.js';
import { atomically } from './atomic-write.js';
import { pageOf, readPageRequest } from './page-cursor.js';
import { PreparedQuery } from './prepared-query.js';
import type { CertificatesTable, Database } from './schema.js';
import { dateFrom, instant } from './schema.js';
import type { UniqueKey } from './unique-violation.js';
import { violatesUnique } from './unique-violation.js';

const SERIAL: UniqueKey = { index: 'certificates_serial_key', table: 'certificates', columns: ['serial'] };
/** The same DER twice has the same serial; whichever index SQLite checks first, it is the serial that is taken. */
const FINGERPRINT: UniqueKey = { index: 'certificates_fingerprint_key', table: 'certificates', columns: ['fingerprint'] };

const INSERT = new PreparedQuery<Insertable<CertificatesTable>, { seq: number }>((db, p) => db.insertInto('certificates').values({
  serial: p.serial, issuer_id: p.issuer_id, subject: p.subject, emails: p.emails, not_before: p.not_before, not_after: p.not_after,
  profile: p.profile, status: p.status, revoked_at: p.revoked_at, revocation_reason: p.revocation_reason, subscriber_id: p.subscriber_id,
  device_id: p.device_id, fingerprint: p.fingerprint, public_key_hash: p.public_key_hash, der: p.der, created_at: p.created_at,
}).returning('seq'));

function recordFrom(row: Selectable<CertificatesTable>): CertificateRecord {
  return {
    serial: row.serial,
    issuerId: row.issuer_id,
    subject: row.subject,
    emails: JSON.parse(row.emails) as string[],
    notBefore: dateFrom(row.not_before),
    notAfter: dateFrom(row.not_after),
    profile: row.profile,
    status: row.status as CertificateStatus,
    revokedAt: row.revoked_at === null ? null : dateFrom(row.revoked_at),
    revocationReason: row.revocation_reason,
    subscriberId: row.subscriber_id,
    deviceId: row.device_id,
    fingerprint: row.fingerprint,
    publicKeyHash: row.public_key_hash,
    der: row.der,
    createdAt: dateFrom(row.created_at),
  };
}

export class KyselyCertificateRepository implements CertificateRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(record: CertificateRecord): Promise<void> {
    try {
      await atomically(this.db, async (db) => {
        const inserted = await INSERT.takeFirst(db, {
          serial: record.serial,
          issuer_id: record.issuerId,
          subject: record.subject,
          emails: JSON.stringify(record.emails),
          not_before: instant(record.notBefore),
          not_after: instant(record.notAfter),
          profile: record.profile,
          status: record.status,
          revoked_at: record.revokedAt ? instant(record.revokedAt) : null,
          revocation_reason: record.revocationReason,
          subscriber_id: record.subscriberId,
          device_id: record.deviceId,
          fingerprint: record.fingerprint,
          public_key_hash: record.publicKeyHash,
          der: record.der,
          created_at: instant(record.createdAt),
        });
        const seq = inserted!.seq;
        const addresses = [...new Set(record.emails.map((e) => e.toLowerCase()))];
        if (addresses.length > 0) {
          await db.insertInto('certificate_emails')
            .values(addresses.map((address) => ({ address, certificate_seq: seq })))
            .execute();
        }
      });
    } catch (error) {
      if (violatesUnique(error, SERIAL) || violatesUnique(error, FINGERPRINT)) {
        throw new DomainError<InventoryErrorCode>('certificate.serial-taken', `a certificate with serial ${record.serial} exists`);
      }
      throw error;
    }
  }

  async findBySerial(serial: string): Promise<CertificateRecord | null> {
    const row = await this.db.selectFrom('certificates').selectAll().where('serial', '=', serial).executeTakeFirst();
    return row ? recordFrom(row) : null;
  }

  async list(filter: CertificateFilter, page: PageRequest): Promise<Page<CertificateRecord>> {
    const { before, limit } = readPageRequest(page, 'page.invalid-cursor' satisfies PagingErrorCode);
    let query = this.filtered(filter).selectAll();
    if (before !== null) query = query.where('seq', '<', before);
    const rows = await query.orderBy('seq', 'desc').limit(limit + 1).execute();
    return pageOf(rows, limit, recordFrom);
  }

  async count(filter: CertificateFilter): Promise<number> {
    const row = await this.filtered(filter)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  private filtered(filter: CertificateFilter) {
    let query = this.db.selectFrom('certificates');
    if (filter.subscriberId !== undefined) query = query.where('subscriber_id', '=', filter.subscriberId);
    if (filter.deviceId !== undefined) query = query.where('device_id', '=', filter.deviceId);
    if (filter.profile !== undefined) query = query.where('profile', '=', filter.profile);
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (filter.notAfterBefore !== undefined) query = query.where('not_after', '<=', instant(filter.notAfterBefore));
    if (filter.notAfterAfter !== undefined) query = query.where('not_after', '>', instant(filter.notAfterAfter));
    return query;
  }
}
