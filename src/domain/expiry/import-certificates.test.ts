import { strict as assert } from 'node:assert';
import { randomBytes, randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { openssl, tempDir } from '../../../test/support/openssl.js';
import { PkiError, toPem } from '../../lib/pki/index.js';
import { certificatesInFile, monitoredRecord } from './import-certificates.js';

const NOW = new Date('2026-06-01T00:00:00Z');

test('reads an openssl certificate as PEM, DER and PKCS#7, with SAN and subject e-mail addresses', () => {
  const dir = tempDir('mcms-import-unit-');
  try {
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', dir.file('k.pem'), '-out', dir.file('c.pem'),
      '-days', '5', '-subj', '/CN=Foreign/emailAddress=Subject@Example.test', '-addext', 'subjectAltName=email:san@example.test']);
    openssl(['crl2pkcs7', '-nocrl', '-certfile', dir.file('c.pem'), '-out', dir.file('c.p7b.pem')]);
    openssl(['crl2pkcs7', '-nocrl', '-certfile', dir.file('c.pem'), '-outform', 'DER', '-out', dir.file('c.p7b')]);
    const [der] = certificatesInFile(readFileSync(dir.file('c.pem')));
    assert.ok(der);
    assert.deepEqual(certificatesInFile(der), [der]);
    assert.deepEqual(certificatesInFile(readFileSync(dir.file('c.p7b'))), [der]);
    assert.deepEqual(certificatesInFile(readFileSync(dir.file('c.p7b.pem'))), [der]);
    const record = monitoredRecord(der, NOW, 'file');
    assert.deepEqual(record.emails, ['san@example.test', 'subject@example.test']);
    assert.match(record.issuer, /CN=Foreign/);
    assert.equal(certificatesInFile(Buffer.from(toPem('CERTIFICATE', der) + toPem('CERTIFICATE', der))).length, 2);
  } finally {
    dir.remove();
  }
});

test('garbage (20,000 mutated certificates and bundles) is refused with a PkiError, never anything else', () => {
  const dir = tempDir('mcms-import-fuzz-');
  try {
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', dir.file('k.pem'), '-out', dir.file('c.pem'),
      '-days', '5', '-subj', '/CN=F', '-addext', 'subjectAltName=email:x@example.test']);
    openssl(['crl2pkcs7', '-nocrl', '-certfile', dir.file('c.pem'), '-outform', 'DER', '-out', dir.file('c.p7b')]);
    openssl(['x509', '-in', dir.file('c.pem'), '-outform', 'DER', '-out', dir.file('c.der')]);
    const seeds = [readFileSync(dir.file('c.der')), readFileSync(dir.file('c.p7b'))];
    let refused = 0;
    for (let i = 0; i < 20_000; i += 1) {
      const input = Buffer.from(seeds[i % 2]!);
      for (let k = randomInt(1, 6); k > 0; k -= 1) input[randomInt(input.length)] = randomInt(256);
      const mutated = i % 7 === 0 ? input.subarray(0, randomInt(input.length)) : i % 11 === 0 ? Buffer.concat([input, randomBytes(5)]) : input;
      try {
        certificatesInFile(mutated).map((der) => monitoredRecord(der, NOW, 'file'));
      } catch (error) {
        assert.ok(error instanceof PkiError, `mutation ${i}: ${String(error)}`);
        refused += 1;
      }
    }
    assert.ok(refused > 1000, `${refused} refused`);
  } finally {
    dir.remove();
  }
});
