/**
 * `GET /api/v1/lookup?email=…` over real HTTP: a gateway token (that may do nothing else) gets the
 * current encryption certificate as PEM with its chain (openssl verifies it for S/MIME), as DER or as
 * JSON by Accept; an unknown mailbox, a person without a certificate and a compromised key all get the
 * same 404 problem; no token is a 401, a malformed address a 400.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { startHttpServer } from '../../src/entrypoints/http/app.js';
import type { RunningHttpServer } from '../../src/entrypoints/http/app.js';
import type { Principal } from '../../src/domain/access/index.js';
import type { TestInstance } from '../support/instance.js';
import { startInstance } from '../support/instance.js';
import { openssl, tempDir } from '../support/openssl.js';
import { writeFileSync } from 'node:fs';

describe('certificate lookup over the REST API', () => {
  let instance: TestInstance;
  let server: RunningHttpServer;
  let admin: Principal;
  let gateway: string;
  let der: Buffer;
  let serial: string;
  const lookup = (email: string, headers: Record<string, string> = {}, token: string | null = gateway) =>
    fetch(`${server.url}/api/v1/lookup?email=${encodeURIComponent(email)}`, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });

  before(async () => {
    instance = await startInstance('sqlite', { MCMS_PORT: '0', MCMS_HOST: '127.0.0.1', MCMS_ESCROW_POOL_SIZE: '0' });
    server = await startHttpServer(instance.mcms, { logger: pino({ level: 'silent' }) });
    admin = await instance.mcms.authenticate(instance.adminToken);
    gateway = (await instance.mcms.operators.add(admin, { name: 'mx-gateway', role: 'gateway' })).token;
    await instance.mcms.subscribers.add(admin, { email: 'hana@example.test', extraMailboxes: ['h.alias@example.test'] });
    await instance.mcms.subscribers.add(admin, { email: 'ivo@example.test' });
    const generated = await instance.mcms.escrow.generate(admin, { subscriber: 'hana@example.test' });
    der = generated.certificate.der;
    serial = generated.certificate.serial;
  });
  after(async () => {
    await server?.close();
    await instance?.dispose();
  });

  test('PEM by default: the certificate then its chain; openssl verifies it for S/MIME', async () => {
    const response = await lookup('H.Alias@example.test');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/x-pem-file');
    const pem = await response.text();
    const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/g)!;
    assert.equal(blocks.length, 3);
    assert.equal(Buffer.from(blocks[0]!.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64').equals(der), true);
    const dir = tempDir();
    try {
      writeFileSync(dir.file('leaf.pem'), blocks[0]!);
      writeFileSync(dir.file('issuing.pem'), blocks[1]!);
      writeFileSync(dir.file('root.pem'), blocks[2]!);
      const verified = openssl(['verify', '-purpose', 'smimeencrypt', '-CAfile', dir.file('root.pem'), '-untrusted', dir.file('issuing.pem'), dir.file('leaf.pem')]);
      assert.match(verified, /leaf\.pem: OK/);
    } finally {
      dir.remove();
    }
  });

  test('DER and JSON by Accept', async () => {
    const binary = await lookup('hana@example.test', { accept: 'application/pkix-cert' });
    assert.equal(binary.headers.get('content-type'), 'application/pkix-cert');
    assert.ok(Buffer.from(await binary.arrayBuffer()).equals(der));
    const json = await lookup('hana@example.test', { accept: 'application/json' });
    const body = await json.json() as { serial: string; profile: string; state: string };
    assert.deepEqual([body.serial, body.profile, body.state], [serial, 'smime-encryption', 'valid']);
  });

  test('unknown mailbox, no certificate, compromised key: the same 404 problem; no token 401; bad address 400', async () => {
    const problems = [];
    for (const email of ['nobody@example.test', 'ivo@example.test']) problems.push(await lookup(email));
    await instance.mcms.escrow.markCompromised(admin, { serial });
    problems.push(await lookup('hana@example.test'));
    for (const response of problems) {
      assert.equal(response.status, 404);
      assert.equal(response.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      assert.equal((await response.json() as { code: string }).code, 'certificate.not-found');
    }
    assert.equal((await lookup('hana@example.test', {}, null)).status, 401);
    assert.equal((await lookup('not an address')).status, 400);
    const other = await fetch(`${server.url}/api/v1/certificates`, { headers: { authorization: `Bearer ${gateway}` } });
    assert.equal(other.status, 403, 'a gateway token may only look up');
  });
});
