/**
 * Expiry monitoring's storage: the once-ever events, the notification outbox, the monitored (foreign)
 * certificates and the scans' marks. The scan's work is set-based: each pass is one INSERT … SELECT
 * over the not_after index of certificates (and of monitored_certificates) whose CASE names each
 * range's event, with the events' primary key skipping what a certificate has had already, and each
 * outbox group one INSERT … SELECT over the scan's events. Instants put into a SELECT list are cast for PostgreSQL,
 * which would otherwise type the parameter as text. The "already had it" and "replaced" checks are
 * scalar subqueries with LIMIT 1 rather than NOT EXISTS: PostgreSQL turns NOT EXISTS into a hash anti
 * join that reads the whole certificates (or events) table, where a scan of a day's entries needs a
 * few thousand index probes.
 */
import type { Kysely, RawBuilder, Selectable } from 'kysely';
import { sql } from 'kysely';
import type {
  CertificateSource, EnqueueForEvents, EventFamily, EventPass, EventRange, ExpiryEvent, ExpiryRepository, HighWaterMarks, MonitoredCertificate,
  OutboxChannel, OutboxItem, OutboxKind, OutboxStatus, ProfileSet, ScanMark,
} from '../../domain/expiry/index.js';
import { EXTERNAL_PROFILE } from '../../domain/expiry/index.js';
import type { Database, Dialect, ExpiryEventsTable, NotificationOutboxTable } from './schema.js';
import { dateFrom, flagFrom, instant } from './schema.js';

function eventFrom(row: Selectable<ExpiryEventsTable>): ExpiryEvent {
  return {
    fingerprint: row.fingerprint, event: row.event, source: row.source as CertificateSource, serial: row.serial, subject: row.subject,
    profile: row.profile, subscriberId: row.subscriber_id, notAfter: dateFrom(row.not_after), scanId: row.scan_id, createdAt: dateFrom(row.created_at),
  };
}

function itemFrom(row: Selectable<NotificationOutboxTable>): OutboxItem {
  return {
    seq: Number(row.seq), kind: row.kind as OutboxKind, channel: row.channel as OutboxChannel, recipient: row.recipient,
    fingerprint: row.fingerprint, event: row.event, scanId: row.scan_id, status: row.status as OutboxStatus, attempts: Number(row.attempts),
    nextAttemptAt: dateFrom(row.next_attempt_at), lastError: row.last_error, createdAt: dateFrom(row.created_at),
    sentAt: row.sent_at === null ? null : dateFrom(row.sent_at),
  };
}

function profileCondition(column: RawBuilder<unknown>, set: ProfileSet): RawBuilder<unknown> {
  if ('include' in set) return set.include.length === 0 ? sql`false` : sql`${column} in (${sql.join(set.include)})`;
  return set.exclude.length === 0 ? sql`true` : sql`${column} not in (${sql.join(set.exclude)})`;
}

const affected = (result: { numAffectedRows?: bigint }) => Number(result.numAffectedRows ?? 0n);

const inRange = (column: RawBuilder<unknown>, r: EventRange) => sql`(${column} > ${instant(r.after)} and ${column} <= ${instant(r.upTo)})`;

/** The family's event for a certificate (null outside its ranges or profiles); `profile` null: no profile filter. */
function familyEvent(notAfter: RawBuilder<unknown>, family: EventFamily, profile: RawBuilder<unknown> | null): RawBuilder<unknown> {
  const when = sql.join(family.ranges.map((r) => sql`when ${inRange(notAfter, r)} then ${r.event}`), sql` `);
  const event = sql`case ${when} end`;
  return profile ? sql`case when ${profileCondition(profile, family.profiles)} then ${event} end` : event;
}

/**
 * The union of every family's ranges as few disjoint ranges, OR-ed: a condition the notAfter index
 * answers directly (SQLite's multi-index OR, PostgreSQL's BitmapOr), before the families' own tests.
 */
function coveringRanges(notAfter: RawBuilder<unknown>, pass: EventPass): RawBuilder<unknown> {
  const sorted = pass.families.flatMap((f) => f.ranges).sort((a, b) => a.after.getTime() - b.after.getTime());
  const merged: { after: Date; upTo: Date }[] = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last && r.after <= last.upTo) last.upTo = r.upTo > last.upTo ? r.upTo : last.upTo;
    else merged.push({ after: r.after, upTo: r.upTo });
  }
  return sql`(${sql.join(merged.map((r) => inRange(notAfter, { event: '', ...r })), sql` or `)})`;
}

function familyCondition(notAfter: RawBuilder<unknown>, family: EventFamily, profile: RawBuilder<unknown> | null): RawBuilder<unknown> {
  const ranges = sql`(${sql.join(family.ranges.map((r) => inRange(notAfter, r)), sql` or `)})`;
  return profile ? sql`(${profileCondition(profile, family.profiles)} and ${ranges})` : ranges;
}

export class KyselyExpiryRepository implements ExpiryRepository {
  constructor(private readonly db: Kysely<Database>, private readonly dialect: Dialect) {}

  /** An instant as a value in a SELECT list. */
  private at(date: Date): RawBuilder<unknown> {
    return this.dialect === 'postgres' ? sql`cast(${instant(date)} as timestamptz)` : sql`${instant(date)}`;
  }

  async recordEvents(pass: EventPass): Promise<void> {
    // The per-row subqueries make PostgreSQL's cost estimate large enough to JIT-compile the
    // statement, which took 0.4 s of a 0.7 s first scan of 300,000 certificates: not worth it here.
    if (this.dialect === 'postgres' && this.db.isTransaction) await sql`set local jit = off`.execute(this.db);
    await this.recordIssued(pass);
    const monitored = pass.families.filter((f) => f.monitored);
    if (monitored.length > 0) await this.recordMonitored({ ...pass, families: monitored });
  }

  /**
   * One statement: the candidates (in any family's ranges, for its profiles, not replaced) once in a
   * materialised CTE with one event column per family, then one SELECT per family, UNION ALL.
   */
  private async recordIssued(pass: EventPass): Promise<void> {
    const notAfter = this.rangeColumn('c', pass);
    const profile = sql.ref('c.profile');
    const columns = pass.families.map((f, i) => sql`${familyEvent(notAfter, f, profile)} as ${sql.ref(`e${i}`)}`);
    const selects = pass.families.map((_, i) => this.eventSelect(sql.ref(`x.e${i}`), sql`'issued'`, sql.ref('x.profile'), pass));
    await sql`
      with x as materialized (
        select c.fingerprint, c.serial, c.subject, c.profile, c.subscriber_id, c.not_after, ${sql.join(columns)}
        from certificates c
        where c.status = 'valid' and ${coveringRanges(notAfter, pass)}
          and (${sql.join(pass.families.map((f) => familyCondition(notAfter, f, profile)), sql` or `)})
          ${pass.addedAfter ? sql`and c.seq > ${pass.addedAfter.certificates}` : sql``}
          and (
            select 1 from certificates n
            where n.subscriber_id = c.subscriber_id and n.profile = c.profile and n.status = 'valid' and n.not_after > c.not_after
              and (n.device_id = c.device_id or (n.device_id is null and c.device_id is null))
            limit 1) is null
      )
      insert into expiry_events (fingerprint, event, source, serial, subject, profile, subscriber_id, not_after, scan_id, created_at)
      ${sql.join(selects, sql` union all `)}
      on conflict (fingerprint, event) do nothing`.execute(this.db);
  }

  private async recordMonitored(pass: EventPass): Promise<void> {
    const notAfter = this.rangeColumn('m', pass);
    const columns = pass.families.map((f, i) => sql`${familyEvent(notAfter, f, null)} as ${sql.ref(`e${i}`)}`);
    const selects = pass.families.map((_, i) => this.eventSelect(sql.ref(`x.e${i}`), sql`'monitored'`, sql`${EXTERNAL_PROFILE}`, pass));
    await sql`
      with x as materialized (
        select m.fingerprint, m.serial, m.subject, m.subscriber_id, m.not_after, ${sql.join(columns)}
        from monitored_certificates m
        where ${coveringRanges(notAfter, pass)}
          ${pass.addedAfter ? sql`and m.seq > ${pass.addedAfter.monitored}` : sql``}
          and (select 1 from monitored_certificates n where n.subject = m.subject and n.issuer = m.issuer and n.not_after > m.not_after limit 1) is null
      )
      insert into expiry_events (fingerprint, event, source, serial, subject, profile, subscriber_id, not_after, scan_id, created_at)
      ${sql.join(selects, sql` union all `)}
      on conflict (fingerprint, event) do nothing`.execute(this.db);
  }

  /**
   * notAfter as the ranges test it. For certificates added since the last scan SQLite must walk the
   * seq (rowid) range, not the notAfter index: a unary + (a no-op) keeps it off that index.
   */
  private rangeColumn(table: 'c' | 'm', pass: EventPass): RawBuilder<unknown> {
    return this.dialect === 'sqlite' && pass.addedAfter ? sql`+${sql.ref(`${table}.not_after`)}` : sql.ref(`${table}.not_after`);
  }

  /** The rows of one family: its event where it has one and the certificate has not had it yet. */
  private eventSelect(event: RawBuilder<unknown>, source: RawBuilder<unknown>, profile: RawBuilder<unknown>, pass: EventPass): RawBuilder<unknown> {
    return sql`select x.fingerprint, ${event}, ${source}, x.serial, x.subject, ${profile}, x.subscriber_id, x.not_after, ${pass.scanId}, ${this.at(pass.now)}
      from x where ${event} is not null
        and (select 1 from expiry_events e where e.fingerprint = x.fingerprint and e.event = ${event} limit 1) is null`;
  }

  async countEventsOfScan(scanId: string): Promise<Record<string, number>> {
    const rows = await this.db.selectFrom('expiry_events').select(['event', (eb) => eb.fn.countAll<number>().as('n')])
      .where('scan_id', '=', scanId).groupBy('event').execute();
    return Object.fromEntries(rows.map((r) => [r.event, Number(r.n)]));
  }

  async lastScan(): Promise<ScanMark | null> {
    const row = await this.db.selectFrom('expiry_scans').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirst();
    if (!row) return null;
    return {
      scanId: row.scan_id, scannedAt: dateFrom(row.scanned_at), windows: row.windows, fullScanAt: dateFrom(row.full_scan_at),
      marks: { certificates: Number(row.certificates_seq), monitored: Number(row.monitored_seq) },
    };
  }

  async highWaterMarks(): Promise<HighWaterMarks> {
    const [c, m] = await Promise.all([
      this.db.selectFrom('certificates').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst(),
      this.db.selectFrom('monitored_certificates').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst(),
    ]);
    return { certificates: Number(c?.seq ?? 0), monitored: Number(m?.seq ?? 0) };
  }

  async recordScan(mark: ScanMark, now: Date): Promise<void> {
    await this.db.insertInto('expiry_scans').values({
      scan_id: mark.scanId, scanned_at: instant(mark.scannedAt), certificates_seq: mark.marks.certificates, monitored_seq: mark.marks.monitored,
      windows: mark.windows, full_scan_at: instant(mark.fullScanAt), created_at: instant(now),
    }).execute();
  }

  async enqueueForEvents(q: EnqueueForEvents): Promise<number> {
    const events = q.events === 'notices' ? sql`e.event like 'notice-%'` : sql`e.event in (${sql.join(q.events)})`;
    return affected(await sql`
      insert into notification_outbox (kind, channel, recipient, fingerprint, event, scan_id, status, attempts, next_attempt_at, created_at)
      select ${q.kind}, ${q.channel}, ${q.recipient}, e.fingerprint, e.event, e.scan_id, 'pending', 0, ${this.at(q.now)}, ${this.at(q.now)}
      from expiry_events e
      where e.scan_id = ${q.scanId} and ${events} and ${profileCondition(sql.ref('e.profile'), q.profiles)}
        ${q.withSubscriber ? sql`and e.subscriber_id is not null` : sql``}
      order by e.not_after`.execute(this.db));
  }

  async enqueue(row: { kind: OutboxKind; channel: OutboxChannel; recipient: string; scanId: string | null; fingerprint?: string | null; event?: string | null; now: Date }): Promise<void> {
    await this.db.insertInto('notification_outbox').values({
      kind: row.kind, channel: row.channel, recipient: row.recipient, fingerprint: row.fingerprint ?? null, event: row.event ?? null,
      scan_id: row.scanId, status: 'pending', next_attempt_at: instant(row.now), created_at: instant(row.now),
    }).execute();
  }

  async eventsOfScan(scanId: string): Promise<ExpiryEvent[]> {
    const rows = await this.db.selectFrom('expiry_events').selectAll().where('scan_id', '=', scanId).orderBy('not_after').execute();
    return rows.map(eventFrom);
  }

  async findEvent(fingerprint: string, event: string): Promise<ExpiryEvent | null> {
    const row = await this.db.selectFrom('expiry_events').selectAll().where('fingerprint', '=', fingerprint).where('event', '=', event).executeTakeFirst();
    return row ? eventFrom(row) : null;
  }

  async findEvents(keys: { fingerprint: string; event: string }[]): Promise<ExpiryEvent[]> {
    if (keys.length === 0) return [];
    const wanted = new Set(keys.map((k) => `${k.fingerprint} ${k.event}`));
    const rows = await this.db.selectFrom('expiry_events').selectAll()
      .where('fingerprint', 'in', [...new Set(keys.map((k) => k.fingerprint))]).execute();
    return rows.filter((r) => wanted.has(`${r.fingerprint} ${r.event}`)).map(eventFrom);
  }

  async holderMailboxes(subscriberIds: string[]): Promise<Map<string, string>> {
    const holders = new Map<string, string>();
    if (subscriberIds.length === 0) return holders;
    const rows = await this.db.selectFrom('mailboxes')
      .innerJoin('subscribers', 'subscribers.id', 'mailboxes.subscriber_id')
      .select(['mailboxes.subscriber_id', 'mailboxes.address', 'mailboxes.is_primary'])
      .where('mailboxes.subscriber_id', 'in', [...new Set(subscriberIds)]).where('subscribers.status', '=', 'active')
      .orderBy('mailboxes.subscriber_id').orderBy('mailboxes.position').execute();
    for (const row of rows) {
      if (flagFrom(row.is_primary) || !holders.has(row.subscriber_id)) holders.set(row.subscriber_id, row.address);
    }
    return holders;
  }

  async due(now: Date, afterSeq: number, limit: number): Promise<OutboxItem[]> {
    const rows = await this.db.selectFrom('notification_outbox').selectAll()
      .where('status', '=', 'pending').where('next_attempt_at', '<=', instant(now)).where('seq', '>', afterSeq)
      .orderBy('seq').limit(limit).execute();
    return rows.map(itemFrom);
  }

  async markSent(seq: number, now: Date, status: 'sent' | 'cancelled' = 'sent'): Promise<boolean> {
    const result = await this.db.updateTable('notification_outbox')
      .set({ status, sent_at: instant(now), last_error: null })
      .where('seq', '=', seq).where('status', '=', 'pending').executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async markAttempt(seq: number, outcome: { attempts: number; nextAttemptAt: Date; error: string; failed: boolean }): Promise<void> {
    await this.db.updateTable('notification_outbox')
      .set({ attempts: outcome.attempts, next_attempt_at: instant(outcome.nextAttemptAt), last_error: outcome.error, status: outcome.failed ? 'failed' : 'pending' })
      .where('seq', '=', seq).where('status', '=', 'pending').execute();
  }

  async outboxCounts(): Promise<Record<OutboxStatus, number>> {
    const rows = await this.db.selectFrom('notification_outbox').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
    const counts: Record<OutboxStatus, number> = { pending: 0, sent: 0, failed: 0, cancelled: 0 };
    for (const row of rows) counts[row.status as OutboxStatus] = Number(row.n);
    return counts;
  }

  async listOutbox(filter: { status?: OutboxStatus | undefined }, limit: number): Promise<OutboxItem[]> {
    let query = this.db.selectFrom('notification_outbox').selectAll();
    if (filter.status) query = query.where('status', '=', filter.status);
    return (await query.orderBy('seq', 'desc').limit(limit).execute()).map(itemFrom);
  }

  async stillDue(event: ExpiryEvent): Promise<boolean> {
    const row = event.source === 'issued'
      ? await sql<{ due: number }>`
          select 1 as due from certificates c
          where c.fingerprint = ${event.fingerprint} and c.status = 'valid'
            and (select 1 from certificates n
                 where n.subscriber_id = c.subscriber_id and n.profile = c.profile and n.status = 'valid' and n.not_after > c.not_after
                   and (n.device_id = c.device_id or (n.device_id is null and c.device_id is null))
                 limit 1) is null`.execute(this.db)
      : await sql<{ due: number }>`
          select 1 as due from monitored_certificates m
          where m.fingerprint = ${event.fingerprint}
            and (select 1 from monitored_certificates n where n.subject = m.subject and n.issuer = m.issuer and n.not_after > m.not_after limit 1) is null`.execute(this.db);
    return row.rows.length > 0;
  }

  async countExpiring(source: CertificateSource, after: Date, upTo: Date): Promise<number> {
    const row = source === 'issued'
      ? await this.db.selectFrom('certificates').select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'valid').where('not_after', '>', instant(after)).where('not_after', '<=', instant(upTo)).executeTakeFirstOrThrow()
      : await this.db.selectFrom('monitored_certificates').select((eb) => eb.fn.countAll<number>().as('n'))
        .where('not_after', '>', instant(after)).where('not_after', '<=', instant(upTo)).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async insertMonitored(record: MonitoredCertificate): Promise<boolean> {
    const result = await this.db.insertInto('monitored_certificates').values({
      fingerprint: record.fingerprint, serial: record.serial, issuer: record.issuer, subject: record.subject, emails: JSON.stringify(record.emails),
      not_before: instant(record.notBefore), not_after: instant(record.notAfter), subscriber_id: record.subscriberId, source: record.source,
      der: record.der, created_at: instant(record.createdAt),
    }).onConflict((oc) => oc.column('fingerprint').doNothing()).executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  }

  async knownToMcms(hashes: readonly string[]): Promise<Set<string>> {
    const known = new Set<string>();
    const unique = [...new Set(hashes)];
    // In slices, so that the statement stays under SQLite's and PostgreSQL's parameter limits.
    for (let i = 0; i < unique.length; i += 500) {
      const slice = unique.slice(i, i + 500);
      const issued = await this.db.selectFrom('certificates').select('fingerprint as hash').where('fingerprint', 'in', slice).execute();
      const published = await this.db.selectFrom('published_values').select('value_hash as hash').where('value_hash', 'in', slice).execute();
      for (const row of [...issued, ...published]) known.add(row.hash);
    }
    return known;
  }
}
