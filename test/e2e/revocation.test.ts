/**
 * Revocation on SQLite and PostgreSQL: revoke by serial with RFC 5280 reasons (unspecified leaves the
 * reasonCode out; certificateHold only for multipurpose certificates), refusals that change nothing,
 * the lost-device and leaver actions (what goes, what stays, one audit record each), an escrowed key
 * marked compromised, and the CRLs those produce, checked by `openssl crl -verify` (complete and
 * delta, the delta naming only what changed since its base).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import type { Principal } from '../../src/domain/access/index.js';
import { toPem } from '../../src/lib/pki/index.js';
import type { TestInstance } from '../support/instance.js';
import { dialects, startInstance } from '../support/instance.js';
import { makeCsr, openssl, tempDir } from '../support/openssl.js';
import { rawSql } from '../support/escrow-peers.js';

const refusedWith = (code: string) => (error: unknown) => {
  assert.equal((error as { code?: string }).code, code, String(error));
  return true;
};

for (const { dialect, skip } of dialects) {
  describe(`revocation on ${dialect}`, { skip }, () => {
    let instance: TestInstance;
    let officer: Principal;
    const dir = tempDir();

    before(async () => {
      instance = await startInstance(dialect);
      const local = instance.mcms.localPrincipal();
      officer = await instance.mcms.authenticate((await instance.mcms.operators.add(local, { name: 'olga', role: 'officer' })).token);
      writeFileSync(dir.file('chain.pem'), (await instance.mcms.ca.show(local)).chain.map((der) => toPem('CERTIFICATE', der)).join(''));
    });
    after(async () => {
      await instance?.dispose();
      dir.remove();
    });

    async function issue(subscriber: string, profile: string, deviceId?: string): Promise<string> {
      const { csrPem } = makeCsr(dir.path, `k${Math.random().toString(36).slice(2)}`);
      return (await instance.mcms.certificates.issue(officer, { profile, subscriber, csr: csrPem, deviceId })).serial;
    }

    const auditCount = async () => Number((await rawSql<{ n: number | string }>(instance, dialect, 'select count(*) as n from audit_events'))[0]!.n);
    const auditActions = async (action: string) => rawSql<{ target: string; details: string }>(instance, dialect, `select target, details from audit_events where action = '${action}'`);

    /** Writes the current CRL of `issuing` and returns `openssl crl -text` of it, after checking its signature. */
    async function crlText(kind: 'full' | 'delta'): Promise<string> {
      const crl = await instance.mcms.crl.current('issuing', kind);
      writeFileSync(dir.file(`${kind}.crl`), crl.der);
      const out = openssl(['crl', '-inform', 'DER', '-in', dir.file(`${kind}.crl`), '-CAfile', dir.file('chain.pem'), '-noout', '-text', '-verify']);
      return out;
    }

    test('revoke by serial: reason kept, no reasonCode for unspecified, refusals change nothing', async () => {
      const { mcms } = instance;
      await mcms.subscribers.add(officer, { email: 'rita@example.test' });
      const compromised = await issue('rita@example.test', 'smime-signing');
      const plain = await issue('rita@example.test', 'smime-signing');
      const revoked = await mcms.certificates.revoke(officer, { serial: compromised.toUpperCase(), reason: 'keyCompromise' });
      assert.equal(revoked.status, 'revoked');
      assert.equal(revoked.revocationReason, 'keyCompromise');
      assert.equal((await mcms.certificates.show(officer, compromised)).status, 'revoked');
      await mcms.certificates.revoke(officer, { serial: plain });

      const strict = await issue('rita@example.test', 'smime-signing');
      const auditor = await mcms.authenticate((await mcms.operators.add(mcms.localPrincipal(), { name: 'audrey', role: 'auditor' })).token);
      const audits = await auditCount();
      await assert.rejects(mcms.certificates.revoke(officer, { serial: compromised, reason: 'superseded' }), refusedWith('revocation.already-revoked'));
      await assert.rejects(mcms.certificates.revoke(officer, { serial: 'abcdef0123456789' }), refusedWith('certificate.not-found'));
      await assert.rejects(mcms.certificates.revoke(officer, { serial: 'not hex' }), refusedWith('certificate.invalid-filter'));
      await assert.rejects(mcms.certificates.revoke(officer, { serial: strict, reason: 'removeFromCRL' }), refusedWith('revocation.invalid-reason'));
      await assert.rejects(mcms.certificates.revoke(officer, { serial: strict, reason: 'certificateHold' }), refusedWith('revocation.reason-not-allowed'));
      await assert.rejects(mcms.certificates.revoke(auditor, { serial: strict }), refusedWith('auth.forbidden'));
      assert.equal(await auditCount(), audits, 'refusals leave no trace');
      assert.equal((await mcms.certificates.show(officer, strict)).status, 'valid');
      const multipurpose = await issue('rita@example.test', 'device-auth');
      assert.equal((await mcms.certificates.revoke(officer, { serial: multipurpose, reason: 'certificateHold' })).revocationReason, 'certificateHold');

      const audit = await auditActions('certificate.revoke');
      assert.equal(audit.length, 3);
      assert.deepEqual(JSON.parse(audit[0]!.details).reason, 'keyCompromise');

      await mcms.crl.generate(mcms.localPrincipal(), {});
      const text = await crlText('full');
      assert.match(text, /verify OK|Version 2/);
      const entry = (serial: string) => text.slice(text.indexOf(`Serial Number: ${serial.toUpperCase()}`)).split('Serial Number:')[1]!;
      assert.match(entry(compromised), /Key Compromise/);
      assert.doesNotMatch(entry(plain), /CRL Reason Code|Unspecified/, 'unspecified carries no reasonCode');
      assert.match(entry(multipurpose), /Certificate Hold/);
      assert.ok(!text.includes(strict.toUpperCase()));
    });

    test('a lost device loses its signing and authentication certificates, challenges and status; encryption keys stay', async () => {
      const { mcms } = instance;
      const subscriber = await mcms.subscribers.add(officer, { email: 'lena@example.test' });
      const phone = await mcms.devices.add(officer, { subscriber: 'lena@example.test', name: 'iPhone' });
      const tablet = await mcms.devices.add(officer, { subscriber: 'lena@example.test', name: 'iPad' });
      const signing = await issue('lena@example.test', 'smime-signing', phone.id);
      const auth = await issue('lena@example.test', 'device-auth', phone.id);
      const tabletSigning = await issue('lena@example.test', 'smime-signing', tablet.id);
      const encryption = (await mcms.escrow.generate(officer, { subscriber: 'lena@example.test' })).identity.serial;
      const { challenge } = await mcms.challenges.create(officer, { subscriber: 'lena@example.test', deviceId: phone.id });
      const { challenge: tabletChallenge } = await mcms.challenges.create(officer, { subscriber: 'lena@example.test', deviceId: tablet.id });

      const audits = await auditCount();
      const loss = await mcms.devices.lost(officer, { deviceId: phone.id });
      assert.deepEqual(new Set(loss.revoked), new Set([signing, auth]));
      assert.equal(loss.challengesRevoked, 1);
      assert.equal(loss.device.status, 'lost');
      assert.equal(loss.replacement, 'not-available');
      assert.equal(await auditCount(), audits + 1, 'one audit record');
      const [record] = await auditActions('device.lost');
      assert.equal(record!.target, phone.id);
      assert.deepEqual(new Set(JSON.parse(record!.details).revoked), new Set([signing, auth]));

      for (const serial of [signing, auth]) {
        const cert = await mcms.certificates.show(officer, serial);
        assert.equal(cert.status, 'revoked');
        assert.equal(cert.revocationReason, 'keyCompromise');
      }
      assert.equal((await mcms.certificates.show(officer, tabletSigning)).status, 'valid');
      assert.equal((await mcms.certificates.show(officer, encryption)).status, 'valid', 'the encryption key stays');
      const challenges = await mcms.challenges.list(officer, 'lena@example.test');
      assert.equal(challenges.find((c) => c.id === challenge.id)?.status, 'revoked');
      assert.equal(challenges.find((c) => c.id === tabletChallenge.id)?.status, 'open');
      const { devices } = await mcms.devices.list(officer, subscriber.id);
      assert.equal(devices.find((d) => d.id === phone.id)?.status, 'lost');
      assert.equal(devices.find((d) => d.id === tablet.id)?.status, 'active');
      assert.equal((await mcms.escrow.history(officer, 'lena@example.test')).identities[0]?.status, 'current');

      await assert.rejects(mcms.devices.lost(officer, { deviceId: phone.id }), refusedWith('device.already-lost'));
      await assert.rejects(mcms.devices.lost(officer, { deviceId: 'no-such-device' }), refusedWith('device.not-found'));
      assert.equal(await auditCount(), audits + 1);
    });

    test('a leaver loses every certificate (affiliationChanged) and access; escrowed keys stay recoverable', async () => {
      const { mcms } = instance;
      await mcms.subscribers.add(officer, { email: 'leo@example.test' });
      const phone = await mcms.devices.add(officer, { subscriber: 'leo@example.test', name: 'iPhone' });
      const signing = await issue('leo@example.test', 'smime-signing', phone.id);
      const old = (await mcms.escrow.generate(officer, { subscriber: 'leo@example.test' })).identity.serial;
      const current = (await mcms.escrow.generate(officer, { subscriber: 'leo@example.test' })).identity.serial;
      await mcms.challenges.create(officer, { subscriber: 'leo@example.test' });

      const audits = await auditCount();
      const departure = await mcms.subscribers.leave(officer, { subscriber: 'leo@example.test' });
      assert.deepEqual(new Set(departure.revoked), new Set([signing, old, current]));
      assert.equal(departure.subscriber.status, 'disabled');
      assert.equal(departure.challengesRevoked, 1);
      assert.equal(departure.devicesRetired, 1);
      assert.equal(await auditCount(), audits + 1);
      for (const serial of [signing, old, current]) assert.equal((await mcms.certificates.show(officer, serial)).revocationReason, 'affiliationChanged');

      const { identities } = await mcms.escrow.history(officer, 'leo@example.test');
      assert.deepEqual(identities.map((i) => i.serial).sort(), [old, current].sort(), 'the escrowed history is kept');
      const recovery = await mcms.escrow.recover(officer, { subscriber: 'leo@example.test', reason: 'legal hold' });
      assert.equal(recovery.status, 'open', 'recovery waits for dual control');
      await assert.rejects(mcms.subscribers.leave(officer, { subscriber: 'leo@example.test' }), refusedWith('subscriber.disabled'));
      await assert.rejects(mcms.certificates.issue(officer, { profile: 'smime-signing', subscriber: 'leo@example.test', csr: makeCsr(dir.path, 'leo2').csrPem }), refusedWith('subscriber.disabled'));
    });

    test('an escrowed key marked compromised has its certificate revoked (keyCompromise)', async () => {
      const { mcms } = instance;
      await mcms.subscribers.add(officer, { email: 'kim@example.test' });
      const serial = (await mcms.escrow.generate(officer, { subscriber: 'kim@example.test' })).identity.serial;
      await mcms.escrow.markCompromised(officer, { serial });
      const cert = await mcms.certificates.show(officer, serial);
      assert.equal(cert.status, 'revoked');
      assert.equal(cert.revocationReason, 'keyCompromise');
    });

    test('complete and delta CRLs: one cRLNumber sequence, the delta names only what changed since its base', async () => {
      const { mcms } = instance;
      const admin = mcms.localPrincipal();
      await mcms.subscribers.add(officer, { email: 'dora@example.test' });
      const before = await issue('dora@example.test', 'smime-signing');
      await mcms.certificates.revoke(officer, { serial: before, reason: 'superseded' });
      const [full, delta] = await mcms.crl.generate(admin, {}).then((crls) => crls.filter((c) => c.issuerId === 'issuing'));
      assert.equal(full!.kind, 'full');
      assert.equal(delta!.kind, 'delta');
      assert.ok(delta!.number > full!.number);
      const fullText = await crlText('full');
      assert.match(fullText, /X509v3 CRL Number: *\n *(\d+)/);
      assert.match(fullText, /Freshest CRL/);
      assert.match(fullText, /Issuing Distribution Point: critical/);
      assert.match(fullText, /\/crl\/issuing-delta\.crl/);
      assert.ok(fullText.includes(before.toUpperCase()));
      assert.ok(!(await crlText('delta')).includes('Serial Number:'), 'nothing changed since the base');

      const after1 = await issue('dora@example.test', 'smime-signing');
      await mcms.certificates.revoke(officer, { serial: after1, reason: 'cessationOfOperation' });
      assert.ok(!(await crlText('full')).includes(after1.toUpperCase()), 'the CRLs change when they are regenerated');
      const refreshed = await mcms.crl.refresh();
      assert.deepEqual(refreshed.find((r) => r.issuerId === 'issuing')?.published, ['delta']);
      const deltaText = await crlText('delta');
      assert.match(deltaText, /Delta CRL Indicator: critical\s*\n\s*(\d+)/);
      assert.equal(Number(/Delta CRL Indicator: critical\s*\n\s*(\d+)/.exec(deltaText)![1]), full!.number);
      const deltaSerials = [...deltaText.matchAll(/Serial Number: ([0-9A-F]+)/g)].map((m) => m[1]);
      assert.deepEqual(deltaSerials, [after1.toUpperCase()]);
      assert.match(deltaText, /Cessation Of Operation/);
      assert.deepEqual((await mcms.crl.refresh()).find((r) => r.issuerId === 'issuing')?.published, [], 'nothing to do when nothing changed');

      const rootCrl = await mcms.crl.current('root', 'full');
      writeFileSync(dir.file('root.crl'), rootCrl.der);
      assert.match(openssl(['crl', '-inform', 'DER', '-in', dir.file('root.crl'), '-CAfile', dir.file('chain.pem'), '-noout', '-verify']), /^$|verify OK/);
      await assert.rejects(mcms.crl.current('nope', 'full'), refusedWith('revocation.unknown-ca'));
    });
  });
}
