/**
 * The modules working together through the seams the composition root wires (open-mcms.ts), with the
 * real peers: a lost device closes its enrollment links and mails the owner an invitation for a
 * replacement; a leaver's certificates are revoked and leave the directory (slapd, read back with
 * ldapsearch) while the escrowed history stays; a leaver found by the directory sync leaves the same
 * way; expiry's renew-escrow action re-keys and mails a re-delivery link (smtp-server).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Principal } from '../../src/domain/access/index.js';
import { FixedClock } from '../../src/lib/clock.js';
import { dialects, startInstance } from '../support/instance.js';
import type { TestInstance } from '../support/instance.js';
import { PEOPLE, ROOT_DN, ROOT_PASSWORD, startSlapd } from '../support/slapd.js';
import type { Slapd } from '../support/slapd.js';
import { startSmtpSink } from '../support/smtp-sink.js';
import type { SmtpSink } from '../support/smtp-sink.js';

const CERT = 'userCertificate;binary';
const DAY = 86_400_000;
const ENROLL_LINK = /https?:\/\/\S+\/enroll\/\S+/;

function person(uid: string): string {
  return [`dn: uid=${uid},${PEOPLE}`, 'objectClass: inetOrgPerson', `uid: ${uid}`, `cn: ${uid}`, `sn: ${uid}`, `mail: ${uid}@example.test`, ''].join('\n');
}

for (const { dialect, skip } of dialects) {
  describe(`lifecycle seams on ${dialect}`, { skip }, () => {
    let slapd: Slapd;
    let smtp: SmtpSink;
    let instance: TestInstance;
    let admin: Principal;
    const clock = new FixedClock(new Date());
    const dn = (uid: string) => `uid=${uid},${PEOPLE}`;

    before(async () => {
      slapd = await startSlapd();
      smtp = await startSmtpSink();
      instance = await startInstance(dialect, {
        MCMS_LDAP_URL: slapd.url, MCMS_LDAP_BIND_DN: ROOT_DN, MCMS_LDAP_BIND_PASSWORD: ROOT_PASSWORD, MCMS_LDAP_BASE_DN: PEOPLE,
        MCMS_MAIL_HOST: '127.0.0.1', MCMS_MAIL_PORT: String(smtp.port), MCMS_ESCROW_POOL_SIZE: '0',
        MCMS_BASE_URL: 'https://pki.example.test',
      }, { clock });
      admin = await instance.mcms.authenticate(instance.adminToken);
      for (const uid of ['lena', 'omar', 'pia']) {
        slapd.add(person(uid));
        await instance.mcms.subscribers.add(admin, { email: `${uid}@example.test`, name: uid });
      }
    });
    after(async () => {
      await instance?.dispose();
      await smtp?.close();
      await slapd?.dispose();
    });

    test('a lost device: its open link is withdrawn and the owner is mailed a link for a replacement', async () => {
      const device = await instance.mcms.devices.add(admin, { subscriber: 'lena@example.test', name: 'iPhone' });
      const invitation = await instance.mcms.delivery.invite(admin, { subscriber: 'lena@example.test', deviceId: device.id });
      assert.equal(invitation.mailed, true);
      await smtp.next();

      const loss = await instance.mcms.devices.lost(admin, { deviceId: device.id });
      assert.equal(loss.replacement, 'invited');
      const mail = await smtp.next();
      assert.deepEqual(mail.to, ['lena@example.test']);
      assert.match(mail.text, ENROLL_LINK);

      const links = await instance.mcms.delivery.links(admin, 'lena@example.test');
      const forLostDevice = links.filter((l) => l.deviceId === device.id);
      assert.ok(forLostDevice.length >= 1);
      assert.ok(forLostDevice.every((l) => l.status !== 'open'), 'no open link enrolls the lost device');
      assert.ok(links.some((l) => l.status === 'open' && l.deviceId !== device.id), 'the replacement link is open');
    });

    test('a leaver: every certificate revoked, the directory value removed, the escrowed history kept', async () => {
      const identity = (await instance.mcms.escrow.generate(admin, { subscriber: 'omar@example.test' })).certificate;
      await instance.mcms.directory.publish(admin);
      assert.equal(slapd.values(dn('omar'), CERT).length, 1, 'published first');

      const departure = await instance.mcms.subscribers.leave(admin, { subscriber: 'omar@example.test' });
      assert.ok(departure.revoked.includes(identity.serial));
      assert.equal((await instance.mcms.certificates.show(admin, identity.serial)).status, 'revoked');
      const drain = await instance.mcms.directory.publish(admin);
      assert.equal(drain.pending, 0);
      assert.deepEqual(slapd.values(dn('omar'), CERT), [], 'the revoked certificate left the directory');
      const { subscriber, identities } = await instance.mcms.escrow.history(admin, 'omar@example.test');
      assert.equal(subscriber.status, 'disabled');
      assert.equal(identities.length, 1, 'the escrowed key stays on record for recovery');
    });

    test('a leaver found by the directory sync and confirmed leaves the same way', async () => {
      const identity = (await instance.mcms.escrow.generate(admin, { subscriber: 'pia@example.test' })).certificate;
      await instance.mcms.directory.sync(admin, { dryRun: false });
      slapd.modify([`dn: ${dn('pia')}`, 'changetype: delete', ''].join('\n'));
      clock.advance(60_000);
      await instance.mcms.directory.sync(admin, { dryRun: false });
      const leavers = await instance.mcms.directory.leavers(admin);
      assert.ok(leavers.some((l) => l.email === 'pia@example.test'), JSON.stringify(leavers));
      await instance.mcms.directory.confirmLeavers(admin, ['pia@example.test']);
      assert.equal((await instance.mcms.certificates.show(admin, identity.serial)).status, 'revoked');
      assert.equal((await instance.mcms.subscribers.show(admin, 'pia@example.test')).status, 'disabled');
    });

    test("expiry's renew-escrow action re-keys and mails the person a re-delivery link", async () => {
      await instance.mcms.subscribers.add(admin, { email: 'quinn@example.test', name: 'Quinn' });
      const first = (await instance.mcms.escrow.generate(admin, { subscriber: 'quinn@example.test' })).certificate;
      const mailed = smtp.received.length;
      const now = new Date(first.notAfter.getTime() - 5 * DAY);
      await instance.mcms.expiry.scan(admin, { now });
      await instance.mcms.expiry.deliver(admin, { now });
      const { identities } = await instance.mcms.escrow.history(admin, 'quinn@example.test');
      assert.equal(identities.length, 2, 'a new identity, the old one kept');
      const toQuinn = smtp.received.slice(mailed).filter((m) => m.to.includes('quinn@example.test'));
      assert.ok(toQuinn.some((m) => ENROLL_LINK.test(m.text)), `a re-delivery link was mailed: ${toQuinn.map((m) => m.text).join('\n---\n')}`);
    });
  });
}
