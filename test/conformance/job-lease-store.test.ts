/**
 * The job lease table's conformance suite, on every dialect: one holder at a time (also when many
 * nodes race for a free lease), the holder may renew, an expired lease passes to the next node, a
 * release by a node that lost its lease changes nothing, and each run's outcome is kept.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Store } from '../../src/adapters/db/store.js';
import { T0 } from './sample-records.js';
import type { TestDatabase, TestStore } from './test-databases.js';
import { dialectsUnderTest } from './test-databases.js';

const MINUTE = 60_000;
const at = (ms: number) => new Date(T0 + ms);

for (const target of dialectsUnderTest) {
  describe(`job lease store conformance: ${target.dialect}`, { skip: target.skip }, () => {
    let database: TestDatabase;
    let db: TestStore;
    let store: Store;

    before(async () => {
      database = target.database();
      db = await database.fresh();
      store = db.store;
    });
    after(async () => {
      await database?.cleanup();
    });

    it('gives a free lease to one holder, lets it renew, and keeps the others out until it expires', async () => {
      const leases = store.jobLeases;
      assert.equal(await leases.acquire('crl-refresh', 'node-a', at(0), MINUTE), true);
      assert.equal(await leases.acquire('crl-refresh', 'node-b', at(1000), MINUTE), false);
      assert.equal(await leases.acquire('crl-refresh', 'node-a', at(2000), MINUTE), true, 'the holder renews');
      assert.equal(await leases.acquire('crl-refresh', 'node-b', at(2000 + MINUTE - 1), MINUTE), false, 'one millisecond before expiry');
      assert.equal(await leases.acquire('crl-refresh', 'node-b', at(2000 + MINUTE), MINUTE), true, 'expired: the next node takes it');
      const [row] = (await leases.list()).filter((r) => r.name === 'crl-refresh');
      assert.equal(row!.holder, 'node-b');
      assert.deepEqual(row!.leaseExpiresAt, at(2000 + 2 * MINUTE));
      assert.deepEqual(row!.lastStartedAt, at(2000 + MINUTE));
      assert.equal(row!.runs, 0);
    });

    it('records a release with its outcome, and ignores a release by a node that lost the lease', async () => {
      const leases = store.jobLeases;
      assert.equal(await leases.acquire('expiry-scan', 'node-a', at(0), MINUTE), true);
      assert.equal(await leases.acquire('expiry-scan', 'node-b', at(MINUTE), MINUTE), true);
      assert.equal(await leases.release('expiry-scan', 'node-a', at(MINUTE + 5), { status: 'ok', summary: 'late' }), false);
      assert.equal(await leases.release('expiry-scan', 'node-b', at(MINUTE + 9), { status: 'failed', summary: 'directory down' }), true);
      const [row] = (await leases.list()).filter((r) => r.name === 'expiry-scan');
      assert.deepEqual({ ...row }, {
        name: 'expiry-scan', holder: null, leaseExpiresAt: null, lastStartedAt: at(MINUTE), lastFinishedAt: at(MINUTE + 9),
        lastStatus: 'failed', lastSummary: 'directory down', runs: 1,
      });
      assert.equal(await leases.acquire('expiry-scan', 'node-a', at(MINUTE + 10), MINUTE), true, 'free again after the release');
    });

    it('lets exactly one of many racing nodes take a free lease', async () => {
      const others: Store[] = [];
      for (let i = 0; i < 4; i += 1) others.push(await db.reopen());
      try {
        const stores = [store, ...others];
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
          stores[i % stores.length]!.jobLeases.acquire('directory-sync', `node-${i}`, at(0), MINUTE)));
        assert.equal(results.filter(Boolean).length, 1);
      } finally {
        await Promise.all(others.map((s) => s.close()));
      }
    });
  });
}
