/**
 * The two dialects' migrations must build the same schema: the same tables, the same columns (and
 * nullability) per table, the same primary keys, the same indexes by name, columns and uniqueness, and
 * the same foreign keys. Each database is read through its own catalogue (SQLite pragmas; PostgreSQL
 * information_schema, pg_indexes and pg_constraint) into one neutral description that is compared.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Migrator } from 'kysely';
import { migrationProvider } from '../../src/adapters/db/migrations/migration-provider.js';
import { openStore } from '../../src/adapters/db/open-store.js';
import { openPostgresDatabase } from '../../src/adapters/db/postgres-database.js';
import { openSqliteDatabase } from '../../src/adapters/db/sqlite-database.js';
import { verifyAuditChain } from '../../src/domain/audit/index.js';
import type { TestDatabase, TestStore } from './test-databases.js';
import { dialectsUnderTest } from './test-databases.js';

/** Every migration of a dialect, in the order they apply. */
async function migrationNames(dialect: 'sqlite' | 'postgres'): Promise<string[]> {
  return Object.keys(await migrationProvider(dialect).getMigrations()).sort();
}

/** One line per fact, sorted: a diff names exactly what differs. */
type SchemaFacts = string[];

async function sqliteFacts(db: TestStore): Promise<SchemaFacts> {
  const facts: string[] = [];
  const tables = await db.query<{ name: string }>("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'");
  for (const { name: table } of tables) {
    const columns = await db.query<{ name: string; notnull: number; pk: number }>(`pragma table_info(${table})`);
    facts.push(`table ${table}`);
    for (const c of columns) facts.push(`column ${table}.${c.name} ${c.notnull || c.pk ? 'not null' : 'null'}`);
    const pk = columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
    if (pk.length > 0) facts.push(`primary key ${table} (${pk.join(', ')})`);
    const indexes = await db.query<{ name: string; unique: number; origin: string }>(`pragma index_list(${table})`);
    for (const index of indexes.filter((i) => i.origin !== 'pk')) {
      const cols = await db.query<{ name: string; seqno: number }>(`pragma index_info(${index.name})`);
      const list = cols.sort((a, b) => a.seqno - b.seqno).map((c) => c.name).join(', ');
      // A partial index's predicate, as written in the migration (`where status = 'current'`).
      const [definition] = await db.query<{ sql: string }>('select sql from sqlite_master where name = ?', [index.name]);
      const where = /\swhere\s+(.+)$/i.exec(definition?.sql ?? '')?.[1];
      facts.push(`${index.unique ? 'unique index' : 'index'} ${index.name} on ${table} (${list})${where ? ` where ${where}` : ''}`);
    }
    const keys = await db.query<{ id: number; seq: number; table: string; from: string; to: string }>(`pragma foreign_key_list(${table})`);
    for (const id of new Set(keys.map((k) => k.id))) {
      const parts = keys.filter((k) => k.id === id).sort((a, b) => a.seq - b.seq);
      facts.push(`foreign key ${table} (${parts.map((p) => p.from).join(', ')}) references ${parts[0]!.table} (${parts.map((p) => p.to).join(', ')})`);
    }
  }
  return facts.sort();
}

async function postgresFacts(db: TestStore): Promise<SchemaFacts> {
  const schema = db.location;
  const facts: string[] = [];
  const tables = await db.query<{ table_name: string }>(
    "select table_name from information_schema.tables where table_schema = $1 and table_type = 'BASE TABLE'", [schema]);
  for (const { table_name: table } of tables) facts.push(`table ${table}`);
  const columns = await db.query<{ table_name: string; column_name: string; is_nullable: string }>(
    'select table_name, column_name, is_nullable from information_schema.columns where table_schema = $1', [schema]);
  for (const c of columns) facts.push(`column ${c.table_name}.${c.column_name} ${c.is_nullable === 'YES' ? 'null' : 'not null'}`);
  const pks = await db.query<{ table_name: string; columns: string }>(
    `select tc.table_name, string_agg(k.column_name, ', ' order by k.ordinal_position) as columns
       from information_schema.table_constraints tc
       join information_schema.key_column_usage k
         on k.constraint_schema = tc.constraint_schema and k.constraint_name = tc.constraint_name
      where tc.table_schema = $1 and tc.constraint_type = 'PRIMARY KEY'
      group by tc.table_name`, [schema]);
  for (const pk of pks) facts.push(`primary key ${pk.table_name} (${pk.columns})`);
  const indexes = await db.query<{ tablename: string; indexname: string; indexdef: string }>(
    "select tablename, indexname, indexdef from pg_indexes where schemaname = $1 and indexname not like '%\\_pkey'", [schema]);
  for (const index of indexes) {
    const match = /^CREATE (UNIQUE )?INDEX \S+ ON \S+ USING btree \((.+?)\)(?: WHERE \((.+)\))?$/.exec(index.indexdef);
    assert.ok(match, `unexpected index definition: ${index.indexdef}`);
    const where = match[3] ? ` where ${match[3].replace(/::text/g, '')}` : '';
    facts.push(`${match[1] ? 'unique index' : 'index'} ${index.indexname} on ${index.tablename} (${match[2]!.replace(/"/g, '')})${where}`);
  }
  const foreignKeys = await db.query<{ table_name: string; definition: string }>(
    `select c.conrelid::regclass::text as table_name, pg_get_constraintdef(c.oid) as definition
       from pg_constraint c join pg_namespace n on n.oid = c.connamespace
      where n.nspname = $1 and c.contype = 'f'`, [schema]);
  for (const fk of foreignKeys) {
    const match = /^FOREIGN KEY \((.+)\) REFERENCES (\w+)\((.+)\)$/.exec(fk.definition);
    assert.ok(match, `unexpected foreign key definition: ${fk.definition}`);
    facts.push(`foreign key ${fk.table_name} (${match[1]}) references ${match[2]} (${match[3]})`.replace(/"/g, ''));
  }
  return facts.sort();
}

const sqlite = dialectsUnderTest.find((d) => d.dialect === 'sqlite')!;
const postgres = dialectsUnderTest.find((d) => d.dialect === 'postgres')!;

describe('migrations', () => {
  const databases: TestDatabase[] = [];
  after(async () => {
    for (const database of databases) await database.cleanup();
  });

  describe('SQLite and PostgreSQL build the same schema', { skip: postgres.skip }, () => {
    let sqliteSchema: SchemaFacts;
    let postgresSchema: SchemaFacts;
    before(async () => {
      const s = sqlite.database();
      const p = postgres.database();
      databases.push(s, p);
      sqliteSchema = await sqliteFacts(await s.fresh());
      postgresSchema = await postgresFacts(await p.fresh());
    });

    it('has the same tables', () => {
      const tables = (facts: SchemaFacts) => facts.filter((f) => f.startsWith('table '));
      assert.deepEqual(tables(postgresSchema), tables(sqliteSchema));
    });

    it('has the same columns, nullability and primary keys', () => {
      const columns = (facts: SchemaFacts) => facts.filter((f) => f.startsWith('column ') || f.startsWith('primary key '));
      assert.deepEqual(columns(postgresSchema), columns(sqliteSchema));
    });

    it('has the same indexes (names, columns, uniqueness) and foreign keys', () => {
      const indexes = (facts: SchemaFacts) => facts.filter((f) => f.includes('index ') || f.startsWith('foreign key '));
      assert.deepEqual(indexes(postgresSchema), indexes(sqliteSchema));
      assert.deepEqual(postgresSchema, sqliteSchema);
    });
  });

  for (const target of dialectsUnderTest) {
    describe(`on ${target.dialect}`, { skip: target.skip }, () => {
      it('indexes every column the inventory, approvals, challenges and SCEP transactions filter and sort on', async () => {
        const database = target.database();
        databases.push(database);
        const db = await database.fresh();
        const facts = target.dialect === 'sqlite' ? await sqliteFacts(db) : await postgresFacts(db);
        for (const expected of [
          'unique index certificates_serial_key on certificates (serial)',
          'index certificates_subscriber_idx on certificates (subscriber_id, seq)',
          'index certificates_status_not_after_idx on certificates (status, not_after)',
          'index certificates_profile_idx on certificates (profile, seq)',
          'unique index operators_token_hash_key on operators (token_hash)',
          'unique index approval_requests_id_key on approval_requests (id)',
          'index approval_requests_status_idx on approval_requests (status, seq)',
          'index approval_requests_kind_idx on approval_requests (kind, seq)',
          'unique index approval_votes_request_id_voter_id_key on approval_votes (request_id, voter_id)',
          'index challenges_subscriber_idx on challenges (subscriber_id, created_at)',
          'index challenges_device_status_idx on challenges (device_id, status)',
          'primary key scep_transactions (transaction_id, requester_key_hash)',
          'index scep_transactions_approval_idx on scep_transactions (approval_id)',
          'foreign key challenges (device_id) references devices (id)',
          'foreign key scep_transactions (subscriber_id) references subscribers (id)',
          'index publication_outbox_due_idx on publication_outbox (status, next_attempt_at)',
          'primary key published_values (subscriber_id, entry_dn, attribute, value_hash)',
          'unique index directory_people_entry_dn_key on directory_people (entry_dn)',
        ]) assert.ok(facts.includes(expected), `missing: ${expected}`);
      });

      it('runs each migration once: reopening the database applies nothing and keeps the data', async () => {
        const database = target.database();
        databases.push(database);
        const db = await database.fresh();
        await db.store.keyBlobs.put({ id: 'k1', label: 'l', algorithm: 'p-256', publicKey: Buffer.from([1]), sealed: Buffer.from([2]), createdAt: new Date(0) });
        const applied: string[] = [];
        const again = await db.reopen((msg) => applied.push(msg));
        assert.ok(await again.keyBlobs.get('k1'));
        const rows = await db.query<{ name: string }>('select name from kysely_migration order by name');
        assert.deepEqual(rows.map((r) => r.name), await migrationNames(target.dialect));
        assert.ok(rows.length >= 4);
        assert.deepEqual(applied, []);
      });

      it('upgrades a database at 0001 to the latest, keeping its data', async () => {
        const database = target.database();
        databases.push(database);
        const { url, schema } = database.vacant();
        const old = target.dialect === 'sqlite'
          ? openSqliteDatabase(url.slice('sqlite:'.length))
          : await openPostgresDatabase({ url, schema });
        try {
          const migrator = new Migrator({ db: old, provider: migrationProvider(target.dialect), ...(schema ? { migrationTableSchema: schema } : {}) });
          const { error } = await migrator.migrateTo('0001-initial');
          assert.equal(error, undefined);
          await old.insertInto('subscribers').values({ id: 's1', display_name: null, status: 'active', created_at: new Date(0).toISOString() }).execute();
        } finally {
          await old.destroy();
        }
        const applied: string[] = [];
        const store = await openStore({ url, ...(schema ? { schema } : {}), log: (msg) => applied.push(msg) });
        try {
          const later = (await migrationNames(target.dialect)).slice(1);
          assert.deepEqual(applied, later.map((name) => `applied migration ${name}`));
          assert.ok(later.includes('0004-jobs'));
          assert.deepEqual(await store.read.escrow.listBySubscriber('s1'), []);
          assert.equal((await store.read.subscribers.findById('s1'))?.status, 'active');
          assert.deepEqual(await store.read.challenges.listBySubscriber('s1'), []);
          assert.ok(later.includes('0005-delivery'));
          assert.deepEqual(await store.read.enrollmentLinks.listBySubscriber('s1'), []);
        } finally {
          await store.close();
        }
      });

      it('two processes opening a new database at once migrate it once, one after the other', async () => {
        const database = target.database();
        databases.push(database);
        const { url, schema } = database.vacant();
        const script = fileURLToPath(new URL('./append-audit-records.ts', import.meta.url));
        const run = (name: string) => promisify(execFile)(process.execPath, ['--import', 'tsx', script, url, schema ?? '-', '3', name], { timeout: 60_000 });
        const outputs = await Promise.all([run('first'), run('second')]);
        for (const { stdout } of outputs) assert.equal(stdout.trim(), 'ok');
        const applied: string[] = [];
        const store = await openStore({ url, ...(schema ? { schema } : {}), log: (msg) => applied.push(msg) });
        try {
          assert.deepEqual(applied, []);
          assert.deepEqual(await verifyAuditChain(store.read.audit), { ok: true, records: 6, findings: [] });
        } finally {
          await store.close();
        }
      });
    });
  }
});
