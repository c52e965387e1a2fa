/**
 * A scan after a recent one looks only at what entered a window since, and at certificates added since:
 * on SQLite and PostgreSQL, 6,000 synthetic certificates (a quarter of them replaced) scanned every few hours for seven weeks (with a
 * batch added midway, some deep inside a window, and the thresholds changed once) get exactly the events
 * that full scans of an identical database give, scan for scan.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Kysely } from 'kysely';
import { openPostgresDatabase } from '../../src/adapters/db/postgres-database.js';
import { openSqliteDatabase } from '../../src/adapters/db/sqlite-database.js';
import { FixedClock } from '../../src/lib/clock.js';
import { rawSql } from '../support/escrow-peers.js';
import { seedExpiryInventory } from '../support/expiry-seed.js';
import type { Dialect, TestInstance } from '../support/instance.js';
import { dialects, startInstance } from '../support/instance.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const T0 = new Date('2027-01-01T06:00:00Z');

async function rawKysely(instance: TestInstance, dialect: Dialect): Promise<Kysely<unknown>> {
  if (dialect === 'sqlite') return openSqliteDatabase(join(instance.dataDir, 'mcms.db')) as unknown as Kysely<unknown>;
  const url = new URL(instance.env.MCMS_DATABASE_URL!);
  const schema = url.searchParams.get('schema')!;
  url.searchParams.delete('schema');
  return await openPostgresDatabase({ url: url.toString(), schema }) as unknown as Kysely<unknown>;
}

async function seed(instance: TestInstance, dialect: Dialect, options: { count: number; people: number; from: Date; first?: number }) {
  const db = await rawKysely(instance, dialect);
  try {
    await seedExpiryInventory(db, dialect, options);
  } finally {
    await db.destroy();
  }
}

for (const { dialect, skip } of dialects) {
  describe(`incremental expiry scans on ${dialect}`, { skip }, () => {
    const env = { MCMS_CA_SERVICE_VALIDITY_DAYS: '3000', MCMS_CA_OCSP_SIGNER_VALIDITY_DAYS: '3000' };
    const clocks = [new FixedClock(T0), new FixedClock(T0)];
    let incremental: TestInstance;
    let full: TestInstance;

    before(async () => {
      const [a, b] = await Promise.all(clocks.map((clock) => startInstance(dialect, env, { clock })));
      incremental = a!;
      full = b!;
      for (const it of [incremental, full]) await seed(it, dialect, { count: 6000, people: 1501, from: T0 });
    });
    after(async () => {
      await incremental?.dispose();
      await full?.dispose();
    });

    test('find exactly what full scans find, scan for scan', async () => {
      let step = 0;
      let incrementalScans = 0;
      const events = async (it: TestInstance) =>
        (await rawSql<{ fingerprint: string; event: string }>(it, dialect, 'select fingerprint, event from expiry_events order by fingerprint, event'))
          .map((r) => `${r.fingerprint} ${r.event}`);
      for (let elapsed = 0; elapsed < 49 * DAY; step += 1) {
        const hours = 1 + ((step * 7) % 37);
        elapsed += hours * HOUR;
        for (const clock of clocks) clock.advance(hours * HOUR);
        if (step === 40) {
          // A batch added midway: notAfter spread over the next year, so some land deep inside a window.
          for (const it of [incremental, full]) await seed(it, dialect, { count: 600, people: 1501, from: clocks[0]!.now(), first: 6000 });
        }
        const a = await incremental.mcms.expiry.scan(incremental.mcms.localPrincipal(), {});
        const b = await full.mcms.expiry.scan(full.mcms.localPrincipal(), { full: true });
        assert.deepEqual(a.events, b.events, `step ${step} (${a.full ? 'full' : 'incremental'})`);
        if (!a.full) incrementalScans += 1;
      }
      assert.ok(incrementalScans > step / 2, `${incrementalScans} of ${step} scans were incremental`);
      const [x, y] = [await events(incremental), await events(full)];
      assert.ok(x.length > 1000, `${x.length} events`);
      assert.deepEqual(x, y);
    });
  });
}
