/**
 * SCEP transactions at their edges, over HTTP with a simulated device and a clock the test moves: a
 * request signed with an EC key (the reply could not be encrypted to it), a client certificate that
 * is not strict DER, a replay or CertPoll at another profile's URL, a renewal that waits for approval
 * and is collected with CertPoll, challenges and decisions through the CLI, an approval that nobody
 * gives in time, and a device reported lost while its request waits.
 */
import 'reflect-metadata';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { Principal } from '../../src/domain/access/index.js';
import type { RunningHttpServer } from '../../src/entrypoints/http/app.js';
import { FixedClock } from '../../src/lib/clock.js';
import { encodingOf, readCertificate, readChildren, readTlv, seq } from '../../src/lib/pki/index.js';
import type { TestInstance } from '../support/instance.js';
import { dialects } from '../support/instance.js';
import type { ScepDevice } from '../support/scep-device.js';
import { issuerAndSubject, newScepDevice, pkiMessage, readCertRep } from '../support/scep-device.js';
import type { RequestOptions } from '../support/scep-device.js';
import { startScepServer } from '../support/scep-server.js';
import type { ScepTestServer } from '../support/scep-server.js';

const BIN = resolve(import.meta.dirname, '../../bin/mcms');
const DAY = 86_400_000;
const FAIL = { badAlg: '0', badRequest: '2' } as const;

/** The certificate with its serialNumber INTEGER given a superfluous leading zero octet (not DER). */
function withNonMinimalSerial(certificate: Buffer): Buffer {
  const [tbs, algorithm, signature] = readChildren(certificate, readTlv(certificate, 0));
  const fields = readChildren(certificate, tbs!).map((field) => encodingOf(certificate, field));
  const at = fields[0]![0] === 0xa0 ? 1 : 0;
  const value = fields[at]!.subarray(2);
  fields[at] = Buffer.concat([Buffer.of(0x02, value.length + 1, 0x00), value]);
  return seq(seq(...fields), encodingOf(certificate, algorithm!), encodingOf(certificate, signature!));
}

for (const { dialect, skip } of dialects) {
  describe(`SCEP transactions at the edges on ${dialect}`, { skip }, () => {
    const clock = new FixedClock(new Date());
    let instance: TestInstance;
    let server: RunningHttpServer;
    let ra: Buffer;
    let issuing: Buffer;
    let officer: Principal;
    const admin = () => instance.mcms.localPrincipal();
    const challenge = async (profile = 'smime-signing', deviceId?: string) =>
      (await instance.mcms.challenges.create(admin(), { subscriber: 'sam@example.test', profile, ...(deviceId ? { deviceId } : {}) })).secret;
    const send = async (device: ScepDevice, path: string, options: RequestOptions & { body?: Buffer } = {}) => {
      const body = options.body ?? await pkiMessage(device, ra, options);
      const response = await fetch(`${server.url}${path}?operation=PKIOperation`, { method: 'POST', headers: { 'content-type': 'application/x-pki-message' }, body });
      assert.equal(response.status, 200, await response.clone().text());
      return readCertRep(device, Buffer.from(await response.arrayBuffer()), options.signer ? { signer: options.signer } : {});
    };
    const poll = (device: ScepDevice, path: string, options: RequestOptions = {}) => send(device, path, {
      ...options, messageType: 'CertPoll', messageData: issuerAndSubject(issuing, readCertificate(device.party.certificate).subject),
    });
    const waitingApproval = async () => {
      const open = (await instance.mcms.approvals.list(admin(), { status: 'open' }, { limit: 1 })).items;
      assert.equal(open.length, 1, 'one approval request waits');
      return open[0]!.id;
    };
    const outcome = (rep: { status: string; failInfo?: string | undefined }) => [rep.status, rep.failInfo];

    let scep: ScepTestServer | undefined;
    before(async () => {
      scep = await startScepServer(dialect, 'sam@example.test', { MCMS_PROFILES_SMIME_DUAL_REQUIRE_APPROVAL: 'true' }, { clock });
      ({ instance, server, ra, issuing } = scep);
      officer = await instance.mcms.authenticate((await instance.mcms.operators.add(admin(), { name: `officer-${dialect}`, role: 'officer' })).token);
    });
    after(() => scep?.close());

    test('a request signed with an EC key gets badAlg before anything is issued; its challenge still works', async () => {
      const secret = await challenge();
      const ec = await newScepDevice(secret, 'ec device', 'ec');
      assert.deepEqual(outcome(await send(ec, '/scep')), ['FAILURE', FAIL.badAlg], 'the reply could only be encrypted to an RSA key');
      assert.equal((await instance.mcms.certificates.list(admin(), { subscriber: 'sam@example.test' }, { limit: 10 })).items.length, 0);
      assert.equal((await send(await newScepDevice(secret), '/scep')).status, 'SUCCESS', 'the challenge was not used up');
    });

    test('a self-signed certificate that is not strict DER still signs a request', async () => {
      const device = await newScepDevice(await challenge());
      const lax = withNonMinimalSerial(device.party.certificate);
      assert.throws(() => readCertificate(lax), 'the strict reader refuses it');
      const signer = { ...device.party, certificate: lax };
      const rep = await send(device, '/scep', { signer });
      assert.equal(rep.status, 'SUCCESS', rep.failInfo);
      assert.deepEqual(readCertificate(rep.certificates[0]!).subjectPublicKeyInfo, device.party.publicKey.export({ type: 'spki', format: 'der' }));
    });

    test('a replay or a CertPoll at another profile\'s URL is refused, not answered with the first certificate', async () => {
      const device = await newScepDevice(await challenge());
      const message = await pkiMessage(device, ra);
      assert.equal((await send(device, '/scep', { body: message })).status, 'SUCCESS');
      assert.deepEqual(outcome(await send(device, '/scep/device-auth', { body: message })), ['FAILURE', FAIL.badRequest]);
      assert.deepEqual(outcome(await poll(device, '/scep/device-auth')), ['FAILURE', FAIL.badRequest]);
      assert.equal((await poll(device, '/scep')).status, 'SUCCESS');
    });

    test('a renewal that waits for approval is collected with CertPoll signed by the old certificate', async () => {
      const device = await newScepDevice(await challenge('smime-dual'));
      assert.equal((await send(device, '/scep/smime-dual')).status, 'PENDING');
      await instance.mcms.approvals.vote(officer, { id: await waitingApproval(), decision: 'approve' });
      const first = await poll(device, '/scep/smime-dual');
      assert.equal(first.status, 'SUCCESS');

      // As scepclient does: the renewal reuses the key, the request and the transactionID of the enrollment.
      const old = { ...device.party, certificate: first.certificates[0]! };
      assert.equal((await send(device, '/scep/smime-dual', { messageType: 'RenewalReq', signer: old })).status, 'PENDING');
      assert.equal((await poll(device, '/scep/smime-dual', { signer: old })).status, 'PENDING', 'the renewal, not the enrollment it reuses the ID of');
      await instance.mcms.approvals.vote(officer, { id: await waitingApproval(), decision: 'approve' });
      const renewed = await poll(device, '/scep/smime-dual', { signer: old });
      assert.equal(renewed.status, 'SUCCESS', renewed.failInfo);
      assert.notDeepEqual(renewed.certificates[0], old.certificate, 'a new certificate');
      assert.deepEqual(readCertificate(renewed.certificates[0]!).subjectPublicKeyInfo, device.party.publicKey.export({ type: 'spki', format: 'der' }));

      // A renewal waiting while its old certificate is revoked is not issued when approved.
      const next = { ...device.party, certificate: renewed.certificates[0]! };
      const other = await newScepDevice(undefined, 'rekeyed device');
      assert.equal((await send(other, '/scep/smime-dual', { messageType: 'RenewalReq', signer: next })).status, 'PENDING');
      await instance.mcms.certificates.revoke(admin(), { serial: readCertificate(next.certificate).serialHex, reason: 'keyCompromise' });
      await assert.rejects(instance.mcms.approvals.vote(officer, { id: await waitingApproval(), decision: 'approve' }), { code: 'scep.renewal-refused' });
      assert.deepEqual(outcome(await poll(other, '/scep/smime-dual', { signer: next })), ['FAILURE', FAIL.badRequest]);
    });

    test('a RenewalReq is refused when signed by a certificate of another profile, a revoked one or one this CA did not issue', async () => {
      const device = await newScepDevice(await challenge());
      const current = { ...device.party, certificate: (await send(device, '/scep')).certificates[0]! };
      const renew = async (path: string, signer: typeof current) =>
        outcome(await send(await newScepDevice(undefined, 'renewal'), path, { messageType: 'RenewalReq', signer }));
      assert.deepEqual(await renew('/scep/device-auth', current), ['FAILURE', FAIL.badRequest], 'another profile');
      assert.deepEqual(await renew('/scep', device.party), ['FAILURE', FAIL.badRequest], 'a self-signed certificate');
      await instance.mcms.certificates.revoke(admin(), { serial: readCertificate(current.certificate).serialHex, reason: 'keyCompromise' });
      assert.deepEqual(await renew('/scep', current), ['FAILURE', FAIL.badRequest], 'a revoked certificate');
    });

    test('through the CLI: challenge create gives the device its secret; approve and reject decide waiting requests', async () => {
      // Before the clock is moved: the CLI runs on the real clock, the server on the test's.
      const cli = (...args: string[]) => {
        const run = spawnSync(process.execPath, [BIN, '--json', ...args], {
          env: { ...process.env, MCMS_TOKEN: '', MCMS_MASTER_KEY: '', MCMS_DATABASE_URL: '', ...instance.env }, encoding: 'utf8',
        });
        assert.equal(run.status, 0, `mcms ${args.join(' ')}: ${run.stderr}`);
        return JSON.parse(run.stdout) as Record<string, unknown>;
      };
      const created = cli('challenge', 'create', 'sam@example.test');
      assert.equal(created.profile, 'smime-signing');
      assert.equal(created.secretHash, undefined, 'the hash is not shown');
      assert.equal((await send(await newScepDevice(String(created.challenge)), '/scep')).status, 'SUCCESS');

      const [kept, refused] = [await newScepDevice(String(cli('challenge', 'create', 'sam@example.test', '--profile', 'smime-dual').challenge)),
        await newScepDevice(String(cli('challenge', 'create', 'sam@example.test', '--profile', 'smime-dual').challenge))];
      assert.equal((await send(kept, '/scep/smime-dual')).status, 'PENDING');
      const keptApproval = await waitingApproval();
      assert.equal((await send(refused, '/scep/smime-dual')).status, 'PENDING');
      const waiting = (cli('approval', 'list', '--status', 'open', '--kind', 'scep-enrollment').items as { id: string }[]).map((a) => a.id);
      assert.equal(waiting.length, 2);
      assert.equal(cli('approve', keptApproval).status, 'approved');
      assert.equal(cli('reject', waiting.find((id) => id !== keptApproval)!, '--comment', 'not this device').status, 'rejected');
      const issued = await poll(kept, '/scep/smime-dual');
      assert.equal(issued.status, 'SUCCESS');
      assert.deepEqual(readCertificate(issued.certificates[0]!).subjectPublicKeyInfo, kept.party.publicKey.export({ type: 'spki', format: 'der' }));
      assert.deepEqual(outcome(await poll(refused, '/scep/smime-dual')), ['FAILURE', FAIL.badRequest]);
    });

    test('a request nobody approves in time ends in FAILURE, not PENDING for ever', async () => {
      const device = await newScepDevice(await challenge('smime-dual'));
      assert.equal((await send(device, '/scep/smime-dual')).status, 'PENDING');
      await waitingApproval();
      clock.advance(6 * DAY);
      assert.equal((await poll(device, '/scep/smime-dual')).status, 'PENDING');
      clock.advance(1 * DAY + 1000);
      assert.deepEqual(outcome(await poll(device, '/scep/smime-dual')), ['FAILURE', FAIL.badRequest], 'the default approvalTtl is 7 days');
      const late = await instance.mcms.approvals.vote(officer, { id: await waitingApproval(), decision: 'approve' });
      assert.equal(late.status, 'expired', 'a late approval closes the request as expired');
      assert.deepEqual(outcome(await poll(device, '/scep/smime-dual')), ['FAILURE', FAIL.badRequest]);
    });

    test('a device reported lost while its request waits gets no certificate, and no new challenge', async () => {
      const phone = await instance.mcms.devices.add(admin(), { subscriber: 'sam@example.test', name: 'phone' });
      const device = await newScepDevice(await challenge('smime-dual', phone.id));
      assert.equal((await send(device, '/scep/smime-dual')).status, 'PENDING');
      const approval = await waitingApproval();
      await instance.mcms.devices.lost(admin(), { deviceId: phone.id });
      await assert.rejects(instance.mcms.approvals.vote(officer, { id: approval, decision: 'approve' }), { code: 'device.inactive' });
      assert.deepEqual(outcome(await poll(device, '/scep/smime-dual')), ['FAILURE', FAIL.badRequest]);
      await assert.rejects(challenge('smime-signing', phone.id), { code: 'device.inactive' });
    });
  });
}
