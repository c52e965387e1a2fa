/**
 * Escrow end to end against real peers: mail encrypted with `openssl smime` to a past encryption
 * certificate is read with the key that owner delivery and dual-control recovery hand back, by OpenSSL
 * and by NSS cmsutil; both PKCS#12 variants open in openssl, pk12util and certtool with the right key for
 * the right certificate; a P-256 identity (keyAgreement) works the same way.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import type { Principal } from '../../src/domain/access/index.js';
import { readCertificate } from '../../src/lib/pki/index.js';
import type { TestInstance } from '../support/instance.js';
import { startInstance } from '../support/instance.js';
import { openssl, tempDir } from '../support/openssl.js';
import {
  certtoolInfo, cmsutilDecrypt, encryptTo, keyForSerial, nssImport, opensslDecrypt, opensslPkcs12, pk12utilList,
} from '../support/escrow-peers.js';

const MESSAGE = 'old mail, still to be read\n';

describe('escrow with openssl, NSS and GnuTLS', () => {
  let instance: TestInstance;
  let officer: Principal;
  let agents: Principal[];
  const dir = tempDir('mcms-escrow-');
  let past: { serial: string; der: Buffer };
  let current: { serial: string; der: Buffer };
  let envelope: string;

  before(async () => {
    instance = await startInstance('sqlite');
    const { mcms } = instance;
    const admin = mcms.localPrincipal();
    const add = async (name: string, role: string) => mcms.authenticate((await mcms.operators.add(admin, { name, role })).token);
    officer = await add('olivia', 'officer');
    agents = [await add('agent-a', 'recovery-agent'), await add('agent-b', 'recovery-agent')];
    await mcms.subscribers.add(admin, { email: 'alice@example.test', name: 'Alice Example' });
    const first = await mcms.escrow.generate(officer, { subscriber: 'alice@example.test' });
    past = { serial: first.certificate.serial, der: first.certificate.der };
    envelope = encryptTo(dir.path, past.der, MESSAGE);
    const second = await mcms.escrow.generate(officer, { subscriber: 'alice@example.test' });
    current = { serial: second.certificate.serial, der: second.certificate.der };
    assert.equal(second.replaced, past.serial);
  });
  after(async () => {
    await instance?.dispose();
    dir.remove();
  });

  test('history shows the current identity and the past one, rekeyed', async () => {
    const { identities } = await instance.mcms.escrow.history(officer, 'alice@example.test');
    assert.deepEqual(identities.map((i) => [i.serial, i.status, i.pastReason]), [[current.serial, 'current', null], [past.serial, 'past', 'rekeyed']]);
    const fields = readCertificate(past.der);
    assert.ok(fields.emails.includes('alice@example.test'));
    assert.match(openssl(['x509', '-inform', 'DER', '-noout', '-ext', 'keyUsage,extendedKeyUsage'], past.der), /Key Encipherment[\s\S]*E-mail Protection/);
  });

  test('owner delivery: openssl reads the past message with the delivered past key, not with the current one', async () => {
    const delivery = await instance.mcms.escrow.deliver(officer, 'alice@example.test', {});
    assert.ok(delivery.password.replace(/-/g, '').length * 5 >= 112, 'a password of at least 112 bits');
    const { keys, info } = opensslPkcs12(dir.path, delivery.pkcs12, delivery.password, 'owner');
    assert.match(info, /MAC: sha1/);
    assert.match(info, /pbeWithSHA1And3-KeyTripleDES-CBC/);
    assert.equal(keys.size, 2);
    assert.equal(opensslDecrypt(dir.path, envelope, keyForSerial(keys, past.serial), past.der), MESSAGE);
    assert.throws(() => opensslDecrypt(dir.path, envelope, keyForSerial(keys, current.serial), past.der));
  });

  test('owner delivery: NSS imports the PKCS#12 and cmsutil decrypts the past message', async () => {
    const delivery = await instance.mcms.escrow.deliver(officer, 'alice@example.test', {});
    const nssDir = tempDir('mcms-nss-');
    try {
      const imported = nssImport(nssDir.path, delivery.pkcs12, delivery.password);
      assert.match(imported.output, /PKCS12 IMPORT SUCCESSFUL/);
      assert.equal(cmsutilDecrypt(imported.db, envelope), MESSAGE);
    } finally {
      nssDir.remove();
    }
  });

  for (const variant of ['legacy', 'modern'] as const) {
    test(`the ${variant} PKCS#12 opens in openssl, pk12util and certtool, each key with its own certificate`, async () => {
      const delivery = await instance.mcms.escrow.deliver(officer, 'alice@example.test', { variant });
      const { keys, certificates, info } = opensslPkcs12(dir.path, delivery.pkcs12, delivery.password, variant);
      assert.match(info, variant === 'legacy' ? /MAC: sha1/ : /MAC: sha256/);
      if (variant === 'modern') assert.match(info, /PBES2, PBKDF2, AES-256-CBC/);
      assert.equal(certificates.length, 2);
      for (const certificate of certificates) {
        const serial = readCertificate(Buffer.from(certificate.replace(/-----[^-]+-----|\s/g, ''), 'base64')).serialHex;
        const key = createPublicKey(createPrivateKey(keyForSerial(keys, serial)));
        assert.ok(key.equals(createPublicKey(certificate)), `the key named for ${serial} belongs to its certificate`);
      }
      const listed = pk12utilList(dir.path, delivery.pkcs12, delivery.password);
      assert.equal(listed.match(/Certificate\(has private key\):/g)?.length, 2, 'pk12util pairs each certificate with its key');
      assert.equal(listed.match(/Key\(shrouded\):/g)?.length, 2);
      assert.match(listed, variant === 'legacy' ? /PKCS #12 V2 PBE With SHA-1 And 3KEY Triple DES-CBC/ : /Cipher: AES-256-CBC/);
      const gnutls = certtoolInfo(dir.path, delivery.pkcs12, delivery.password);
      assert.match(gnutls, variant === 'legacy' ? /MAC: SHA1/ : /MAC: SHA256/);
      const entries = gnutls.split(/\tType: /).slice(1).map((chunk) => ({
        type: chunk.split('\n')[0], name: /Friendly name: (.*)/.exec(chunk)?.[1], keyId: /Key ID: (.*)/.exec(chunk)?.[1],
      })).filter((e) => e.name !== undefined);
      const certs = entries.filter((e) => e.type === 'Certificate');
      const keyEntries = entries.filter((e) => e.type !== 'Certificate');
      assert.equal(certs.length, 2, gnutls);
      for (const cert of certs) assert.ok(keyEntries.some((k) => k.keyId === cert.keyId && k.name === cert.name), `certtool: a key with ${cert.keyId}`);
    });
  }

  test('third-party recovery: two agents approve, the officer exports once, openssl and cmsutil read the past message', async () => {
    const { mcms } = instance;
    const request = await mcms.escrow.recover(officer, { subscriber: 'alice@example.test', serial: past.serial, reason: 'legal hold' });
    for (const agent of agents) await mcms.approvals.vote(agent, { id: request.id, decision: 'approve' });
    const exported = await mcms.escrow.export(officer, { approvalId: request.id });
    assert.deepEqual(exported.identities.map((i) => i.serial), [past.serial]);
    const { keys } = opensslPkcs12(dir.path, exported.pkcs12, exported.password, 'recovered');
    assert.equal(keys.size, 1);
    assert.equal(opensslDecrypt(dir.path, envelope, keyForSerial(keys, past.serial), past.der), MESSAGE);
    const nssDir = tempDir('mcms-nss-');
    try {
      const imported = nssImport(nssDir.path, exported.pkcs12, exported.password);
      assert.equal(cmsutilDecrypt(imported.db, envelope), MESSAGE);
    } finally {
      nssDir.remove();
    }
  });

  test('a P-256 identity carries keyAgreement, and openssl reads mail encrypted to it (ECDH) with the delivered key', async () => {
    const { mcms } = instance;
    await mcms.subscribers.add(mcms.localPrincipal(), { email: 'erin@example.test' });
    const generated = await mcms.escrow.generate(officer, { subscriber: 'erin@example.test', algorithm: 'p-256' });
    assert.match(openssl(['x509', '-inform', 'DER', '-noout', '-ext', 'keyUsage'], generated.certificate.der), /Key Agreement/);
    const ecEnvelope = encryptTo(dir.path, generated.certificate.der, MESSAGE, 'ec', 'cms');
    const delivery = await mcms.escrow.deliver(officer, 'erin@example.test', {});
    const { keys } = opensslPkcs12(dir.path, delivery.pkcs12, delivery.password, 'ec');
    assert.equal(opensslDecrypt(dir.path, ecEnvelope, keyForSerial(keys, generated.certificate.serial), generated.certificate.der, 'cms'), MESSAGE);
  });

  test('a warm pool gives a new person a correct first identity', async () => {
    const { mcms } = instance;
    await mcms.escrow.warmPool();
    await mcms.subscribers.add(mcms.localPrincipal(), { email: 'newcomer@example.test' });
    const generated = await mcms.escrow.generate(officer, { subscriber: 'newcomer@example.test' });
    assert.equal(generated.replaced, null);
    assert.equal(generated.identity.status, 'current');
    const delivery = await mcms.escrow.deliver(officer, 'newcomer@example.test', {});
    const { keys } = opensslPkcs12(dir.path, delivery.pkcs12, delivery.password, 'newcomer');
    assert.ok(createPublicKey(createPrivateKey(keyForSerial(keys, generated.certificate.serial)))
      .equals(createPublicKey({ key: readCertificate(generated.certificate.der).subjectPublicKeyInfo, format: 'der', type: 'spki' })));
  });
});
