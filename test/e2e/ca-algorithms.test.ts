/**
 * `mcms init` with each selectable CA key algorithm: the hierarchy signs with the algorithm S/MIME BR
 * §7.1.3.2 pairs with the key (RSA → sha256WithRSAEncryption, P-256 → ecdsa-with-SHA256, P-384 →
 * ecdsa-with-SHA384), the SCEP RA and profile signer stay RSA, and issued certificates verify.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toPem } from '../../src/lib/pki/index.js';
import { startInstance } from '../support/instance.js';
import { makeCsr, openssl, tempDir, verifyChain } from '../support/openssl.js';

const CASES = [
  { algorithm: 'rsa-3072', signature: /sha256WithRSAEncryption/, key: /Public-Key: \(3072 bit\)/ },
  { algorithm: 'rsa-4096', signature: /sha256WithRSAEncryption/, key: /Public-Key: \(4096 bit\)/ },
  { algorithm: 'p-256', signature: /ecdsa-with-SHA256/, key: /NIST CURVE: P-256/ },
  { algorithm: 'p-384', signature: /ecdsa-with-SHA384/, key: /NIST CURVE: P-384/ },
] as const;

for (const c of CASES) {
  test(`a ${c.algorithm} CA hierarchy issues verifiable certificates`, async () => {
    const instance = await startInstance('sqlite', { MCMS_CA_KEY_ALGORITHM: c.algorithm });
    const dir = tempDir();
    try {
      const admin = instance.mcms.localPrincipal();
      const { chain } = await instance.mcms.ca.show(admin);
      const [issuingPem, rootPem] = chain.map((der) => toPem('CERTIFICATE', der)) as [string, string];
      assert.match(openssl(['x509', '-noout', '-text'], rootPem), c.key);
      assert.match(openssl(['x509', '-noout', '-text'], issuingPem), c.signature);
      const ra = await instance.mcms.ca.identity('scep-ra');
      assert.match(openssl(['x509', '-inform', 'DER', '-noout', '-text'], ra!.certificate), /rsaEncryption/);

      await instance.mcms.subscribers.add(admin, { email: 'erin@example.test' });
      const { csrPem } = makeCsr(dir.path, 'erin', 'rsa:2048');
      const record = await instance.mcms.certificates.issue(admin, { profile: 'smime-dual', subscriber: 'erin@example.test', csr: csrPem });
      const leaf = toPem('CERTIFICATE', record.der);
      assert.match(openssl(['x509', '-noout', '-text'], leaf), c.signature);
      assert.match(verifyChain(dir.path, leaf, [issuingPem, rootPem], 'smimesign'), /leaf\.pem: OK/);
    } finally {
      await instance.dispose();
      dir.remove();
    }
  });
}
