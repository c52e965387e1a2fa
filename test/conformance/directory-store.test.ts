/**
 * The directory repositories' conformance suite, on every dialect: the publication outbox (due order,
 * backoff, closing by id only while pending, so an intent is never delivered twice), the published
 * values (bytes exactly, per entry and attribute, expired ones found by notAfter), the directory links
 * (one per person and per DN, seen/unseen, leavers), and a subscriber's profile replaced by a sync
 * (a mailbox of somebody else refused).
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Store } from '../../src/adapters/db/store.js';
import type { DirectoryLink } from '../../src/domain/directory/index.js';
import type { PublicationIntent, PublishedValue } from '../../src/domain/publication/index.js';
import { subscriber } from './sample-records.js';
import { rejectsWithCode } from './store-assertions.js';
import type { TestDatabase, TestStore } from './test-databases.js';
import { dialectsUnderTest } from './test-databases.js';

const at = (iso: string) => new Date(iso);

function intent(subscriberId: string, nextAttemptAt: Date, overrides: Partial<PublicationIntent> = {}): PublicationIntent {
  return {
    id: randomUUID(), subscriberId, reason: 'issued', status: 'pending', attempts: 0, nextAttemptAt, createdAt: at('2030-01-01T00:00:00.000Z'),
    deliveredAt: null, lastError: null, ...overrides,
  };
}

function published(subscriberId: string, overrides: Partial<PublishedValue> = {}): PublishedValue {
  const value = Buffer.from([0x30, 0x00, 0xff, ...randomBytes(900)]);
  return {
    subscriberId, entryDn: 'uid=a,ou=people,dc=example,dc=test', attribute: 'userCertificate;binary',
    valueHash: createHash('sha256').update(value).digest('hex'), value, certificateSerial: randomBytes(16).toString('hex'),
    notAfter: at('2031-01-01T00:00:00.123Z'), publishedAt: at('2030-01-01T00:00:00.456Z'), ...overrides,
  };
}

for (const target of dialectsUnderTest) {
  describe(`directory store conformance: ${target.dialect}`, { skip: target.skip }, () => {
    let database: TestDatabase;
    let db: TestStore;
    let store: Store;

    before(async () => {
      database = target.database();
      db = await database.fresh();
      store = db.store;
    });
    after(async () => database?.cleanup());

    it('outbox: due intents oldest first; a failure moves the next attempt; closing is by id and once', async () => {
      const outbox = store.read.publicationOutbox;
      const later = intent('s1', at('2030-01-01T00:05:00.000Z'));
      const first = intent('s2', at('2030-01-01T00:01:00.000Z'));
      const future = intent('s3', at('2030-01-02T00:00:00.000Z'));
      for (const i of [later, first, future]) await outbox.insert(i);
      assert.deepEqual(await outbox.listDue(at('2030-01-01T01:00:00.000Z'), 10), [first, later]);
      assert.deepEqual((await outbox.listDue(at('2030-01-01T01:00:00.000Z'), 1)).map((i) => i.id), [first.id]);
      await outbox.markFailed(first.id, { attempts: 1, nextAttemptAt: at('2030-01-01T02:00:00.000Z'), error: 'directory unreachable' });
      assert.deepEqual((await outbox.listDue(at('2030-01-01T01:00:00.000Z'), 10)).map((i) => i.id), [later.id]);
      await outbox.markDelivered([later.id], { at: at('2030-01-01T01:00:00.000Z'), note: null });
      assert.equal(await outbox.countPending(), 2);
      await outbox.markFailed(later.id, { attempts: 9, nextAttemptAt: at('2029-01-01T00:00:00.000Z'), error: 'late' });
      assert.deepEqual(await outbox.listDue(at('2030-01-03T00:00:00.000Z'), 10), [
        { ...first, attempts: 1, nextAttemptAt: at('2030-01-01T02:00:00.000Z'), lastError: 'directory unreachable' }, future,
      ], 'a delivered intent is never due again, even if a late failure is recorded');
    });

    it('published values: bytes exactly, one row per entry, attribute and value; expired ones by notAfter', async () => {
      const values = store.read.publishedValues;
      const a = published('p1');
      const b = published('p1', { attribute: 'userSMIMECertificate', notAfter: at('2030-06-01T00:00:00.000Z') });
      const c = published('p2', { notAfter: at('2030-03-01T00:00:00.000Z') });
      for (const v of [a, b, c]) await values.insert(v);
      await values.insert(a);
      assert.deepEqual(await values.listBySubscriber('p1'), [a, b]);
      assert.deepEqual((await values.subscribersWithExpired(at('2030-04-01T00:00:00.000Z'), 10)).sort(), ['p2']);
      assert.deepEqual((await values.subscribersWithExpired(at('2030-07-01T00:00:00.000Z'), 10)).sort(), ['p1', 'p2']);
      await values.delete(b);
      assert.deepEqual(await values.listBySubscriber('p1'), [a]);
    });

    it('links: one per person and per DN; unseen since a sync; leavers', async () => {
      const people = [subscriber(), subscriber(), subscriber()];
      for (const p of people) await store.read.subscribers.insert(p);
      const link = (i: number, overrides: Partial<DirectoryLink> = {}): DirectoryLink => ({
        subscriberId: people[i]!.id, entryDn: `uid=p${i},ou=people,dc=example,dc=test`, loginName: `p${i}`, department: null, disabled: false,
        lastSeenAt: at('2030-01-01T00:00:00.000Z'), leaverReason: null, leaverSince: null, ...overrides,
      });
      for (const i of [0, 1, 2]) await store.read.directoryLinks.save(link(i));
      const moved = link(0, { entryDn: 'uid=renamed,ou=people,dc=example,dc=test', department: 'Sales', disabled: true, leaverReason: 'disabled', leaverSince: at('2030-01-02T00:00:00.000Z') });
      await store.read.directoryLinks.save(moved);
      assert.deepEqual(await store.read.directoryLinks.findBySubscriber(people[0]!.id), moved);
      assert.deepEqual(await store.read.directoryLinks.findByDn('uid=renamed,ou=people,dc=example,dc=test'), moved);
      assert.equal(await store.read.directoryLinks.findByDn('uid=p0,ou=people,dc=example,dc=test'), null);
      await assert.rejects(store.read.directoryLinks.save(link(2, { entryDn: moved.entryDn })), 'one person per DN');
      await store.read.directoryLinks.touch([people[1]!.id], at('2030-02-01T00:00:00.000Z'));
      assert.deepEqual((await store.read.directoryLinks.listNotSeenSince(at('2030-02-01T00:00:00.000Z'))).map((l) => l.subscriberId), [people[2]!.id]);
      assert.deepEqual(await store.read.directoryLinks.listLeavers(), [moved]);
    });

    it('a sync replaces name and mailboxes; a mailbox of somebody else is refused and nothing changes', async () => {
      const one = subscriber();
      const other = subscriber();
      await store.read.subscribers.insert(one);
      await store.read.subscribers.insert(other);
      const mailboxes = [{ address: `new-${one.id}@example.test`, primary: true }, { address: one.mailboxes[0]!.address, primary: false }];
      await store.read.subscribers.updateProfile(one.id, { displayName: 'Renamed', mailboxes });
      const found = await store.read.subscribers.findById(one.id);
      assert.equal(found?.displayName, 'Renamed');
      assert.deepEqual(found?.mailboxes, mailboxes);
      await rejectsWithCode(store.transaction((tx) => tx.subscribers.updateProfile(one.id, { displayName: 'X', mailboxes: [other.mailboxes[0]!] })), 'mailbox.taken');
      assert.deepEqual((await store.read.subscribers.findById(one.id))?.mailboxes, mailboxes);
    });
  });
}
