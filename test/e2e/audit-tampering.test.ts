/**
 * The audit trail on both databases: every action leaves a chained record, and `audit verify` finds an
 * edited, a removed and a reordered record, and a cut-off tail — by editing the real tables directly.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Dialect, TestInstance } from '../support/instance.js';
import { dialects, startInstance } from '../support/instance.js';

/** Runs raw SQL against the instance's own database, behind mcms's back. */
async function tamper(instance: TestInstance, dialect: Dialect, sql: string): Promise<void> {
  if (dialect === 'sqlite') {
    const db = new Database(join(instance.dataDir, 'mcms.db'));
    db.exec(sql);
    db.close();
    return;
  }
  const url = new URL(instance.env.MCMS_DATABASE_URL!);
  const schema = url.searchParams.get('schema')!;
  url.searchParams.delete('schema');
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  await client.query(`SET search_path TO ${schema}`);
  await client.query(sql);
  await client.end();
}

for (const { dialect, skip } of dialects) {
  describe(`audit trail on ${dialect}`, { skip }, () => {
    let instance: TestInstance;
    before(async () => {
      instance = await startInstance(dialect);
      const admin = instance.mcms.localPrincipal();
      for (const n of [1, 2, 3, 4]) await instance.mcms.subscribers.add(admin, { email: `person${n}@example.test` });
    });
    after(async () => instance?.dispose());

    const verify = () => instance.mcms.audit.verify(instance.mcms.localPrincipal());

    test('an untouched trail verifies, and records every action in order', async () => {
      const result = await verify();
      assert.equal(result.ok, true, JSON.stringify(result.findings));
      // ca.init, escrow.kra-create, operator.add (first admin), four subscriber.add
      assert.equal(result.records, 7);
    });

    test('an edited record is found', async () => {
      await tamper(instance, dialect, "UPDATE audit_events SET target = 'someone-else@example.test' WHERE seq = 4");
      const result = await verify();
      assert.equal(result.ok, false);
      assert.ok(result.findings.some((f) => f.kind === 'edited' && f.seq === 4), JSON.stringify(result.findings));
      await tamper(instance, dialect, "UPDATE audit_events SET target = 'person1@example.test' WHERE seq = 4");
      assert.equal((await verify()).ok, true, 'restoring the field restores the chain');
    });

    test('a removed record is found', async () => {
      await tamper(instance, dialect, 'DELETE FROM audit_events WHERE seq = 3');
      const result = await verify();
      assert.equal(result.ok, false);
      assert.ok(result.findings.some((f) => f.kind === 'gap'), JSON.stringify(result.findings));
      assert.ok(result.findings.some((f) => f.kind === 'broken-link' && f.seq === 4), JSON.stringify(result.findings));
    });

    test('reordered records and a cut-off tail are found', async () => {
      await tamper(instance, dialect, 'UPDATE audit_events SET seq = -5 WHERE seq = 5');
      await tamper(instance, dialect, 'UPDATE audit_events SET seq = 5 WHERE seq = 6');
      await tamper(instance, dialect, 'UPDATE audit_events SET seq = 6 WHERE seq = -5');
      let result = await verify();
      assert.ok(result.findings.some((f) => f.kind === 'broken-link' && f.seq === 5), JSON.stringify(result.findings));
      await tamper(instance, dialect, 'DELETE FROM audit_events WHERE seq >= 5');
      result = await verify();
      assert.ok(result.findings.some((f) => f.kind === 'head-mismatch'), JSON.stringify(result.findings));
    });
  });
}
