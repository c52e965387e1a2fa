/**
 * The device profile (issue 5): a person with five past encryption identities and a current one gets
 * one profile with the CA chain, a SCEP signing payload, six pkcs12 payloads and a mail account whose
 * S/MIME encryption points at the current identity; the profile passes Apple's schemas, openssl's
 * signature check, plistutil, and every PKCS#12 opens in OpenSSL and NSS with its payload's password.
 * A rebuild keeps the identifiers and UUIDs (so the device updates, not duplicates); a device with an
 * identity certificate gets its payloads encrypted to it; Exchange accounts pass their schema too; and
 * the checker itself rejects broken profiles.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Principal } from '../../src/domain/access/index.js';
import { readCertificate, toPem } from '../../src/lib/pki/index.js';
import { dialects, startInstance } from '../support/instance.js';
import type { TestInstance } from '../support/instance.js';
import { makeCsr, openssl, tempDir } from '../support/openssl.js';
import { rawSql } from '../support/escrow-peers.js';
import { checkMobileconfig, checkPkcs12Payload, schemaProblems } from '../support/profile-schema.js';

const IMAP = {
  MCMS_BASE_URL: 'https://pki.example.test', MCMS_CA_ORGANIZATION: 'Example Org',
  MCMS_DELIVERY_MAIL_ACCOUNT: 'imap', MCMS_DELIVERY_IMAP_INCOMING_HOST: 'imap.example.test', MCMS_DELIVERY_IMAP_OUTGOING_HOST: 'smtp.example.test',
};

for (const { dialect, skip } of dialects) {
  describe(`device profile (${dialect})`, { skip }, () => {
    let instance: TestInstance;
    let admin: Principal;
    let rootPem: string;
    const dir = tempDir('mcms-profile-');
    const serials: string[] = [];

    before(async () => {
      instance = await startInstance(dialect, IMAP);
      admin = instance.mcms.localPrincipal();
      const { chain } = await instance.mcms.ca.show(admin);
      rootPem = toPem('CERTIFICATE', chain[chain.length - 1]!);
      await instance.mcms.subscribers.add(admin, { email: 'erin@example.test', name: 'Erin Example' });
      for (let i = 0; i < 6; i++) serials.push((await instance.mcms.escrow.generate(admin, { subscriber: 'erin@example.test' })).identity.serial);
    });
    after(async () => {
      await instance?.dispose();
      dir.remove();
    });

    test('five past identities and the current one: six pkcs12 payloads, Mail encrypts with the current one', async () => {
      const device = await instance.mcms.devices.add(admin, { subscriber: 'erin@example.test', name: 'iPhone' });
      const built = await instance.mcms.delivery.buildProfile(admin, { subscriber: 'erin@example.test', deviceId: device.id });
      assert.equal(built.encryptedTo, null);
      assert.deepEqual(new Set(built.encryptionSerials), new Set(serials));
      assert.equal(built.encryptionSerials[0], serials[5], 'the current identity first');
      const profile = checkMobileconfig(built.mobileconfig, { dir: dir.path, rootPem });
      assert.match(profile.verification, /Verification successful/);
      assert.equal(profile.top.PayloadIdentifier, built.identifier);
      assert.equal(profile.ofType('com.apple.security.root').length, 1);
      assert.equal(profile.ofType('com.apple.security.pkcs1').length, 1);
      const pkcs12 = profile.ofType('com.apple.security.pkcs12');
      assert.equal(pkcs12.length, 6);
      const [scep] = profile.ofType('com.apple.security.scep');
      const content = scep!.PayloadContent as Record<string, unknown>;
      assert.equal(content.URL, 'https://pki.example.test/scep/smime-signing');
      assert.deepEqual(content.Subject, [[['CN', 'erin@example.test']]]);
      assert.deepEqual(content.SubjectAltName, { rfc822Name: 'erin@example.test' });
      assert.equal(content.Keysize, 2048);
      assert.equal(content['Key Type'], 'RSA');
      assert.equal(content['Key Usage'], 1);
      assert.match(String(content.Challenge), /^[a-z2-7]{16}\./);
      const challenges = await instance.mcms.challenges.list(admin, 'erin@example.test');
      const challenge = challenges.find((c) => String(content.Challenge).startsWith(`${c.id}.`));
      assert.ok(challenge, 'the SCEP challenge is a one-time challenge of the person');
      assert.equal(challenge.deviceId, device.id);
      assert.equal(challenge.profile, 'smime-signing');
      assert.equal(challenge.status, 'open');

      const [mail] = profile.ofType('com.apple.mail.managed');
      assert.equal(mail!.SMIMESigningCertificateUUID, scep!.PayloadUUID);
      const current = pkcs12.find((p) => p.PayloadUUID === mail!.SMIMEEncryptionCertificateUUID)!;
      const currentCert = checkPkcs12Payload(dir.path, current, 99).certificatePem;
      assert.match(openssl(['x509', '-noout', '-serial'], currentCert), new RegExp(`serial=${serials[5]}`, 'i'));
      for (const key of ['SMIMEEncryptionEnabled', 'SMIMEEnablePerMessageSwitch', 'SMIMEEnableEncryptionPerMessageSwitch', 'SMIMESigningEnabled']) assert.equal(mail![key], true, key);
      assert.equal(mail!.IncomingMailServerHostName, 'imap.example.test');
    });

    test('a rebuild for the same device keeps identifiers and UUIDs, with a fresh challenge', async () => {
      const device = await instance.mcms.devices.add(admin, { subscriber: 'erin@example.test', name: 'iPad' });
      const first = checkMobileconfig((await instance.mcms.delivery.buildProfile(admin, { subscriber: 'erin@example.test', deviceId: device.id })).mobileconfig, { dir: dir.path, rootPem });
      const second = checkMobileconfig((await instance.mcms.delivery.buildProfile(admin, { subscriber: 'erin@example.test', deviceId: device.id })).mobileconfig, { dir: dir.path, rootPem });
      assert.equal(first.top.PayloadIdentifier, second.top.PayloadIdentifier);
      assert.notEqual(first.top.PayloadUUID, second.top.PayloadUUID);
      const ids = (p: typeof first) => p.payloads.map((x) => `${String(x.PayloadIdentifier)} ${String(x.PayloadUUID)}`);
      assert.deepEqual(ids(first), ids(second));
      const challenge = (p: typeof first) => (p.ofType('com.apple.security.scep')[0]!.PayloadContent as Record<string, unknown>).Challenge;
      assert.notEqual(challenge(first), challenge(second));
    });

    test('a device with an identity certificate gets its payloads encrypted to it (openssl opens them)', async () => {
      const device = await instance.mcms.devices.add(admin, { subscriber: 'erin@example.test', name: 'work phone' });
      const { csrPem, keyFile } = makeCsr(dir.path, 'device-identity');
      const identity = await instance.mcms.certificates.issue(admin, { profile: 'smime-dual', subscriber: 'erin@example.test', csr: csrPem, deviceId: device.id });
      const built = await instance.mcms.delivery.buildProfile(admin, { subscriber: 'erin@example.test', deviceId: device.id });
      assert.equal(built.encryptedTo, identity.serial);
      assert.throws(() => checkMobileconfig(built.mobileconfig, { dir: dir.path, rootPem }), /encrypted/);
      const profile = checkMobileconfig(built.mobileconfig, {
        dir: dir.path, rootPem, recipient: { keyPem: readFileSync(keyFile, 'utf8'), certificatePem: toPem('CERTIFICATE', identity.der) },
      });
      assert.equal(profile.top.IsEncrypted, true);
      assert.equal(profile.top.PayloadContent, undefined);
      assert.equal(profile.ofType('com.apple.security.pkcs12').length, 6);
      assert.ok(!profile.xml.toString().includes('Password'), 'no PKCS#12 password outside the envelope');
      assert.equal(readCertificate(identity.der).serialHex, identity.serial);
    });

    test('a lost device gets no profile, and its open link delivers nothing', async () => {
      const device = await instance.mcms.devices.add(admin, { subscriber: 'erin@example.test', name: 'lost phone' });
      const { url } = await instance.mcms.delivery.invite(admin, { subscriber: 'erin@example.test', deviceId: device.id });
      const token = new URL(url).pathname.slice('/enroll/'.length);
      assert.equal((await instance.mcms.delivery.openLink(token)).state, 'open');
      await rawSql(instance, dialect, "update devices set status = 'lost' where id = $1", [device.id]);
      await assert.rejects(instance.mcms.delivery.buildProfile(admin, { subscriber: 'erin@example.test', deviceId: device.id }), { code: 'delivery.device-inactive' });
      assert.equal((await instance.mcms.delivery.openLink(token)).state, 'revoked');
      await assert.rejects(instance.mcms.delivery.downloadProfile(token), { code: 'delivery.link-revoked' });
    });

    test('the checker refuses what Apple would: a wrong key size, an unknown key, a dangling UUID, a missing key', () => {
      const top = { PayloadType: 'Configuration', PayloadVersion: 1, PayloadIdentifier: 'a.b', PayloadUUID: 'A0000000-0000-0000-0000-000000000000', PayloadContent: [] };
      const scep = { PayloadType: 'com.apple.security.scep', PayloadVersion: 1, PayloadIdentifier: 'a.b.s', PayloadUUID: 'B0000000-0000-0000-0000-000000000000',
        PayloadContent: { URL: 'https://x', Keysize: 3072, KeyType: 'RSA' } };
      const mail = { PayloadType: 'com.apple.mail.managed', PayloadVersion: 1, PayloadIdentifier: 'a.b.m', PayloadUUID: 'C0000000-0000-0000-0000-000000000000',
        EmailAccountType: 'EmailTypeIMAP', IncomingMailServerHostName: 'h', IncomingMailServerAuthentication: 'EmailAuthPassword',
        OutgoingMailServerHostName: 'h', SMIMEEncryptionCertificateUUID: 'D0000000-0000-0000-0000-000000000000', SMIMESigningCertificateUUID: 'B0000000-0000-0000-0000-000000000000' };
      const problems = schemaProblems(top, [scep, mail]);
      assert.ok(problems.some((p) => /Keysize: 3072 is not one of/.test(p)), problems.join('\n'));
      assert.ok(problems.some((p) => /KeyType: key not in Apple's schema/.test(p)), problems.join('\n'));
      assert.ok(problems.some((p) => /SMIMEEncryptionCertificateUUID: .* names no payload/.test(p)), problems.join('\n'));
      assert.ok(problems.some((p) => /OutgoingMailServerAuthentication: required key missing/.test(p)), problems.join('\n'));
      assert.ok(!problems.some((p) => /SMIMESigningCertificateUUID/.test(p)), 'a reference to the SCEP payload resolves');
    });
  });
}

describe('device profile with an Exchange account', () => {
  let instance: TestInstance;
  const dir = tempDir('mcms-profile-eas-');
  before(async () => {
    instance = await startInstance('sqlite', {
      MCMS_DELIVERY_MAIL_ACCOUNT: 'exchange', MCMS_DELIVERY_EXCHANGE_HOST: 'eas.example.test', MCMS_DELIVERY_EXCHANGE_USER_NAME: 'local-part',
      MCMS_DELIVERY_SIGNING_PROFILE: 'smime-dual',
    });
  });
  after(async () => {
    await instance?.dispose();
    dir.remove();
  });

  test('com.apple.eas.account passes its schema and points S/MIME at the profile\'s identities; a first profile generates the encryption key; a dual-use device key', async () => {
    const admin = instance.mcms.localPrincipal();
    await instance.mcms.subscribers.add(admin, { email: 'finn@example.test' });
    const built = await instance.mcms.delivery.buildProfile(admin, { subscriber: 'finn@example.test' });
    assert.equal(built.encryptionSerials.length, 1, 'no identity yet: one is generated and archived');
    const { chain } = await instance.mcms.ca.show(admin);
    const profile = checkMobileconfig(built.mobileconfig, { dir: dir.path, rootPem: toPem('CERTIFICATE', chain[chain.length - 1]!) });
    const [eas] = profile.ofType('com.apple.eas.account');
    assert.equal(eas!.Host, 'eas.example.test');
    assert.equal(eas!.UserName, 'finn');
    assert.equal(eas!.SMIMEEncryptionCertificateUUID, profile.ofType('com.apple.security.pkcs12')[0]!.PayloadUUID);
    const scep = profile.ofType('com.apple.security.scep')[0]!.PayloadContent as Record<string, unknown>;
    assert.equal(scep['Key Usage'], 5, 'delivery.signingProfile smime-dual: a dual-use device key');
    assert.match(String(scep.URL), /\/scep\/smime-dual$/);
    const [challenge] = await instance.mcms.challenges.list(admin, 'finn@example.test');
    assert.equal(challenge!.profile, 'smime-dual');
    const { devices } = await instance.mcms.devices.list(admin, 'finn@example.test');
    assert.deepEqual(devices.map((d) => d.id), [built.deviceId], 'a device is registered for the profile');

    // The current encryption certificate revoked: the next profile brings a new current identity, and keeps the old one for old mail.
    await rawSql(instance, 'sqlite', "update certificates set status = 'revoked' where serial = $1", [built.encryptionSerials[0]]);
    const rebuilt = await instance.mcms.delivery.buildProfile(admin, { subscriber: 'finn@example.test', deviceId: built.deviceId });
    assert.equal(rebuilt.encryptionSerials.length, 2);
    assert.notEqual(rebuilt.encryptionSerials[0], built.encryptionSerials[0]);
    assert.equal(rebuilt.encryptionSerials[1], built.encryptionSerials[0]);
  });
});
