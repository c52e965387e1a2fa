/**
 * Publication of encryption certificates to a real OpenLDAP slapd (smime-mobile-notes §8.1), read back
 * with the real ldapsearch: the DER in userCertificate;binary and the PKCS#7 (certificate and chain) in
 * userSMIMECertificate, byte for byte; a new identity replaces the old value; a compromised or expired
 * one is removed; values somebody else put there stay. With slapd stopped, issuance goes on and the
 * outbox keeps the intents; once slapd is back, everything is delivered exactly once.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { FixedClock } from '../../src/lib/clock.js';
import { degenerateSignedData } from '../../src/lib/pki/index.js';
import type { Principal } from '../../src/domain/access/index.js';
import { dialects, startInstance } from '../support/instance.js';
import type { TestInstance } from '../support/instance.js';
import { openssl, tempDir } from '../support/openssl.js';
import { PEOPLE, ROOT_DN, ROOT_PASSWORD, base64Line, startSlapd } from '../support/slapd.js';
import type { Slapd } from '../support/slapd.js';

const CERT = 'userCertificate;binary';
const SMIME = 'userSMIMECertificate';
const MINUTE = 60_000;

function person(uid: string, extra: string[] = []): string {
  return [`dn: uid=${uid},${PEOPLE}`, 'objectClass: inetOrgPerson', `uid: ${uid}`, `cn: ${uid}`, `sn: ${uid}`, `mail: ${uid}@example.test`, ...extra, ''].join('\n');
}

/** A self-signed certificate made by openssl: a value mcms did not publish. */
function foreignCertificate(): Buffer {
  const dir = tempDir();
  try {
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', dir.file('k'), '-out', dir.file('c'), '-subj', '/CN=someone else', '-days', '30', '-outform', 'DER']);
    return execFileSync('cat', [dir.file('c')]);
  } finally {
    dir.remove();
  }
}

for (const { dialect, skip } of dialects) {
  describe(`directory publication on ${dialect}`, { skip }, () => {
    let slapd: Slapd;
    let instance: TestInstance;
    let admin: Principal;
    const clock = new FixedClock(new Date());
    const dn = (uid: string) => `uid=${uid},${PEOPLE}`;
    const publish = () => instance.mcms.directory.publish(admin);
    const generate = async (uid: string) => (await instance.mcms.escrow.generate(admin, { subscriber: `${uid}@example.test` })).certificate;

    before(async () => {
      slapd = await startSlapd();
      instance = await startInstance(dialect, {
        MCMS_LDAP_URL: slapd.url, MCMS_LDAP_BIND_DN: ROOT_DN, MCMS_LDAP_BIND_PASSWORD: ROOT_PASSWORD, MCMS_LDAP_BASE_DN: PEOPLE,
        MCMS_ESCROW_POOL_SIZE: '0',
      }, { clock });
      admin = await instance.mcms.authenticate(instance.adminToken);
      for (const uid of ['alice', 'bob', 'carol']) {
        slapd.add(person(uid));
        await instance.mcms.subscribers.add(admin, { email: `${uid}@example.test`, name: uid });
      }
    });
    after(async () => {
      await instance?.dispose();
      await slapd?.dispose();
    });

    test('an issued encryption certificate reaches the entry, byte for byte, with its chain in the PKCS#7', async () => {
      const certificate = await generate('alice');
      const drain = await publish();
      assert.equal(drain.valuesAdded, 2);
      assert.equal(drain.pending, 0);
      const published = slapd.values(dn('alice'), CERT);
      assert.equal(published.length, 1);
      assert.ok(published[0]!.equals(certificate.der), 'userCertificate;binary holds the certificate DER');
      const { chain } = await instance.mcms.ca.show(admin);
      const pkcs7 = slapd.values(dn('alice'), SMIME);
      assert.equal(pkcs7.length, 1);
      assert.ok(pkcs7[0]!.equals(degenerateSignedData([certificate.der, ...chain])));
      const dir = tempDir();
      try {
        const printed = openssl(['pkcs7', '-inform', 'DER', '-print_certs', '-noout'], pkcs7[0]!);
        assert.equal(printed.match(/subject=/g)?.length, 1 + chain.length, printed);
        assert.match(printed, /alice@example\.test|CN ?= ?alice/);
        writeFileSync(dir.file('p7.der'), pkcs7[0]!);
        const gnutls = execFileSync('certtool', ['--p7-info', '--inder', '--infile', dir.file('p7.der')], { encoding: 'utf8' });
        assert.match(gnutls, new RegExp(`Number of certificates: ${1 + chain.length}`), 'GnuTLS reads the PKCS#7 too');
      } finally {
        dir.remove();
      }
      assert.equal((await publish()).valuesAdded, 0, 'a second drain has nothing to do');
    });

    test('a new identity replaces the old value; a value placed by someone else stays', async () => {
      const foreign = foreignCertificate();
      slapd.modify(`dn: ${dn('alice')}\nchangetype: modify\nadd: ${CERT}\n${base64Line(CERT, foreign)}\n`);
      const old = slapd.values(dn('alice'), CERT).find((v) => !v.equals(foreign))!;
      const renewed = await generate('alice');
      const drain = await publish();
      assert.equal(drain.valuesAdded, 2);
      assert.equal(drain.valuesRemoved, 2);
      const values = slapd.values(dn('alice'), CERT);
      assert.equal(values.length, 2);
      assert.ok(values.some((v) => v.equals(renewed.der)));
      assert.ok(values.some((v) => v.equals(foreign)), 'the foreign value is still there');
      assert.ok(!values.some((v) => v.equals(old)), 'the superseded value is gone');
      assert.equal(slapd.values(dn('alice'), SMIME).length, 1);
    });

    test('a compromised current identity is removed, and only its values', async () => {
      const bobs = await generate('bob');
      await generate('carol');
      await publish();
      assert.equal(slapd.values(dn('bob'), CERT).length, 1);
      await instance.mcms.escrow.markCompromised(admin, { serial: bobs.serial });
      const drain = await publish();
      assert.equal(drain.valuesRemoved, 2);
      assert.deepEqual(slapd.values(dn('bob'), CERT), []);
      assert.deepEqual(slapd.values(dn('bob'), SMIME), []);
      assert.equal(slapd.values(dn('carol'), CERT).length, 1, "carol's entry is untouched");
      assert.equal(slapd.values(dn('alice'), CERT).length, 2, "alice's entry is untouched");
    });

    test('slapd down while certificates are issued: issuance goes on; once it is back, everything is delivered once', async () => {
      const uids = ['dave', 'erin', 'frank', 'grace'];
      for (const uid of uids) {
        slapd.add(person(uid));
        await instance.mcms.subscribers.add(admin, { email: `${uid}@example.test` });
      }
      await slapd.stop();
      const issued = new Map<string, Buffer>();
      for (const uid of uids) issued.set(uid, (await generate(uid)).der);
      issued.set('dave', (await generate('dave')).der);
      const down = await publish();
      assert.ok(down.unavailable, 'the drain says the directory is unreachable');
      assert.equal(down.delivered, 0);
      assert.equal(down.failed, 5);
      assert.equal(down.pending, 5);
      await slapd.start();
      const early = await publish();
      assert.equal(early.delivered, 0, 'failed intents wait for their backoff');
      clock.advance(MINUTE);
      const up = await publish();
      assert.equal(up.unavailable, null);
      assert.equal(up.delivered, 5);
      assert.equal(up.pending, 0);
      for (const [uid, der] of issued) {
        const values = slapd.values(dn(uid), CERT);
        assert.equal(values.length, 1, uid);
        assert.ok(values[0]!.equals(der), `${uid} has their current certificate`);
      }
      const again = await publish();
      assert.deepEqual([again.delivered, again.valuesAdded, again.valuesRemoved], [0, 0, 0]);
    });

    test('an entry renamed in the directory: after the next sync, a new identity replaces the value under the new DN', async () => {
      const synced = await instance.mcms.directory.sync(admin, { dryRun: false });
      assert.equal(synced.skipped.length, 0, JSON.stringify(synced.skipped));
      slapd.modify(`dn: ${dn('grace')}\nchangetype: modrdn\nnewrdn: uid=grace.h\ndeleteoldrdn: 1\n`);
      const moved = await instance.mcms.directory.sync(admin, { dryRun: false });
      assert.equal(moved.leavers.length, 0, 'a renamed entry is the same person');
      await publish();
      assert.equal(slapd.values(dn('grace.h'), CERT).length, 1);
      const renewed = await generate('grace');
      await publish();
      const values = slapd.values(dn('grace.h'), CERT);
      assert.equal(values.length, 1);
      assert.ok(values[0]!.equals(renewed.der));
    });

    test('an expired certificate is removed by the drain', async () => {
      clock.advance(800 * 24 * 60 * MINUTE);
      const drain = await publish();
      assert.ok(drain.valuesRemoved >= 2);
      for (const uid of ['carol', 'dave', 'erin']) assert.deepEqual(slapd.values(dn(uid), CERT), [], uid);
      assert.equal(slapd.values(dn('alice'), CERT).length, 1, 'only the foreign value is left on alice');
      const text = execFileSync('ldapsearch', ['-x', '-LLL', '-H', slapd.url, '-b', dn('alice'), '-s', 'base', CERT], { encoding: 'utf8' });
      assert.match(text, /userCertificate;binary:: /);
    });
  });
}
