import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { migrateToLatest } from './migrate.js';
import { PreparedQuery } from './prepared-query.js';
import type { Database } from './schema.js';
import { openSqliteDatabase } from './sqlite-database.js';

const INSERT = new PreparedQuery((db, p: { id: string; name: string | null }) => db.insertInto('subscribers')
  .values({ id: p.id, display_name: p.name, status: 'active', created_at: '2030-01-01T00:00:00.000Z' }));
const FIND = new PreparedQuery((db, p: { status: string; id: string }) => db.selectFrom('subscribers')
  .select(['id', 'display_name'])
  .where('status', '=', p.status)
  .where('id', '=', p.id));

describe('PreparedQuery', () => {
  let db: Kysely<Database>;
  before(async () => {
    db = openSqliteDatabase(':memory:');
    await migrateToLatest(db, { dialect: 'sqlite' });
  });
  after(() => db.destroy());

  it('binds each run\'s values by name, keeps literals, and runs on the database and in its transactions', async () => {
    await INSERT.execute(db, { name: 'Ada', id: 's1' });
    await db.transaction().execute(async (tx) => {
      const result = await INSERT.execute(tx, { id: 's2', name: null });
      assert.equal(result.numAffectedRows, 1n);
    });
    assert.deepEqual(await FIND.takeFirst(db, { id: 's1', status: 'active' }), { id: 's1', display_name: 'Ada' });
    assert.deepEqual(await FIND.takeFirst(db, { id: 's2', status: 'active' }), { id: 's2', display_name: null });
    assert.equal(await FIND.takeFirst(db, { id: 's1', status: 'disabled' }), undefined);
    const rows = await db.selectFrom('subscribers').select(['id', 'status']).orderBy('id').execute();
    assert.deepEqual(rows, [{ id: 's1', status: 'active' }, { id: 's2', status: 'active' }]);
  });
});
