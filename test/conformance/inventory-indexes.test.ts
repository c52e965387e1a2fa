/**
 * The inventory's queries by person, status and expiry read through indexes on both dialects: the
 * inventory will hold millions of rows, where a full scan of `certificates` per request is an outage.
 * SQLite: EXPLAIN QUERY PLAN must show no plain `SCAN certificates`. PostgreSQL: with sequential scans
 * priced out (enable_seqscan = off), the plan must still find an index, i.e. a usable one exists.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from '../../src/adapters/db/migrate.js';
import { openPostgresDatabase } from '../../src/adapters/db/postgres-database.js';
import type { Database as Schema } from '../../src/adapters/db/schema.js';
import { instant } from '../../src/adapters/db/schema.js';
import { openSqliteDatabase } from '../../src/adapters/db/sqlite-database.js';
import { postgresUrl } from '../support/instance.js';
import { tempDir } from '../support/openssl.js';

const now = new Date('2027-01-01T00:00:00Z');
const in30Days = new Date(now.getTime() + 30 * 86_400_000);

/** The shapes CertificateRepository.list issues for `cert list` and the API's filters, newest first. */
function accessPaths(db: Kysely<Schema>) {
  const certificates = () => db.selectFrom('certificates').selectAll();
  return {
    'by person': certificates().where('subscriber_id', '=', 'someone').orderBy('seq', 'desc').limit(101),
    'by device': certificates().where('device_id', '=', 'phone').orderBy('seq', 'desc').limit(101),
    'by status': certificates().where('status', '=', 'revoked').orderBy('seq', 'desc').limit(101),
    'valid, expiring within 30 days': certificates().where('status', '=', 'valid')
      .where('not_after', '>', instant(now)).where('not_after', '<=', instant(in30Days)).orderBy('seq', 'desc').limit(101),
    'expired': certificates().where('status', '=', 'valid').where('not_after', '<=', instant(now)).orderBy('seq', 'desc').limit(101),
    'by serial': certificates().where('serial', '=', '1234abcd'),
    'by key': certificates().where('public_key_hash', '=', 'ab'.repeat(32)),
  };
}

describe('inventory queries use indexes: sqlite', () => {
  const dir = tempDir();
  let db: Kysely<Schema>;
  before(async () => {
    db = openSqliteDatabase(join(dir.path, 'plan.db'));
    await migrateToLatest(db, { dialect: 'sqlite' });
  });
  after(async () => {
    await db.destroy();
    dir.remove();
  });

  test('no access path scans the certificates table', () => {
    const raw = new Database(join(dir.path, 'plan.db'), { readonly: true });
    try {
      for (const [name, query] of Object.entries(accessPaths(db))) {
        const { sql, parameters } = query.compile();
        const plan = raw.prepare(`explain query plan ${sql}`).all(...(parameters as unknown[])) as { detail: string }[];
        const details = plan.map((p) => p.detail);
        assert.ok(details.some((d) => /USING (COVERING )?INDEX|USING INTEGER PRIMARY KEY/.test(d)), `${name}: ${details.join(' | ')}`);
        assert.ok(!details.some((d) => /^SCAN certificates$/.test(d)), `${name} scans the table: ${details.join(' | ')}`);
      }
    } finally {
      raw.close();
    }
  });
});

describe('inventory queries use indexes: postgres', { skip: postgresUrl ? false : 'MCMS_TEST_DATABASE_URL is not set' }, () => {
  const schema = `mcms_plan_${randomBytes(6).toString('hex')}`;
  let db: Kysely<Schema>;
  before(async () => {
    db = await openPostgresDatabase({ url: postgresUrl!, schema });
    await migrateToLatest(db, { dialect: 'postgres', schema });
  });
  after(async () => {
    await db?.destroy();
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    await client.query(`drop schema if exists ${schema} cascade`);
    await client.end();
  });

  test('every access path has an index the planner can use', async () => {
    const client = new pg.Client({ connectionString: postgresUrl, options: `-c search_path=${schema}` });
    await client.connect();
    try {
      await client.query('set enable_seqscan = off');
      for (const [name, query] of Object.entries(accessPaths(db))) {
        const { sql, parameters } = query.compile();
        const plan = (await client.query(`explain ${sql}`, parameters as unknown[])).rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
        assert.match(plan, /Index/, `${name}:\n${plan}`);
        assert.doesNotMatch(plan, /Seq Scan on certificates/, `${name}:\n${plan}`);
      }
    } finally {
      await client.end();
    }
  });
});
