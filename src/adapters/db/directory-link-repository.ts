/** Links between people and their directory entries (domain/directory): one per person, one per DN. */
import type { Kysely, Selectable } from 'kysely';
import type { DirectoryLink, DirectoryLinkRepository } from '../../domain/directory/index.js';
import type { Database, DirectoryPeopleTable } from './schema.js';
import { dateFrom, flag, flagFrom, instant } from './schema.js';

function linkFrom(row: Selectable<DirectoryPeopleTable>): DirectoryLink {
  return {
    subscriberId: row.subscriber_id, entryDn: row.entry_dn, loginName: row.login_name, department: row.department,
    disabled: flagFrom(row.disabled), lastSeenAt: dateFrom(row.last_seen_at),
    leaverReason: row.leaver_reason as DirectoryLink['leaverReason'], leaverSince: row.leaver_since === null ? null : dateFrom(row.leaver_since),
  };
}

export class KyselyDirectoryLinkRepository implements DirectoryLinkRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async findByDn(entryDn: string): Promise<DirectoryLink | null> {
    const row = await this.db.selectFrom('directory_people').selectAll().where('entry_dn', '=', entryDn).executeTakeFirst();
    return row ? linkFrom(row) : null;
  }

  async findBySubscriber(subscriberId: string): Promise<DirectoryLink | null> {
    const row = await this.db.selectFrom('directory_people').selectAll().where('subscriber_id', '=', subscriberId).executeTakeFirst();
    return row ? linkFrom(row) : null;
  }

  async save(link: DirectoryLink): Promise<void> {
    const values = {
      entry_dn: link.entryDn, login_name: link.loginName, department: link.department, disabled: flag(link.disabled),
      last_seen_at: instant(link.lastSeenAt), leaver_reason: link.leaverReason, leaver_since: link.leaverSince ? instant(link.leaverSince) : null,
    };
    await this.db.insertInto('directory_people').values({ subscriber_id: link.subscriberId, ...values })
      .onConflict((oc) => oc.column('subscriber_id').doUpdateSet(values)).execute();
  }

  async touch(subscriberIds: readonly string[], at: Date): Promise<void> {
    for (let i = 0; i < subscriberIds.length; i += 500) {
      await this.db.updateTable('directory_people').set({ last_seen_at: instant(at) })
        .where('subscriber_id', 'in', subscriberIds.slice(i, i + 500)).execute();
    }
  }

  async listNotSeenSince(at: Date): Promise<DirectoryLink[]> {
    const rows = await this.db.selectFrom('directory_people').selectAll()
      .where('last_seen_at', '<', instant(at)).where('leaver_reason', 'is', null).execute();
    return rows.map(linkFrom);
  }

  async listLeavers(): Promise<DirectoryLink[]> {
    const rows = await this.db.selectFrom('directory_people').selectAll().where('leaver_reason', 'is not', null)
      .orderBy('leaver_since').execute();
    return rows.map(linkFrom);
  }
}
