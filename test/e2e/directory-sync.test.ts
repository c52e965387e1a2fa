/**
 * People in from a real OpenLDAP slapd: 1,000 generated entries (AD-style proxyAddresses and
 * userAccountControl on an auxiliary class) read in pages past the server's 500-entry limit; bad
 * entries — no mail, a mailbox that belongs to someone else, the same mailbox on two entries, invalid
 * UTF-8, an oversized name — are reported with their DN and skipped while the rest goes on. A second
 * sync sees changed names and addresses, disabled and deleted entries; a dry run before it changes
 * nothing. Leavers wait for an operator's confirmation, which disables them and takes their
 * published certificate out of the directory.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Principal } from '../../src/domain/access/index.js';
import { isDomainError } from '../../src/domain/errors.js';
import type { SyncSummary } from '../../src/domain/directory/index.js';
import { dialects, startInstance } from '../support/instance.js';
import type { TestInstance } from '../support/instance.js';
import { PEOPLE, ROOT_DN, ROOT_PASSWORD, startSlapd } from '../support/slapd.js';
import type { Slapd } from '../support/slapd.js';

const COUNT = 1000;
const id = (i: number) => `u${String(i).padStart(4, '0')}`;
const dn = (uid: string) => `uid=${uid},${PEOPLE}`;

function entry(uid: string, lines: string[]): string {
  return [`dn: ${dn(uid)}`, 'objectClass: inetOrgPerson', 'objectClass: mcmsTestAdUser', `uid: ${uid}`, `cn: ${uid}`, `sn: ${uid}`, ...lines, ''].join('\n');
}

function generated(i: number): string {
  const uid = id(i);
  return entry(uid, [`mail: ${uid}@example.test`, `displayName: User ${uid}`, 'userAccountControl: 512', `sAMAccountName: ${uid}`, `mcmsTestOctets: Dept ${i % 7}`]);
}

const BAD = [
  entry('bad-nomail', ['displayName: No Mail']),
  entry('bad-taken', ['mail: bad-taken@example.test', 'proxyAddresses: smtp:shared@example.test']),
  entry('dup-first', ['mail: dup@example.test']),
  entry('dup-second', ['mail: dup@example.test']),
  entry('bad-utf8', ['mail: bad-utf8@example.test', `mcmsTestOctets:: ${Buffer.from([0x52, 0xc3, 0x28, 0x44]).toString('base64')}`]),
  entry('bad-long', ['mail: bad-long@example.test', `displayName: ${'L'.repeat(100)}`]),
  entry('bad-mail', ['mail: not an address']),
];

const skippedDns = (summary: SyncSummary) => new Map(summary.skipped.map((s) => [s.dn, s.reason]));

for (const { dialect, skip } of dialects) {
  describe(`directory sync on ${dialect}`, { skip }, () => {
    let slapd: Slapd;
    let instance: TestInstance;
    let admin: Principal;

    before(async () => {
      slapd = await startSlapd();
      slapd.add(Array.from({ length: COUNT }, (_, i) => generated(i)).join('\n') + '\n' + BAD.join('\n'));
      instance = await startInstance(dialect, {
        MCMS_LDAP_URL: slapd.url, MCMS_LDAP_BIND_DN: ROOT_DN, MCMS_LDAP_BIND_PASSWORD: ROOT_PASSWORD, MCMS_LDAP_BASE_DN: PEOPLE,
        MCMS_LDAP_DEPARTMENT_ATTRIBUTE: 'mcmsTestOctets', MCMS_LDAP_PAGE_SIZE: '200', MCMS_ESCROW_POOL_SIZE: '0',
      });
      admin = await instance.mcms.authenticate(instance.adminToken);
      await instance.mcms.subscribers.add(admin, { email: 'owner@example.test', extraMailboxes: ['shared@example.test'] });
    });
    after(async () => {
      await instance?.dispose();
      await slapd?.dispose();
    });

    test('the first sync adds 1,000 people in pages and skips each bad entry with its DN and reason', async () => {
      const pages: number[] = [];
      const summary = await instance.mcms.directory.sync(admin, { dryRun: false, onProgress: (p) => pages.push(p.entries) });
      assert.equal(summary.entries, COUNT + BAD.length);
      assert.ok(pages.length >= 5, `progress reported per page (${pages.join(', ')})`);
      assert.equal(summary.added, COUNT + 1);
      assert.deepEqual([summary.updated, summary.disabled, summary.leavers.length], [0, 0, 0]);
      const skipped = skippedDns(summary);
      assert.equal(skipped.size, 6, JSON.stringify(summary.skipped));
      assert.match(skipped.get(dn('bad-nomail'))!, /no mail/);
      assert.match(skipped.get(dn('bad-taken'))!, /shared@example\.test belongs to another person/);
      assert.match(skipped.get(dn('dup-second'))!, /dup@example\.test belongs to the person of uid=dup-first/);
      assert.match(skipped.get(dn('bad-utf8'))!, /not valid UTF-8/);
      assert.match(skipped.get(dn('bad-long'))!, /longer than 64/);
      assert.match(skipped.get(dn('bad-mail'))!, /not a mailbox address/);
      const person = await instance.mcms.subscribers.show(admin, 'u0042@example.test');
      assert.equal(person.displayName, 'User u0042');
      assert.equal((await instance.mcms.subscribers.show(admin, 'owner@example.test')).mailboxes.length, 2, 'the owner keeps their mailbox');
      const again = await instance.mcms.directory.sync(admin, { dryRun: false });
      assert.deepEqual([again.added, again.updated, again.unchanged], [0, 0, COUNT + 1], 'a second sync of the same directory changes nothing');
    });

    test('changes, disables and deletions: a dry run reports them and changes nothing; the sync applies them', async () => {
      const certificate = (await instance.mcms.escrow.generate(admin, { subscriber: `${id(20)}@example.test` })).certificate;
      await instance.mcms.directory.publish(admin);
      assert.equal(slapd.values(dn(id(20)), 'userCertificate;binary').length, 1);
      const changes: string[] = [];
      for (let i = 0; i < 10; i++) changes.push(`dn: ${dn(id(i))}\nchangetype: modify\nreplace: displayName\ndisplayName: Renamed ${i}\n`);
      for (let i = 10; i < 15; i++) changes.push(`dn: ${dn(id(i))}\nchangetype: modify\nadd: proxyAddresses\nproxyAddresses: SMTP:${id(i)}@example.test\nproxyAddresses: smtp:alias-${i}@example.test\nproxyAddresses: X500:/o=ignored\n`);
      for (let i = 20; i < 25; i++) changes.push(`dn: ${dn(id(i))}\nchangetype: modify\nreplace: userAccountControl\nuserAccountControl: 514\n`);
      for (let i = 30; i < 35; i++) changes.push(`dn: ${dn(id(i))}\nchangetype: delete\n`);
      slapd.modify(changes.join('\n'));

      const dry = await instance.mcms.directory.sync(admin, { dryRun: true });
      assert.equal(dry.dryRun, true);
      assert.deepEqual([dry.added, dry.updated, dry.disabled], [0, 15, 10]);
      assert.equal((await instance.mcms.subscribers.show(admin, `${id(3)}@example.test`)).displayName, `User ${id(3)}`, 'the dry run changed nothing');
      assert.deepEqual(await instance.mcms.directory.leavers(admin), []);

      const summary = await instance.mcms.directory.sync(admin, { dryRun: false });
      assert.equal(summary.entries, COUNT - 5 + BAD.length);
      assert.deepEqual([summary.added, summary.updated, summary.unchanged, summary.disabled], [0, 15, COUNT - 5 - 15 + 1, 10]);
      assert.equal((await instance.mcms.subscribers.show(admin, `${id(3)}@example.test`)).displayName, 'Renamed 3');
      const aliased = await instance.mcms.subscribers.show(admin, 'alias-12@example.test');
      assert.deepEqual(aliased.mailboxes.map((m) => [m.address, m.primary]), [[`${id(12)}@example.test`, true], ['alias-12@example.test', false]]);
      const leavers = await instance.mcms.directory.leavers(admin);
      assert.deepEqual(leavers.map((l) => `${l.email} ${l.reason} ${l.handled}`).sort(), [
        ...[20, 21, 22, 23, 24].map((i) => `${id(i)}@example.test disabled false`),
        ...[30, 31, 32, 33, 34].map((i) => `${id(i)}@example.test vanished false`),
      ]);
      assert.equal((await instance.mcms.subscribers.show(admin, `${id(20)}@example.test`)).status, 'active', 'confirm mode: nobody is disabled yet');
      assert.equal(slapd.values(dn(id(20)), 'userCertificate;binary')[0]!.equals(certificate.der), true);
    });

    test('an operator confirms leavers: they are disabled and their published certificate leaves the directory', async () => {
      const confirmed = await instance.mcms.directory.confirmLeavers(admin, [`${id(20)}@example.test`, `${id(31)}@example.test`]);
      assert.deepEqual(confirmed.map((l) => l.handled), [true, true]);
      assert.equal((await instance.mcms.subscribers.show(admin, `${id(20)}@example.test`)).status, 'disabled');
      assert.equal((await instance.mcms.subscribers.show(admin, `${id(31)}@example.test`)).status, 'disabled');
      const drain = await instance.mcms.directory.publish(admin);
      assert.equal(drain.valuesRemoved, 2);
      assert.deepEqual(slapd.values(dn(id(20)), 'userCertificate;binary'), []);
      const left = await instance.mcms.directory.leavers(admin);
      assert.equal(left.filter((l) => !l.handled).length, 8);
      await assert.rejects(instance.mcms.directory.confirmLeavers(admin, [`${id(50)}@example.test`]),
        (error) => isDomainError(error) && error.code === 'directory.not-a-leaver');
      slapd.modify(`dn: ${dn(id(21))}\nchangetype: modify\nreplace: userAccountControl\nuserAccountControl: 512\n\n`
        + `dn: ${dn(id(20))}\nchangetype: modify\nreplace: userAccountControl\nuserAccountControl: 512\n`);
      await instance.mcms.directory.sync(admin, { dryRun: false });
      const after = new Map((await instance.mcms.directory.leavers(admin)).map((l) => [l.email, l]));
      assert.equal(after.has(`${id(21)}@example.test`), false, 'a pending leaver enabled again in the directory is no longer a leaver');
      assert.equal(after.get(`${id(20)}@example.test`)?.handled, true, 'a handled leaver stays one: coming back re-enables nobody');
      assert.equal((await instance.mcms.subscribers.show(admin, `${id(20)}@example.test`)).status, 'disabled');
      assert.equal((await instance.mcms.audit.verify(admin)).ok, true, 'every change of the syncs is in an intact audit chain');
    });
  });
}

describe('directory sync with leavers handled automatically', () => {
  let slapd: Slapd;
  let instance: TestInstance;
  let admin: Principal;

  before(async () => {
    slapd = await startSlapd();
    slapd.add(['kim', 'lea', 'max'].map((uid) => entry(uid, [`mail: ${uid}@example.test`])).join('\n'));
    instance = await startInstance('sqlite', {
      MCMS_LDAP_URL: slapd.url, MCMS_LDAP_BASE_DN: PEOPLE, MCMS_LDAP_LEAVERS: 'auto', MCMS_LDAP_DISABLED_ATTRIBUTE: 'mcmsTestOctets',
    });
    admin = await instance.mcms.authenticate(instance.adminToken);
  });
  after(async () => {
    await instance?.dispose();
    await slapd?.dispose();
  });

  test('anonymous bind; a vanished and a disabled (configured attribute) person are disabled at once', async () => {
    assert.equal((await instance.mcms.directory.sync(admin, { dryRun: false })).added, 3);
    slapd.modify(`dn: ${dn('kim')}\nchangetype: delete\n\ndn: ${dn('lea')}\nchangetype: modify\nadd: mcmsTestOctets\nmcmsTestOctets: TRUE\n`);
    const summary = await instance.mcms.directory.sync(admin, { dryRun: false });
    assert.deepEqual(summary.leavers.map((l) => `${l.email} ${l.reason} ${l.handled}`).sort(), ['kim@example.test vanished true', 'lea@example.test disabled true']);
    for (const email of ['kim@example.test', 'lea@example.test']) assert.equal((await instance.mcms.subscribers.show(admin, email)).status, 'disabled');
    assert.equal((await instance.mcms.subscribers.show(admin, 'max@example.test')).status, 'active');
  });

  test('a sync that finds no entry at all (a wrong filter) makes nobody a leaver', async () => {
    slapd.modify(`dn: ${dn('max')}\nchangetype: delete\n\ndn: ${dn('lea')}\nchangetype: delete\n`);
    const summary = await instance.mcms.directory.sync(admin, { dryRun: false });
    assert.deepEqual([summary.entries, summary.leavers.length], [0, 0]);
    assert.equal((await instance.mcms.subscribers.show(admin, 'max@example.test')).status, 'active');
  });
});

describe('directory over ldaps://', () => {
  let slapd: Slapd;
  const instances: TestInstance[] = [];

  before(async () => {
    slapd = await startSlapd({ tls: true });
    slapd.add(entry('tia', ['mail: tia@example.test']));
  });
  after(async () => {
    for (const instance of instances) await instance.dispose();
    await slapd?.dispose();
  });

  test('with ldap.tlsCaFile the sync reads over TLS; without it the unknown CA makes the directory unreachable', async () => {
    const trusting = await startInstance('sqlite', {
      MCMS_LDAP_URL: slapd.ldapsUrl!, MCMS_LDAP_TLS_CA_FILE: slapd.caFile!, MCMS_LDAP_BIND_DN: ROOT_DN, MCMS_LDAP_BIND_PASSWORD: ROOT_PASSWORD, MCMS_LDAP_BASE_DN: PEOPLE,
    });
    instances.push(trusting);
    const admin = await trusting.mcms.authenticate(trusting.adminToken);
    assert.equal((await trusting.mcms.directory.sync(admin, { dryRun: false })).added, 1);
    const untrusting = await startInstance('sqlite', { MCMS_LDAP_URL: slapd.ldapsUrl!, MCMS_LDAP_BASE_DN: PEOPLE });
    instances.push(untrusting);
    await assert.rejects(untrusting.mcms.directory.sync(await untrusting.mcms.authenticate(untrusting.adminToken), { dryRun: false }),
      (error) => isDomainError(error) && error.code === 'directory.unavailable' && /certificate/.test(error.message));
  });
});
