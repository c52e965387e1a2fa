/**
 * Leases of scheduled jobs. `acquire` is one conditional upsert: it inserts the row, or takes it over
 * when the lease is free, expired or already this holder's, and reports whether this holder now has it.
 * Both dialects serialise concurrent upserts on the primary key, so two nodes never both win.
 */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from './schema.js';
import { dateFrom, instant } from './schema.js';

export interface JobLeaseState {
  name: string;
  /** The node running the job now, while its lease lasts. */
  holder: string | null;
  leaseExpiresAt: Date | null;
  lastStartedAt: Date | null;
  lastFinishedAt: Date | null;
  lastStatus: 'ok' | 'failed' | null;
  lastSummary: string | null;
  runs: number;
}

export class JobLeaseRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async acquire(name: string, holder: string, now: Date, leaseMs: number): Promise<boolean> {
    const at = instant(now);
    const until = instant(new Date(now.getTime() + leaseMs));
    const row = await this.db.insertInto('job_leases')
      .values({ name, holder, lease_expires_at: until, last_started_at: at })
      .onConflict((oc) => oc.column('name').doUpdateSet({ holder, lease_expires_at: until, last_started_at: at })
        .where((eb) => eb.or([
          eb('job_leases.holder', 'is', null),
          eb('job_leases.lease_expires_at', '<=', at),
          eb('job_leases.holder', '=', holder),
        ])))
      .returning('holder')
      .executeTakeFirst();
    return row?.holder === holder;
  }

  /** Ends this holder's lease and records the run; a lease another node has taken over is left alone. */
  async release(name: string, holder: string, now: Date, outcome: { status: 'ok' | 'failed'; summary: string }): Promise<boolean> {
    const result = await this.db.updateTable('job_leases')
      .set({
        holder: null, lease_expires_at: null, last_finished_at: instant(now),
        last_status: outcome.status, last_summary: outcome.summary.slice(0, 2000), runs: sql<number>`runs + 1`,
      })
      .where('name', '=', name).where('holder', '=', holder)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async list(): Promise<JobLeaseState[]> {
    const rows = await this.db.selectFrom('job_leases').selectAll().orderBy('name').execute();
    return rows.map((row) => ({
      name: row.name,
      holder: row.holder,
      leaseExpiresAt: row.lease_expires_at === null ? null : dateFrom(row.lease_expires_at),
      lastStartedAt: row.last_started_at === null ? null : dateFrom(row.last_started_at),
      lastFinishedAt: row.last_finished_at === null ? null : dateFrom(row.last_finished_at),
      lastStatus: row.last_status === 'ok' || row.last_status === 'failed' ? row.last_status : null,
      lastSummary: row.last_summary,
      runs: Number(row.runs),
    }));
  }
}
