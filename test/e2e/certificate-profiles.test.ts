/**
 * Every certificate profile, in each generation it exists in, for RSA and EC keys: the issued
 * certificate verifies with `openssl verify` against the chain from `mcms ca show --pem`, and its
 * extensions — read from the DER by an independent parser (@peculiar/x509) — match the CA/B Forum
 * S/MIME Baseline Requirements table below, written from the BR text, not from mcms's profile code.
 */
import 'reflect-metadata';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as x509 from '@peculiar/x509';
import { makeCsr, tempDir, verifyChain } from '../support/openssl.js';
import type { TestInstance } from '../support/instance.js';
import { startInstance } from '../support/instance.js';
import { toPem } from '../../src/lib/pki/index.js';

const EMAIL_PROTECTION = '1.3.6.1.5.5.7.3.4';
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const KU = x509.KeyUsageFlags;

/** S/MIME BR §7.1.2.3 (e) keyUsage, as mcms documents its choice within what the BR allows. */
const BR_KEY_USAGE: Record<string, { rsa: number; ec: number }> = {
  'smime-signing': { rsa: KU.digitalSignature | KU.nonRepudiation, ec: KU.digitalSignature | KU.nonRepudiation },
  'smime-encryption': { rsa: KU.keyEncipherment, ec: KU.keyAgreement },
  'smime-dual': { rsa: KU.digitalSignature | KU.keyEncipherment, ec: KU.digitalSignature | KU.keyAgreement },
  'device-auth': { rsa: KU.digitalSignature, ec: KU.digitalSignature },
};
/** Bits the BR never allows for each purpose ("other bits SHALL NOT be set"). */
const BR_FORBIDDEN = KU.keyCertSign | KU.cRLSign | KU.dataEncipherment;

/** §7.1.2.3 (f): strict = emailProtection only; multipurpose may add clientAuth. */
const BR_EKU: Record<string, Record<string, string[]>> = {
  strict: { 'smime-signing': [EMAIL_PROTECTION], 'smime-encryption': [EMAIL_PROTECTION], 'smime-dual': [EMAIL_PROTECTION] },
  multipurpose: {
    'smime-signing': [EMAIL_PROTECTION], 'smime-encryption': [EMAIL_PROTECTION], 'smime-dual': [EMAIL_PROTECTION],
    'device-auth': [EMAIL_PROTECTION, CLIENT_AUTH],
  },
};
/** §7.1.6.1 reserved policy OIDs: 2.23.140.1.5.<validation type>.<generation>. */
const POLICY = { mailbox: { strict: '2.23.140.1.5.1.3', multipurpose: '2.23.140.1.5.1.2' }, sponsor: { strict: '2.23.140.1.5.3.3', multipurpose: '2.23.140.1.5.3.2' } };
const PURPOSE: Record<string, string> = { 'smime-signing': 'smimesign', 'smime-encryption': 'smimeencrypt', 'smime-dual': 'smimesign', 'device-auth': 'sslclient' };

interface Setup {
  generation: 'strict' | 'multipurpose';
  validation: 'mailbox' | 'sponsor';
  env: Record<string, string>;
}

const SETUPS: Setup[] = [
  { generation: 'strict', validation: 'mailbox', env: {} },
  {
    generation: 'multipurpose', validation: 'sponsor',
    env: {
      MCMS_PROFILES_SMIME_SIGNING_GENERATION: 'multipurpose', MCMS_PROFILES_SMIME_ENCRYPTION_GENERATION: 'multipurpose',
      MCMS_PROFILES_SMIME_DUAL_GENERATION: 'multipurpose', MCMS_CERTIFICATES_VALIDATION: 'sponsor', MCMS_CA_ORGANIZATION: 'Example Corp',
      MCMS_BASE_URL: 'http://pki.example.test:8080',
    },
  },
];

for (const setup of SETUPS) {
  describe(`${setup.generation} profiles, ${setup.validation}-validated`, () => {
    let instance: TestInstance;
    const dir = tempDir();
    let chain: string[];
    let issuing: x509.X509Certificate;

    before(async () => {
      instance = await startInstance('sqlite', setup.env);
      const admin = instance.mcms.localPrincipal();
      await instance.mcms.subscribers.add(admin, { email: 'Alice@Example.test', name: 'Alice Example', extraMailboxes: ['alice.extra@example.test'] });
      chain = (await instance.mcms.ca.show(admin)).chain.map((der) => toPem('CERTIFICATE', der));
      issuing = new x509.X509Certificate(chain[0]!);
    });
    after(async () => {
      await instance.dispose();
      dir.remove();
    });

    for (const [profile, eku] of Object.entries(BR_EKU[setup.generation]!)) {
      for (const keyType of ['rsa', 'ec'] as const) {
        test(`${profile} with an ${keyType.toUpperCase()} key`, async () => {
          const { csrPem } = makeCsr(dir.path, `${profile}-${keyType}`, keyType === 'rsa' ? 'rsa:2048' : 'ec:P-256');
          const record = await instance.mcms.certificates.issue(instance.mcms.localPrincipal(), { profile, subscriber: 'alice@example.test', csr: csrPem });
          const pem = toPem('CERTIFICATE', record.der);
          const cert = new x509.X509Certificate(pem);

          // Chain and purpose, by openssl. OpenSSL's smimeencrypt purpose insists on keyEncipherment even
          // for EC keys, where the BR (and RFC 5753 ECDH) call for keyAgreement: those verify the chain only.
          const purpose = profile === 'smime-encryption' && keyType === 'ec' ? undefined : PURPOSE[profile];
          assert.match(verifyChain(dir.path, pem, chain, purpose), /leaf\.pem: OK/);

          // Serial: positive, ≥ 64 bits of CSPRNG output (we use 128), stored as openssl prints it.
          const serial = Buffer.from(cert.serialNumber, 'hex');
          assert.ok(serial.length >= 15 && serial.length <= 16, `serial length ${serial.length}`);
          assert.ok(serial[0]! < 0x80, 'serial is positive');
          assert.equal(record.serial, cert.serialNumber.toLowerCase().replace(/^0+/, ''));

          // Validity ≤ 825 days, counting the inclusive last second (§6.3.2).
          const days = (cert.notAfter.getTime() - cert.notBefore.getTime() + 1000) / 86_400_000;
          assert.ok(days <= 825, `validity ${days} days`);

          // Subject and SAN from the person's record; nothing from the CSR survives.
          const subject = cert.subjectName.toJSON().flatMap((rdn) => Object.entries(rdn).map(([k, v]) => `${k}=${v.join('+')}`));
          if (setup.validation === 'mailbox') assert.deepEqual(subject, ['CN=alice@example.test']);
          else assert.deepEqual(subject, ['O=Example Corp', 'CN=Alice Example', 'E=alice@example.test']);
          const san = cert.getExtension(x509.SubjectAlternativeNameExtension)!;
          assert.equal(san.critical, false);
          assert.deepEqual(san.names.toJSON(), [{ type: 'email', value: 'alice@example.test' }, { type: 'email', value: 'alice.extra@example.test' }]);
          assert.doesNotMatch(pem + cert.subject, /evil|attacker/);

          // keyUsage: critical, exactly the BR bits for the purpose and key type.
          const ku = cert.getExtension(x509.KeyUsagesExtension)!;
          assert.equal(ku.critical, true);
          assert.equal(ku.usages, BR_KEY_USAGE[profile]![keyType]);
          assert.equal(ku.usages & BR_FORBIDDEN, 0);

          // extKeyUsage: exactly as the BR table says for the generation.
          const ekuExt = cert.getExtension(x509.ExtendedKeyUsageExtension)!;
          assert.deepEqual([...ekuExt.usages].map(String).sort(), [...eku].sort());

          // certificatePolicies: exactly one reserved OID, for the validation type and generation.
          const policies = cert.getExtension(x509.CertificatePolicyExtension)!;
          assert.deepEqual([...policies.policies], [POLICY[setup.validation][setup.generation]]);

          // CRL DP and AIA: HTTP URLs under MCMS_BASE_URL (§7.1.2.3 b, c).
          const base = setup.env.MCMS_BASE_URL ?? 'http://localhost:8080';
          const text = execFileSync('openssl', ['x509', '-noout', '-text'], { input: pem, encoding: 'utf8' });
          assert.match(text, new RegExp(`URI:${base}/crl/issuing\\.crl`));
          assert.match(text, new RegExp(`OCSP - URI:${base}/ocsp`));
          assert.match(text, new RegExp(`CA Issuers - URI:${base}/ca/issuing\\.crt`));
          assert.doesNotMatch(text, /CA:TRUE/);

          // Key identifiers: AKI = the issuing CA's SKI; SKI = SHA-1 of the subject public key (RFC 5280 §4.2.1.2).
          const aki = cert.getExtension(x509.AuthorityKeyIdentifierExtension)!;
          assert.equal(aki.keyId, issuing.getExtension(x509.SubjectKeyIdentifierExtension)!.keyId);
          const spki = Buffer.from(cert.publicKey.rawData);
          const ski = cert.getExtension(x509.SubjectKeyIdentifierExtension)!;
          assert.equal(ski.keyId, createHash('sha1').update(subjectPublicKeyBits(spki)).digest('hex'));

          // A second, independent parser accepts it.
          writeFileSync(dir.file('leaf.pem'), pem);
          const gnutls = execFileSync('certtool', ['--certificate-info', '--infile', dir.file('leaf.pem')], { encoding: 'utf8' });
          assert.match(gnutls, /RFC822Name: alice@example\.test/);
        });
      }
    }

    test('the CA hierarchy and service certificates carry their extensions', async () => {
      const { identities } = await instance.mcms.ca.show(instance.mcms.localPrincipal());
      const text = async (id: string) => {
        const identity = await instance.mcms.ca.identity(id);
        return execFileSync('openssl', ['x509', '-inform', 'DER', '-noout', '-text'], { input: identity!.certificate, encoding: 'utf8' });
      };
      assert.deepEqual(identities.map((i) => i.role).sort(), ['issuing-ca', 'ocsp-signer', 'profile-signer', 'root-ca', 'scep-ra']);
      assert.match(await text('root'), /CA:TRUE/);
      assert.match(await text('root'), /Certificate Sign, CRL Sign/);
      assert.match(await text('issuing'), /CA:TRUE, pathlen:0/);
      assert.match(await text('scep-ra'), /Digital Signature, Key Encipherment/);
      assert.match(await text('ocsp-signer'), /OCSP Signing/);
      assert.match(await text('ocsp-signer'), /OCSP No Check/);
      for (const id of ['scep-ra', 'ocsp-signer', 'profile-signer']) {
        const identity = await instance.mcms.ca.identity(id);
        assert.match(verifyChain(dir.path, toPem('CERTIFICATE', identity!.certificate), chain), /leaf\.pem: OK/);
      }
    });
  });
}

/** The subjectPublicKey BIT STRING contents (without the unused-bits byte) of a DER SubjectPublicKeyInfo. */
function subjectPublicKeyBits(spki: Buffer): Buffer {
  const text = execFileSync('openssl', ['asn1parse', '-inform', 'DER'], { input: spki, encoding: 'utf8' });
  const line = text.split('\n').find((l) => l.includes('BIT STRING'))!;
  const [offset, header, length] = /^\s*(\d+):d=\d+\s+hl=(\d+)\s+l=\s*(\d+)/.exec(line)!.slice(1).map(Number) as [number, number, number];
  return spki.subarray(offset + header + 1, offset + header + length);
}
