/**
 * SQLite schema, version 8: expiry monitoring. `expiry_events` records each notice (and each action)
 * a certificate has had, keyed by (fingerprint, event), so that a threshold fires once ever;
 * `notification_outbox` holds every message and action to carry out, with its retries, so that
 * nothing is lost while a channel is down and nothing is sent twice when it is back;
 * `monitored_certificates` are certificates from other CAs that mcms watches but did not issue.
 * migrations/postgres/0008-expiry.ts mirrors this file. Never edit a released migration: add 0009.
 */
import type { Kysely, Migration } from 'kysely';
import { sql } from 'kysely';

const STATEMENTS = [
  `create table expiry_events (
    fingerprint text not null,
    event text not null,
    source text not null,
    serial text not null,
    subject text not null,
    profile text not null,
    subscriber_id text,
    not_after text not null,
    scan_id text not null,
    created_at text not null,
    primary key (fingerprint, event)
  ) strict`,
  'create index expiry_events_scan_idx on expiry_events (scan_id)',

  `create table notification_outbox (
    seq integer primary key autoincrement,
    kind text not null,
    channel text not null,
    recipient text not null,
    fingerprint text,
    event text,
    scan_id text,
    status text not null,
    attempts integer not null default 0,
    next_attempt_at text not null,
    last_error text,
    created_at text not null,
    sent_at text
  ) strict`,
  'create index notification_outbox_due_idx on notification_outbox (status, next_attempt_at)',

  `create table monitored_certificates (
    seq integer primary key autoincrement,
    fingerprint text not null,
    serial text not null,
    issuer text not null,
    subject text not null,
    emails text not null,
    not_before text not null,
    not_after text not null,
    subscriber_id text references subscribers (id),
    source text not null,
    der blob not null,
    created_at text not null
  ) strict`,
  'create unique index monitored_certificates_fingerprint_key on monitored_certificates (fingerprint)',
  'create index monitored_certificates_not_after_idx on monitored_certificates (not_after)',
  'create index monitored_certificates_subscriber_idx on monitored_certificates (subscriber_id, seq)',
  'create index monitored_certificates_subject_idx on monitored_certificates (subject, issuer)',
];

export const expiry: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
  },
};
