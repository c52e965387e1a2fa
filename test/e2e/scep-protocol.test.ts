/**
 * The SCEP endpoint over HTTP, message by message (RFC 8894 §3–§4), with requests built by a simulated
 * device: capabilities and CA certificates, GET and POST, replays, CertPoll and GetCert, GetCRL, every
 * kind of broken input (the server answers 400 or a FAILURE and keeps serving), and 200 concurrent
 * enrollments with 200 distinct serials on each database.
 */
import 'reflect-metadata';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import type { RunningHttpServer } from '../../src/entrypoints/http/app.js';
import { readCertificate, toPem } from '../../src/lib/pki/index.js';
import { toStreamingBer } from '../../src/lib/pki/cms/fixtures/ber.js';
import type { TestInstance } from '../support/instance.js';
import { dialects } from '../support/instance.js';
import { openssl, tempDir } from '../support/openssl.js';
import type { ScepDevice } from '../support/scep-device.js';
import { issuerAndSerial, issuerAndSubject, newScepDevice, pkiMessage, readCertRep } from '../support/scep-device.js';
import { startScepServer } from '../support/scep-server.js';
import type { ScepTestServer } from '../support/scep-server.js';

for (const { dialect, skip } of dialects) {
  describe(`SCEP protocol on ${dialect}`, { skip }, () => {
    let instance: TestInstance;
    let server: RunningHttpServer;
    let ra: Buffer;
    let issuing: Buffer;
    const admin = () => instance.mcms.localPrincipal();
    const challenge = async (profile = 'smime-signing') =>
      (await instance.mcms.challenges.create(admin(), { subscriber: 'pat@example.test', profile })).secret;
    const post = (body: Buffer, path = '/scep') => fetch(`${server.url}${path}?operation=PKIOperation`, {
      method: 'POST', headers: { 'content-type': 'application/x-pki-message' }, body,
    });
    const enroll = async (device: ScepDevice, path = '/scep', body?: Buffer) => {
      const response = await post(body ?? await pkiMessage(device, ra), path);
      assert.equal(response.status, 200);
      return readCertRep(device, Buffer.from(await response.arrayBuffer()));
    };

    let scep: ScepTestServer | undefined;
    before(async () => {
      scep = await startScepServer(dialect, 'pat@example.test', { MCMS_PROFILES_SMIME_DUAL_REQUIRE_APPROVAL: 'true' });
      ({ instance, server, ra, issuing } = scep);
    });
    after(() => scep?.close());

    test('GetCACaps and GetCACert', async () => {
      const caps = await fetch(`${server.url}/scep/device-auth?operation=GetCACaps`);
      assert.match(caps.headers.get('content-type')!, /^text\/plain/);
      assert.deepEqual((await caps.text()).trim().split('\n'), ['POSTPKIOperation', 'SHA-1', 'SHA-256', 'SHA-512', 'AES', 'DES3', 'Renewal', 'SCEPStandard']);
      const certs = await fetch(`${server.url}/scep?operation=GetCACert&message=mcms`);
      assert.equal(certs.headers.get('content-type'), 'application/x-x509-ca-ra-cert');
      const printed = openssl(['pkcs7', '-inform', 'DER', '-print_certs', '-noout'], Buffer.from(await certs.arrayBuffer()));
      assert.match(printed, /subject=CN = mcms Issuing CA SCEP RA[\s\S]*subject=CN = mcms Issuing CA[\s\S]*subject=CN = mcms Root CA/);
    });

    test('PKCSReq over POST and over GET, each cipher; a replay returns the first certificate', async () => {
      for (const [i, contentEncryption] of (['des-cbc', 'des-ede3-cbc', 'aes-128-cbc', 'aes-256-cbc'] as const).entries()) {
        const device = await newScepDevice(await challenge());
        const message = await pkiMessage(device, ra, { contentEncryption, digest: i % 2 ? 'sha1' : 'sha512' });
        const response = i % 2
          ? await fetch(`${server.url}/scep?operation=PKIOperation&message=${encodeURIComponent(message.toString('base64'))}`)
          : await post(message);
        const rep = await readCertRep(device, Buffer.from(await response.arrayBuffer()));
        assert.equal(rep.status, 'SUCCESS', `${contentEncryption}: ${rep.failInfo}`);
        assert.equal(readCertificate(rep.certificates[0]!).subjectPublicKeyInfo.toString('hex'), device.party.publicKey.export({ type: 'spki', format: 'der' }).toString('hex'));
        const again = await enroll(device, '/scep', message);
        assert.equal(again.status, 'SUCCESS');
        assert.deepEqual(again.certificates[0], rep.certificates[0], 'a replayed transaction gets the first certificate, not a second one');
      }
    });

    test('CertPoll follows a pending request to its certificate; GetCert fetches an issued one; GetCRL answers with the CRL', async () => {
      const device = await newScepDevice(await challenge('smime-dual'));
      assert.equal((await enroll(device, '/scep/smime-dual')).status, 'PENDING');
      const poll = () => pkiMessage(device, ra, { messageType: 'CertPoll', messageData: issuerAndSubject(issuing, readCertificate(device.party.certificate).subject) });
      assert.equal((await enroll(device, '/scep/smime-dual', await poll())).status, 'PENDING');
      const [waiting] = (await instance.mcms.approvals.list(admin(), { status: 'open' }, { limit: 5 })).items;
      const officer = await instance.mcms.authenticate((await instance.mcms.operators.add(admin(), { name: `officer-${dialect}`, role: 'officer' })).token);
      await instance.mcms.approvals.vote(officer, { id: waiting!.id, decision: 'approve' });
      const issued = await enroll(device, '/scep/smime-dual', await poll());
      assert.equal(issued.status, 'SUCCESS');
      const certificate = issued.certificates[0]!;

      const fetched = await enroll(device, '/scep', await pkiMessage(device, ra, { messageType: 'GetCert', messageData: issuerAndSerial(certificate) }));
      assert.deepEqual(fetched.certificates[0], certificate);
      const unknown = await enroll(device, '/scep', await pkiMessage(device, ra, { messageType: 'GetCert', messageData: issuerAndSerial(device.party.certificate) }));
      assert.deepEqual([unknown.status, unknown.failInfo], ['FAILURE', '4']);
      await instance.mcms.certificates.revoke(admin(), { serial: readCertificate(certificate).serialHex, reason: 'superseded' });
      await instance.mcms.crl.generate(admin(), {});
      const crl = await enroll(device, '/scep', await pkiMessage(device, ra, { messageType: 'GetCRL', messageData: issuerAndSerial(certificate) }));
      assert.equal(crl.status, 'SUCCESS');
      assert.deepEqual(crl.certificates, []);
      const dir = tempDir();
      try {
        writeFileSync(dir.file('reply.p7'), crl.content!);
        writeFileSync(dir.file('issuing.pem'), toPem('CERTIFICATE', issuing));
        const printed = openssl(['pkcs7', '-inform', 'DER', '-in', dir.file('reply.p7'), '-print_certs']);
        writeFileSync(dir.file('crl.pem'), /-----BEGIN X509 CRL-----[\s\S]+?-----END X509 CRL-----\n/.exec(printed)![0]);
        const text = openssl(['crl', '-in', dir.file('crl.pem'), '-CAfile', dir.file('issuing.pem'), '-noout', '-text', '-verify']);
        const hex = readCertificate(certificate).serialHex;
        assert.match(text, new RegExp(`Serial Number: ${(hex.length % 2 ? `0${hex}` : hex).toUpperCase()}[\\s\\S]+Superseded`));
      } finally {
        dir.remove();
      }
    });

    test('broken input gets 400 or a FAILURE, and the server keeps serving', async () => {
      const device = await newScepDevice(await challenge());
      const good = await pkiMessage(device, ra);
      const tampered = Buffer.from(good);
      tampered.writeUInt8(tampered.readUInt8(tampered.length - 10) ^ 0xff, tampered.length - 10);
      const bodies: [string, Buffer, number][] = [
        ['garbage', Buffer.from('hello, this is not DER'), 400],
        ['empty', Buffer.alloc(0), 400],
        ['truncated', good.subarray(0, good.length >> 1), 400],
        ['wrongly signed', tampered, 400],
        ['oversized', Buffer.alloc(300 * 1024, 0x30), 413],
      ];
      for (const [name, body, status] of bodies) {
        const response = await post(body);
        assert.equal(response.status, status, name);
        assert.doesNotMatch(await response.text(), /Error:|at .*\.ts/, name);
      }
      const unreadable = await newScepDevice(await challenge());
      const garbled = await pkiMessage(unreadable, ra, { messageData: Buffer.from('not a CSR') });
      assert.deepEqual(await enroll(unreadable, '/scep', garbled).then((r) => [r.status, r.failInfo]), ['FAILURE', '1']);
      assert.equal((await fetch(`${server.url}/scep?operation=Frobnicate`)).status, 400);
      assert.equal((await fetch(`${server.url}/scep?operation=PKIOperation&message=%%%`)).status, 400);
      assert.equal((await fetch(`${server.url}/scep/smime-encryption?operation=GetCACaps`)).status, 404);
      assert.equal((await enroll(device, '/scep', toStreamingBer(good))).status, 'SUCCESS', 'a BER-encoded request is read, and the server still serves');
    });

    test('200 concurrent enrollments give 200 distinct serials', async () => {
      const devices = await Promise.all(Array.from({ length: 200 }, async () => newScepDevice(await challenge())));
      const messages = await Promise.all(devices.map((d) => pkiMessage(d, ra)));
      const reps = await Promise.all(devices.map((d, i) => enroll(d, '/scep', messages[i])));
      assert.ok(reps.every((r) => r.status === 'SUCCESS'), JSON.stringify(reps.filter((r) => r.status !== 'SUCCESS').slice(0, 3)));
      const serials = new Set(reps.map((r) => readCertificate(r.certificates[0]!).serialHex));
      assert.equal(serials.size, 200);
    });
  });
}
