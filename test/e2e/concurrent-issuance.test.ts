/**
 * 1,000 issuances at once, on each database: 1,000 certificates with 1,000 distinct serials, each in the
 * inventory once and each with its own audit record, and a chain that still verifies.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readCertificate } from '../../src/lib/pki/index.js';
import type { TestInstance } from '../support/instance.js';
import { dialects, startInstance } from '../support/instance.js';
import { makeCsr, tempDir } from '../support/openssl.js';

const COUNT = 1000;

for (const { dialect, skip } of dialects) {
  describe(`concurrent issuance on ${dialect}`, { skip }, () => {
    let instance: TestInstance;
    const dir = tempDir();
    before(async () => {
      instance = await startInstance(dialect);
      await instance.mcms.subscribers.add(instance.mcms.localPrincipal(), { email: 'bulk@example.test' });
    });
    after(async () => {
      await instance?.dispose();
      dir.remove();
    });

    test(`${COUNT} concurrent issuances give ${COUNT} distinct serials`, async () => {
      // One request, certified many times: issuance never depends on the key being new, and the test
      // stays about issuance rather than key generation.
      const { csrPem } = makeCsr(dir.path, 'bulk', 'ec:P-256');
      const admin = instance.mcms.localPrincipal();
      const results = await Promise.all(Array.from({ length: COUNT }, () =>
        instance.mcms.certificates.issue(admin, { profile: 'smime-signing', subscriber: 'bulk@example.test', csr: csrPem })));
      const serials = new Set(results.map((r) => r.serial));
      assert.equal(serials.size, COUNT);
      for (const r of results.slice(0, 20)) assert.equal(readCertificate(r.der).serialHex, r.serial);

      const listed = new Set<string>();
      let cursor: string | undefined;
      do {
        const page = await instance.mcms.certificates.list(admin, { subscriber: 'bulk@example.test' }, { limit: 300, cursor });
        for (const item of page.items) listed.add(item.serial);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      assert.deepEqual([...listed].sort(), [...serials].sort());

      const audit = await instance.mcms.audit.verify(admin);
      assert.equal(audit.ok, true, JSON.stringify(audit.findings.slice(0, 5)));
      assert.ok(audit.records >= COUNT + 3);
    });
  });
}

