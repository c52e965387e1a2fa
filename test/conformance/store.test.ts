/**
 * The storage conformance suite: one set of tests, run against every dialect (SQLite always;
 * PostgreSQL when MCMS_TEST_DATABASE_URL is set), so that the domain sees the same behaviour from
 * either: round trips to the millisecond and the byte, unique keys as domain errors with nothing
 * half-written, rollback, keyset pagination under filters, and an audit chain that stays linear when
 * many transactions (and processes) append at once.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Store } from '../../src/adapters/db/store.js';
import type { Operator } from '../../src/domain/access/index.js';
import type { Actor } from '../../src/domain/audit/index.js';
import { GENESIS_HASH, recordAuditEvent, verifyAuditChain } from '../../src/domain/audit/index.js';
import type { CaIdentity } from '../../src/domain/ca/index.js';
import { DomainError } from '../../src/domain/errors.js';
import type { CertificateFilter, CertificateRecord } from '../../src/domain/inventory/index.js';
import type { Device, Subscriber } from '../../src/domain/subscribers/index.js';
import { DAY, T0, address, hex, subscriber } from './sample-records.js';
import { countRows, rejectsWithCode, walk } from './store-assertions.js';
import type { TestDatabase, TestStore } from './test-databases.js';
import { dialectsUnderTest } from './test-databases.js';

const clock = { now: () => new Date() };
const actor: Actor = { kind: 'system', id: 'test', name: 'test' };

function certificate(overrides: Partial<CertificateRecord> = {}): CertificateRecord {
  return {
    serial: hex(16),
    issuerId: 'issuing',
    subject: 'CN=Ada Lovelace',
    emails: [],
    notBefore: new Date(T0 - DAY),
    notAfter: new Date(T0 + 365 * DAY),
    profile: 'smime-signing',
    status: 'valid',
    revokedAt: null,
    revocationReason: null,
    subscriberId: null,
    deviceId: null,
    fingerprint: hex(32),
    publicKeyHash: hex(32),
    der: randomBytes(300),
    createdAt: new Date(T0 + 123),
    ...overrides,
  };
}

function operator(overrides: Partial<Operator> = {}): Operator {
  return { id: randomUUID(), name: `op-${hex(4)}`, role: 'officer', status: 'active', createdAt: new Date(T0 + 7), ...overrides };
}

for (const target of dialectsUnderTest) {
  describe(`store conformance: ${target.dialect}`, { skip: target.skip }, () => {
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

    it('reports its dialect', () => {
      assert.equal(store.dialect, target.dialect);
    });

    describe('subscribers', () => {
      it('inserts and finds by id and by any mailbox, in any case, with mailboxes in order', async () => {
        const person = subscriber({
          displayName: null,
          mailboxes: [{ address: address('main'), primary: true }, { address: address('b'), primary: false }, { address: address('c'), primary: false }],
        });
        await store.read.subscribers.insert(person);
        assert.deepEqual(await store.read.subscribers.findById(person.id), person);
        assert.deepEqual(await store.read.subscribers.findByMailbox(person.mailboxes[2]!.address.toUpperCase()), person);
        assert.equal(await store.read.subscribers.findById(randomUUID()), null);
        assert.equal(await store.read.subscribers.findByMailbox(address('nobody')), null);
      });

      it('stores mailbox addresses in lower case', async () => {
        const mixed = `Mixed.Case-${hex(3)}@Example.ORG`;
        const person = subscriber({ mailboxes: [{ address: mixed, primary: true }] });
        await store.read.subscribers.insert(person);
        const found = await store.read.subscribers.findByMailbox(mixed.toLowerCase());
        assert.equal(found?.mailboxes[0]?.address, mixed.toLowerCase());
      });

      it('refuses a taken mailbox with mailbox.taken and writes nothing of the new person', async () => {
        const first = subscriber();
        await store.read.subscribers.insert(first);
        const taken = first.mailboxes[0]!.address;
        const fresh = address('fresh');
        const second = subscriber({ mailboxes: [{ address: fresh, primary: true }, { address: taken.toUpperCase(), primary: false }] });
        await rejectsWithCode(store.read.subscribers.insert(second), 'mailbox.taken', new RegExp(`mailbox ${taken} belongs to another subscriber`));
        assert.equal(await store.read.subscribers.findById(second.id), null);
        assert.equal(await store.read.subscribers.findByMailbox(fresh), null);
        assert.equal(await countRows(db, 'subscribers', 'id = $1', [second.id]), 0);
        assert.deepEqual(await store.read.subscribers.findByMailbox(taken), first);
      });

      it('inside a transaction, a taken second mailbox leaves no subscriber row', async () => {
        const first = subscriber();
        await store.read.subscribers.insert(first);
        const second = subscriber({ mailboxes: [{ address: address('x'), primary: true }, { address: first.mailboxes[0]!.address, primary: false }] });
        await rejectsWithCode(store.transaction((tx) => tx.subscribers.insert(second)), 'mailbox.taken');
        assert.equal(await countRows(db, 'subscribers', 'id = $1', [second.id]), 0);
        assert.equal(await countRows(db, 'mailboxes', 'subscriber_id = $1', [second.id]), 0);
      });

      it('a mailbox.taken caught inside a transaction leaves the transaction usable and nothing half-written', async () => {
        const first = subscriber();
        await store.read.subscribers.insert(first);
        const clash = subscriber({ mailboxes: [{ address: address('y'), primary: true }, { address: first.mailboxes[0]!.address, primary: false }] });
        const other = subscriber();
        await store.transaction(async (tx) => {
          await rejectsWithCode(tx.subscribers.insert(clash), 'mailbox.taken');
          await tx.subscribers.insert(other);
        });
        assert.equal(await store.read.subscribers.findById(clash.id), null);
        assert.equal(await countRows(db, 'mailboxes', 'subscriber_id = $1', [clash.id]), 0);
        assert.deepEqual(await store.read.subscribers.findById(other.id), other);
      });

      it('the same address twice in one subscriber is mailbox.taken', async () => {
        const twice = address('twice');
        const person = subscriber({ mailboxes: [{ address: twice, primary: true }, { address: twice, primary: false }] });
        await rejectsWithCode(store.read.subscribers.insert(person), 'mailbox.taken');
        assert.equal(await store.read.subscribers.findById(person.id), null);
      });

      it('updates the status', async () => {
        const person = subscriber();
        await store.read.subscribers.insert(person);
        await store.read.subscribers.updateStatus(person.id, 'disabled');
        assert.equal((await store.read.subscribers.findById(person.id))?.status, 'disabled');
      });

      it('lists newest first across pages, with and without a status filter', async () => {
        const own = await database.fresh();
        const people: Subscriber[] = [];
        for (let i = 0; i < 11; i += 1) {
          const person = subscriber({ status: i % 3 === 0 ? 'disabled' : 'active' });
          await own.store.read.subscribers.insert(person);
          people.push(person);
        }
        const newestFirst = [...people].reverse();
        const all = await walk((cursor) => own.store.read.subscribers.list({}, { cursor, limit: 4 }), 4);
        assert.deepEqual(all, newestFirst);
        const disabled = await walk((cursor) => own.store.read.subscribers.list({ status: 'disabled' }, { cursor, limit: 2 }), 2);
        assert.deepEqual(disabled, newestFirst.filter((p) => p.status === 'disabled'));
        const active = await walk((cursor) => own.store.read.subscribers.list({ status: 'active' }, { cursor, limit: 3 }), 3);
        assert.deepEqual(active.map((p) => p.id), newestFirst.filter((p) => p.status === 'active').map((p) => p.id));
        const exact = await own.store.read.subscribers.list({}, { limit: 11 });
        assert.equal(exact.items.length, 11);
        assert.equal(exact.nextCursor, null, 'no cursor when the last page is exactly full');
      });

      it('refuses a cursor it did not make', async () => {
        await assert.rejects(store.read.subscribers.list({}, { cursor: 'not-a-cursor', limit: 5 }), DomainError);
      });
    });

    describe('devices', () => {
      it('inserts, finds by id and lists by subscriber in the order added', async () => {
        const person = subscriber();
        await store.read.subscribers.insert(person);
        const devices: Device[] = [0, 1, 2].map((i) => ({
          id: randomUUID(), subscriberId: person.id, name: `phone ${i}`, status: i === 1 ? 'lost' : 'active', createdAt: new Date(T0 + i * 1000 + 1),
        }));
        for (const device of [devices[2]!, devices[0]!, devices[1]!]) await store.read.devices.insert(device);
        assert.deepEqual(await store.read.devices.findById(devices[1]!.id), devices[1]);
        assert.equal(await store.read.devices.findById(randomUUID()), null);
        assert.deepEqual(await store.read.devices.listBySubscriber(person.id), devices);
        assert.deepEqual(await store.read.devices.listBySubscriber(randomUUID()), []);
      });

      it('refuses a device of an unknown subscriber (foreign key)', async () => {
        await assert.rejects(store.read.devices.insert({
          id: randomUUID(), subscriberId: randomUUID(), name: 'orphan', status: 'active', createdAt: new Date(T0),
        }));
      });
    });

    describe('certificates', () => {
      it('round-trips every field: dates to the millisecond, DER byte for byte, nulls', async () => {
        const person = subscriber();
        await store.read.subscribers.insert(person);
        const device: Device = { id: randomUUID(), subscriberId: person.id, name: 'phone', status: 'active', createdAt: new Date(T0) };
        await store.read.devices.insert(device);
        const der = Buffer.from([0x00, 0xff, 0x30, 0x82, 0x00, 0x00, 0x7f, 0x80, ...randomBytes(1000)]);
        const revoked = certificate({
          emails: [person.mailboxes[0]!.address, address('second')],
          notBefore: new Date('2029-12-31T23:59:59.001Z'),
          notAfter: new Date('2031-06-30T12:34:56.999Z'),
          status: 'revoked',
          revokedAt: new Date('2030-03-04T05:06:07.089Z'),
          revocationReason: 'keyCompromise',
          subscriberId: person.id,
          deviceId: device.id,
          der,
        });
        const plain = certificate();
        await store.read.certificates.insert(revoked);
        await store.read.certificates.insert(plain);
        const found = await store.read.certificates.findBySerial(revoked.serial);
        assert.deepEqual(found, revoked);
        assert.ok(found!.der.equals(der));
        assert.equal(found!.notAfter.getTime(), revoked.notAfter.getTime());
        assert.deepEqual(await store.read.certificates.findBySerial(plain.serial), plain);
        assert.equal(await store.read.certificates.findBySerial(hex(16)), null);
      });

      it('keeps one certificate_emails row per address for the search by e-mail', async () => {
        const emails = [address('one'), address('two')];
        const record = certificate({ emails });
        await store.read.certificates.insert(record);
        for (const email of emails) assert.equal(await countRows(db, 'certificate_emails', 'address = $1', [email]), 1);
      });

      it('refuses a taken serial with certificate.serial-taken and writes nothing', async () => {
        const original = certificate({ emails: [address('orig')] });
        await store.read.certificates.insert(original);
        const before = await countRows(db, 'certificates');
        const emailRows = await countRows(db, 'certificate_emails');
        const clash = certificate({ serial: original.serial, emails: [address('clash')] });
        await rejectsWithCode(store.read.certificates.insert(clash), 'certificate.serial-taken', new RegExp(original.serial));
        await rejectsWithCode(store.transaction((tx) => tx.certificates.insert(clash)), 'certificate.serial-taken');
        await rejectsWithCode(store.read.certificates.insert(original), 'certificate.serial-taken');
        assert.equal(await countRows(db, 'certificates'), before);
        assert.equal(await countRows(db, 'certificate_emails'), emailRows);
        assert.deepEqual(await store.read.certificates.findBySerial(original.serial), original);
      });

      it('lists newest first and counts, under every filter, across pages', async () => {
        const own = await database.fresh();
        const repo = own.store.read.certificates;
        const people = [subscriber(), subscriber()];
        for (const person of people) await own.store.read.subscribers.insert(person);
        const phone: Device = { id: randomUUID(), subscriberId: people[0]!.id, name: 'phone', status: 'active', createdAt: new Date(T0) };
        await own.store.read.devices.insert(phone);
        const records: CertificateRecord[] = [];
        for (let i = 0; i < 30; i += 1) {
          const record = certificate({
            subscriberId: i % 5 === 4 ? null : people[i % 2]!.id,
            deviceId: i % 4 === 0 ? phone.id : null,
            profile: i % 3 === 0 ? 'smime-encryption' : 'smime-signing',
            status: i % 7 === 0 ? 'revoked' : 'valid',
            notAfter: new Date(T0 + ((i * 11) % 30) * DAY),
          });
          if (record.deviceId) record.subscriberId = people[0]!.id;
          await repo.insert(record);
          records.push(record);
        }
        const newestFirst = [...records].reverse();
        const matches = (filter: CertificateFilter) => (r: CertificateRecord) =>
          (filter.subscriberId === undefined || r.subscriberId === filter.subscriberId)
          && (filter.deviceId === undefined || r.deviceId === filter.deviceId)
          && (filter.profile === undefined || r.profile === filter.profile)
          && (filter.status === undefined || r.status === filter.status)
          && (filter.notAfterBefore === undefined || r.notAfter.getTime() <= filter.notAfterBefore.getTime())
          && (filter.notAfterAfter === undefined || r.notAfter.getTime() > filter.notAfterAfter.getTime());
        const filters: CertificateFilter[] = [
          {},
          { status: 'revoked' },
          { status: 'valid' },
          { subscriberId: people[1]!.id },
          { deviceId: phone.id },
          { profile: 'smime-encryption' },
          { notAfterBefore: new Date(T0 + 10 * DAY) },
          { notAfterAfter: new Date(T0 + 10 * DAY) },
          { status: 'valid', notAfterAfter: new Date(T0 + 5 * DAY), notAfterBefore: new Date(T0 + 20 * DAY) },
          { subscriberId: people[0]!.id, profile: 'smime-signing', status: 'valid' },
          { subscriberId: randomUUID() },
        ];
        for (const filter of filters) {
          const expected = newestFirst.filter(matches(filter));
          for (const limit of [1, 4, 50]) {
            const listed = await walk((cursor) => repo.list(filter, { cursor, limit }), limit);
            assert.deepEqual(listed.map((r) => r.serial), expected.map((r) => r.serial), `list ${JSON.stringify(filter)} limit ${limit}`);
          }
          assert.equal(await repo.count(filter), expected.length, `count ${JSON.stringify(filter)}`);
        }
        const boundary = records[3]!.notAfter;
        assert.ok((await repo.list({ notAfterBefore: boundary }, { limit: 100 })).items.some((r) => r.serial === records[3]!.serial), 'notAfterBefore is inclusive');
        assert.ok(!(await repo.list({ notAfterAfter: boundary }, { limit: 100 })).items.some((r) => r.serial === records[3]!.serial), 'notAfterAfter is exclusive');
      });

      it('refuses a cursor it did not make with page.invalid-cursor', async () => {
        await rejectsWithCode(store.read.certificates.list({}, { cursor: 'bogus', limit: 5 }), 'page.invalid-cursor');
      });

      it('refuses a certificate of an unknown subscriber (foreign key)', async () => {
        await assert.rejects(store.read.certificates.insert(certificate({ subscriberId: randomUUID() })));
      });
    });

    describe('operators', () => {
      it('inserts and finds by token hash and by name; lists by name', async () => {
        const own = await database.fresh();
        const repo = own.store.read.operators;
        const bob = operator({ name: 'bob', role: 'admin' });
        const alice = operator({ name: 'alice', role: 'auditor' });
        await repo.insert(bob, 'hash-bob');
        await repo.insert(alice, 'hash-alice');
        assert.deepEqual(await repo.findByTokenHash('hash-bob'), bob);
        assert.deepEqual(await repo.findByName('alice'), alice);
        assert.equal(await repo.findByTokenHash('nope'), null);
        assert.equal(await repo.findByName('nope'), null);
        assert.deepEqual(await repo.list(), [alice, bob]);
      });

      it('refuses a taken name with operator.exists and writes nothing', async () => {
        const first = operator();
        await store.read.operators.insert(first, `h-${hex(8)}`);
        const clash = operator({ name: first.name });
        const clashHash = `h-${hex(8)}`;
        await rejectsWithCode(store.read.operators.insert(clash, clashHash), 'operator.exists');
        await rejectsWithCode(store.transaction((tx) => tx.operators.insert(clash, clashHash)), 'operator.exists');
        assert.equal(await store.read.operators.findByTokenHash(clashHash), null);
      });

      it('keeps token hashes unique', async () => {
        const hash = `h-${hex(8)}`;
        await store.read.operators.insert(operator(), hash);
        await assert.rejects(store.read.operators.insert(operator(), hash), (error) => !(error instanceof DomainError));
      });

      it('updates status and token hash; counts active operators by role', async () => {
        const own = await database.fresh();
        const repo = own.store.read.operators;
        const admins = [operator({ role: 'admin' }), operator({ role: 'admin' }), operator({ role: 'admin' })];
        for (const [i, admin] of admins.entries()) await repo.insert(admin, `admin-${i}`);
        await repo.insert(operator({ role: 'officer' }), 'officer');
        assert.equal(await repo.countActiveByRole('admin'), 3);
        await repo.updateStatus(admins[0]!.id, 'disabled');
        assert.equal(await repo.countActiveByRole('admin'), 2);
        assert.equal((await repo.findByName(admins[0]!.name))?.status, 'disabled');
        assert.equal(await repo.countActiveByRole('auditor'), 0);
        await repo.updateTokenHash(admins[1]!.id, 'rotated');
        assert.equal(await repo.findByTokenHash('admin-1'), null);
        assert.equal((await repo.findByTokenHash('rotated'))?.id, admins[1]!.id);
      });
    });

    describe('CA identities', () => {
      it('inserts, finds by id, finds the newest active one per role, lists oldest first', async () => {
        const own = await database.fresh();
        const repo = own.store.read.identities;
        const identity = (id: string, role: CaIdentity['role'], active: boolean, at: number): CaIdentity => ({
          id, role, issuerId: 'root', certificate: randomBytes(700), keyId: randomUUID(), active, createdAt: new Date(T0 + at),
        });
        const root = identity('root', 'root-ca', true, 1);
        const oldIssuing = identity('issuing-1', 'issuing-ca', true, 2);
        const newIssuing = identity('issuing-2', 'issuing-ca', true, 3);
        const retired = identity('issuing-3', 'issuing-ca', false, 4);
        for (const i of [retired, newIssuing, root, oldIssuing]) await repo.insert(i);
        assert.deepEqual(await repo.findById('root'), root);
        assert.equal(await repo.findById('nope'), null);
        assert.deepEqual(await repo.findActive('issuing-ca'), newIssuing);
        assert.equal(await repo.findActive('ocsp-signer'), null);
        assert.deepEqual(await repo.list(), [root, oldIssuing, newIssuing, retired]);
      });
    });

    describe('key blobs', () => {
      it('puts and gets a sealed key byte for byte', async () => {
        const blob = {
          id: randomUUID(), label: 'issuing 2030', algorithm: 'p-256', publicKey: randomBytes(91), sealed: randomBytes(167), createdAt: new Date(T0 + 999),
        };
        await store.keyBlobs.put(blob);
        assert.deepEqual(await store.keyBlobs.get(blob.id), blob);
        assert.equal(await store.keyBlobs.get(randomUUID()), null);
        await assert.rejects(store.keyBlobs.put(blob));
      });
    });

    describe('transactions', () => {
      it('return what the work returns and commit it', async () => {
        const person = subscriber();
        const result = await store.transaction(async (tx) => {
          await tx.subscribers.insert(person);
          return 42;
        });
        assert.equal(result, 42);
        assert.deepEqual(await store.read.subscribers.findById(person.id), person);
      });

      it('roll back every write when the work throws, and rethrow the same error', async () => {
        const person = subscriber();
        const op = operator();
        const record = certificate();
        const failure = new Error('stop here');
        await assert.rejects(store.transaction(async (tx) => {
          await tx.subscribers.insert(person);
          await tx.operators.insert(op, `h-${hex(8)}`);
          await tx.certificates.insert(record);
          assert.deepEqual(await tx.subscribers.findById(person.id), person, 'the transaction sees its own writes');
          throw failure;
        }), (error) => error === failure);
        assert.equal(await store.read.subscribers.findById(person.id), null);
        assert.equal(await store.read.operators.findByName(op.name), null);
        assert.equal(await store.read.certificates.findBySerial(record.serial), null);
      });
    });

    describe('audit trail', () => {
      it('starts at the genesis head and refuses to lock or append outside a transaction', async () => {
        const own = await database.fresh();
        assert.deepEqual(await own.store.read.audit.head(), { seq: 0, hash: GENESIS_HASH });
        await assert.rejects(own.store.read.audit.lockHead(), /inside a transaction/);
        assert.deepEqual(await own.store.read.audit.listAfter(0, 10), []);
      });

      it('locks the head, appends, moves the head and lists after a seq', async () => {
        const own = await database.fresh();
        const audit = own.store.read.audit;
        const first = await own.store.transaction(async (tx) => {
          assert.deepEqual(await tx.audit.lockHead(), { seq: 0, hash: GENESIS_HASH });
          return recordAuditEvent(tx.audit, clock, actor, {
            action: 'subscriber.add', target: 'ada@example.org', details: { id: 'x', list: [1, 'two', null], nested: { b: 2, a: 1 } },
          });
        });
        const second = await own.store.transaction((tx) => recordAuditEvent(tx.audit, clock, actor, { action: 'ca.init' }));
        assert.deepEqual(await audit.head(), { seq: 2, hash: second.hash });
        assert.equal(second.prevHash, first.hash);
        assert.deepEqual(await audit.listAfter(0, 10), [first, second]);
        assert.deepEqual(await audit.listAfter(1, 10), [second]);
        assert.deepEqual(await audit.listAfter(0, 1), [first]);
        assert.deepEqual(await audit.listAfter(2, 10), []);
        assert.equal((await audit.listAfter(0, 1))[0]!.at.getTime(), first.at.getTime());
        assert.deepEqual(await verifyAuditChain(audit), { ok: true, records: 2, findings: [] });
      });

      it('refuses an append that does not follow the head', async () => {
        const own = await database.fresh();
        await assert.rejects(own.store.transaction((tx) => tx.audit.append({
          seq: 5, at: new Date(), actor: 'system:test', action: 'x', target: null, details: {}, prevHash: GENESIS_HASH, hash: 'f'.repeat(64),
        })), /does not follow the head/);
        assert.deepEqual(await own.store.read.audit.head(), { seq: 0, hash: GENESIS_HASH });
        assert.deepEqual(await own.store.read.audit.listAfter(0, 10), []);
      });

      it('a rolled-back transaction leaves neither its record nor a moved head', async () => {
        const own = await database.fresh();
        await assert.rejects(own.store.transaction(async (tx) => {
          await recordAuditEvent(tx.audit, clock, actor, { action: 'doomed' });
          throw new Error('abort');
        }), /abort/);
        assert.deepEqual(await own.store.read.audit.head(), { seq: 0, hash: GENESIS_HASH });
        assert.deepEqual(await own.store.read.audit.listAfter(0, 10), []);
      });

      it('50 concurrent transactions append seqs 1..50, each linked to the one before', async () => {
        const own = await database.fresh();
        await Promise.all(Array.from({ length: 50 }, (_, i) => own.store.transaction(async (tx) => {
          await recordAuditEvent(tx.audit, clock, actor, { action: 'test.concurrent', target: `t${i}` });
          await tx.subscribers.findById(randomUUID()); // more work inside the lock, to let others interleave
        })));
        const records = await own.store.read.audit.listAfter(0, 100);
        assert.deepEqual(records.map((r) => r.seq), Array.from({ length: 50 }, (_, i) => i + 1));
        records.forEach((record, i) => assert.equal(record.prevHash, i === 0 ? GENESIS_HASH : records[i - 1]!.hash));
        assert.equal(new Set(records.map((r) => r.target)).size, 50);
        assert.deepEqual(await verifyAuditChain(own.store.read.audit), { ok: true, records: 50, findings: [] });
      });

      it('two processes appending at once chain one after the other (CLI beside a server)', async () => {
        const own = await database.fresh();
        const script = fileURLToPath(new URL('./append-audit-records.ts', import.meta.url));
        const url = own.store.dialect === 'sqlite' ? `sqlite:${own.location}` : process.env.MCMS_TEST_DATABASE_URL!;
        const schema = own.store.dialect === 'sqlite' ? '-' : own.location;
        const run = (name: string) => promisify(execFile)(process.execPath, ['--import', 'tsx', script, url, schema, '30', name], { timeout: 60_000 });
        const outputs = await Promise.all([run('cli'), run('server')]);
        for (const { stdout } of outputs) assert.equal(stdout.trim(), 'ok');
        const records = await own.store.read.audit.listAfter(0, 100);
        assert.deepEqual(records.map((r) => r.seq), Array.from({ length: 60 }, (_, i) => i + 1));
        assert.deepEqual(await verifyAuditChain(own.store.read.audit), { ok: true, records: 60, findings: [] });
      });
    });
  });
}
