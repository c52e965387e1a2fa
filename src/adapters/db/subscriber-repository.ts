/**
 * Subscribers and their mailboxes. A mailbox row's primary key is its lower-case address, so the
 * database itself keeps an address with one person; the person and their mailboxes are written
 * atomically. Listing is newest first, paged by `seq`.
 */
import type { Kysely, Selectable } from 'kysely';
import { DomainError } from '../../domain/errors.js';
import type { Mailbox, Subscriber, SubscriberErrorCode, SubscriberRepository } from '../../domain/subscribers/index.js';
import type { Page, PageRequest, PagingErrorCode } from '../../domain/unit-of-work.js';
import { atomically } from './atomic-write.js';
import { pageOf, readPageRequest } from './page-cursor.js';
import { PreparedQuery } from './prepared-query.js';
import type { Database, SubscribersTable } from './schema.js';
import { dateFrom, flag, flagFrom, instant } from './schema.js';
import type { UniqueKey } from './unique-violation.js';
import { violatesUnique } from './unique-violation.js';

const MAILBOX_ADDRESS: UniqueKey = { index: 'mailboxes_pkey', table: 'mailboxes', columns: ['address'] };
/** Proposed: the subscribers module has no code for a bad page cursor yet (see the adapter's report). */
const INVALID_CURSOR: PagingErrorCode = 'page.invalid-cursor';

type SubscriberRow = Pick<Selectable<SubscribersTable>, 'seq' | 'id' | 'display_name' | 'status' | 'created_at'>;

/** One person with their mailboxes in order, in one statement: a row per mailbox (one with nulls if none). */
const FIND_BY_ID = new PreparedQuery((db, p: { id: string }) => db.selectFrom('subscribers')
  .leftJoin('mailboxes', 'mailboxes.subscriber_id', 'subscribers.id')
  .select(['subscribers.id', 'subscribers.display_name', 'subscribers.status', 'subscribers.created_at', 'mailboxes.address', 'mailboxes.is_primary'])
  .where('subscribers.id', '=', p.id)
  .orderBy('mailboxes.position'));

export class KyselySubscriberRepository implements SubscriberRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(subscriber: Subscriber): Promise<void> {
    await atomically(this.db, async (db) => {
      await db.insertInto('subscribers').values({
        id: subscriber.id,
        display_name: subscriber.displayName,
        status: subscriber.status,
        created_at: instant(subscriber.createdAt),
      }).execute();
      for (const [position, mailbox] of subscriber.mailboxes.entries()) {
        const address = mailbox.address.toLowerCase();
        try {
          await db.insertInto('mailboxes').values({
            address, subscriber_id: subscriber.id, is_primary: flag(mailbox.primary), position,
          }).execute();
        } catch (error) {
          if (!violatesUnique(error, MAILBOX_ADDRESS)) throw error;
          throw new DomainError<SubscriberErrorCode>('mailbox.taken', `mailbox ${address} belongs to another subscriber`);
        }
      }
    });
  }

  async findById(id: string): Promise<Subscriber | null> {
    const { rows } = await FIND_BY_ID.execute(this.db, { id });
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.id,
      displayName: row.display_name,
      status: row.status as Subscriber['status'],
      mailboxes: rows.flatMap((m) => (m.address === null ? [] : [{ address: m.address, primary: flagFrom(m.is_primary!) }])),
      createdAt: dateFrom(row.created_at),
    };
  }

  async findByMailbox(address: string): Promise<Subscriber | null> {
    const row = await this.db.selectFrom('mailboxes')
      .innerJoin('subscribers', 'subscribers.id', 'mailboxes.subscriber_id')
      .select(['subscribers.seq', 'subscribers.id', 'subscribers.display_name', 'subscribers.status', 'subscribers.created_at'])
      .where('mailboxes.address', '=', address.toLowerCase())
      .executeTakeFirst();
    return row ? (await this.withMailboxes([row]))[0] ?? null : null;
  }

  async list(filter: { status?: Subscriber['status'] | undefined }, page: PageRequest): Promise<Page<Subscriber>> {
    const { before, limit } = readPageRequest(page, INVALID_CURSOR);
    let query = this.db.selectFrom('subscribers').select(['seq', 'id', 'display_name', 'status', 'created_at']);
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (before !== null) query = query.where('seq', '<', before);
    const rows = await query.orderBy('seq', 'desc').limit(limit + 1).execute();
    const people = await this.withMailboxes(rows.slice(0, limit));
    const byId = new Map(people.map((p) => [p.id, p]));
    return pageOf(rows, limit, (row) => byId.get(row.id)!);
  }

  async updateStatus(id: string, status: Subscriber['status']): Promise<void> {
    await this.db.updateTable('subscribers').set({ status }).where('id', '=', id).execute();
  }

  async updateProfile(id: string, change: { displayName: string | null; mailboxes: Subscriber['mailboxes'] }): Promise<void> {
    await atomically(this.db, async (db) => {
      await db.updateTable('subscribers').set({ display_name: change.displayName }).where('id', '=', id).execute();
      await db.deleteFrom('mailboxes').where('subscriber_id', '=', id).execute();
      for (const [position, mailbox] of change.mailboxes.entries()) {
        const address = mailbox.address.toLowerCase();
        try {
          await db.insertInto('mailboxes').values({ address, subscriber_id: id, is_primary: flag(mailbox.primary), position }).execute();
        } catch (error) {
          if (!violatesUnique(error, MAILBOX_ADDRESS)) throw error;
          throw new DomainError<SubscriberErrorCode>('mailbox.taken', `mailbox ${address} belongs to another subscriber`);
        }
      }
    });
  }

  /** One query for the mailboxes of all the rows, in the order they were given. */
  private async withMailboxes(rows: SubscriberRow[]): Promise<Subscriber[]> {
    if (rows.length === 0) return [];
    const mailboxRows = await this.db.selectFrom('mailboxes')
      .select(['subscriber_id', 'address', 'is_primary'])
      .where('subscriber_id', 'in', rows.map((r) => r.id))
      .orderBy('subscriber_id').orderBy('position')
      .execute();
    const mailboxes = new Map<string, Mailbox[]>();
    for (const m of mailboxRows) {
      const list = mailboxes.get(m.subscriber_id) ?? [];
      list.push({ address: m.address, primary: flagFrom(m.is_primary) });
      mailboxes.set(m.subscriber_id, list);
    }
    return rows.map((row) => ({
      id: row.id,
      displayName: row.display_name,
      status: row.status as Subscriber['status'],
      mailboxes: mailboxes.get(row.id) ?? [],
      createdAt: dateFrom(row.created_at),
    }));
  }
}
