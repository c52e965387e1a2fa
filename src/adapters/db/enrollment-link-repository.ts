/**
 * Enrollment links and over-the-air sessions (0005-delivery). Every state change is one conditional
 * UPDATE (see challenge-repository.ts for why that holds under concurrency on both dialects), so a
 * link is used once and a device's phase-1 challenge is attested once.
 */
import type { Kysely, Selectable } from 'kysely';
import type { EnrollmentLink, EnrollmentLinkRepository, EnrollmentLinkStatus, OtaSession, OtaSessionRepository, OtaSessionStatus } from '../../domain/delivery/index.js';
import type { Database, EnrollmentLinksTable, OtaSessionsTable } from './schema.js';
import { dateFrom, instant } from './schema.js';

const maybeDate = (value: Date | string | null) => (value === null ? null : dateFrom(value));

function linkFrom(row: Selectable<EnrollmentLinksTable>): EnrollmentLink {
  return {
    id: row.id, subscriberId: row.subscriber_id, deviceId: row.device_id, secretHash: row.secret_hash,
    status: row.status as EnrollmentLinkStatus, createdBy: row.created_by, createdAt: dateFrom(row.created_at),
    expiresAt: dateFrom(row.expires_at), usedAt: maybeDate(row.used_at), mailedAt: maybeDate(row.mailed_at),
  };
}

export class KyselyEnrollmentLinkRepository implements EnrollmentLinkRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(link: EnrollmentLink): Promise<void> {
    await this.db.insertInto('enrollment_links').values({
      id: link.id, subscriber_id: link.subscriberId, device_id: link.deviceId, secret_hash: link.secretHash, status: link.status,
      created_by: link.createdBy, created_at: instant(link.createdAt), expires_at: instant(link.expiresAt),
      used_at: link.usedAt ? instant(link.usedAt) : null, mailed_at: link.mailedAt ? instant(link.mailedAt) : null,
    }).execute();
  }

  async findById(id: string): Promise<EnrollmentLink | null> {
    const row = await this.db.selectFrom('enrollment_links').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? linkFrom(row) : null;
  }

  async listBySubscriber(subscriberId: string): Promise<EnrollmentLink[]> {
    const rows = await this.db.selectFrom('enrollment_links').selectAll().where('subscriber_id', '=', subscriberId)
      .orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    return rows.map(linkFrom);
  }

  async markUsed(id: string, change: { at: Date; deviceId: string }): Promise<boolean> {
    const result = await this.db.updateTable('enrollment_links')
      .set({ status: 'used' satisfies EnrollmentLinkStatus, used_at: instant(change.at), device_id: change.deviceId })
      .where('id', '=', id).where('status', '=', 'open' satisfies EnrollmentLinkStatus)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async markMailed(id: string, at: Date): Promise<void> {
    await this.db.updateTable('enrollment_links').set({ mailed_at: instant(at) }).where('id', '=', id).execute();
  }

  async revokeOpen(filter: { subscriberId: string; deviceId?: string | undefined }): Promise<string[]> {
    let query = this.db.updateTable('enrollment_links')
      .set({ status: 'revoked' satisfies EnrollmentLinkStatus })
      .where('subscriber_id', '=', filter.subscriberId)
      .where('status', '=', 'open' satisfies EnrollmentLinkStatus);
    if (filter.deviceId !== undefined) query = query.where('device_id', '=', filter.deviceId);
    const rows = await query.returning('id').execute();
    return rows.map((r) => r.id).sort();
  }
}

function sessionFrom(row: Selectable<OtaSessionsTable>): OtaSession {
  return {
    id: row.id, subscriberId: row.subscriber_id, deviceId: row.device_id, secretHash: row.secret_hash,
    status: row.status as OtaSessionStatus, udid: row.udid, product: row.product, osVersion: row.os_version,
    createdAt: dateFrom(row.created_at), expiresAt: dateFrom(row.expires_at),
    attestedAt: maybeDate(row.attested_at), deliveredAt: maybeDate(row.delivered_at),
  };
}

export class KyselyOtaSessionRepository implements OtaSessionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(session: OtaSession): Promise<void> {
    await this.db.insertInto('ota_sessions').values({
      id: session.id, subscriber_id: session.subscriberId, device_id: session.deviceId, secret_hash: session.secretHash,
      status: session.status, udid: session.udid, product: session.product, os_version: session.osVersion,
      created_at: instant(session.createdAt), expires_at: instant(session.expiresAt),
      attested_at: session.attestedAt ? instant(session.attestedAt) : null, delivered_at: session.deliveredAt ? instant(session.deliveredAt) : null,
    }).execute();
  }

  async findById(id: string): Promise<OtaSession | null> {
    const row = await this.db.selectFrom('ota_sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? sessionFrom(row) : null;
  }

  async markAttested(id: string, change: { at: Date; udid: string; product: string | null; osVersion: string | null }): Promise<boolean> {
    const result = await this.db.updateTable('ota_sessions')
      .set({ status: 'attested' satisfies OtaSessionStatus, attested_at: instant(change.at), udid: change.udid, product: change.product, os_version: change.osVersion })
      .where('id', '=', id).where('status', '=', 'open' satisfies OtaSessionStatus)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async findLatestForDevice(deviceId: string): Promise<OtaSession | null> {
    const row = await this.db.selectFrom('ota_sessions').selectAll()
      .where('device_id', '=', deviceId).where('status', 'in', ['attested', 'delivered'] satisfies OtaSessionStatus[])
      .orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirst();
    return row ? sessionFrom(row) : null;
  }

  async markDelivered(id: string, at: Date): Promise<void> {
    await this.db.updateTable('ota_sessions').set({ status: 'delivered' satisfies OtaSessionStatus, delivered_at: instant(at) }).where('id', '=', id).execute();
  }

  async revokeOpen(filter: { subscriberId: string; deviceId?: string | undefined }): Promise<number> {
    let query = this.db.updateTable('ota_sessions')
      .set({ status: 'revoked' satisfies OtaSessionStatus })
      .where('subscriber_id', '=', filter.subscriberId)
      .where('status', 'in', ['open', 'attested'] satisfies OtaSessionStatus[]);
    if (filter.deviceId !== undefined) query = query.where('device_id', '=', filter.deviceId);
    const result = await query.executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
