/**
 * CRL shards (`crl.shards`, issue 6): with MCMS_CRL_SHARDS=4 each new certificate's CRL distribution
 * point names its shard (/crl/<ca>-s<k>.crl), each shard CRL served over HTTP verifies with
 * `openssl crl -verify`, lists exactly the revoked serials of its shard (all of them are in the complete
 * CRL too) and its issuingDistributionPoint names its own URL. Without the setting the CRL DP is the
 * complete CRL and no shard is served.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import pino from 'pino';
import { startHttpServer } from '../../src/entrypoints/http/app.js';
import type { RunningHttpServer } from '../../src/entrypoints/http/app.js';
import { toPem } from '../../src/lib/pki/index.js';
import type { TestInstance } from '../support/instance.js';
import { startInstance } from '../support/instance.js';
import { makeCsr, openssl, tempDir } from '../support/openssl.js';

const SHARDS = 4;

async function serve(env: Record<string, string>): Promise<{ instance: TestInstance; server: RunningHttpServer }> {
  const instance = await startInstance('sqlite', { MCMS_PORT: '0', MCMS_HOST: '127.0.0.1', ...env });
  const server = await startHttpServer(instance.mcms, { logger: pino({ level: 'silent' }) });
  return { instance, server };
}

/** The CRL DP URI of a certificate, read by `openssl x509 -text`. */
function crlDistributionPoint(dir: ReturnType<typeof tempDir>, der: Buffer, name: string): string {
  writeFileSync(dir.file(name), der);
  const text = openssl(['x509', '-inform', 'DER', '-in', dir.file(name), '-noout', '-text']);
  const match = /X509v3 CRL Distribution Points:\s*\n\s*Full Name:\s*\n\s*URI:(\S+)/.exec(text);
  assert.ok(match, text);
  return match[1]!;
}

/** Serials (lower-case hex) listed by `openssl crl -text`. */
const listedSerials = (text: string) => [...text.matchAll(/Serial Number: ([0-9A-F]+)/g)].map((m) => m[1]!.toLowerCase());

describe('CRL shards over HTTP', () => {
  let instance: TestInstance;
  let server: RunningHttpServer;
  const dir = tempDir();

  before(async () => {
    // A P-256 CA: ECDSA signatures differ at each signing, so serving the same octets twice shows they were stored.
    ({ instance, server } = await serve({ MCMS_CRL_SHARDS: String(SHARDS), MCMS_CA_KEY_ALGORITHM: 'p-256' }));
    writeFileSync(dir.file('chain.pem'), (await instance.mcms.ca.show(instance.mcms.localPrincipal())).chain.map((der) => toPem('CERTIFICATE', der)).join(''));
  });
  after(async () => {
    await server?.close();
    await instance?.dispose();
    dir.remove();
  });

  async function fetchCrlText(path: string, name: string): Promise<{ text: string; response: Response }> {
    const response = await fetch(`${server.url}${path}`);
    assert.equal(response.status, 200, path);
    assert.equal(response.headers.get('content-type'), 'application/pkix-crl');
    writeFileSync(dir.file(name), Buffer.from(await response.arrayBuffer()));
    const run = spawnSync('openssl', ['crl', '-inform', 'DER', '-in', dir.file(name), '-CAfile', dir.file('chain.pem'), '-noout', '-text', '-verify'], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /verify OK/, `${path}: ${run.stderr}`);
    return { text: run.stdout, response };
  }

  test('certificates name their shard; each shard CRL verifies, names its URL and lists only its entries', async () => {
    const { mcms } = instance;
    const local = mcms.localPrincipal();
    await mcms.subscribers.add(local, { email: 'sid@example.test' });
    const issued: { serial: string; shardUrl: string }[] = [];
    for (let i = 0; i < 12; i++) {
      const record = await mcms.certificates.issue(local, { profile: 'smime-signing', subscriber: 'sid@example.test', csr: makeCsr(dir.path, `sid${i}`).csrPem });
      const url = crlDistributionPoint(dir, record.der, `sid${i}.der`);
      assert.match(url, /\/crl\/issuing-s[0-3]\.crl$/, 'the CRL DP names a shard');
      assert.equal(Number(/-s(\d)\.crl$/.exec(url)![1]), Number.parseInt(record.serial.slice(-2), 16) % SHARDS, 'shard = last serial octet mod N');
      issued.push({ serial: record.serial, shardUrl: url });
    }
    const revoked = issued.filter((_, i) => i % 2 === 0);
    for (const { serial } of revoked) await mcms.certificates.revoke(local, { serial, reason: 'keyCompromise' });
    await mcms.crl.generate(local, {});

    const full = await fetchCrlText('/crl/issuing.crl', 'full.crl');
    assert.deepEqual(listedSerials(full.text).sort(), revoked.map((r) => r.serial).sort(), 'the complete CRL lists every entry');
    const fullNumber = /X509v3 CRL Number:\s*\n\s*(\d+)/.exec(full.text)![1];

    for (let k = 0; k < SHARDS; k++) {
      const path = `/crl/issuing-s${k}.crl`;
      const { text, response } = await fetchCrlText(path, `s${k}.crl`);
      assert.match(text, /X509v3 Issuing Distribution Point: critical\s*\n\s*Full Name:\s*\n\s*URI:(\S+)/);
      const idp = /X509v3 Issuing Distribution Point: critical\s*\n\s*Full Name:\s*\n\s*URI:(\S+)/.exec(text)![1]!;
      assert.ok(idp.endsWith(path), `shard ${k} IDP names its URL: ${idp}`);
      assert.doesNotMatch(text, /Freshest CRL/, 'the delta belongs to the complete CRL');
      assert.equal(/X509v3 CRL Number:\s*\n\s*(\d+)/.exec(text)![1], fullNumber, 'a shard carries the number of the complete CRL it is cut from');
      const expected = revoked.filter((r) => r.shardUrl === idp).map((r) => r.serial).sort();
      assert.deepEqual(listedSerials(text).sort(), expected, `shard ${k} lists exactly its revoked serials`);
      const etag = response.headers.get('etag')!;
      assert.match(response.headers.get('cache-control')!, /public, max-age=\d+, no-transform, must-revalidate/);
      assert.ok(response.headers.get('last-modified') && response.headers.get('expires'));
      assert.equal((await fetch(`${server.url}${path}`, { headers: { 'if-none-match': etag } })).status, 304);
    }
    assert.equal((await fetch(`${server.url}/crl/issuing-s${SHARDS}.crl`)).status, 404, 'no shard beyond N');

    // Each shard was signed once and stored: another server (a worker with an empty cache) serves the same octets.
    const other = await startHttpServer(mcms, { logger: pino({ level: 'silent' }) });
    try {
      for (let k = 0; k < SHARDS; k++) {
        const again = Buffer.from(await (await fetch(`${other.url}/crl/issuing-s${k}.crl`)).arrayBuffer());
        assert.deepEqual(again, readFileSync(dir.file(`s${k}.crl`)), `shard ${k} served from the store`);
        const stored = await mcms.crl.shard('issuing', k);
        assert.deepEqual(stored.der, again);
      }
    } finally {
      await other.close();
    }
  });
});

describe('CRL shards unset', () => {
  let instance: TestInstance;
  let server: RunningHttpServer;
  const dir = tempDir();

  before(async () => {
    ({ instance, server } = await serve({}));
  });
  after(async () => {
    await server?.close();
    await instance?.dispose();
    dir.remove();
  });

  test('the CRL DP is the complete CRL and no shard is served', async () => {
    const { mcms } = instance;
    const local = mcms.localPrincipal();
    await mcms.subscribers.add(local, { email: 'una@example.test' });
    const record = await mcms.certificates.issue(local, { profile: 'smime-signing', subscriber: 'una@example.test', csr: makeCsr(dir.path, 'una').csrPem });
    assert.match(crlDistributionPoint(dir, record.der, 'una.der'), /\/crl\/issuing\.crl$/);
    assert.equal((await fetch(`${server.url}/crl/issuing-s0.crl`)).status, 404);
  });
});
