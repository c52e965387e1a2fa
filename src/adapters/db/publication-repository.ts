/**
 * The publication outbox and the record of values mcms published on directory entries
 * (domain/publication). Intents are closed by id, so an intent written while a drain runs stays
 * pending for the next one.
 */
import type { Kysely, Selectable } from 'kysely';
import type {
  PublicationIntent, PublicationOutboxRepository, PublishedValue, PublishedValueRepository,
} from '../../domain/publication/index.js';
import type { Database, PublicationOutboxTable, PublishedValuesTable } from './schema.js';
import { dateFrom, instant } from './schema.js';

function intentFrom(row: Selectable<PublicationOutboxTable>): PublicationIntent {
  return {
    id: row.id, subscriberId: row.subscriber_id, reason: row.reason, status: row.status as PublicationIntent['status'],
    attempts: row.attempts, nextAttemptAt: dateFrom(row.next_attempt_at), createdAt: dateFrom(row.created_at),
    deliveredAt: row.delivered_at === null ? null : dateFrom(row.delivered_at), lastError: row.last_error,
  };
}

function valueFrom(row: Selectable<PublishedValuesTable>): PublishedValue {
  return {
    subscriberId: row.subscriber_id, entryDn: row.entry_dn, attribute: row.attribute, valueHash: row.value_hash, value: row.value,
    certificateSerial: row.certificate_serial, notAfter: dateFrom(row.not_after), publishedAt: dateFrom(row.published_at),
  };
}

export class KyselyPublicationOutboxRepository implements PublicationOutboxRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(intent: PublicationIntent): Promise<void> {
    await this.db.insertInto('publication_outbox').values({
      id: intent.id, subscriber_id: intent.subscriberId, reason: intent.reason, status: intent.status, attempts: intent.attempts,
      next_attempt_at: instant(intent.nextAttemptAt), created_at: instant(intent.createdAt),
      delivered_at: intent.deliveredAt ? instant(intent.deliveredAt) : null, last_error: intent.lastError,
    }).execute();
  }

  async listDue(now: Date, limit: number): Promise<PublicationIntent[]> {
    const rows = await this.db.selectFrom('publication_outbox').selectAll()
      .where('status', '=', 'pending').where('next_attempt_at', '<=', instant(now))
      .orderBy('next_attempt_at').orderBy('seq').limit(limit).execute();
    return rows.map(intentFrom);
  }

  async countPending(): Promise<number> {
    const row = await this.db.selectFrom('publication_outbox').select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('status', '=', 'pending').executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async markDelivered(ids: readonly string[], change: { at: Date; note: string | null }): Promise<void> {
    if (ids.length === 0) return;
    await this.db.updateTable('publication_outbox')
      .set({ status: 'delivered', delivered_at: instant(change.at), last_error: change.note })
      .where('id', 'in', [...ids]).where('status', '=', 'pending').execute();
  }

  async markFailed(id: string, change: { attempts: number; nextAttemptAt: Date; error: string }): Promise<void> {
    await this.db.updateTable('publication_outbox')
      .set({ attempts: change.attempts, next_attempt_at: instant(change.nextAttemptAt), last_error: change.error })
      .where('id', '=', id).where('status', '=', 'pending').execute();
  }
}

export class KyselyPublishedValueRepository implements PublishedValueRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async listBySubscriber(subscriberId: string): Promise<PublishedValue[]> {
    const rows = await this.db.selectFrom('published_values').selectAll().where('subscriber_id', '=', subscriberId)
      .orderBy('published_at').execute();
    return rows.map(valueFrom);
  }

  async insert(value: PublishedValue): Promise<void> {
    await this.db.insertInto('published_values').values({
      subscriber_id: value.subscriberId, entry_dn: value.entryDn, attribute: value.attribute, value_hash: value.valueHash,
      value: value.value, certificate_serial: value.certificateSerial, not_after: instant(value.notAfter), published_at: instant(value.publishedAt),
    }).onConflict((oc) => oc.doNothing()).execute();
  }

  async delete(key: { subscriberId: string; entryDn: string; attribute: string; valueHash: string }): Promise<void> {
    await this.db.deleteFrom('published_values').where('subscriber_id', '=', key.subscriberId).where('entry_dn', '=', key.entryDn)
      .where('attribute', '=', key.attribute).where('value_hash', '=', key.valueHash).execute();
  }

  async subscribersWithExpired(now: Date, limit: number): Promise<string[]> {
    const rows = await this.db.selectFrom('published_values').select('subscriber_id').distinct()
      .where('not_after', '<=', instant(now)).limit(limit).execute();
    return rows.map((r) => r.subscriber_id);
  }
}
