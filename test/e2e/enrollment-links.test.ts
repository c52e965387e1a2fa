/**
 * Enrollment links end to end (issue 5): an operator invites a person over the REST API; the
 * invitation arrives through a real SMTP server (smtp-server) with the link and the escrow notice; the
 * link's page is served without using it; the install button's POST delivers the signed profile
 * (checked against Apple's schemas, openssl and NSS); micromdm's scepclient enrolls with the profile's
 * one-time challenge and gets a signing certificate bound to the device the link registered. A used,
 * expired, withdrawn or unknown link gets a clear page and never a profile; re-delivery mails a new
 * link per device.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import pino from 'pino';
import { startHttpServer } from '../../src/entrypoints/http/app.js';
import type { RunningHttpServer } from '../../src/entrypoints/http/app.js';
import { FixedClock } from '../../src/lib/clock.js';
import { toPem } from '../../src/lib/pki/index.js';
import { dialects, startInstance } from '../support/instance.js';
import type { TestInstance } from '../support/instance.js';
import { openssl, tempDir } from '../support/openssl.js';
import { checkMobileconfig } from '../support/profile-schema.js';
import { scepclient } from '../support/scep-clients.js';
import type { SmtpSink } from '../support/smtp-sink.js';
import { startSmtpSink } from '../support/smtp-sink.js';

const BASE = 'https://pki.example.test';
const linkIn = (text: string) => /https:\/\/pki\.example\.test(\/enroll\/[a-z2-7]{16}\.[A-Za-z0-9_-]{32})/.exec(text)?.[1];

for (const { dialect, skip } of dialects) {
  describe(`enrollment links (${dialect})`, { skip }, () => {
    let instance: TestInstance;
    let server: RunningHttpServer;
    let smtp: SmtpSink;
    let rootPem: string;
    const clock = new FixedClock(new Date());
    const dir = tempDir('mcms-links-');
    const api = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${server.url}/api/v1${path}`, {
        method, headers: { authorization: `Bearer ${instance.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) as Record<string, unknown> : {} };
    };
    const install = (path: string) => fetch(`${server.url}${path}/profile`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '',
    });
    const invite = async (email: string, deviceId?: string) => {
      const answer = await api('POST', `/subscribers/${email}/invitations`, deviceId ? { deviceId } : {});
      assert.equal(answer.status, 201, JSON.stringify(answer.body));
      const mail = await smtp.next();
      return { answer, mail, path: linkIn(mail.text)! };
    };

    before(async () => {
      smtp = await startSmtpSink();
      instance = await startInstance(dialect, {
        MCMS_PORT: '0', MCMS_HOST: '127.0.0.1', MCMS_BASE_URL: BASE, MCMS_MAIL_HOST: '127.0.0.1', MCMS_MAIL_PORT: String(smtp.port),
        MCMS_CA_ORGANIZATION: 'Example Org', MCMS_DELIVERY_MAIL_ACCOUNT: 'imap',
        MCMS_DELIVERY_IMAP_INCOMING_HOST: 'imap.example.test', MCMS_DELIVERY_IMAP_OUTGOING_HOST: 'smtp.example.test',
      }, { clock });
      server = await startHttpServer(instance.mcms, { logger: pino({ level: 'silent' }) });
      const { chain } = await instance.mcms.ca.show(instance.mcms.localPrincipal());
      rootPem = toPem('CERTIFICATE', chain[chain.length - 1]!);
      for (const email of ['gia@example.test', 'hal@example.test', 'ivy@example.test']) {
        assert.equal((await api('POST', '/subscribers', { email, name: email.slice(0, 3).toUpperCase() })).status, 201);
      }
    });
    after(async () => {
      await server?.close();
      await instance?.dispose();
      await smtp?.close();
      dir.remove();
    });

    test('invitation mailed, page shown, profile installed once, then SCEP with its challenge', async () => {
      const { answer, mail, path } = await invite('gia@example.test');
      assert.deepEqual(mail.to, ['gia@example.test']);
      assert.equal(answer.body.mailed, true);
      assert.equal(answer.body.url, `${BASE}${path}`);
      assert.match(mail.raw, /^Subject: Set up secure mail on your phone \(Example Org\)/m);
      assert.match(mail.raw, /^Auto-Submitted: auto-generated/m);
      assert.match(mail.text, /archived by Example Org/);
      assert.match(mail.text, /several\s+recovery officers/);

      const page = await fetch(`${server.url}${path}`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/);
      const html = await page.text();
      assert.match(html, /gia@example\.test/);
      assert.match(html, /What will happen/);
      assert.match(html, /archived by Example Org/);
      assert.match(html, new RegExp(`<form method="post" action="${path.replace(/[.]/g, '\\.')}/profile">`));
      assert.match(html, /<svg[^>]*viewBox/, 'a QR code for desktop browsers');
      assert.doesNotMatch(html, /<script/i);
      assert.equal((await fetch(`${server.url}${path}`)).status, 200, 'showing the page does not use the link');

      const response = await install(path);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'application/x-apple-aspen-config');
      assert.equal(response.headers.get('cache-control'), 'no-store');
      const profile = checkMobileconfig(Buffer.from(await response.arrayBuffer()), { dir: dir.path, rootPem });
      assert.equal(profile.ofType('com.apple.security.pkcs12').length, 1);
      const [links] = [(await api('GET', '/subscribers/gia@example.test/enrollment-links')).body as unknown as { status: string; deviceId: string; mailedAt: string }[]];
      assert.equal(links[0]!.status, 'used');
      assert.ok(links[0]!.mailedAt);
      assert.ok(links[0]!.deviceId, 'the link registered a device');
      assert.ok(!('secretHash' in links[0]!));

      const again = await install(path);
      assert.equal(again.status, 410);
      assert.match(again.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(await again.text(), /used already/);
      assert.equal((await fetch(`${server.url}${path}`)).status, 410);

      // The device enrolls over SCEP with the profile's challenge, for the profile's URL path.
      const content = profile.ofType('com.apple.security.scep')[0]!.PayloadContent as Record<string, unknown>;
      const scepPath = new URL(String(content.URL)).pathname;
      const run = await scepclient(join(dir.path, 'scep'), `${server.url}${scepPath}`, { challenge: String(content.Challenge), cn: 'gia' });
      assert.equal(run.status, 0, run.output);
      const cert = readFileSync(join(dir.path, 'scep', 'cert.pem'), 'utf8');
      assert.match(openssl(['x509', '-noout', '-ext', 'subjectAltName'], cert), /email:gia@example\.test/);
      const serial = openssl(['x509', '-noout', '-serial'], cert).trim().split('=')[1]!.toLowerCase();
      const record = (await api('GET', `/certificates/${serial}`)).body as { profile: string; deviceId: string };
      assert.equal(record.profile, 'smime-signing');
      assert.equal(record.deviceId, links[0]!.deviceId);
    });

    test('an expired link, a withdrawn link and an unknown one get clear pages, not profiles', async () => {
      const expired = await invite('hal@example.test');
      clock.advance(8 * 86_400_000);
      const expiredPage = await fetch(`${server.url}${expired.path}`);
      assert.equal(expiredPage.status, 410);
      assert.match(await expiredPage.text(), /has expired/);
      const expiredInstall = await install(expired.path);
      assert.equal(expiredInstall.status, 410);
      assert.notEqual(expiredInstall.headers.get('content-type'), 'application/x-apple-aspen-config');

      const withdrawn = await invite('hal@example.test');
      const revoked = await api('POST', '/subscribers/hal@example.test/enrollment-links/revoke', {});
      assert.equal(revoked.status, 200);
      const linkId = (path: string) => path.slice('/enroll/'.length, '/enroll/'.length + 16);
      assert.ok((revoked.body.links as string[]).includes(linkId(withdrawn.path)), 'the open link is revoked (the expired one with it)');
      assert.match(await (await install(withdrawn.path)).text(), /withdrew this enrollment link/);

      const forged = `${withdrawn.path.slice(0, -4)}AAAA`;
      const unknown = await fetch(`${server.url}${forged}`);
      assert.equal(unknown.status, 404);
      assert.match(await unknown.text(), /not valid/);
      assert.equal((await install('/enroll/not-a-token')).status, 404);
      assert.ok([400, 414].includes((await fetch(`${server.url}/enroll/${'x'.repeat(500)}`)).status), 'an oversized token is refused before the domain');
    });

    test('the REST API builds a profile for an operator and documents the delivery routes', async () => {
      const response = await fetch(`${server.url}/api/v1/subscribers/hal@example.test/profile`, {
        method: 'POST', headers: { authorization: `Bearer ${instance.adminToken}`, 'content-type': 'application/json' }, body: '{}',
      });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'application/x-apple-aspen-config');
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.ok(response.headers.get('x-mcms-device'));
      checkMobileconfig(Buffer.from(await response.arrayBuffer()), { dir: dir.path, rootPem });
      const refused = await fetch(`${server.url}/api/v1/subscribers/hal@example.test/profile`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      assert.equal(refused.status, 401);
      const openapi = await (await fetch(`${server.url}/api/openapi.json`)).json() as { paths: Record<string, unknown> };
      for (const path of ['/api/v1/subscribers/{key}/profile', '/api/v1/subscribers/{key}/invitations', '/api/v1/subscribers/{key}/enrollment-links',
        '/api/v1/subscribers/{key}/enrollment-links/revoke', '/api/v1/subscribers/{key}/redeliver']) assert.ok(openapi.paths[path], path);
    });

    test('a re-key mails each device a new link by itself, and re-delivery on demand; the profile carries the new history', async () => {
      const first = await invite('ivy@example.test');
      const firstProfile = checkMobileconfig(Buffer.from(await (await install(first.path)).arrayBuffer()), { dir: dir.path, rootPem });
      assert.equal(firstProfile.ofType('com.apple.security.pkcs12').length, 1);
      assert.equal((await api('POST', '/subscribers/ivy@example.test/encryption-identities', {})).status, 201);
      const automatic = await smtp.next();
      assert.deepEqual(automatic.to, ['ivy@example.test'], 'delivery.redeliverOnRekey mails the device a new link');
      const second = checkMobileconfig(Buffer.from(await (await install(linkIn(automatic.text)!)).arrayBuffer()), { dir: dir.path, rootPem });
      assert.equal(second.ofType('com.apple.security.pkcs12').length, 2, 'the new key and the earlier one');
      assert.equal(second.top.PayloadIdentifier, firstProfile.top.PayloadIdentifier, 'same device: the new profile replaces the old');

      const before = smtp.received.length;
      const system = { actor: { kind: 'system' as const, id: 'expiry', name: 'expiry' }, role: 'admin' as const, operatorId: null };
      await instance.mcms.escrow.generate(system, { subscriber: 'ivy@example.test' });
      assert.equal(smtp.received.length, before, 'a system flow (expiry) re-delivers through its own seam, not twice');

      const redelivered = await api('POST', '/subscribers/ivy@example.test/redeliver');
      assert.equal(redelivered.status, 200);
      const invitations = redelivered.body as unknown as { link: { deviceId: string }; mailed: boolean }[];
      assert.equal(invitations.length, 1);
      assert.equal(invitations[0]!.mailed, true);
      const mail = await smtp.next();
      const third = checkMobileconfig(Buffer.from(await (await install(linkIn(mail.text)!)).arrayBuffer()), { dir: dir.path, rootPem });
      assert.equal(third.top.PayloadIdentifier, firstProfile.top.PayloadIdentifier);
      assert.equal(third.ofType('com.apple.security.pkcs12').length, 3);
      const uuids = (p: typeof second) => new Set(p.payloads.map((x) => x.PayloadUUID));
      for (const uuid of uuids(second)) assert.ok(uuids(third).has(uuid), 'earlier payloads keep their UUIDs');
    });
  });
}
