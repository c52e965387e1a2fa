/**
 * SCEP against real clients: micromdm's scepclient (POST, SHA-1, single DES) and certmonger (GET,
 * AES, RA mode), with one-time challenges bound to person, device and profile. The certificate names
 * the person from mcms's records whatever the client asked for, and every refusal reaches the client as
 * a FAILURE it reports.
 */
import 'reflect-metadata';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { startHttpServer } from '../../src/entrypoints/http/app.js';
import type { RunningHttpServer } from '../../src/entrypoints/http/app.js';
import { FixedClock } from '../../src/lib/clock.js';
import { toPem } from '../../src/lib/pki/index.js';
import type { TestInstance } from '../support/instance.js';
import { startInstance } from '../support/instance.js';
import { openssl, tempDir, verifyChain } from '../support/openssl.js';
import { Certmonger, scepclient } from '../support/scep-clients.js';

describe('SCEP with real clients', () => {
  let instance: TestInstance;
  let server: RunningHttpServer;
  let chain: string[];
  let deviceId: string;
  const clock = new FixedClock(new Date());
  const dir = tempDir('mcms-scep-');
  const admin = () => instance.mcms.localPrincipal();
  const challenge = async (profile = 'smime-signing', extra: { deviceId?: string; ttlMs?: number } = {}) =>
    (await instance.mcms.challenges.create(admin(), { subscriber: 'alice@example.test', profile, ...extra })).secret;

  before(async () => {
    instance = await startInstance('sqlite', { MCMS_PORT: '0', MCMS_HOST: '127.0.0.1', MCMS_PROFILES_SMIME_DUAL_REQUIRE_APPROVAL: 'true' }, { clock });
    server = await startHttpServer(instance.mcms, { logger: pino({ level: 'silent' }) });
    await instance.mcms.subscribers.add(admin(), { email: 'alice@example.test', name: 'Alice Example' });
    deviceId = (await instance.mcms.devices.add(admin(), { subscriber: 'alice@example.test', name: "Alice's iPhone" })).id;
    chain = (await instance.mcms.ca.show(admin())).chain.map((der) => toPem('CERTIFICATE', der));
  });
  after(async () => {
    await server?.close();
    await instance?.dispose();
    dir.remove();
  });

  test('scepclient enrolls with a one-time challenge, then renews without one', async () => {
    const secret = await challenge('smime-signing', { deviceId });
    const work = join(dir.path, 'enroll');
    const run = await scepclient(work, `${server.url}/scep`, { challenge: secret, cn: 'mallory' });
    assert.equal(run.status, 0, run.output);
    const pem = readFileSync(join(work, 'cert.pem'), 'utf8');
    assert.match(verifyChain(dir.path, pem, chain, 'smimesign'), /leaf\.pem: OK/);
    const text = openssl(['x509', '-noout', '-text'], pem);
    assert.match(text, /Subject: CN = alice@example\.test/);
    assert.match(text, /email:alice@example\.test/);
    assert.doesNotMatch(text, /mallory/);
    assert.equal(openssl(['x509', '-noout', '-pubkey'], pem), openssl(['pkey', '-in', join(work, 'key.pem'), '-pubout']));
    const serial = openssl(['x509', '-noout', '-serial'], pem).trim().split('=')[1]!.toLowerCase();
    const record = await instance.mcms.certificates.show(admin(), serial);
    assert.equal(record.deviceId, deviceId);
    const challenges = await instance.mcms.challenges.list(admin(), 'alice@example.test');
    assert.equal(challenges.find((c) => secret.startsWith(`${c.id}.`))!.status, 'used');

    const renewal = await scepclient(work, `${server.url}/scep`, { cn: 'mallory' });
    assert.equal(renewal.status, 0, renewal.output);
    const renewed = readFileSync(join(work, 'cert.pem'), 'utf8');
    const renewedSerial = openssl(['x509', '-noout', '-serial'], renewed).trim().split('=')[1]!.toLowerCase();
    assert.notEqual(renewedSerial, serial);
    const renewedRecord = await instance.mcms.certificates.show(admin(), renewedSerial);
    assert.equal(renewedRecord.subscriberId, record.subscriberId);
    assert.equal(renewedRecord.deviceId, deviceId);
    assert.match(verifyChain(dir.path, renewed, chain, 'smimesign'), /leaf\.pem: OK/);
  });

  test('a used, wrong, expired, locked or other-profile challenge ends in a FAILURE the client reports', async () => {
    const used = await challenge();
    assert.equal((await scepclient(join(dir.path, 'used-1'), `${server.url}/scep`, { challenge: used })).status, 0);
    const expired = await challenge('smime-signing', { ttlMs: 60_000 });
    clock.advance(61_000);
    const locked = await challenge();
    const [lockedId] = locked.split('.');
    for (let i = 0; i < 5; i += 1) await scepclient(join(dir.path, `lock-${i}`), `${server.url}/scep`, { challenge: `${lockedId}.wrongwrongwrong` });
    const cases = [
      { name: 'used', secret: used, path: '/scep' },
      { name: 'wrong', secret: 'not-a-challenge', path: '/scep' },
      { name: 'expired', secret: expired, path: '/scep' },
      { name: 'locked', secret: locked, path: '/scep' },
      { name: 'other-profile', secret: await challenge('device-auth'), path: '/scep/smime-signing' },
      { name: 'none', secret: undefined, path: '/scep' },
    ];
    for (const c of cases) {
      const run = await scepclient(join(dir.path, `refused-${c.name}`), `${server.url}${c.path}`, c.secret === undefined ? {} : { challenge: c.secret });
      assert.notEqual(run.status, 0, `${c.name}: ${run.output}`);
      assert.match(run.output, /badRequest|badTime|failInfo|FAILURE/i, `${c.name}: ${run.output}`);
      assert.ok(!existsSync(join(dir.path, `refused-${c.name}`, 'cert.pem')), `${c.name} got a certificate`);
    }
  });

  test('pending → approve gives the certificate; pending → reject gives FAILURE', async () => {
    const runAsync = (name: string, secret: string) =>
      scepclient(join(dir.path, name), `${server.url}/scep/smime-dual`, { challenge: secret, timeoutMs: 90_000 });
    const approvedRun = runAsync('pending-approve', await challenge('smime-dual'));
    const rejectedRun = runAsync('pending-reject', await challenge('smime-dual'));
    let open: Awaited<ReturnType<typeof instance.mcms.approvals.list>>['items'] = [];
    for (let i = 0; i < 100 && open.length < 2; i += 1) {
      await new Promise((r) => setTimeout(r, 200));
      open = (await instance.mcms.approvals.list(admin(), { status: 'open', kind: 'scep-enrollment' }, { limit: 10 })).items;
    }
    assert.equal(open.length, 2);
    const officer = await instance.mcms.operators.add(admin(), { name: 'olivia', role: 'officer' });
    const olivia = await instance.mcms.authenticate(officer.token);
    const [first, second] = open as [typeof open[number], typeof open[number]];
    assert.equal((await instance.mcms.approvals.vote(olivia, { id: first.id, decision: 'approve' })).status, 'approved');
    assert.equal((await instance.mcms.approvals.vote(olivia, { id: second.id, decision: 'reject', comment: 'not this device' })).status, 'rejected');
    // scepclient re-sends its request every 30 s while PENDING: one run now gets its certificate, the other a FAILURE.
    const results = await Promise.all([approvedRun, rejectedRun]);
    const outputs = results.map((r) => r.output).join('\n---\n');
    assert.deepEqual(results.map((r) => r.status === 0).sort(), [false, true], outputs);
    assert.match(outputs, /PENDING/i);
  });

  test('certmonger enrolls over GET with AES in RA mode', async () => {
    const certmonger = new Certmonger(join(dir.path, 'certmonger'));
    await certmonger.start();
    try {
      const { request, list, certFile } = await certmonger.request({
        caName: `MCMS-${process.pid}`, url: `${server.url}/scep`, challenge: await challenge(), cn: 'someone@example.test', email: 'someone@example.test',
      });
      assert.equal(request.status, 0, `${request.output}\n${list}`);
      assert.match(list, /status: MONITORING/, list);
      const pem = certmonger.readCertificate(certFile);
      assert.match(verifyChain(dir.path, pem, chain, 'smimesign'), /leaf\.pem: OK/);
      assert.match(openssl(['x509', '-noout', '-subject'], pem), /alice@example\.test/);
    } finally {
      certmonger.stop();
    }
  });
});
