/**
 * Expiry monitoring end to end on SQLite and PostgreSQL, with a fixed clock moved by hand: each
 * threshold fires once per certificate; a renewal cancels the later notices, queued ones included; a real SMTP server
 * (smtp-server) that is down and then up receives every queued mail exactly once; each webhook call's
 * HMAC signature verifies at the receiver; the renew-escrow action puts a new key in the person's
 * history and mails them.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Principal } from '../../src/domain/access/index.js';
import { FixedClock } from '../../src/lib/clock.js';
import type { TestInstance } from '../support/instance.js';
import { dialects, startInstance } from '../support/instance.js';
import { rawSql } from '../support/escrow-peers.js';
import { MailSink } from '../support/mail-sink.js';
import { makeCsr, tempDir } from '../support/openssl.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const SECRET = 'expiry-webhook-secret-0123456789';

interface Hook { headers: IncomingHttpHeaders; body: string }

async function webhookReceiver() {
  const calls: Hook[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      calls.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { calls, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

for (const { dialect, skip } of dialects) {
  describe(`expiry monitoring on ${dialect}`, { skip }, () => {
    const clock = new FixedClock(new Date('2026-01-05T00:00:00Z'));
    const dir = tempDir('mcms-expiry-');
    let instance: TestInstance;
    let admin: Principal;
    let sink: MailSink;
    let hooks: Awaited<ReturnType<typeof webhookReceiver>>;
    let signingNotAfter: Date;
    let encryptionNotAfter: Date;

    const at = (notAfter: Date, daysBefore: number) => { clock.advance(notAfter.getTime() - daysBefore * DAY + HOUR - clock.now().getTime()); };
    const scan = async () => (await instance.mcms.expiry.scan(admin, {})).events;
    const issueSigning = async (email: string) => {
      const { csrFile } = makeCsr(dir.path, `${email}-${clock.now().getTime()}`, 'ec:P-256');
      return instance.mcms.certificates.issue(admin, { profile: 'smime-signing', subscriber: email, csr: readFileSync(csrFile) });
    };

    before(async () => {
      sink = await MailSink.reserve();
      hooks = await webhookReceiver();
      instance = await startInstance(dialect, {
        MCMS_MAIL_HOST: '127.0.0.1', MCMS_MAIL_PORT: String(sink.port), MCMS_MAIL_TIMEOUT_MS: '2000',
        MCMS_EXPIRY_OPERATORS: 'ops@example.test', MCMS_EXPIRY_WEBHOOK_URL: hooks.url, MCMS_EXPIRY_WEBHOOK_SECRET: SECRET,
        MCMS_EXPIRY_ACTION_URL: 'https://self-service.example.test/renew', MCMS_ESCROW_POOL_SIZE: '0', MCMS_CA_SERVICE_VALIDITY_DAYS: '1000', MCMS_CA_OCSP_SIGNER_VALIDITY_DAYS: '1000',
      }, { clock });
      admin = instance.mcms.localPrincipal();
      for (const email of ['alice@example.test', 'bob@example.test', 'carol@example.test']) await instance.mcms.subscribers.add(admin, { email });
      signingNotAfter = (await issueSigning('alice@example.test')).notAfter;
      await issueSigning('bob@example.test');
      encryptionNotAfter = (await instance.mcms.escrow.generate(admin, { subscriber: 'carol@example.test' })).certificate.notAfter;
    });

    after(async () => {
      await instance?.dispose();
      await sink?.stop();
      await hooks?.close();
      dir.remove();
    });

    test('each threshold fires once per certificate, and a renewal cancels the later notices', async () => {
      at(signingNotAfter, 31);
      assert.deepEqual(await scan(), {}, 'nothing is due 31 days ahead');
      at(signingNotAfter, 30);
      assert.deepEqual(await scan(), { 'notice-30': 2, action: 2 });
      assert.deepEqual(await scan(), {}, 'the same scan again finds nothing new');
      at(signingNotAfter, 20);
      assert.deepEqual(await scan(), {});
      at(signingNotAfter, 14);
      assert.deepEqual(await scan(), { 'notice-14': 2 });
      await issueSigning('bob@example.test');
      at(signingNotAfter, 7);
      assert.deepEqual(await scan(), { 'notice-7': 1 }, "bob's renewed certificate gets no more notices");
      at(signingNotAfter, 1);
      assert.deepEqual(await scan(), { 'notice-1': 1 });
      assert.deepEqual(await scan(), {});
      at(signingNotAfter, 0);
      assert.deepEqual(await scan(), { expired: 1 }, 'alice, whose device did not renew, is re-invited once');
      assert.deepEqual(await scan(), {});
    });

    test('an SMTP server that is down and then up receives every queued mail exactly once', async () => {
      const { mcms } = instance;
      const pending = await mcms.expiry.outbox(admin, { status: 'pending' });
      const queuedMails = pending.filter((i) => i.channel === 'email').length;
      assert.equal(queuedMails, 6 + 4, JSON.stringify(pending, null, 1));
      assert.equal(queuedMails, 6 + 4, 'six holder notices and four digests are queued');
      const down = await mcms.expiry.deliver(admin, {});
      assert.ok(down.retrying + down.deferred >= 10, JSON.stringify(down));
      assert.equal(sink.received.length, 0);
      await sink.start();
      await mcms.expiry.deliver(admin, {});
      clock.advance(10 * 60_000);
      await mcms.expiry.deliver(admin, {});
      clock.advance(60 * 60_000);
      const last = await mcms.expiry.deliver(admin, {});
      assert.deepEqual(last, { sent: 0, cancelled: 0, retrying: 0, failed: 0, deferred: 0 }, 'nothing is left to send');
      const counts = (await mcms.expiry.report(admin, {})).outbox;
      assert.equal(counts.pending + counts.failed, 0, JSON.stringify(counts));
      assert.equal(counts.cancelled, 4, "bob's two queued notices (mail and webhook each) went unsent: he renewed meanwhile");
      // 4 notices to alice + 4 digests + 3 remind-device mails (alice and bob's reminders, alice's re-invitation).
      assert.equal(sink.received.length, 11, sink.received.map((m) => `${m.to} ${m.subject}`).join('\n'));
      assert.equal(new Set(sink.received.map((m) => m.messageId)).size, 11, 'no message arrived twice');
      assert.equal(sink.received.filter((m) => m.to === 'bob@example.test' && /expires/.test(m.subject)).length, 0);
      const alice = sink.received.filter((m) => m.to === 'alice@example.test' && /expires/.test(m.subject));
      assert.equal(alice.length, 4);
      const notice = alice[0]!.raw;
      assert.match(notice, /smime-signing/);
      assert.match(notice, /What will happen: your device renews its signing certificate itself/);
      assert.match(notice, /https:\/\/self-service\.example\.test\/renew/);
      assert.match(notice, /Content-Type: text\/html/i);
      assert.equal(sink.received.filter((m) => m.to === 'ops@example.test').length, 4);
    });

    test("each webhook call's HMAC-SHA256 signature verifies at the receiver", () => {
      assert.equal(hooks.calls.length, 4, "one call per notice still due (bob's were cancelled by his renewal)");
      for (const call of hooks.calls) {
        const timestamp = String(call.headers['x-mcms-timestamp']);
        const expected = `sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${call.body}`).digest('hex')}`;
        assert.equal(call.headers['x-mcms-signature'], expected);
        const body = JSON.parse(call.body) as { type: string; certificate: { profile: string; serial: string } };
        assert.equal(body.type, 'certificate.expiring');
        assert.equal(body.certificate.profile, 'smime-signing');
      }
      assert.equal(new Set(hooks.calls.map((c) => c.headers['x-mcms-delivery'])).size, 4);
    });

    test('renew-escrow puts a new key in the history and mails the person; the old certificate gets no more notices', async () => {
      const { mcms } = instance;
      at(encryptionNotAfter, 30);
      // Carol's encryption certificate, and bob's renewed signing certificate (issued 14 days before the first ended).
      assert.deepEqual(await scan(), { 'notice-30': 2, action: 2 });
      const before = sink.received.length;
      const run = await mcms.expiry.deliver(admin, {});
      assert.equal(run.failed + run.retrying, 0, JSON.stringify(run));
      const { identities } = await mcms.escrow.history(admin, 'carol@example.test');
      assert.equal(identities.length, 2);
      const current = identities.find((i) => i.status === 'current')!;
      assert.ok(current.notAfter > encryptionNotAfter);
      const mails = sink.received.slice(before).filter((m) => m.to === 'carol@example.test');
      // The renewal is delivered as device delivery does it: an enrollment link that installs the new identity with the old ones.
      assert.deepEqual(mails.map((m) => m.subject).sort(), ['Your certificate expires ' + encryptionNotAfter.toISOString().slice(0, 10) + ' (in 30 days)', 'Set up secure mail on your phone (mcms)'].sort());
      const link = mails.find((m) => /Set up/.test(m.subject))!.raw;
      assert.match(link, /\/enroll\//, 'the mail carries the re-delivery link');
      at(encryptionNotAfter, 14);
      // Only bob's renewed signing certificate, which has just expired, has news; carol's renewed identity cancels her notices.
      assert.deepEqual(await scan(), { expired: 1 });
    });

    test('a person disabled (left) since the scan is neither mailed nor reminded', async () => {
      const { mcms } = instance;
      await mcms.subscribers.add(admin, { email: 'dave@example.test' });
      const certificate = await issueSigning('dave@example.test');
      at(certificate.notAfter, 30);
      const events = await scan();
      assert.equal(events['notice-30'], 1, JSON.stringify(events));
      await rawSql(instance, dialect, "update subscribers set status = 'disabled' where id = $1", [certificate.subscriberId]);
      const before = sink.received.length;
      const run = await mcms.expiry.deliver(admin, {});
      assert.ok(run.cancelled >= 1, JSON.stringify(run));
      assert.equal(sink.received.slice(before).filter((m) => m.to === 'dave@example.test').length, 0);
      const audit = await rawSql<{ details: string }>(instance, dialect, "select details from audit_events where action = 'expiry.action' and target = $1", [certificate.fingerprint]);
      assert.match(audit[0]!.details, /no active person to remind/);
    });
  });
}
