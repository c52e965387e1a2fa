/**
 * The escrow repositories' conformance suite, on every dialect: escrow records (every field and the
 * sealed bytes exactly, one current identity per person by a unique index, retirement keeping its first
 * instant, newest-first history), re-wrapping that checks the KRA key it replaces (so a resumed rotation
 * never moves a record twice), exports recorded once, and the KRA keys.
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Store } from '../../src/adapters/db/store.js';
import type { EscrowRecord } from '../../src/domain/escrow/index.js';
import { T0, hex, subscriber } from './sample-records.js';
import { countRows, rejectsWithCode } from './store-assertions.js';
import type { TestDatabase, TestStore } from './test-databases.js';
import { dialectsUnderTest } from './test-databases.js';

function escrowRecord(subscriberId: string, overrides: Partial<EscrowRecord> = {}): EscrowRecord {
  return {
    id: randomUUID(), subscriberId, certificateSerial: hex(16), keyAlgorithm: 'rsa-2048', publicKeyHash: hex(32),
    status: 'past', pastReason: 'rekeyed', sealedKey: Buffer.from([0x01, 0x00, 0xff, ...randomBytes(1200)]), wrappedKey: randomBytes(384),
    kraKeyId: 'kra-1', createdAt: new Date('2030-01-02T03:04:05.678Z'), retiredAt: new Date('2030-02-02T03:04:05.001Z'), ...overrides,
  };
}

for (const target of dialectsUnderTest) {
  describe(`escrow store conformance: ${target.dialect}`, { skip: target.skip }, () => {
    let database: TestDatabase;
    let db: TestStore;
    let store: Store;

    before(async () => {
      database = target.database();
      db = await database.fresh();
      store = db.store;
    });
    after(async () => database?.cleanup());

    async function person(): Promise<string> {
      const someone = subscriber();
      await store.read.subscribers.insert(someone);
      return someone.id;
    }

    it('inserts and finds by id and serial: every field, the sealed bytes exactly', async () => {
      const id = await person();
      const current = escrowRecord(id, { status: 'current', pastReason: null, retiredAt: null, keyAlgorithm: 'p-256' });
      const past = escrowRecord(id);
      await store.read.escrow.insert(past);
      await store.read.escrow.insert(current);
      assert.deepEqual(await store.read.escrow.findById(current.id), current);
      assert.deepEqual(await store.read.escrow.findBySerial(past.certificateSerial), past);
      assert.deepEqual(await store.read.escrow.findCurrent(id), current);
      assert.deepEqual(await store.read.escrow.listBySubscriber(id), [current, past]);
      assert.equal(await store.read.escrow.findById(randomUUID()), null);
      assert.equal(await store.read.escrow.findCurrent(randomUUID()), null);
    });

    it('keeps one current identity per person (unique index), and refuses an unknown person', async () => {
      const id = await person();
      await store.read.escrow.insert(escrowRecord(id, { status: 'current', pastReason: null, retiredAt: null }));
      await assert.rejects(store.read.escrow.insert(escrowRecord(id, { status: 'current', pastReason: null, retiredAt: null })));
      await assert.rejects(store.read.escrow.insert(escrowRecord(randomUUID())));
      assert.equal(await countRows(db, 'escrow_records', 'subscriber_id = $1', [id]), 1);
    });

    it('retires a record with a reason; a second retirement keeps the first instant', async () => {
      const id = await person();
      const record = escrowRecord(id, { status: 'current', pastReason: null, retiredAt: null });
      await store.read.escrow.insert(record);
      await store.read.escrow.retire(record.id, { reason: 'rekeyed', at: new Date(T0 + 5) });
      assert.deepEqual(await store.read.escrow.findById(record.id), { ...record, status: 'past', pastReason: 'rekeyed', retiredAt: new Date(T0 + 5) });
      await store.read.escrow.retire(record.id, { reason: 'compromised', at: new Date(T0 + 9) });
      assert.deepEqual(await store.read.escrow.findById(record.id), { ...record, status: 'past', pastReason: 'compromised', retiredAt: new Date(T0 + 5) });
      assert.equal(await store.read.escrow.findCurrent(id), null);
    });

    it('re-wraps only from the expected KRA key, and lists and counts what is left, oldest first', async () => {
      const id = await person();
      const kra = `kra-${hex(4)}`;
      const records = [escrowRecord(id), escrowRecord(id), escrowRecord(id, { kraKeyId: kra })];
      for (const r of records) await store.read.escrow.insert(r);
      const before = await store.read.escrow.countNotWrappedBy(kra);
      const wrapped = randomBytes(384);
      assert.equal(await store.read.escrow.rewrap(records[0]!.id, { fromKraKeyId: 'kra-1', toKraKeyId: kra, wrappedKey: wrapped }), true);
      assert.equal(await store.read.escrow.rewrap(records[0]!.id, { fromKraKeyId: 'kra-1', toKraKeyId: kra, wrappedKey: randomBytes(384) }), false, 'not twice');
      const found = await store.read.escrow.findById(records[0]!.id);
      assert.deepEqual(found, { ...records[0]!, kraKeyId: kra, wrappedKey: wrapped });
      assert.equal(await store.read.escrow.countNotWrappedBy(kra), before - 1);
      const left = await store.read.escrow.listNotWrappedBy(kra, 1000);
      assert.ok(left.some((r) => r.id === records[1]!.id));
      assert.ok(!left.some((r) => r.id === records[0]!.id || r.id === records[2]!.id));
      assert.equal((await store.read.escrow.listNotWrappedBy(kra, 1)).length, 1);
    });

    it('records an export once, even inside a transaction that goes on', async () => {
      const approval = randomUUID();
      await store.read.escrow.recordExport(approval, { at: new Date(T0), by: 'op-1' });
      await rejectsWithCode(store.read.escrow.recordExport(approval, { at: new Date(T0 + 1), by: 'op-2' }), 'escrow.already-exported');
      const other = randomUUID();
      await store.transaction(async (tx) => {
        await rejectsWithCode(tx.escrow.recordExport(approval, { at: new Date(T0 + 2), by: 'op-3' }), 'escrow.already-exported');
        await tx.escrow.recordExport(other, { at: new Date(T0 + 3), by: 'op-3' });
      });
      assert.equal(await countRows(db, 'escrow_exports'), 2);
    });

    it('KRA keys: the newest active one, retiring the others', async () => {
      assert.equal(await store.read.kraKeys.active(), null);
      await store.read.kraKeys.insert({ keyId: 'a', status: 'active', createdAt: new Date(T0) });
      await store.read.kraKeys.insert({ keyId: 'b', status: 'active', createdAt: new Date(T0 + 1) });
      assert.equal((await store.read.kraKeys.active())?.keyId, 'b');
      await store.read.kraKeys.retireAllBut('b');
      assert.deepEqual((await store.read.kraKeys.list()).map((k) => [k.keyId, k.status]), [['a', 'retired'], ['b', 'active']]);
    });
  });
}
