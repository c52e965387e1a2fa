/**
 * The delivery repositories' conformance suite, on every dialect: enrollment links (every field back
 * exactly, newest first, used once even when two transactions race for it, revocation by person or
 * by device that leaves used links alone) and over-the-air sessions (attested once, the device's
 * latest attested session, revocation).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Store } from '../../src/adapters/db/store.js';
import type { EnrollmentLink, OtaSession } from '../../src/domain/delivery/index.js';
import { revokeEnrollmentLinks } from '../../src/domain/delivery/index.js';
import { DAY, T0, hex, subscriber } from './sample-records.js';
import type { TestDatabase, TestStore } from './test-databases.js';
import { dialectsUnderTest } from './test-databases.js';

const link = (subscriberId: string, overrides: Partial<EnrollmentLink> = {}): EnrollmentLink => ({
  id: hex(8), subscriberId, deviceId: null, secretHash: hex(32), status: 'open', createdBy: 'operator:o1', createdAt: new Date(T0),
  expiresAt: new Date(T0 + 7 * DAY), usedAt: null, mailedAt: null, ...overrides,
});

const session = (subscriberId: string, deviceId: string, overrides: Partial<OtaSession> = {}): OtaSession => ({
  id: hex(8), subscriberId, deviceId, secretHash: hex(32), status: 'open', udid: null, product: null, osVersion: null,
  createdAt: new Date(T0), expiresAt: new Date(T0 + 3_600_000), attestedAt: null, deliveredAt: null, ...overrides,
});

for (const target of dialectsUnderTest) {
  describe(`delivery store conformance: ${target.dialect}`, { skip: target.skip }, () => {
    let database: TestDatabase;
    let db: TestStore;
    let store: Store;

    before(async () => {
      database = target.database();
      db = await database.fresh();
      store = db.store;
    });
    after(async () => database?.cleanup());

    async function personWithDevice(): Promise<{ subscriberId: string; deviceId: string }> {
      const someone = subscriber();
      await store.read.subscribers.insert(someone);
      const deviceId = randomUUID();
      await store.read.devices.insert({ id: deviceId, subscriberId: someone.id, name: 'phone', status: 'active', createdAt: new Date(T0) });
      return { subscriberId: someone.id, deviceId };
    }

    it('links: every field back, newest first, mailed', async () => {
      const { subscriberId, deviceId } = await personWithDevice();
      const older = link(subscriberId);
      const newer = link(subscriberId, { deviceId, createdAt: new Date(T0 + 1000), mailedAt: null });
      await store.read.enrollmentLinks.insert(older);
      await store.read.enrollmentLinks.insert(newer);
      assert.deepEqual(await store.read.enrollmentLinks.findById(older.id), older);
      await store.read.enrollmentLinks.markMailed(newer.id, new Date(T0 + 2000));
      assert.deepEqual(await store.read.enrollmentLinks.listBySubscriber(subscriberId), [{ ...newer, mailedAt: new Date(T0 + 2000) }, older]);
      assert.equal(await store.read.enrollmentLinks.findById('missing'), null);
    });

    it('a link is used once, even when two transactions race for it', async () => {
      const { subscriberId, deviceId } = await personWithDevice();
      const open = link(subscriberId);
      await store.read.enrollmentLinks.insert(open);
      const at = new Date(T0 + DAY);
      const results = await Promise.all([1, 2].map(() => store.transaction((tx) => tx.enrollmentLinks.markUsed(open.id, { at, deviceId }))));
      assert.deepEqual(results.sort(), [false, true]);
      assert.deepEqual(await store.read.enrollmentLinks.findById(open.id), { ...open, status: 'used', usedAt: at, deviceId });
    });

    it('revocation by person or by device leaves used links and other people alone', async () => {
      const a = await personWithDevice();
      const b = await personWithDevice();
      const forDevice = link(a.subscriberId, { deviceId: a.deviceId });
      const unbound = link(a.subscriberId);
      const used = link(a.subscriberId, { status: 'used', usedAt: new Date(T0), deviceId: a.deviceId });
      const other = link(b.subscriberId);
      for (const l of [forDevice, unbound, used, other]) await store.read.enrollmentLinks.insert(l);
      const attested = session(a.subscriberId, a.deviceId, { status: 'attested', attestedAt: new Date(T0), udid: 'U1' });
      await store.read.otaSessions.insert(attested);
      const byDevice = await store.transaction((tx) => revokeEnrollmentLinks(tx, { subscriberId: a.subscriberId, deviceId: a.deviceId }));
      assert.deepEqual(byDevice, { links: [forDevice.id], otaSessions: 1 });
      const byPerson = await store.transaction((tx) => revokeEnrollmentLinks(tx, { subscriberId: a.subscriberId }));
      assert.deepEqual(byPerson, { links: [unbound.id], otaSessions: 0 });
      assert.equal((await store.read.enrollmentLinks.findById(used.id))?.status, 'used');
      assert.equal((await store.read.enrollmentLinks.findById(other.id))?.status, 'open');
      assert.equal(await store.read.otaSessions.findLatestForDevice(a.deviceId), null, 'a revoked session no longer counts');
    });

    it('over-the-air sessions: attested once with the device attributes, then delivered', async () => {
      const { subscriberId, deviceId } = await personWithDevice();
      const open = session(subscriberId, deviceId);
      await store.read.otaSessions.insert(open);
      assert.deepEqual(await store.read.otaSessions.findById(open.id), open);
      assert.equal(await store.read.otaSessions.findLatestForDevice(deviceId), null, 'an open session is not attested yet');
      const change = { at: new Date(T0 + 1000), udid: '00008110-0001', product: 'iPhone15,2', osVersion: '21F90' };
      assert.equal(await store.read.otaSessions.markAttested(open.id, change), true);
      assert.equal(await store.read.otaSessions.markAttested(open.id, change), false, 'a replay');
      const attested = { ...open, status: 'attested' as const, attestedAt: change.at, udid: change.udid, product: change.product, osVersion: change.osVersion };
      assert.deepEqual(await store.read.otaSessions.findLatestForDevice(deviceId), attested);
      await store.read.otaSessions.markDelivered(open.id, new Date(T0 + 2000));
      assert.deepEqual(await store.read.otaSessions.findLatestForDevice(deviceId), { ...attested, status: 'delivered', deliveredAt: new Date(T0 + 2000) });
    });
  });
}
