/**
 * The revocation repositories' conformance suite, on every dialect: a revocation flips the inventory
 * row and logs it exactly once (a second or raced one changes nothing), the log is read back per issuer
 * in seq order from a given seq with expired entries left out, `latestSeq` per issuer and overall, the
 * status of a serial without its DER, and the cRLNumber sequence with saves that never go backwards.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Store } from '../../src/adapters/db/store.js';
import type { CertificateRecord } from '../../src/domain/inventory/index.js';
import type { PublishedCrl } from '../../src/domain/revocation/index.js';
import { DAY, T0, hex } from './sample-records.js';
import type { TestDatabase } from './test-databases.js';
import { dialectsUnderTest } from './test-databases.js';

function certificate(overrides: Partial<CertificateRecord> = {}): CertificateRecord {
  return {
    serial: hex(16), issuerId: 'issuing', subject: 'CN=Ada', emails: [], notBefore: new Date(T0 - DAY), notAfter: new Date(T0 + 365 * DAY),
    profile: 'smime-signing', status: 'valid', revokedAt: null, revocationReason: null, subscriberId: null, deviceId: null,
    fingerprint: hex(32), publicKeyHash: hex(32), der: randomBytes(200), createdAt: new Date(T0), ...overrides,
  };
}

for (const target of dialectsUnderTest) {
  describe(`revocation store conformance: ${target.dialect}`, { skip: target.skip }, () => {
    let database: TestDatabase;
    let store: Store;

    before(async () => {
      database = target.database();
      store = (await database.fresh()).store;
    });
    after(async () => database?.cleanup());

    const revoke = (record: CertificateRecord, at: Date, reason: 'keyCompromise' | 'unspecified' = 'keyCompromise') =>
      store.transaction((tx) => tx.revocations.revoke({ serial: record.serial, issuerId: record.issuerId, revokedAt: at, reason, notAfter: record.notAfter }));

    it('revokes once: the inventory row and the log change together; a second revocation changes nothing', async () => {
      const record = certificate();
      await store.read.certificates.insert(record);
      const at = new Date(T0 + 1234);
      assert.equal(await revoke(record, at), true);
      assert.equal(await revoke(record, new Date(T0 + 9999), 'unspecified'), false);
      const found = await store.read.certificates.findBySerial(record.serial);
      assert.deepEqual([found?.status, found?.revokedAt, found?.revocationReason], ['revoked', at, 'keyCompromise']);
      assert.deepEqual(await store.read.revocations.status(record.serial), { issuerId: 'issuing', status: 'revoked', revokedAt: at, reason: 'keyCompromise' });
      assert.equal(await store.read.revocations.status(hex(16)), null);
      assert.equal(await revoke(certificate(), at), false, 'a serial not in the inventory is not logged');
    });

    it('reads an issuer\'s entries in seq order, from a seq, without expired ones; latestSeq per issuer', async () => {
      const fresh = [certificate(), certificate(), certificate({ notAfter: new Date(T0 + DAY) }), certificate({ issuerId: 'root' })];
      for (const record of fresh) await store.read.certificates.insert(record);
      const before = await store.read.revocations.latestSeq();
      await revoke(fresh[0]!, new Date(T0 + 1000));
      await revoke(fresh[1]!, new Date(T0 + 2000), 'unspecified');
      await revoke(fresh[2]!, new Date(T0 + 3000));
      await revoke(fresh[3]!, new Date(T0 + 4000));
      const latest = await store.read.revocations.latestSeq();
      assert.ok(latest > before);
      assert.equal(await store.read.revocations.latestSeq('root'), latest);
      assert.ok((await store.read.revocations.latestSeq('issuing')) < latest);
      assert.equal(await store.read.revocations.latestSeq('nobody'), 0);
      const entries = await store.read.revocations.entries('issuing', { afterSeq: before, notExpiredAt: new Date(T0 + 2 * DAY), limit: 10 });
      assert.deepEqual(entries.map((e) => [e.serial, e.reasonCode, e.revokedAt.getTime()]), [
        [fresh[0]!.serial, 1, T0 + 1000], [fresh[1]!.serial, null, T0 + 2000],
      ]);
      assert.ok(entries[0]!.seq < entries[1]!.seq);
      const page = await store.read.revocations.entries('issuing', { afterSeq: entries[0]!.seq, notExpiredAt: new Date(T0), limit: 1 });
      assert.deepEqual(page.map((e) => e.serial), [fresh[1]!.serial]);
      assert.deepEqual((await store.read.revocations.revokedSince(before, 10)).map((r) => r.serial), fresh.map((r) => r.serial));
    });

    it('numbers CRLs in one sequence per issuer and never stores an older CRL over a newer one', async () => {
      const one = await store.transaction((tx) => tx.crlState.nextNumber('ca-x'));
      const two = await store.transaction((tx) => tx.crlState.nextNumber('ca-x'));
      assert.deepEqual([one, two], [1, 2]);
      assert.equal(await store.transaction((tx) => tx.crlState.nextNumber('ca-y')), 1);
      const crl = (kind: 'full' | 'delta', number: number): PublishedCrl => ({
        kind, issuerId: 'ca-x', number, thisUpdate: new Date(T0), nextUpdate: new Date(T0 + 7 * DAY), coversSeq: number * 10, der: randomBytes(64),
      });
      const full = crl('full', 2);
      assert.equal(await store.read.crlState.save(full), true);
      assert.equal(await store.read.crlState.save(crl('full', 1)), false);
      const delta = crl('delta', 2);
      assert.equal(await store.read.crlState.save(delta), true);
      const state = await store.read.crlState.find('ca-x');
      assert.deepEqual(state, { issuerId: 'ca-x', lastNumber: 2, full, delta });
      assert.deepEqual(await store.read.crlState.numbers('ca-x'), { full: 2, delta: 2 });
      assert.equal(await store.read.crlState.find('ca-z'), null);
    });

    it('keeps one signed shard per CA and shard: the first of a number wins, a newer number replaces it', async () => {
      const shard = (number: number, k: number) => ({
        kind: 'full' as const, issuerId: 'ca-s', shard: k, number, thisUpdate: new Date(T0), nextUpdate: new Date(T0 + 7 * DAY), coversSeq: number * 10, der: randomBytes(48),
      });
      assert.equal(await store.read.crlState.findShard('ca-s', 0), null);
      const first = shard(3, 0);
      assert.equal(await store.read.crlState.saveShard(first), true);
      assert.equal(await store.read.crlState.saveShard(shard(3, 0)), false, 'a second signing of the same number is not stored');
      assert.equal(await store.read.crlState.saveShard(shard(2, 0)), false, 'nor an older one');
      assert.deepEqual(await store.read.crlState.findShard('ca-s', 0), first);
      const other = shard(3, 1);
      assert.equal(await store.read.crlState.saveShard(other), true);
      const newer = shard(4, 0);
      assert.equal(await store.read.crlState.saveShard(newer), true);
      assert.deepEqual(await store.read.crlState.findShard('ca-s', 0), newer);
      assert.deepEqual(await store.read.crlState.findShard('ca-s', 1), other);
    });
  });
}
