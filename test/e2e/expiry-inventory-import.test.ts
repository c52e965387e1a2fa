/**
 * Certificates from other CAs, on SQLite and PostgreSQL: `mcms inventory import` reads PEM bundles,
 * DER and PKCS#7 (made by `openssl crl2pkcs7`), links certificates to people by mailbox (SAN or subject
 * e-mail), refuses each unreadable file with its own reason while importing the rest, and 1,000
 * imported certificates are scanned with the thresholds: each notice once, to the people they belong to.
 * The REST API gives the same outlook and import.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import type { Principal } from '../../src/domain/access/index.js';
import { startHttpServer } from '../../src/entrypoints/http/app.js';
import { FixedClock } from '../../src/lib/clock.js';
import { toPem } from '../../src/lib/pki/index.js';
import { foreignCa } from '../support/foreign-ca.js';
import type { TestInstance } from '../support/instance.js';
import { dialects, startInstance } from '../support/instance.js';
import { openssl, tempDir } from '../support/openssl.js';

const DAY = 86_400_000;
const COUNT = 1000;

for (const { dialect, skip } of dialects) {
  describe(`certificates from other CAs on ${dialect}`, { skip }, () => {
    const clock = new FixedClock(new Date('2026-03-02T06:00:00Z'));
    const dir = tempDir('mcms-import-');
    let instance: TestInstance;
    let admin: Principal;
    const file = (name: string, data: Buffer | string) => { writeFileSync(dir.file(name), data); return { name, data: readFileSync(dir.file(name)) }; };

    before(async () => {
      instance = await startInstance(dialect, { MCMS_PORT: '0', MCMS_CA_SERVICE_VALIDITY_DAYS: '1000', MCMS_CA_OCSP_SIGNER_VALIDITY_DAYS: '1000' }, { clock });
      admin = instance.mcms.localPrincipal();
      await instance.mcms.subscribers.add(admin, { email: 'dora@example.test' });
    });
    after(async () => {
      await instance?.dispose();
      dir.remove();
    });

    test('1,000 foreign certificates are imported from PEM, DER and PKCS#7, and garbage files are refused one by one', async () => {
      const ca = await foreignCa();
      // Certificate i ends i % 60 days and 12 hours from now; every tenth belongs to dora (SAN), every
      // 25th names her in the subject only; the others name mailboxes nobody has.
      const leaves = Array.from({ length: COUNT }, (_, i) => ({
        email: i % 10 === 0 || i % 25 === 0 ? 'dora@example.test' : `user${i}@elsewhere.test`, emailInSubject: i % 25 === 0,
        commonName: `Foreign ${i}`, notAfter: new Date(clock.now().getTime() + (i % 60) * DAY + DAY / 2),
      }));
      const ders = await ca.issue(leaves);
      const pemBundle = ders.slice(0, COUNT - 2).map((d) => toPem('CERTIFICATE', d)).join('');
      writeFileSync(dir.file('last.pem'), toPem('CERTIFICATE', ders[COUNT - 1]!) + toPem('CERTIFICATE', ders[0]!));
      openssl(['crl2pkcs7', '-nocrl', '-certfile', dir.file('last.pem'), '-outform', 'DER', '-out', dir.file('bundle.p7b')]);
      openssl(['crl2pkcs7', '-nocrl', '-outform', 'PEM', '-out', dir.file('empty.p7b')]);
      const files = [
        file('bundle.pem', pemBundle),
        file('one.der', ders[COUNT - 2]!),
        { name: 'bundle.p7b', data: readFileSync(dir.file('bundle.p7b')) },
        file('empty.txt', ''),
        file('noise.bin', Buffer.concat([Buffer.from([0x30, 0x82, 0x01]), randomBytes(200)])),
        file('letter.txt', 'Dear operator, here are the certificates.\n'),
        file('cut.pem', toPem('CERTIFICATE', ders[5]!).slice(0, 300)),
        { name: 'empty.p7b', data: readFileSync(dir.file('empty.p7b')) },
      ];
      const results = await instance.mcms.expiry.importCertificates(admin, files);
      const by = new Map(results.map((r) => [r.file, r]));
      assert.equal(by.get('bundle.pem')!.certificates.length, COUNT - 2);
      assert.equal(by.get('one.der')!.certificates.length, 1);
      assert.deepEqual(by.get('bundle.p7b')!.certificates.map((c) => c.added), [true, false], 'the PKCS#7 adds the last one; the first is known');
      assert.equal(results.flatMap((r) => r.certificates).filter((c) => c.added).length, COUNT);
      assert.match(by.get('empty.txt')!.error!, /empty/);
      assert.match(by.get('noise.bin')!.error!, /neither an X\.509 certificate nor a PKCS#7 bundle/);
      assert.match(by.get('letter.txt')!.error!, /neither PEM nor DER/);
      assert.match(by.get('cut.pem')!.error!, /no END line|no PEM CERTIFICATE/);
      assert.match(by.get('empty.p7b')!.error!, /holds no certificate/);
      const linked = results.flatMap((r) => r.certificates).filter((c) => c.added && c.linkedTo === 'dora@example.test').length;
      assert.equal(linked, leaves.filter((l) => l.email === 'dora@example.test').length);
      assert.equal((await instance.mcms.expiry.importCertificates(admin, [files[0]!]))[0]!.certificates.filter((c) => c.added).length, 0, 'importing again adds nothing');
    });

    test('the scan gives each imported certificate the most urgent notice due, once, and mails the people they belong to', async () => {
      // Days left are k + 0.5 for k = i % 60; k 0..39 occur 17 times among 1,000, k 40..59 16 times.
      const expected = { 'notice-1': 17, 'notice-7': 6 * 17, 'notice-14': 7 * 17, 'notice-30': 16 * 17 };
      const scan = await instance.mcms.expiry.scan(admin, {});
      assert.deepEqual(scan.events, expected);
      assert.deepEqual((await instance.mcms.expiry.scan(admin, {})).events, {});
      const holderMails = (await instance.mcms.expiry.outbox(admin, { status: 'pending', limit: 1000 })).filter((i) => i.recipient === 'holder').length;
      const dora = Array.from({ length: COUNT }, (_, i) => i).filter((i) => (i % 10 === 0 || i % 25 === 0) && i % 60 < 30).length;
      assert.equal(holderMails, dora, 'only certificates linked to a person are mailed to their holder');
      const report = await instance.mcms.expiry.report(admin, {});
      assert.equal(report.weeks.reduce((n, w) => n + w.monitored, 0), COUNT, 'every one ends within 90 days');
      assert.equal(report.weeks[0]!.monitored, 7 * 17);
    });

    test('the REST API gives the weekly outlook, runs a scan, lists the outbox and imports, refusing a bad file alone', async () => {
      const server = await startHttpServer(instance.mcms, { logger: pino({ level: 'silent' }) });
      try {
        const call = async (method: string, path: string, body?: unknown, token: string | null = instance.adminToken) => {
          const response = await fetch(`${server.url}/api/v1${path}`, {
            method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
            ...(body ? { body: JSON.stringify(body) } : {}),
          });
          return { status: response.status, body: (await response.json()) as Record<string, unknown> & unknown[] };
        };
        assert.equal((await call('GET', '/reports/expiry', undefined, null)).status, 401);
        const report = await call('GET', '/reports/expiry?days=14');
        assert.equal(report.status, 200);
        const weeks = report.body.weeks as { monitored: number; issued: number }[];
        assert.deepEqual(weeks.map((w) => w.monitored), [7 * 17, 7 * 17]);
        assert.equal((await call('GET', '/reports/expiry?days=400')).status, 400);
        const scan = await call('POST', '/expiry/scan', {});
        assert.deepEqual(scan.body.events, {}, 'everything due was recorded by the earlier scan');
        const outbox = await call('GET', '/notifications?status=pending&limit=5');
        assert.equal(outbox.body.length, 5);
        const ca = await foreignCa('API Vendor CA');
        const [der] = await ca.issue([{ email: 'dora@example.test', commonName: 'Over the API', notAfter: new Date(clock.now().getTime() + 200 * DAY) }]);
        const imported = await call('POST', '/inventory/import', { files: [{ name: 'good.pem', pem: toPem('CERTIFICATE', der!) }, { name: 'bad.der', base64: 'MAMCAQE=' }] });
        assert.equal(imported.status, 200);
        const [good, bad] = imported.body as unknown as { file: string; error: string | null; certificates: { added: boolean; linkedTo: string | null }[] }[];
        assert.deepEqual(good!.certificates.map((c) => [c.added, c.linkedTo]), [[true, 'dora@example.test']]);
        assert.match(bad!.error!, /neither an X\.509 certificate nor a PKCS#7 bundle/);
      } finally {
        await server.close();
      }
    });
  });
}
