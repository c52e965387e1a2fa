/**
 * SQLite schema, version 4: one lease row per scheduled job. A node runs a job only while it holds the
 * row's lease (holder and expiry, taken by one conditional upsert), and records each run's outcome on
 * it. migrations/postgres/0004-jobs.ts mirrors this file. Never edit a released migration: add 0005.
 */
import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

const STATEMENTS = [
  `create table job_leases (
    name text not null primary key,
    holder text,
    lease_expires_at text,
    last_started_at text,
    last_finished_at text,
    last_status text,
    last_summary text,
    runs integer not null default 0
  ) strict`,
];

export const jobs: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
  },
};
