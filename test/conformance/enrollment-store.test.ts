/**
 * The enrollment repositories' conformance suite, on every dialect (see store.test.ts): one-time
 * challenges (consumed once even by 20 racing transactions, locked after repeated failures, revoked
 * per person or device) and SCEP transactions (keyed by transactionID and requester key, CSR byte for
 * byte, a duplicate refused with nothing half-written).
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Store } from '../../src/adapters/db/store.js';
import type { Challenge, ScepTransaction } from '../../src/domain/enrollment/index.js';
import { CHALLENGE_MAX_FAILURES } from '../../src/domain/enrollment/index.js';
import type { Device } from '../../src/domain/subscribers/index.js';
import { DAY, T0, hex, subscriber } from './sample-records.js';
import { countRows, rejectsWithCode } from './store-assertions.js';
import type { TestDatabase, TestStore } from './test-databases.js';
import { dialectsUnderTest } from './test-databases.js';

function challenge(subscriberId: string, overrides: Partial<Challenge> = {}): Challenge {
  return {
    id: randomUUID(),
    subscriberId,
    deviceId: null,
    profile: 'smime-signing',
    secretHash: hex(32),
    status: 'open',
    failedAttempts: 0,
    createdBy: 'operator:alice',
    createdAt: new Date('2030-01-02T03:04:05.678Z'),
    expiresAt: new Date(T0 + DAY + 1),
    usedAt: null,
    ...overrides,
  };
}

function scepTransaction(subscriberId: string, overrides: Partial<ScepTransaction> = {}): ScepTransaction {
  return {
    transactionId: hex(20),
    requesterKeyHash: hex(32),
    profile: 'smime-signing',
    subscriberId,
    deviceId: null,
    status: 'pending',
    csr: Buffer.from([0x30, 0x82, 0x00, 0x00, 0xff, 0x00, 0x7f, 0x80, ...randomBytes(400)]),
    certificateSerial: null,
    approvalId: null,
    createdAt: new Date('2030-01-02T03:04:05.001Z'),
    updatedAt: new Date('2030-01-02T03:04:05.999Z'),
    ...overrides,
  };
}

for (const target of dialectsUnderTest) {
  describe(`enrollment store conformance: ${target.dialect}`, { skip: target.skip }, () => {
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

    /** A new subscriber with `devices` devices, stored. */
    async function person(devices = 0): Promise<{ id: string; devices: Device[] }> {
      const someone = subscriber();
      await store.read.subscribers.insert(someone);
      const list = Array.from({ length: devices }, (_, i): Device => ({
        id: randomUUID(), subscriberId: someone.id, name: `phone ${i}`, status: 'active', createdAt: new Date(T0 + i),
      }));
      for (const device of list) await store.read.devices.insert(device);
      return { id: someone.id, devices: list };
    }

    describe('challenges', () => {
      it('inserts and finds: every field, instants to the millisecond', async () => {
        const { id, devices } = await person(1);
        const plain = challenge(id);
        const used = challenge(id, {
          deviceId: devices[0]!.id, profile: 'smime-encryption', status: 'used', failedAttempts: 2, usedAt: new Date('2030-01-02T09:09:09.009Z'),
        });
        await store.read.challenges.insert(plain);
        await store.read.challenges.insert(used);
        assert.deepEqual(await store.read.challenges.findById(plain.id), plain);
        assert.deepEqual(await store.read.challenges.findById(used.id), used);
        assert.equal((await store.read.challenges.findById(used.id))!.usedAt!.getTime(), used.usedAt!.getTime());
        assert.equal(await store.read.challenges.findById(randomUUID()), null);
      });

      it('refuses a challenge for an unknown subscriber or device (foreign keys)', async () => {
        const { id } = await person();
        await assert.rejects(store.read.challenges.insert(challenge(randomUUID())));
        await assert.rejects(store.read.challenges.insert(challenge(id, { deviceId: randomUUID() })));
        assert.equal(await countRows(db, 'challenges', 'subscriber_id = $1', [id]), 0);
      });

      it('consumes an open challenge once, recording when', async () => {
        const { id } = await person();
        const c = challenge(id);
        await store.read.challenges.insert(c);
        assert.equal(await store.read.challenges.consume(c.id, new Date(T0 + 100)), true);
        assert.equal(await store.read.challenges.consume(c.id, new Date(T0 + 200)), false);
        assert.deepEqual(await store.read.challenges.findById(c.id), { ...c, status: 'used', usedAt: new Date(T0 + 100) });
        assert.equal(await store.read.challenges.consume(randomUUID(), new Date(T0)), false);
      });

      it('20 concurrent transactions consuming one challenge: exactly one succeeds', async () => {
        const { id } = await person();
        const c = challenge(id);
        await store.read.challenges.insert(c);
        const instants = Array.from({ length: 20 }, (_, i) => new Date(T0 + 1000 + i));
        const results = await Promise.all(instants.map((at) => store.transaction(async (tx) => {
          await tx.challenges.findById(c.id); // the check-then-act pattern a use case would follow
          const consumed = await tx.challenges.consume(c.id, at);
          await sleep(5); // hold the row until commit, so the others must wait for it
          return consumed;
        })));
        assert.equal(results.filter(Boolean).length, 1);
        const found = await store.read.challenges.findById(c.id);
        assert.equal(found?.status, 'used');
        assert.deepEqual(found?.usedAt, instants[results.indexOf(true)]);
      });

      it('20 concurrent consumes outside transactions: exactly one succeeds', async () => {
        const { id } = await person();
        const c = challenge(id);
        await store.read.challenges.insert(c);
        const results = await Promise.all(Array.from({ length: 20 }, () => store.read.challenges.consume(c.id, new Date(T0))));
        assert.equal(results.filter(Boolean).length, 1);
      });

      it('counts wrong secrets and locks at the threshold; a locked challenge cannot be consumed', async () => {
        const { id } = await person();
        const c = challenge(id);
        await store.read.challenges.insert(c);
        for (let n = 1; n < CHALLENGE_MAX_FAILURES; n += 1) {
          assert.equal(await store.read.challenges.recordFailure(c.id, CHALLENGE_MAX_FAILURES), n);
          assert.equal((await store.read.challenges.findById(c.id))?.status, 'open', `open after ${n}`);
        }
        assert.equal(await store.read.challenges.recordFailure(c.id, CHALLENGE_MAX_FAILURES), CHALLENGE_MAX_FAILURES);
        assert.deepEqual(await store.read.challenges.findById(c.id), { ...c, status: 'locked', failedAttempts: CHALLENGE_MAX_FAILURES });
        assert.equal(await store.read.challenges.consume(c.id, new Date(T0)), false);
        assert.equal(await store.read.challenges.recordFailure(c.id, CHALLENGE_MAX_FAILURES), CHALLENGE_MAX_FAILURES + 1);
        const locked = await store.read.challenges.findById(c.id);
        assert.equal(locked?.status, 'locked');
        assert.equal(locked?.usedAt, null);
        assert.equal(await store.read.challenges.recordFailure(randomUUID(), CHALLENGE_MAX_FAILURES), 0);
      });

      it('counts every one of 20 concurrent failures and locks once the count reaches lockAt', async () => {
        const { id } = await person();
        const c = challenge(id);
        await store.read.challenges.insert(c);
        const counts = await Promise.all(Array.from({ length: 20 }, () => store.transaction(async (tx) => {
          const count = await tx.challenges.recordFailure(c.id, 5);
          await sleep(2);
          return count;
        })));
        assert.deepEqual([...counts].sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 1));
        assert.deepEqual(await store.read.challenges.findById(c.id), { ...c, status: 'locked', failedAttempts: 20 });
      });

      it('a failure on a used or revoked challenge is counted but does not relabel it locked', async () => {
        const { id } = await person();
        const used = challenge(id, { status: 'used', usedAt: new Date(T0), failedAttempts: 4 });
        const revoked = challenge(id, { status: 'revoked', failedAttempts: 4 });
        await store.read.challenges.insert(used);
        await store.read.challenges.insert(revoked);
        assert.equal(await store.read.challenges.recordFailure(used.id, 5), 5);
        assert.equal(await store.read.challenges.recordFailure(revoked.id, 5), 5);
        assert.equal((await store.read.challenges.findById(used.id))?.status, 'used');
        assert.equal((await store.read.challenges.findById(revoked.id))?.status, 'revoked');
      });

      it('revokes only the open challenges of that device, or of that person', async () => {
        const ada = await person(2);
        const bob = await person(1);
        const [phone, tablet] = ada.devices as [Device, Device];
        const onPhone = challenge(ada.id, { deviceId: phone.id });
        const onTablet = challenge(ada.id, { deviceId: tablet.id });
        const anyDevice = challenge(ada.id);
        const phoneUsed = challenge(ada.id, { deviceId: phone.id, status: 'used', usedAt: new Date(T0) });
        const phoneLocked = challenge(ada.id, { deviceId: phone.id, status: 'locked', failedAttempts: 5 });
        const bobs = challenge(bob.id, { deviceId: bob.devices[0]!.id });
        const all = [onPhone, onTablet, anyDevice, phoneUsed, phoneLocked, bobs];
        for (const c of all) await store.read.challenges.insert(c);
        const statuses = async () => Promise.all(all.map(async (c) => (await store.read.challenges.findById(c.id))?.status));

        assert.equal(await store.read.challenges.revokeOpen({ deviceId: phone.id }), 1);
        assert.deepEqual(await statuses(), ['revoked', 'open', 'open', 'used', 'locked', 'open']);
        assert.equal(await store.read.challenges.revokeOpen({ deviceId: phone.id }), 0);
        assert.equal(await store.read.challenges.revokeOpen({ subscriberId: ada.id, deviceId: bob.devices[0]!.id }), 0);
        assert.equal(await store.read.challenges.revokeOpen({ subscriberId: ada.id }), 2);
        assert.deepEqual(await statuses(), ['revoked', 'revoked', 'revoked', 'used', 'locked', 'open']);
        assert.equal(await store.read.challenges.consume(onTablet.id, new Date(T0)), false, 'a revoked challenge cannot be consumed');
        assert.equal(await store.read.challenges.revokeOpen({ subscriberId: bob.id, deviceId: bob.devices[0]!.id }), 1);
        await assert.rejects(store.read.challenges.revokeOpen({}), /subscriberId or a deviceId/);
      });

      it("lists a person's challenges newest first, and only theirs", async () => {
        const ada = await person();
        const bob = await person();
        const mine = [3, 1, 2].map((i) => challenge(ada.id, { createdAt: new Date(T0 + i * 1000 + 7) }));
        for (const c of mine) await store.read.challenges.insert(c);
        await store.read.challenges.insert(challenge(bob.id));
        const expected = [...mine].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
        assert.deepEqual(await store.read.challenges.listBySubscriber(ada.id), expected);
        assert.deepEqual(await store.read.challenges.listBySubscriber(randomUUID()), []);
      });
    });

    describe('SCEP transactions', () => {
      it('inserts and finds by transaction id and requester key: every field, the CSR byte for byte', async () => {
        const { id, devices } = await person(1);
        const pending = scepTransaction(id);
        const issued = scepTransaction(id, {
          deviceId: devices[0]!.id, status: 'issued', certificateSerial: hex(16), approvalId: randomUUID(),
        });
        await store.read.scepTransactions.insert(pending);
        await store.read.scepTransactions.insert(issued);
        const found = await store.read.scepTransactions.find(pending.transactionId, pending.requesterKeyHash);
        assert.deepEqual(found, pending);
        assert.ok(found!.csr.equals(pending.csr));
        assert.deepEqual(await store.read.scepTransactions.find(issued.transactionId, issued.requesterKeyHash), issued);
        assert.equal(await store.read.scepTransactions.find(pending.transactionId, hex(32)), null, 'another key does not find it');
        assert.equal(await store.read.scepTransactions.find(hex(20), pending.requesterKeyHash), null);
      });

      it('refuses the same (transaction id, requester key) with scep.transaction-exists and writes nothing', async () => {
        const { id } = await person();
        const first = scepTransaction(id);
        await store.read.scepTransactions.insert(first);
        const replay = { ...first, csr: randomBytes(50), status: 'rejected' as const };
        await rejectsWithCode(store.read.scepTransactions.insert(replay), 'scep.transaction-exists', new RegExp(first.transactionId));
        await rejectsWithCode(store.transaction((tx) => tx.scepTransactions.insert(replay)), 'scep.transaction-exists');
        assert.equal(await countRows(db, 'scep_transactions', 'transaction_id = $1', [first.transactionId]), 1);
        assert.deepEqual(await store.read.scepTransactions.find(first.transactionId, first.requesterKeyHash), first);
        const otherKey = { ...first, requesterKeyHash: hex(32) };
        await store.read.scepTransactions.insert(otherKey);
        assert.deepEqual(await store.read.scepTransactions.find(otherKey.transactionId, otherKey.requesterKeyHash), otherKey, 'the same id from another key is another transaction');
      });

      it('a duplicate caught inside a transaction leaves the transaction usable', async () => {
        const { id } = await person();
        const first = scepTransaction(id);
        const next = scepTransaction(id);
        await store.read.scepTransactions.insert(first);
        await store.transaction(async (tx) => {
          await rejectsWithCode(tx.scepTransactions.insert(first), 'scep.transaction-exists');
          await tx.scepTransactions.insert(next);
        });
        assert.deepEqual(await store.read.scepTransactions.find(next.transactionId, next.requesterKeyHash), next);
      });

      it('refuses a transaction for an unknown subscriber or device (foreign keys)', async () => {
        const { id } = await person();
        await assert.rejects(store.read.scepTransactions.insert(scepTransaction(randomUUID())));
        await assert.rejects(store.read.scepTransactions.insert(scepTransaction(id, { deviceId: randomUUID() })));
        assert.equal(await countRows(db, 'scep_transactions', 'subscriber_id = $1', [id]), 0);
      });

      it('finds the transaction an approval releases', async () => {
        const { id } = await person();
        const approvalId = randomUUID();
        const waiting = scepTransaction(id, { approvalId });
        await store.read.scepTransactions.insert(scepTransaction(id, { approvalId: randomUUID() }));
        await store.read.scepTransactions.insert(waiting);
        assert.deepEqual(await store.read.scepTransactions.findByApproval(approvalId), waiting);
        assert.equal(await store.read.scepTransactions.findByApproval(randomUUID()), null);
      });

      it('updates status, certificate serial and update instant; an omitted serial is kept, null clears it', async () => {
        const { id } = await person();
        const t = scepTransaction(id);
        const bystander = scepTransaction(id, { transactionId: t.transactionId });
        await store.read.scepTransactions.insert(t);
        await store.read.scepTransactions.insert(bystander);
        const key = [t.transactionId, t.requesterKeyHash] as const;
        const serial = hex(16);
        await store.read.scepTransactions.update(...key, { status: 'issued', certificateSerial: serial, updatedAt: new Date(T0 + 1) });
        assert.deepEqual(await store.read.scepTransactions.find(...key), { ...t, status: 'issued', certificateSerial: serial, updatedAt: new Date(T0 + 1) });
        await store.read.scepTransactions.update(...key, { status: 'rejected', updatedAt: new Date(T0 + 2) });
        assert.deepEqual(await store.read.scepTransactions.find(...key), { ...t, status: 'rejected', certificateSerial: serial, updatedAt: new Date(T0 + 2) });
        await store.read.scepTransactions.update(...key, { status: 'pending', certificateSerial: null, updatedAt: new Date(T0 + 3) });
        assert.deepEqual(await store.read.scepTransactions.find(...key), { ...t, updatedAt: new Date(T0 + 3) });
        assert.deepEqual(await store.read.scepTransactions.find(bystander.transactionId, bystander.requesterKeyHash), bystander);
      });
    });
  });
}
