/**
 * Certificates from other CAs read from a real OpenLDAP slapd (`mcms inventory import --from-directory`):
 * a foreign certificate in an entry's userCertificate;binary becomes a monitored-only record linked to
 * the person by mailbox; the value mcms published there itself is skipped; a value that is not a
 * certificate is reported with the entry's DN while the rest goes on; a second import adds nothing.
 * Through ./bin/mcms: the per-entry and summary lines, exit 65 for a value that is not a certificate
 * (as for a refused file), and exit 69 when slapd is stopped.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { Principal } from '../../src/domain/access/index.js';
import { FixedClock } from '../../src/lib/clock.js';
import { foreignCa } from '../support/foreign-ca.js';
import { dialects, startInstance } from '../support/instance.js';
import type { TestInstance } from '../support/instance.js';
import { tempDir } from '../support/openssl.js';
import { PEOPLE, ROOT_DN, ROOT_PASSWORD, base64Line, startSlapd } from '../support/slapd.js';
import type { Slapd } from '../support/slapd.js';

const CERT = 'userCertificate;binary';
const DAY = 86_400_000;
const BIN = resolve(import.meta.dirname, '../../bin/mcms');

function person(uid: string, values: Buffer[] = []): string {
  return [`dn: uid=${uid},${PEOPLE}`, 'objectClass: inetOrgPerson', `uid: ${uid}`, `cn: ${uid}`, `sn: ${uid}`, `mail: ${uid}@example.test`,
    ...values.map((v) => base64Line(CERT, v)), ''].join('\n');
}

async function foreignCertificates(emails: string[], now: Date): Promise<Buffer[]> {
  const ca = await foreignCa();
  return ca.issue(emails.map((email, i) => ({ email, commonName: `Foreign ${i}`, notAfter: new Date(now.getTime() + (20 + i) * DAY) })));
}

/**
 * A value slapd takes for a certificate (its syntax check looks at the shape: tags of the outer
 * SEQUENCEs) that is not one: the notBefore UTCTime holds letters.
 */
async function unreadableCertificate(now: Date): Promise<Buffer> {
  const [der] = await foreignCertificates(['bob@example.test'], now);
  const value = Buffer.from(der!);
  value.write('not-a-date!!Z', value.indexOf(Buffer.from([0x17, 0x0d])) + 2, 'latin1');
  return value;
}

for (const { dialect, skip } of dialects) {
  describe(`certificates from the directory on ${dialect}`, { skip }, () => {
    let slapd: Slapd;
    let instance: TestInstance;
    let admin: Principal;
    const clock = new FixedClock(new Date());
    const dn = (uid: string) => `uid=${uid},${PEOPLE}`;

    before(async () => {
      slapd = await startSlapd();
      instance = await startInstance(dialect, {
        MCMS_LDAP_URL: slapd.url, MCMS_LDAP_BIND_DN: ROOT_DN, MCMS_LDAP_BIND_PASSWORD: ROOT_PASSWORD, MCMS_LDAP_BASE_DN: PEOPLE,
        MCMS_LDAP_PAGE_SIZE: '2', MCMS_ESCROW_POOL_SIZE: '0',
      }, { clock });
      admin = await instance.mcms.authenticate(instance.adminToken);
    });
    after(async () => {
      await instance?.dispose();
      await slapd?.dispose();
    });

    test('a foreign certificate is imported and linked; the value mcms published is not; garbage is named by DN; a second import adds nothing', async () => {
      const [aliceForeign, nobodys] = await foreignCertificates(['alice@example.test', 'nobody@elsewhere.test'], clock.now());
      slapd.add([person('alice'), person('bob'), person('carol', [nobodys!]), person('dave')].join('\n'));
      for (const uid of ['alice', 'bob', 'carol']) await instance.mcms.subscribers.add(admin, { email: `${uid}@example.test`, name: uid });
      const published = (await instance.mcms.escrow.generate(admin, { subscriber: 'alice@example.test' })).certificate;
      assert.equal((await instance.mcms.directory.publish(admin)).valuesAdded, 2);
      slapd.modify(`dn: ${dn('alice')}\nchangetype: modify\nadd: ${CERT}\n${base64Line(CERT, aliceForeign!)}\n`);
      assert.equal(slapd.values(dn('alice'), CERT).length, 2, 'alice holds the published and the foreign certificate');
      slapd.modify(`dn: ${dn('bob')}\nchangetype: modify\nadd: ${CERT}\n${base64Line(CERT, await unreadableCertificate(clock.now()))}\n`);

      const first = await instance.mcms.expiry.importFromDirectory(admin);
      const entry = (uid: string) => first.entries.find((e) => e.dn === dn(uid));
      assert.equal(entry('alice')!.ownValues, 1, 'the published value is skipped');
      assert.deepEqual(entry('alice')!.certificates.map((c) => ({ linkedTo: c.linkedTo, added: c.added, subject: c.subject })),
        [{ linkedTo: 'alice@example.test', added: true, subject: 'CN=Foreign 0' }]);
      assert.ok(!entry('alice')!.certificates.some((c) => c.serial === published.serial));
      assert.deepEqual(entry('carol')!.certificates.map((c) => ({ linkedTo: c.linkedTo, added: c.added })), [{ linkedTo: null, added: true }]);
      assert.equal(entry('dave'), undefined, 'an entry without values is not listed');
      assert.equal(entry('bob')!.refused.length, 1, 'the garbage value is reported with its DN');
      assert.deepEqual(entry('bob')!.certificates, []);
      const report = await instance.mcms.expiry.report(admin, { now: clock.now(), days: 90 });
      assert.equal(report.weeks.reduce((n, w) => n + w.monitored, 0), 2, 'two monitored certificates, none of mcms\'s own');

      const second = await instance.mcms.expiry.importFromDirectory(admin);
      const again = second.entries.flatMap((e) => e.certificates);
      assert.equal(again.length, 2);
      assert.ok(again.every((c) => !c.added), 'a second import adds nothing');
      assert.equal((await instance.mcms.expiry.report(admin, { now: clock.now(), days: 90 })).weeks.reduce((n, w) => n + w.monitored, 0), 2);
    });
  });
}

describe('mcms inventory import --from-directory', () => {
  const dir = tempDir('mcms-directory-import-');
  const dataDir = join(dir.path, 'data');
  let slapd: Slapd;
  let env: Record<string, string | undefined>;
  const mcms = (args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, '--data-dir', dataDir, ...args], { cwd: dir.path, env, encoding: 'utf8' });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };

  before(async () => {
    slapd = await startSlapd();
    const [erin] = await foreignCertificates(['erin@example.test'], new Date());
    slapd.add([person('erin', [erin!]), person('frank', [await unreadableCertificate(new Date())])].join('\n'));
    env = {
      ...process.env, MCMS_LOG_LEVEL: 'silent', MCMS_TOKEN: '', MCMS_DATABASE_URL: '', MCMS_MASTER_KEY: '',
      MCMS_LDAP_URL: slapd.url, MCMS_LDAP_BIND_DN: ROOT_DN, MCMS_LDAP_BIND_PASSWORD: ROOT_PASSWORD, MCMS_LDAP_BASE_DN: PEOPLE,
    };
    assert.equal(mcms(['init']).status, 0);
    assert.equal(mcms(['subscriber', 'add', 'erin@example.test']).status, 0);
  });
  after(async () => {
    await slapd?.dispose();
    dir.remove();
  });

  test('prints a line per entry and a summary; a second run adds nothing; exit 69 with the directory down', async () => {
    const first = mcms(['inventory', 'import', '--from-directory']);
    assert.equal(first.status, 65, 'a value that is not a certificate makes it exit 65, as a refused file does');
    assert.match(first.stderr, /1 directory value is not a certificate/);
    assert.match(first.stdout, /^uid=frank,ou=people,dc=example,dc=test: value refused: /m);
    assert.match(first.stdout, /^uid=erin,ou=people,dc=example,dc=test: 1 added, 0 known already, 1 linked to people$/m);
    assert.match(first.stdout, /^2 entries with certificate values: 1 added, 0 known already, 1 linked to people, 0 issued or published by mcms \(skipped\), 1 not certificates \(skipped\)$/m);
    const second = mcms(['inventory', 'import', '--from-directory']);
    assert.equal(second.status, 65, second.stderr);
    assert.match(second.stdout, /: 0 added, 1 known already, 1 linked to people$/m);
    assert.equal(mcms(['inventory', 'import', '--from-directory', 'x.pem']).status, 64);
    await slapd.stop();
    const down = mcms(['inventory', 'import', '--from-directory']);
    assert.equal(down.status, 69, down.stderr);
    assert.match(down.stderr, /cannot be reached/);
  });
});
